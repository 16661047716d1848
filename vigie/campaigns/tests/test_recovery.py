"""Imports that died with their worker are taken up again at the next worker start, never twice at once."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from vigie.campaigns import services
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient
from vigie.campaigns.tests.conftest import HEADER, person_line

pytestmark = pytest.mark.django_db


def _killed_upload(breach, owner, *, silent_for: timedelta) -> Campaign:
    """An uploaded list whose import started, stored some rows, then lost its worker (kill -9)."""
    data = "\n".join([HEADER, *(person_line(n) for n in range(1, 4))]).encode()
    campaign = services.new_campaign(breach, by=owner, name="patients.csv", data=data)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.IMPORTING, import_done=1, import_heartbeat=timezone.now() - silent_for
    )
    return campaign


def test_an_import_silent_for_too_long_is_queued_again_and_completes(breach, owner, settings) -> None:
    settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS = 300
    campaign = _killed_upload(breach, owner, silent_for=timedelta(minutes=6))
    assert services.recover_campaigns() >= 1  # the tests' task backend runs the import at once
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.READY
    assert Recipient.objects.filter(campaign=campaign).count() == 3
    assert not services.upload_path(campaign).exists()  # the stored rows are all that is kept of the file


def test_an_import_still_alive_is_left_alone(breach, owner, settings) -> None:
    settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS = 300
    campaign = _killed_upload(breach, owner, silent_for=timedelta(seconds=30))
    assert services.recover_imports() == 0
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.IMPORTING and not Recipient.objects.filter(campaign=campaign).exists()


def test_a_command_line_import_that_died_is_marked_failed_with_its_reason(breach, write_list) -> None:
    campaign, _ = services.import_path(breach, write_list(2))
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.IMPORTING, import_heartbeat=timezone.now() - timedelta(hours=1)
    )
    assert services.recover_imports() == 0
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    assert "interrompu" in campaign.import_report["fatal"]


def test_two_workers_starting_together_queue_a_dead_import_once(breach, owner, settings, monkeypatch) -> None:
    settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS = 300
    campaign = _killed_upload(breach, owner, silent_for=timedelta(minutes=10))
    queued: list[int] = []
    monkeypatch.setattr("vigie.campaigns.tasks.import_campaign", SimpleNamespace(enqueue=queued.append))
    first = services.recover_imports()
    second = services.recover_imports()  # the heartbeat was renewed by the first: not stale any more
    assert (first, second, queued) == (1, 0, [campaign.pk])
