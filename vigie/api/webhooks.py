"""Webhooks: endpoints of an organisation, events emitted to them, deliveries tried and retried.

Every state change is one function here that owns its transaction (and writes the access log where a person
acts):

- ``create_endpoint(org, *, by, url, events, description="") -> (WebhookEndpoint, secret)``
- ``update_endpoint(endpoint, *, by, events, description, active) -> WebhookEndpoint``
- ``delete_endpoint(endpoint, *, by)`` and ``rotate_secret(endpoint, *, by) -> secret``
- ``emit(org, event_type, data, *, now=None) -> list[WebhookDelivery]``: one delivery per subscribed endpoint,
  written in the caller's transaction (an event of a write that is rolled back is never sent), sent after commit
- ``send_test(endpoint, *, by) -> WebhookDelivery`` and ``replay(delivery, *, by) -> WebhookDelivery``
- ``deliver(delivery_id, *, now=None) -> WebhookDelivery``: one try, then the next one scheduled

A delivery is tried at once, then again after each delay of ``VIGIE_WEBHOOK_RETRY_SECONDS`` (5 s, 1 min, 5 min,
30 min, 2 h, 6 h by default: six retries), then given up. Only a 2xx answer counts as delivered. A try claims
its delivery by moving ``next_attempt_at`` forward in one UPDATE, so two workers never send the same try, and
no database lock is held while the receiver answers.
"""

from __future__ import annotations

import json
import logging
import secrets as random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.audit.services import record

from . import outbound
from .models import DeliveryStatus, EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint, event_choices
from .secrets import decrypt_secret, encrypt_secret, new_secret, signature

logger = logging.getLogger(__name__)

USER_AGENT = "Vigie-Webhooks/1"
MAX_ENDPOINTS = 10


def _require_owner(org: Organisation, by: User | None) -> None:
    if by is None:
        return  # the operator, from the command line
    membership = Membership.objects.filter(user=by, organisation=org).first()
    if membership is None or not membership.has_role(Role.OWNER):
        raise PermissionDenied


def _clean_events(events: list[str]) -> list[str]:
    known = [value for value, _label in event_choices()]
    chosen = [event for event in known if event in set(events)]
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    return chosen


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        outbound.resolve(url)
    except outbound.Refused as error:
        raise ValidationError({"url": str(error)}) from None
    return url


def create_endpoint(
    org: Organisation, *, by: User | None, url: str, events: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint; return it with its signing secret, which the page shows once."""
    _require_owner(org, by)
    url, events = _clean_url(url), _clean_events(events)
    if WebhookEndpoint.objects.for_org(org).count() >= MAX_ENDPOINTS:
        raise ValidationError(_("An organisation has at most %(n)d webhooks.") % {"n": MAX_ENDPOINTS})
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organisation=org, url=url, events=events, description=description.strip()[:200],
            secret_encrypted=encrypt_secret(secret), created_by=by,
        )  # fmt: skip
        record("webhook.created", actor=by, organisation=org, obj=endpoint, detail={"url": url, "events": events})
        transaction.on_commit(_start_clock)
    return endpoint, secret


def update_endpoint(
    endpoint: WebhookEndpoint, *, by: User | None, events: list[str], description: str, active: bool
) -> WebhookEndpoint:
    _require_owner(endpoint.organisation, by)
    events = _clean_events(events)
    with transaction.atomic():
        endpoint.events, endpoint.description, endpoint.active = events, description.strip()[:200], active
        endpoint.save(update_fields=["events", "description", "active"])
        record("webhook.updated", actor=by, organisation=endpoint.organisation, obj=endpoint,
               detail={"events": events, "active": active})  # fmt: skip
        if active:
            transaction.on_commit(_start_clock)
    return endpoint


def _start_clock() -> None:
    from .tasks import ensure_ticking

    ensure_ticking()


def delete_endpoint(endpoint: WebhookEndpoint, *, by: User | None) -> None:
    """Remove an endpoint and its delivery log."""
    _require_owner(endpoint.organisation, by)
    with transaction.atomic():
        record("webhook.deleted", actor=by, organisation=endpoint.organisation, obj=endpoint,
               detail={"url": endpoint.url})  # fmt: skip
        endpoint.delete()


def rotate_secret(endpoint: WebhookEndpoint, *, by: User | None) -> str:
    """A new signing secret, effective at once for the next tries; return it (shown once)."""
    _require_owner(endpoint.organisation, by)
    secret = new_secret()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted=encrypt_secret(secret))
        record("webhook.secret_rotated", actor=by, organisation=endpoint.organisation, obj=endpoint)
    endpoint.refresh_from_db()
    return secret


# --- Emitting -----------------------------------------------------------------------------------------------


def new_message_id() -> str:
    return "msg_" + random.token_urlsafe(18)


def _payload(event_type: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    # The Standard Webhooks envelope: the type, when it happened, and the data of the event.
    return {"type": event_type, "timestamp": now.astimezone().isoformat(), "data": data}


def _enqueue_on_commit(delivery_ids: list[int]) -> None:
    from .tasks import deliver_webhook

    def enqueue() -> None:
        for delivery_id in delivery_ids:
            deliver_webhook.enqueue(delivery_id)

    transaction.on_commit(enqueue)


def emit(
    org: Organisation, event_type: str, data: dict[str, Any], *, now: datetime | None = None
) -> list[WebhookDelivery]:
    """Queue ``event_type`` for every active endpoint of ``org`` subscribed to it (none: nothing is written)."""
    now = now or timezone.now()
    endpoints = list(WebhookEndpoint.objects.for_org(org).subscribed_to(event_type))
    if not endpoints:
        return []
    payload = _payload(event_type, data, now)
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                message_id=new_message_id(),
                event_type=event_type,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )  # fmt: skip
            for endpoint in endpoints
        ]
        _enqueue_on_commit([delivery.pk for delivery in deliveries])
    return deliveries


def send_test(endpoint: WebhookEndpoint, *, by: User | None) -> WebhookDelivery:
    """Send a ``webhook.ping`` event to one endpoint, to check that it receives and verifies signatures."""
    _require_owner(endpoint.organisation, by)
    now = timezone.now()
    data = {"endpoint": endpoint.pk, "message": "Vigie test event"}
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, message_id=new_message_id(), event_type=EventType.PING,
            payload=_payload(EventType.PING, data, now), created_at=now, next_attempt_at=now,
        )  # fmt: skip
        record("webhook.test_sent", actor=by, organisation=endpoint.organisation, obj=endpoint)
        _enqueue_on_commit([delivery.pk])
    return delivery


def replay(delivery: WebhookDelivery, *, by: User | None) -> WebhookDelivery:
    """Send a delivery again, now, with the same ``webhook-id`` (the receiver may recognise it), whatever its
    outcome so far; a failed one gets its retries back."""
    endpoint = delivery.endpoint
    _require_owner(endpoint.organisation, by)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        record("webhook.replayed", actor=by, organisation=endpoint.organisation, obj=endpoint,
               detail={"delivery": delivery.pk, "message_id": delivery.message_id})  # fmt: skip
        _enqueue_on_commit([delivery.pk])
    delivery.refresh_from_db()
    return delivery


# --- Delivering ---------------------------------------------------------------------------------------------


def retry_delays() -> list[float]:
    return [float(seconds) for seconds in settings.VIGIE_WEBHOOK_RETRY_SECONDS]


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def headers_for(delivery: WebhookDelivery, secret: str, *, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, delivery.message_id, timestamp, body),
    }


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Take the try of a due delivery for this call alone (moves its next try past the request's timeout)."""
    lease = now + timedelta(seconds=settings.VIGIE_WEBHOOK_TIMEOUT * 3 + 30)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def deliver(delivery_id: int, *, now: datetime | None = None) -> WebhookDelivery | None:
    """Try one delivery that is due (anything else: nothing happens, so running it twice is harmless)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return WebhookDelivery.objects.filter(pk=delivery_id).first()
    endpoint = delivery.endpoint
    manual = delivery.attempts == 0 and WebhookAttempt.objects.filter(delivery=delivery).exists()
    status_code: int | None = None
    excerpt = error = ""
    duration = 0
    permanent = False
    if not endpoint.active:
        error, permanent = "endpoint disabled", True
    else:
        body = body_of(delivery)
        try:
            headers = headers_for(delivery, decrypt_secret(bytes(endpoint.secret_encrypted)), timestamp=int(now.timestamp()),
                                  body=body)  # fmt: skip
            answer = outbound.post(endpoint.url, body, headers)
        except outbound.Refused as refused:
            error, permanent = str(refused), True  # a refused address does not become allowed by waiting
        except (OSError, ValueError) as failure:
            error = f"connection failed: {failure}" if str(failure) else "connection failed"
        else:
            status_code, excerpt, duration = answer.status, answer.excerpt, answer.duration_ms
    ok = status_code is not None and 200 <= status_code < 300
    number = WebhookAttempt.objects.filter(delivery=delivery).count() + 1
    delays = retry_delays()
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, number=number, at=now, status_code=status_code, response_excerpt=excerpt[:300],
            error=error[:300], duration_ms=duration, manual=manual,
        )  # fmt: skip
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = status_code, error[:300]
        if ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
        elif permanent or delivery.attempts > len(delays):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=delays[delivery.attempts - 1])
        delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at", "last_status_code",
                                     "last_error"])  # fmt: skip
    if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
        _schedule(delivery.pk, delivery.next_attempt_at)
    return delivery


def _schedule(delivery_id: int, when: datetime) -> bool:
    """Enqueue the next try for ``when``. A backend that cannot wait (immediate: tests, development without a
    worker) leaves it to the clock (``tick``), which sends what is due."""
    from .tasks import deliver_webhook

    if not deliver_webhook.get_backend().supports_defer:
        return False
    deliver_webhook.using(run_after=when).enqueue(delivery_id)
    return True


def forget_old_deliveries(*, now: datetime | None = None) -> int:
    """Delete the deliveries (and their tries) older than ``VIGIE_WEBHOOK_LOG_DAYS``: the log is for
    troubleshooting, not an archive, and its payloads name breaches."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.VIGIE_WEBHOOK_LOG_DAYS)
    deleted, _by_model = (
        WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(status=DeliveryStatus.PENDING).delete()
    )
    return deleted


def send_due(*, now: datetime | None = None) -> int:
    """Try every delivery whose time has come and passed by a minute (its task was lost, or never could be
    deferred); return how many were tried. Harmless beside the tasks: a try is claimed before it is made."""
    now = now or timezone.now()
    late = now - timedelta(seconds=60)
    ids = list(WebhookDelivery.objects.due(late).order_by("next_attempt_at").values_list("pk", flat=True)[:200])
    return sum(1 for delivery_id in ids if deliver(delivery_id, now=now) is not None)
