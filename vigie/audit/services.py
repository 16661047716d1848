"""Writing to and checking the access log."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.core.net import client_ip

from .models import GENESIS, AuditEvent, ChainHead


def record(
    action: str,
    *,
    actor: User | None = None,
    organisation: Organisation | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one entry to the access log, chained to the previous one.

    ``request`` supplies the actor and address when given; a request of the API also names its token
    (``detail["api_token"]``: the token's prefix), so that an access through the API reads as one. Call this
    inside the same transaction as the access it records where there is one, so that an access never happens
    without its entry.
    """
    if request is not None:
        if actor is None and request.user.is_authenticated:
            actor = request.user  # type: ignore[assignment]
        ip = client_ip(request)  # through the trusted proxies only (VIGIE_TRUSTED_PROXIES)
        token = getattr(request, "api_token", None)
        if token is not None:
            detail = {**(detail or {}), "api_token": token.prefix}
    else:
        ip = None
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.length + 1,
            at=timezone.now(),
            actor=actor,
            actor_label=actor.email if actor is not None else "",
            organisation=organisation,
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            detail=detail or {},
            ip_address=ip,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.length = event.seq
        head.save(update_fields=["last_hash", "length"])
    return event


def verify_chain() -> list[str]:
    """Recompute every hash; return the problems found (an empty list means the log is intact)."""
    problems: list[str] = []
    previous = GENESIS
    expected_seq = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            problems.append(f"entry #{expected_seq} is missing (next is #{event.seq})")
            expected_seq = event.seq
        if event.prev_hash != previous:
            problems.append(f"entry #{event.seq} does not follow the previous entry")
        if event.compute_hash() != event.hash:
            problems.append(f"entry #{event.seq} was altered")
        previous = event.hash
        expected_seq += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        problems.append("the last entries were removed")
    return problems
