from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vigie.audit"
    label = "audit"
    verbose_name = _("Access log")

    def worker_started(self) -> None:
        """Called by ``vigie worker`` when it starts: anchor the log's head outside the database, then hourly."""
        from .tasks import ensure_checkpointing

        ensure_checkpointing()
