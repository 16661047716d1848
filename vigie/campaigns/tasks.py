"""Background work of campaigns (Django's Tasks API; ``vigie worker`` runs them from the database queue).

One task per sender, not per person: the database queue runs a few hundred tasks per second, so each
``dispatch_campaign`` claims chunks of recipients until none is left, and per-person state lives in Vigie's
own table. Every task is idempotent: run twice, or after a crash, it picks up exactly what is left.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import dispatch, letters, services
from .models import Campaign, CampaignStatus


@task()
def import_campaign(campaign_id: int) -> int:
    """Read, validate and store an uploaded list (restarts from scratch if interrupted)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    report = services.run_import(campaign)
    return int(report.valid)


@task()
def dispatch_campaign(campaign_id: int) -> int:
    """One sender: claims chunks of e-mails (and SMS) and sends them over one connection until none is left."""
    stats = dispatch.dispatch(campaign_id)
    services.after_dispatch(campaign_id)
    return stats.sent


@task()
def render_campaign_letters(campaign_id: int) -> int:
    """Render letter batches (1,000 letters per PDF) until no letter is left to produce."""
    done = letters.render_letters(campaign_id)
    services.finish_if_complete(campaign_id)
    return done


@task()
def purge_due_campaigns() -> int:
    """Purge the persons' data of campaigns past their retention."""
    return services.purge_due()


def _watch_waiting() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY", task_path=f"{__name__}.watch_campaigns").count()


def _watch_needed() -> bool:
    return Campaign.objects.filter(status__in=(CampaignStatus.RUNNING, CampaignStatus.IMPORTING)).exists()


def ensure_watching() -> bool:
    """Start the campaign watch when a campaign runs or imports and no watch is waiting (``vigie worker`` calls
    it as it starts, and so do starting, resuming and importing). Nothing without a deferring queue."""
    if not watch_campaigns.get_backend().supports_defer or not _watch_needed() or _watch_waiting():
        return False
    watch_campaigns.enqueue()
    return True


@task()
def watch_campaigns() -> int:
    """Queue again the work of campaigns whose senders died or failed (``services.watch_campaigns``), then come
    back in ``VIGIE_CAMPAIGN_WATCH_SECONDS`` while campaigns run: one chain, however many workers."""
    queued = services.watch_campaigns()
    if watch_campaigns.get_backend().supports_defer and _watch_needed() and not _watch_waiting():
        later = timezone.now() + timedelta(seconds=settings.VIGIE_CAMPAIGN_WATCH_SECONDS)
        watch_campaigns.using(run_after=later).enqueue()
    return queued
