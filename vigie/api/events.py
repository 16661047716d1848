"""Where webhook events come from.

- ``breach.created``: a receiver of ``post_save`` on :class:`Breach` (created), so that a breach declared from
  the page, the API or the command line is announced alike, in the transaction that declares it.
- Moments (``obligation.due_24h``, ``obligation.due_6h``, ``obligation.overdue``, ``campaign.progress``,
  ``campaign.finished``): found by the webhook clock (:func:`scan`, run every minute by the ``webhook_tick``
  task), which looks at the open breaches and the campaigns of organisations that have endpoints, and emits each
  moment once (:class:`WebhookNotice`). Looking rather than hooking keeps the breaches and campaigns apps free
  of any knowledge of webhooks, and a moment missed while no worker ran is caught at the next tick.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import Organisation
from vigie.breaches.models import Breach, ObligationRow
from vigie.campaigns.models import Campaign, CampaignStatus

from .models import EventType, WebhookEndpoint, WebhookNotice
from .webhooks import emit

logger = logging.getLogger(__name__)

OBLIGATION_EVENTS = (EventType.OBLIGATION_DUE_24H, EventType.OBLIGATION_DUE_6H, EventType.OBLIGATION_OVERDUE)
CAMPAIGN_EVENTS = (EventType.CAMPAIGN_PROGRESS, EventType.CAMPAIGN_FINISHED)


def breach_data(breach: Breach) -> dict[str, Any]:
    """What an event says of a breach: identifiers and links, nothing of the persons concerned."""
    return {
        "id": breach.pk,
        "reference": breach.reference,
        "title": breach.title,
        "status": breach.status,
        "became_aware_at": timezone.localtime(breach.became_aware_at).isoformat(),
        "url": settings.SITE_URL + reverse("breaches:detail", args=[breach.organisation_id, breach.pk]),
        "api_url": settings.SITE_URL + f"/api/v1/breaches/{breach.pk}/",
    }


def _on_breach_saved(sender: type[Breach], instance: Breach, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        emit(instance.organisation, EventType.BREACH_CREATED, {"breach": breach_data(instance)})


def connect() -> None:
    post_save.connect(_on_breach_saved, sender=Breach, dispatch_uid="vigie.api.breach_created")


# --- The clock ---------------------------------------------------------------------------------------------


def _once(org: Organisation, key: str, event_type: str, data: dict[str, Any], now: datetime) -> bool:
    """Emit the event unless this moment was already emitted; True when it is emitted now."""
    try:
        with transaction.atomic():
            WebhookNotice.objects.create(organisation=org, key=key)
            emit(org, event_type, data, now=now)
    except IntegrityError:
        return False  # another tick got there first
    return True


def obligation_moment(row: ObligationRow, now: datetime) -> str | None:
    """The most urgent moment a formality has reached: overdue, then 6 hours left, then 24 hours left."""
    if not row.is_open or row.due is None:
        return None
    if now > row.due:
        return EventType.OBLIGATION_OVERDUE
    if row.due - timedelta(hours=6) <= now:
        return EventType.OBLIGATION_DUE_6H
    if row.due - timedelta(hours=24) <= now:
        return EventType.OBLIGATION_DUE_24H
    return None


def _obligations(org: Organisation, wanted: set[str], now: datetime) -> int:
    emitted = 0
    for breach in Breach.objects.for_org(org).open().assessed().select_related("organisation"):
        for row in breach.obligation_rows():
            moment = obligation_moment(row, now)
            if moment is None or moment not in wanted or row.due is None:
                continue
            data = {
                "breach": breach_data(breach),
                "obligation": {
                    "id": row.id,
                    "title": row.title,
                    "status": row.status,
                    "due": timezone.localtime(row.due).isoformat(),
                    "seconds_left": int((row.due - now).total_seconds()),
                },
            }
            key = f"{moment}:{breach.pk}:{row.id}:{row.due.isoformat()}"
            emitted += _once(org, key, moment, data, now)
    return emitted


def campaign_data(campaign: Campaign) -> dict[str, Any]:
    counts = campaign.counts()
    total = counts["total"] - counts["duplicates"]
    done = total - counts["pending"]
    return {
        "id": campaign.pk,
        "breach_id": campaign.breach_id,
        "status": campaign.status,
        "total": total,
        "done": done,
        "percent": round(100 * done / total, 1) if total else 0.0,
        "counts": counts,
    }


def _campaigns(org: Organisation, wanted: set[str], since: datetime, now: datetime) -> int:
    emitted = 0
    campaigns = Campaign.objects.for_org(org).filter(
        status__in=(CampaignStatus.RUNNING, CampaignStatus.PAUSED, CampaignStatus.DONE, CampaignStatus.PURGED)
    )
    announced = set(
        WebhookNotice.objects.for_org(org)
        .filter(key__startswith=f"{EventType.CAMPAIGN_FINISHED}:")
        .values_list("key", flat=True)
    )
    for campaign in campaigns.exclude(finished_at__lt=since):
        if f"{EventType.CAMPAIGN_FINISHED}:{campaign.pk}" in announced:
            continue  # its story is told: no need to count its persons every minute
        data = campaign_data(campaign)
        if EventType.CAMPAIGN_PROGRESS in wanted and data["total"]:
            tenth = int(10 * data["done"] // data["total"])
            prefix = f"{EventType.CAMPAIGN_PROGRESS}:{campaign.pk}:"
            reached = [
                int(key.removeprefix(prefix))
                for key in WebhookNotice.objects.for_org(org)
                .filter(key__startswith=prefix)
                .values_list("key", flat=True)
            ]
            if tenth >= 1 and tenth > max(reached, default=0):
                emitted += _once(org, f"{prefix}{tenth}", EventType.CAMPAIGN_PROGRESS, {"campaign": data}, now)
        finished = campaign.status in (CampaignStatus.DONE, CampaignStatus.PURGED)
        if EventType.CAMPAIGN_FINISHED in wanted and finished:
            key = f"{EventType.CAMPAIGN_FINISHED}:{campaign.pk}"
            emitted += _once(org, key, EventType.CAMPAIGN_FINISHED, {"campaign": data}, now)
    return emitted


def scan(*, now: datetime | None = None) -> int:
    """Emit every moment reached and not yet emitted, for each organisation with an active endpoint."""
    now = now or timezone.now()
    emitted = 0
    by_org: dict[int, tuple[set[str], datetime]] = {}
    for org_id, events, created_at in WebhookEndpoint.objects.active().values_list(
        "organisation_id", "events", "created_at"
    ):
        wanted, since = by_org.get(org_id, (set(), created_at))
        by_org[org_id] = (wanted | set(events or []), min(since, created_at))
    for org in Organisation.objects.filter(pk__in=list(by_org)):
        wanted, since = by_org[org.pk]
        if wanted & set(OBLIGATION_EVENTS):
            emitted += _obligations(org, wanted, now)
        if wanted & set(CAMPAIGN_EVENTS):
            emitted += _campaigns(org, wanted, since, now)
    return emitted
