"""Writing to and checking the access log."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.accounts.net import client_ip

from . import checkpoints
from .models import GENESIS, KEYED, AuditEvent, ChainHead, chain_key


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
            actor = request.user
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
        event.hash = event.compute_hash()  # keyed (chain version 2)
        event.save()
        head.last_hash = event.hash
        head.length = event.seq
        head.save(update_fields=["last_hash", "length"])
    return event


@dataclass
class Walk:
    """What one pass over the chain found: its problems, its last entry, and its first keyed entry."""

    problems: list[str] = field(default_factory=list)
    length: int = 0
    last_hash: str = GENESIS
    keyed_from: int | None = None
    hashes_at: dict[int, str] = field(default_factory=dict)  # the hash of each entry a checkpoint names


def _walk(anchored: Collection[int] = ()) -> Walk:
    walk = Walk()
    key = chain_key()
    expected_seq = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            walk.problems.append(f"entry #{expected_seq} is missing (next is #{event.seq})")
            expected_seq = event.seq
        if event.prev_hash != walk.last_hash:
            walk.problems.append(f"entry #{event.seq} does not follow the previous entry")
        if event.chain_version == KEYED and walk.keyed_from is None:
            walk.keyed_from = event.seq
        elif event.chain_version != KEYED and walk.keyed_from is not None:
            walk.problems.append(f"entry #{event.seq} is not keyed, after keyed entries")
        if event.compute_hash(key) != event.hash:
            walk.problems.append(f"entry #{event.seq} was altered")
        if event.seq in anchored:
            walk.hashes_at[event.seq] = event.hash
        walk.last_hash = event.hash
        walk.length = event.seq
        expected_seq += 1
    return walk


def verify_chain() -> list[str]:
    """Recompute every hash and compare the chain with every checkpoint kept outside the database; return the
    problems found (an empty list means the log is intact)."""
    return _verify()[0]


def _verify() -> tuple[list[str], Walk]:
    saved, problems = checkpoints.read()
    walk = _walk({checkpoint.length for checkpoint in saved})
    problems = walk.problems + problems
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != walk.last_hash:
        problems.append("the last entries were removed")
    for checkpoint in saved:
        when = f"{checkpoint.at:%Y-%m-%d %H:%M}"
        if checkpoint.length > walk.length:
            problems.append(
                f"the log ends at #{walk.length} but the checkpoint of {when} saw #{checkpoint.length}: "
                "entries were removed"
            )
        elif checkpoint.length and walk.hashes_at.get(checkpoint.length) != checkpoint.hash:
            problems.append(f"entry #{checkpoint.length} is not the one the checkpoint of {when} saw")
    keyed_from = min((checkpoint.keyed_from for checkpoint in saved), default=None)
    if keyed_from is not None and keyed_from <= walk.length and walk.keyed_from != keyed_from:
        problems.append(f"entries from #{keyed_from} must be keyed, as the checkpoints say, and are not")
    return list(dict.fromkeys(problems)), walk


def last_checkpoint() -> checkpoints.Checkpoint | None:
    saved, _problems = checkpoints.read()
    return saved[-1] if saved else None


def write_checkpoint() -> tuple[checkpoints.Checkpoint | None, list[str]]:
    """Anchor the chain's head outside the database, once the chain checks out (a tampered chain is never
    anchored: that would bless the tampering). Returns the checkpoint written, or the problems found."""
    problems, walk = _verify()
    if problems:
        return None, problems
    checkpoint = checkpoints.Checkpoint(
        at=checkpoints.now(),
        length=walk.length,
        hash=walk.last_hash,
        keyed_from=walk.keyed_from if walk.keyed_from is not None else walk.length + 1,
    )
    checkpoints.append(checkpoint)
    return checkpoint, []
