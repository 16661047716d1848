from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "vigie.campaigns"
    label = "campaigns"
    verbose_name = _("Informing affected persons")

    def worker_started(self) -> None:
        """Called by ``vigie worker`` when it starts: keep the campaign watch running (``tasks.watch_campaigns``)."""
        from .tasks import ensure_watching

        ensure_watching()
