"""Background work of the breaches app (Django's Tasks API; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_breach_reminders(breach_id: int) -> int:
    """Send the deadline reminders of one breach that are due now; harmless to run again or too early.

    Enqueued at T-24 h and T-6 h of each deadline when a breach is assessed. It re-reads the breach, so a
    deadline that moved or an obligation done since sends nothing (``services.send_due_reminders``).
    """
    return services.send_due_reminders(breach_id=breach_id)
