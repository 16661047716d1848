from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaksConfig(AppConfig):
    name = "vigie.leaks"
    label = "leaks"
    verbose_name = _("Leaked files")

    def ready(self) -> None:
        from vigie.campaigns.signals import campaign_purged, purge_due_run

        campaign_purged.connect(_campaign_purged, dispatch_uid="leaks.campaign_purged")
        purge_due_run.connect(_purge_due, dispatch_uid="leaks.purge_due")

    def worker_started(self) -> None:
        """A leak matching killed with its worker starts again from its encrypted files (``vigie worker``)."""
        from .services import recover_matchings

        recover_matchings()


def _campaign_purged(sender: Any, campaign: Any, **kwargs: Any) -> None:
    from .services import purge_with_campaign

    purge_with_campaign(campaign)


def _purge_due(sender: Any, now: Any, **kwargs: Any) -> None:
    from .services import purge_due

    purge_due(now=now)
