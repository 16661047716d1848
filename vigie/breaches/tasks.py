"""Background work of the breaches app (Django's Tasks API; the database backend in production)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import services
from .models import Breach


@task()
def send_breach_reminders(breach_id: int) -> int:
    """Send the deadline reminders of one breach that are due now; harmless to run again or too early.

    Enqueued at T-24 h and T-6 h of each deadline when a breach is assessed. It re-reads the breach, so a
    deadline that moved or an obligation done since sends nothing (``services.send_due_reminders``).
    """
    return services.send_due_reminders(breach_id=breach_id)


def _waiting_clocks() -> int:
    return DBTaskResult.objects.filter(status="READY", task_path=f"{__name__}.overdue_clock").count()


def _clock_runs() -> bool:
    """The clock needs the database queue (it waits an hour between ticks) and an open breach with a deadline:
    an installation with nothing due runs no tick at all."""
    if not isinstance(overdue_clock.get_backend(), DatabaseBackend):
        return False
    return any(
        row.is_open and row.due is not None
        for breach in Breach.objects.open().assessed()
        for row in breach.obligation_rows()
    )


@task()
def overdue_clock() -> int:
    """Send today's overdue reminders (once a day per breach), then come back in an hour (one chain of ticks)."""
    now = timezone.now()
    sent = services.send_overdue_reminders(now=now)
    if _clock_runs() and not _waiting_clocks():
        overdue_clock.using(run_after=now + services.OVERDUE_CHECK).enqueue()
    return sent


def ensure_overdue_clock() -> bool:
    """Start the overdue clock when it has work and no tick is waiting (``vigie worker`` calls it as it starts,
    and so does scheduling a breach's reminders)."""
    if not _clock_runs() or _waiting_clocks():
        return False
    overdue_clock.enqueue()
    return True
