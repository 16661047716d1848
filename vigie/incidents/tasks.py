"""Background work of incidents (Django's Tasks API; ``vigie worker`` runs them from the database queue)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import uploads
from .models import SplitUpload, UploadStatus


@task()
def split_upload(upload_id: int) -> str:
    """Split the leaked file uploaded from the processor's pages (``uploads.run_split``; idempotent, resumes)."""
    return str(uploads.run_split(upload_id).status)


@task()
def count_upload(upload_id: int) -> str:
    """Count the rows of each controller in the chosen key column (``uploads.run_count``; idempotent)."""
    return str(uploads.run_count(upload_id).status)


def _watch_waiting() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY", task_path=f"{__name__}.watch_splits").count()


def _watch_needed() -> bool:
    return SplitUpload.objects.filter(status__in=(UploadStatus.SPLITTING, UploadStatus.COUNTING)).exists()


def ensure_watching() -> bool:
    """Start the split watch when a file is being split and no watch is waiting (``vigie worker`` at start, and a
    split requested). Nothing without a deferring queue."""
    if not watch_splits.get_backend().supports_defer or not _watch_needed() or _watch_waiting():
        return False
    watch_splits.enqueue()
    return True


@task()
def watch_splits() -> int:
    """Queue again the splits whose worker died (``uploads.recover_splits``), then come back in
    ``VIGIE_CAMPAIGN_WATCH_SECONDS`` (the campaigns' watch interval) while files are being split."""
    queued = uploads.recover_splits()
    if watch_splits.get_backend().supports_defer and _watch_needed() and not _watch_waiting():
        later = timezone.now() + timedelta(seconds=settings.VIGIE_CAMPAIGN_WATCH_SECONDS)
        watch_splits.using(run_after=later).enqueue()
    return queued
