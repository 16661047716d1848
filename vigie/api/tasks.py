"""Background work of webhooks (Django's Tasks API): each try of a delivery, and the clock.

The clock (``webhook_tick``) runs every ``VIGIE_WEBHOOK_TICK_SECONDS`` while the organisations have endpoints: it emits the moments reached (deadlines
24 h and 6 h away or past, campaign progress), tries the deliveries whose task was lost and forgets the deliveries
older than ``VIGIE_WEBHOOK_LOG_DAYS``. Each tick enqueues
the next one, unless another is already waiting, so that the workers that start together keep one chain.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import events, webhooks
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One try of one delivery (nothing if it is not due: a duplicate task is harmless)."""
    delivery = webhooks.deliver(delivery_id)
    return delivery.status if delivery is not None else "gone"


def _waiting_ticks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY", task_path=f"{__name__}.webhook_tick").count()


def _deferrable() -> bool:
    return bool(webhook_tick.get_backend().supports_defer)


def _needed() -> bool:
    """The clock has work while an endpoint is active or a delivery waits (an installation without webhooks
    runs no tick at all)."""
    return (
        WebhookEndpoint.objects.active().exists()
        or WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    )


@task()
def webhook_tick() -> int:
    """Emit the moments reached and send what is overdue; then schedule the next tick."""
    now = timezone.now()
    emitted = events.scan(now=now)
    webhooks.send_due(now=now)
    webhooks.forget_old_deliveries(now=now)
    if _deferrable() and _needed() and not _waiting_ticks():
        webhook_tick.using(run_after=now + timedelta(seconds=settings.VIGIE_WEBHOOK_TICK_SECONDS)).enqueue()
    return emitted


def ensure_ticking() -> bool:
    """Start the clock when it has work and no tick is waiting (``vigie worker`` calls it as it starts, and so
    does adding or re-activating an endpoint)."""
    if not _deferrable() or not _needed() or _waiting_ticks():
        return False
    webhook_tick.enqueue()
    return True
