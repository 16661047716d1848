"""A split killed half-way is resumed without a duplicate; a leaked file never split is purged after the retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from vigie.audit.models import AuditEvent
from vigie.breaches.models import EventKind, TimelineEvent
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient
from vigie.incidents import splitting, uploads
from vigie.incidents.models import IncidentEvent, IncidentEventKind, SplitPart, SplitUpload, UploadStatus
from vigie.incidents.uploads import upload_path

pytestmark = pytest.mark.django_db

HEADER = "Code labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Code postal;Ville"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def leaked(n: int) -> bytes:
    codes = ("LAB1", "LAB2", "LAB3", "AILLEURS")
    rows = [f"{codes[i % 4]};Nom{i};Anne;F;0{1 + i % 9}/03/19{10 + i % 80};p{i}@exemple-patient.fr;56000;Vannes"
            for i in range(n)]  # fmt: skip
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def splitting_upload(incident: Any, by: Any, django_capture_on_commit_callbacks: Any, n: int = 40) -> SplitUpload:
    """An upload confirmed, its split queued but not run (the queue's callback is not executed)."""
    upload = uploads.upload_leaked_file(incident, name="fuite.csv", data=leaked(n), by=by)
    with django_capture_on_commit_callbacks(execute=True):  # the count, run at once by the tests' queue
        uploads.choose_key_column(upload, key_column="Code labo", by=by)
    with django_capture_on_commit_callbacks(execute=False):
        uploads.request_split(upload, by=by)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.SPLITTING
    return upload


def check_exact(incident: Any, upload: SplitUpload, per_lab: int) -> None:
    """Each controller has exactly one campaign of the split, with its rows once each, journalled once."""
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DONE and upload.split is not None and upload.split.finished_at
    assert not upload_path(upload).exists()
    assert upload.split.counts["stored"] == {str(link.organisation_id): per_lab for link in incident.controllers.all()}
    for link in incident.controllers.all():
        campaign = Campaign.objects.get(breach=link.breach)  # one, not two
        assert campaign.status == CampaignStatus.READY and campaign.persons_count == per_lab
        rows = Recipient.objects.filter(campaign=campaign)
        assert rows.count() == per_lab and rows.filter(state="pending").count() == per_lab  # none marked "duplicate"
        assert not rows.values("identity_hash").annotate(n=Count("pk")).filter(n__gt=1).exists()
        assert sorted(rows.values_list("line", flat=True)) == sorted(
            line for line in range(2, 42) if (line - 2) % 4 == int(link.code[-1]) - 1
        )
        assert TimelineEvent.objects.filter(breach=link.breach, kind=EventKind.PERSONS_RECEIVED).count() == 1
    assert SplitPart.objects.filter(split=upload.split).count() == 3
    assert IncidentEvent.objects.filter(incident=incident, kind=IncidentEventKind.SPLIT_IMPORTED).count() == 1
    assert AuditEvent.objects.filter(action="incident.split").count() == 1


@pytest.mark.parametrize("processes", [1, 2])
def test_a_split_that_crashes_in_the_second_controller_is_resumed_by_the_watch_without_duplicates(  # type: ignore[no-untyped-def]
    incident, vendor_user, monkeypatch, settings, django_capture_on_commit_callbacks, processes
) -> None:
    settings.VIGIE_SPLIT_PROCESSES, settings.VIGIE_SPLIT_PARALLEL_ROWS = processes, 0  # 2: in forked processes
    upload = splitting_upload(incident, vendor_user, django_capture_on_commit_callbacks)
    real = splitting.apply_amendments
    calls = []

    def crash_on_the_second_part(campaign: Campaign, amendments: Any) -> int:
        calls.append(campaign.pk)
        if len(calls) == 2:  # the second lab's rows are stored, its campaign not yet ready: the worker dies
            raise SystemExit("worker killed")
        return real(campaign, amendments)

    monkeypatch.setattr(splitting, "apply_amendments", crash_on_the_second_part)
    with pytest.raises(SystemExit):
        uploads.run_split(upload.pk)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.SPLITTING and upload.split is not None and upload.split.finished_at is None
    first, crashed = (SplitPart.objects.get(campaign_id=pk) for pk in calls)  # in forked processes: any order
    assert first.done_at and crashed.done_at is None
    assert Recipient.objects.filter(campaign=crashed.campaign).count() == 10  # the half-done part's rows
    (third,) = SplitPart.objects.filter(split=upload.split).exclude(pk__in=(first.pk, crashed.pk))
    assert third.done_at is None and not Recipient.objects.filter(campaign=third.campaign).exists()
    monkeypatch.setattr(splitting, "apply_amendments", real)

    assert uploads.recover_splits() == 0  # alive a moment ago: not taken from its worker
    later = timezone.now() + timedelta(seconds=settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS + 1)
    assert uploads.recover_splits(now=later) == 1  # the tests' queue runs the split at once: resumed
    check_exact(incident, upload, per_lab=10)
    assert Campaign.objects.get(breach=first.controller.breach).pk == first.campaign_id  # kept, not redone
    assert Campaign.objects.get(breach=crashed.controller.breach).pk == crashed.campaign_id  # emptied, refilled
    assert uploads.run_split(upload.pk).status == UploadStatus.DONE  # and run again: nothing more
    check_exact(incident, upload, per_lab=10)


def test_a_split_killed_after_its_journal_is_only_marked_done(  # type: ignore[no-untyped-def]
    incident, vendor_user, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    upload = splitting_upload(incident, vendor_user, django_capture_on_commit_callbacks)

    def killed(*args: Any, **kwargs: Any) -> None:
        raise SystemExit("worker killed")

    monkeypatch.setattr(uploads, "_finish", killed)
    with pytest.raises(SystemExit):
        uploads.run_split(upload.pk)
    monkeypatch.undo()
    assert SplitUpload.objects.get(pk=upload.pk).status == UploadStatus.SPLITTING
    uploads.run_split(upload.pk)
    check_exact(incident, upload, per_lab=10)


def test_a_leaked_file_never_split_is_purged_after_the_campaigns_retention(  # type: ignore[no-untyped-def]
    incident, vendor_user, settings, django_capture_on_commit_callbacks
) -> None:
    old = uploads.upload_leaked_file(incident, name="vieux.csv", data=leaked(8), by=vendor_user)
    with django_capture_on_commit_callbacks(execute=True):
        uploads.choose_key_column(old, key_column="Code labo", by=vendor_user)
    assert SplitUpload.objects.get(pk=old.pk).status == UploadStatus.READY
    recent = uploads.upload_leaked_file(incident, name="recent.csv", data=leaked(8), by=vendor_user)
    days = settings.VIGIE_CAMPAIGN_RETENTION_DAYS
    SplitUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=days, minutes=1))
    SplitUpload.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=days - 1))
    assert upload_path(old).exists()

    call_command("campaign", "purge", "--due")  # the periodic purge of the campaigns purges these too

    old.refresh_from_db()
    assert old.status == UploadStatus.PURGED and old.purged_at is not None
    assert not upload_path(old).exists() and upload_path(recent).exists()
    assert SplitUpload.objects.get(pk=recent.pk).status == UploadStatus.UPLOADED
    event = IncidentEvent.objects.get(incident=incident, kind=IncidentEventKind.UPLOAD_PURGED)
    assert "vieux.csv" in event.summary and f"{days} jours" in event.summary and event.data["upload"] == old.pk
    audit = AuditEvent.objects.get(action="incident.upload_purged")
    assert audit.organisation_id == incident.processor_id
    with pytest.raises(Exception, match="conservation"):
        uploads.choose_key_column(old, key_column="Code labo", by=vendor_user)
    call_command("campaign", "purge", "--due")  # again: nothing more
    assert IncidentEvent.objects.filter(kind=IncidentEventKind.UPLOAD_PURGED).count() == 1
