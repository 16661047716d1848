from typing import Any

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

    def persons_informed(self, breach: Any) -> dict[str, int]:
        """For the breach's dossier (``vigie.documents``): how many persons each channel reached through this
        breach's campaigns — a server accepted the e-mail or the SMS, or the letter was deposited with the mail
        house; a rehearsal reached nobody. The CNIL asks by which means the persons were told."""
        from .models import informed_by_channel

        return informed_by_channel(breach)
