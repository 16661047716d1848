"""The campaign watch: recipients stuck "being sent" by a sender that died or failed are taken up again while the
workers run, not only when a worker starts (issue 20.3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vigie.campaigns import services, tasks
from vigie.campaigns.models import Campaign, CampaignStatus, Channel, DeliveryEvent, EventKind, Recipient, State

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_queue(settings) -> None:
    # Through the ``settings`` fixture, not ``@override_settings``: mixed with the fixture, the decorator's
    # setting outlives the test (the fixture restores what it saw when it first changed something).
    settings.TASKS = DB_QUEUE


def _stuck(campaign: Campaign, *, expired_for: timedelta) -> None:
    """A running campaign whose sender died (or failed on the database) with its chunk claimed."""
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
    Recipient.objects.filter(campaign=campaign).update(
        channel=Channel.EMAIL, state=State.SENDING, claimed_by="dead", lease_until=timezone.now() - expired_for
    )


def test_the_watch_sends_to_the_recipients_a_dead_sender_left_being_sent(smtp, imported, settings) -> None:
    campaign = imported(3)
    _stuck(campaign, expired_for=timedelta(minutes=10))
    assert services.watch_campaigns() >= 1  # the tests' task backend runs the sender at once
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE
    assert campaign.counts()["sent"] == 3 and len(smtp.messages) == 3
    # Only the first of the dead claim could have left: sent again with its Message-ID, and said so.
    assert DeliveryEvent.objects.filter(campaign=campaign, kind=EventKind.RESENT_AFTER_CRASH).count() == 1


def test_a_claim_expired_long_ago_is_taken_up_although_its_dead_task_still_looks_running(
    imported, settings, db_queue
) -> None:
    settings.VIGIE_CAMPAIGN_STUCK_SECONDS, settings.VIGIE_CAMPAIGN_SENDERS = 300, 1
    campaign = imported(2)
    _stuck(campaign, expired_for=timedelta(minutes=10))
    tasks.dispatch_campaign.enqueue(campaign.pk)
    DBTaskResult.objects.update(status="RUNNING")  # its worker was killed: the queue still says running
    assert services.watch_campaigns() == 1
    assert DBTaskResult.objects.filter(status="READY", task_path="vigie.campaigns.tasks.dispatch_campaign").count() == 1


def test_a_sender_still_at_work_is_left_alone(imported, settings, db_queue) -> None:
    settings.VIGIE_CAMPAIGN_STUCK_SECONDS = 300
    campaign = imported(2)
    _stuck(campaign, expired_for=timedelta(seconds=5))  # just expired: its sender renews it in a moment
    tasks.dispatch_campaign.enqueue(campaign.pk)
    DBTaskResult.objects.update(status="RUNNING")
    assert services.watch_campaigns() == 0


def test_the_watch_comes_back_while_a_campaign_runs_and_stops_after(imported, settings, db_queue) -> None:
    settings.VIGIE_CAMPAIGN_WATCH_SECONDS = 60
    campaign = imported(1)
    assert tasks.ensure_watching() is False  # nothing runs: no watch
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
    assert tasks.ensure_watching() is True
    assert tasks.ensure_watching() is False  # one chain, however many workers start
    watches = DBTaskResult.objects.filter(task_path="vigie.campaigns.tasks.watch_campaigns")
    watches.update(status="SUCCESSFUL")
    before = timezone.now()
    tasks.watch_campaigns.call()
    later = watches.get(status="READY")
    assert later.run_after >= before + timedelta(seconds=59)
    later.delete()
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DONE)
    tasks.watch_campaigns.call()
    assert not watches.filter(status="READY").exists()
