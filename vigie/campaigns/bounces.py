"""Bounces: delivery-status notifications (RFC 3464) read from a mailbox file (mbox or a single .eml).

A bounce is a ``multipart/report; report-type=delivery-status`` message whose per-recipient part says
``Action: failed`` with a ``5.x.x`` status (a ``4.x.x`` "delayed" report is not a bounce). The campaign and
the person are found from the Message-ID of the original message, which Vigie made deterministic
(``<vigie.CAMPAIGN.RECIPIENT.TAG@domain>``, see ``messages.message_id``): from an ``Original-Message-ID``
field, or from the returned headers (``text/rfc822-headers`` or ``message/rfc822`` part). The tag is checked,
so a forged report cannot mark an arbitrary person bounced.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from django.utils.crypto import constant_time_compare, salted_hmac

MESSAGE_ID = re.compile(r"<vigie\.(\d+)\.(\d+)\.([0-9a-f]{12})@[^>]+>")


@dataclass(frozen=True)
class Bounce:
    campaign_id: int
    recipient_id: int
    reason: str


def _ours(message_id: str) -> tuple[int, int] | None:
    match = MESSAGE_ID.search(message_id or "")
    if not match:
        return None
    campaign_id, recipient_id, tag = int(match[1]), int(match[2]), match[3]
    expected = salted_hmac("vigie.campaigns.message-id", f"{campaign_id}.{recipient_id}").hexdigest()[:12]
    return (campaign_id, recipient_id) if constant_time_compare(tag, expected) else None


def _status_blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient field blocks of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    blocks = [block for block in re.split(r"\r?\n\r?\n", text.strip()) if block.strip()]
    return [message_from_bytes(block.encode(), policy=policy.compat32) for block in blocks]


def parse_dsn(message: Message) -> Bounce | None:
    """The bounce described by one DSN message, or None (not a DSN, not a failure, not one of ours)."""
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    failed = False
    reason = ""
    original = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in _status_blocks(part):
                original = original or str(block.get("Original-Message-ID", "") or "")
                action = str(block.get("Action", "")).strip().lower()
                status = str(block.get("Status", "")).strip()
                if action == "failed" and status.startswith("5"):
                    failed = True
                    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
                    reason = f"{status} {diagnostic}".strip()
        elif kind in ("text/rfc822-headers", "message/rfc822-headers"):
            payload = part.get_payload(decode=True)
            headers = message_from_bytes(payload if isinstance(payload, bytes) else b"", policy=policy.compat32)
            original = original or str(headers.get("Message-ID", "") or "")
        elif kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original = original or str(inner[0].get("Message-ID", "") or "")
    if not failed:
        return None
    ids = _ours(original)
    if ids is None:
        return None
    return Bounce(ids[0], ids[1], reason[:500] or "5.0.0")


def bounces_in_mailbox(path: Path) -> Iterator[Bounce]:
    """Every bounce of Vigie's messages in an mbox file (or one message file)."""
    raw = path.read_bytes()
    if raw.startswith(b"From "):
        messages: Iterator[Message] = iter(mailbox.mbox(str(path), create=False))
    else:
        messages = iter([message_from_bytes(raw, policy=policy.compat32)])
    for message in messages:
        bounce = parse_dsn(message)
        if bounce is not None:
            yield bounce
