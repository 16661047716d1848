"""Bounces: a late bounce fails the e-mail and turns the person to a letter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..models import Campaign, Channel, DeliveryEvent, EventKind, Recipient, State
from .lifecycle import reopen_for_letters

# --- Bounces ------------------------------------------------------------------------------------------------


def record_bounce(campaign: Campaign, recipient_id: int, *, reason: str, at: datetime | None = None) -> bool:
    """Record one bounce; the person gets a letter when they have an address. False if already recorded."""
    from ..dispatch import fall_back_to_letter

    at = at or timezone.now()
    with transaction.atomic():
        updated = Recipient.objects.filter(
            campaign=campaign, pk=recipient_id, bounce_at__isnull=True, channel=Channel.EMAIL
        ).update(bounce_at=at, bounce_reason=reason[:500], state=State.BOUNCED)
        if not updated:
            return False
        DeliveryEvent.objects.create(campaign=campaign, recipient_id=recipient_id, kind=EventKind.BOUNCED,
                                     detail=reason[:500])  # fmt: skip
        fall_back_to_letter([recipient_id], campaign_id=campaign.pk, reason=reason)
    return True


def record_bounces(campaign: Campaign, path: Path) -> dict[str, int]:
    """Read delivery-status notifications from a mailbox file and record the bounces of this campaign."""
    from ..bounces import bounces_in_mailbox

    found = recorded = 0
    for bounce in bounces_in_mailbox(path):
        if bounce.campaign_id != campaign.pk:
            continue
        found += 1
        recorded += record_bounce(campaign, bounce.recipient_id, reason=bounce.reason)
    if recorded:
        reopen_for_letters(campaign)
    return {"found": found, "recorded": recorded}
