from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "vigie.incidents"
    label = "incidents"
    verbose_name = _("Incidents at a processor")

    def ready(self) -> None:
        from vigie.campaigns.signals import purge_due_run

        purge_due_run.connect(_purge_due, dispatch_uid="incidents.purge_due")

    def worker_started(self) -> None:
        """A split killed with its worker is queued again to resume, and watched while files are being split."""
        from .tasks import ensure_watching
        from .uploads import recover_splits

        recover_splits()
        ensure_watching()


def _purge_due(sender: Any, now: Any, **kwargs: Any) -> None:
    from .uploads import purge_due_uploads

    purge_due_uploads(now=now)
