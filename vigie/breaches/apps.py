from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreachesConfig(AppConfig):
    name = "vigie.breaches"
    label = "breaches"
    verbose_name = _("Breaches")

    def worker_started(self) -> None:
        """Called by ``vigie worker`` when it starts: keep the hourly clock of overdue reminders running."""
        from .tasks import ensure_overdue_clock

        ensure_overdue_clock()
