from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app may use and that uses no app: the limits of what Vigie reads, the spreadsheets it writes."""

    name = "vigie.common"
    label = "common"
    verbose_name = _("Shared tools")
