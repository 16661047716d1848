from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "vigie.compliance"
    label = "compliance"
    verbose_name = _("Prevention and compliance")

    def ready(self) -> None:
        # A breach pre-fills its data from the record and links the last self-assessment (see the module).
        from vigie.breaches.prevention import plug

        from .prevention import RecordOfProcessing

        plug(RecordOfProcessing())
