"""The leaked file uploaded from the processor's pages, then split (``splitting.split_file``) in the background.

- ``upload_leaked_file(incident, *, name, data, by) -> SplitUpload``: size and type checked, read by the bounded
  readers of ``vigie.common.limits`` (through the campaigns' ``Importer``), headers kept, file stored encrypted;
- ``choose_key_column(upload, *, key_column, by) -> SplitUpload``: the count per controller queued (task
  ``tasks.count_upload``: ``run_count``, out of the request: a large file takes seconds), ``progress(upload)``;
- ``request_split(upload, *, by) -> SplitUpload``: the split queued (task ``tasks.split_upload``);
- ``run_split(upload_id) -> SplitUpload``: what the task does, resuming a split interrupted by a crash; the
  encrypted file is deleted once split;
- ``recover_splits(now=None) -> int``: splits silent too long queued again (the watch ``tasks.watch_splits``
  and ``vigie worker`` at start);
- ``purge_due_uploads(now=None) -> int``: files never split deleted after the campaigns' retention.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Role, User
from vigie.audit.services import record
from vigie.breaches import journal as j
from vigie.campaigns import crypto
from vigie.campaigns.importing import Importer, ImportError_
from vigie.campaigns.services import check_upload

from .models import Incident, IncidentEvent, IncidentEventKind, Split, SplitPart, SplitUpload, UploadStatus
from .services import _require, normalise_code
from .splitting import split_file

__all__ = [
    "check_upload",
    "choose_key_column",
    "purge_due_uploads",
    "progress",
    "recover_splits",
    "run_count",
    "request_split",
    "run_split",
    "upload_leaked_file",
]


def upload_path(upload: SplitUpload) -> Path:
    return Path(settings.MEDIA_ROOT) / "incidents" / str(upload.incident_id) / f"upload-{upload.pk}.enc"


def _purpose(path: Path) -> str:
    return str(path.relative_to(settings.MEDIA_ROOT))


def _data(upload: SplitUpload) -> bytes:
    path = upload_path(upload)
    return crypto.decrypt_bytes(path.read_bytes(), purpose=_purpose(path))


def upload_leaked_file(incident: Incident, *, name: str, data: bytes, by: User | None) -> SplitUpload:
    """Receive the leaked file: refused with a reason when too large, empty, of the wrong type or unreadable."""
    _require(by, incident.processor, Role.MEMBER)
    check_upload(name, len(data), data[:8])
    try:
        importer = Importer(data)
        if importer.format == "fhir":
            raise ImportError_(_("A FHIR file cannot be split by a column: send a CSV or XLSX file."))
        headers = list(importer.headers)
    except ImportError_ as error:
        raise ValidationError(str(error)) from None
    if not headers:
        raise ValidationError(_("The file has no header line."))
    with transaction.atomic():
        upload = SplitUpload.objects.create(incident=incident, source_name=name[:255], size=len(data),
                                            headers=headers, created_by=by)  # fmt: skip
        path = upload_path(upload)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(crypto.encrypt_bytes(data, purpose=_purpose(path)))
        record("incident.file_uploaded", actor=by, organisation=incident.processor, obj=incident,
               detail={"upload": upload.pk, "bytes": len(data)})  # fmt: skip
    return upload


#: The statuses in which the processor may choose (again) the key column.
CHOOSABLE = (UploadStatus.UPLOADED, UploadStatus.READY, UploadStatus.FAILED)


def choose_key_column(upload: SplitUpload, *, key_column: str, by: User | None) -> SplitUpload:
    """Choose ``key_column`` and queue the count of the rows of each controller (on Vigie or not) and of nobody
    (task ``tasks.count_upload``: ``run_count``), storing nothing of the rows: what the processor checks before
    confirming. The page follows the count (a progress bar) and shows it once done."""
    from .tasks import count_upload, ensure_watching

    incident = upload.incident
    _require(by, incident.processor, Role.MEMBER)
    if upload.status == UploadStatus.PURGED:
        raise ValidationError(_("This file was deleted at the end of the retention period: upload it again."))
    if upload.status not in CHOOSABLE:
        raise ValidationError(_("This file is already being split."))
    if key_column not in upload.headers:
        raise ValidationError(_("Choose one of the file's columns."))
    with transaction.atomic():
        claimed = SplitUpload.objects.filter(pk=upload.pk, status__in=CHOOSABLE).update(
            key_column=key_column[:200], preview={"read": 0, "total": None}, status=UploadStatus.COUNTING, error="",
            heartbeat=timezone.now(),
        )  # fmt: skip
        if not claimed:
            raise ValidationError(_("This file is already being split."))
        record("incident.key_column_chosen", actor=by, organisation=incident.processor, obj=incident,
               detail={"upload": upload.pk, "key_column": key_column[:200]})  # fmt: skip
        transaction.on_commit(lambda: (count_upload.enqueue(upload.pk), ensure_watching()))
    upload.refresh_from_db()
    return upload


#: Rows counted between two records of the count's progress (and signs of life).
COUNT_STEP = 20_000


def run_count(upload_id: int) -> SplitUpload:
    """Count the rows of each controller in the chosen key column (the background task). Idempotent: a count
    interrupted starts again from the file's first row; once counted, the upload waits for the confirmation."""
    upload = SplitUpload.objects.select_related("incident").get(pk=upload_id)
    if upload.status != UploadStatus.COUNTING:
        return upload
    incident = upload.incident
    mine = SplitUpload.objects.filter(pk=upload.pk, status=UploadStatus.COUNTING, key_column=upload.key_column)
    try:
        importer = Importer(_data(upload))
        index = importer.headers.index(upload.key_column)
        total = importer.estimated_rows
        counts: Counter[str] = Counter()
        known: dict[str, str] = {}
        read = 0
        for read, (_line, cells) in enumerate(importer.cells(), start=1):  # noqa: B007 (read is used after)
            raw = cells[index]
            code = known.get(raw)
            if code is None:
                code = normalise_code(raw)
                if len(known) < 10_000:
                    known[raw] = code
            counts[code] += 1
            if read % COUNT_STEP == 0:
                mine.update(preview={"read": read, "total": total}, heartbeat=timezone.now())
    except (ImportError_, ValueError, OSError) as error:
        mine.update(status=UploadStatus.FAILED, error=(str(error) or type(error).__name__)[:500])
        upload.refresh_from_db()
        return upload
    links = {normalise_code(link.code): link.pk for link in incident.controllers.all()}
    externals = {normalise_code(item.code): item.pk for item in incident.external_controllers.all()}
    preview = {
        "rows": sum(counts.values()),
        "controllers": {str(pk): counts.get(code, 0) for code, pk in links.items()},
        "external": {str(pk): counts.get(code, 0) for code, pk in externals.items()},
        "unassigned": sum(n for code, n in counts.items() if code not in links and code not in externals),
    }
    mine.update(preview=preview, status=UploadStatus.READY)
    upload.refresh_from_db()
    return upload


def progress(upload: SplitUpload) -> dict[str, Any]:
    """Where the background work of an upload is, for its progress bar: rows counted, or controllers' parts
    stored, as a share (``percent``: an int, or None when the total is not known yet)."""
    preview = upload.preview or {}
    if upload.status == UploadStatus.COUNTING:
        done, total = int(preview.get("read") or 0), preview.get("total")
        return {"done": done, "total": total, "percent": min(99, 100 * done // total) if total else None}
    if upload.status == UploadStatus.SPLITTING:
        total = sum(1 for n in (preview.get("controllers") or {}).values() if n)
        done = (
            SplitPart.objects.filter(split_id=upload.split_id, done_at__isnull=False).count() if upload.split_id else 0
        )
        return {"done": done, "total": total, "percent": min(99, 100 * done // total) if total else None}
    return {"done": 0, "total": None, "percent": None}


def request_split(upload: SplitUpload, *, by: User | None) -> SplitUpload:
    """Queue the split of the file by the chosen column (a worker runs it; the page follows its status)."""
    from .tasks import ensure_watching, split_upload

    _require(by, upload.incident.processor, Role.MEMBER)
    with transaction.atomic():
        claimed = SplitUpload.objects.filter(pk=upload.pk, status=UploadStatus.READY).update(
            status=UploadStatus.SPLITTING, heartbeat=timezone.now()
        )
        if not claimed:
            raise ValidationError(_("Choose the key column and check the counts first."))
        record("incident.split_requested", actor=by, organisation=upload.incident.processor, obj=upload.incident,
               detail={"upload": upload.pk, "key_column": upload.key_column})  # fmt: skip
        transaction.on_commit(lambda: (split_upload.enqueue(upload.pk), ensure_watching()))
    upload.refresh_from_db()
    return upload


def run_split(upload_id: int) -> SplitUpload:
    """Split the uploaded file (the background task). Idempotent and crash-safe: a file already split is left as
    it is; a split interrupted (worker killed, database error) is resumed from its parts done
    (``splitting.split_file(resume=…)``), never duplicated. The encrypted file is deleted once split."""
    upload = SplitUpload.objects.select_related("incident__processor", "created_by", "split").get(pk=upload_id)
    if upload.status != UploadStatus.SPLITTING:
        return upload
    _alive(upload)
    if upload.split is not None and upload.split.finished_at is not None:  # killed after the journal, before this
        _finish(upload, upload.split)
        upload.refresh_from_db()
        return upload

    def started(split: Split) -> None:
        SplitUpload.objects.filter(pk=upload.pk).update(split=split, heartbeat=timezone.now())

    try:
        result = split_file(upload.incident, _data(upload), key_column=upload.key_column, by=upload.created_by,
                            name=upload.source_name, resume=upload.split, started=started,
                            alive=lambda: _alive(upload))  # fmt: skip
    except (ImportError_, PermissionDenied) as error:
        reason = str(error) or _("the member who uploaded the file may no longer act for the processor")
        SplitUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.FAILED, error=reason[:500])
    else:
        _finish(upload, result.split)
    upload.refresh_from_db()
    return upload


def _alive(upload: SplitUpload) -> None:
    SplitUpload.objects.filter(pk=upload.pk).update(heartbeat=timezone.now())


def _finish(upload: SplitUpload, split: Split) -> None:
    SplitUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.DONE, split=split)
    upload_path(upload).unlink(missing_ok=True)  # the rows are now in the campaigns and the kept files


def _queued(upload_id: int, name: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY", task_path=f"vigie.incidents.tasks.{name}")
    return any((args or {}).get("args") == [upload_id] for args in waiting.values_list("args_kwargs", flat=True))


def recover_splits(*, now: datetime | None = None) -> int:
    """Splits and counts that died with their worker (no sign of life for ``VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS``, the
    campaigns' own limit for an import): queued again, to resume (``run_split``). The uploaded file is kept
    (encrypted) until the split is done, so a split can always be resumed. Return the splits queued again."""
    from .tasks import count_upload, split_upload

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS)
    queued = 0
    silent = Q(heartbeat__lt=stale) | Q(heartbeat__isnull=True)
    tasks = {UploadStatus.SPLITTING: split_upload, UploadStatus.COUNTING: count_upload}
    for upload in SplitUpload.objects.filter(silent, status__in=tuple(tasks)):
        work = tasks[UploadStatus(upload.status)]
        if _queued(upload.pk, work.name):
            continue
        # Taken by this call only (two workers starting together must not both queue it).
        mine = SplitUpload.objects.filter(pk=upload.pk, status=upload.status, heartbeat=upload.heartbeat)
        if upload.heartbeat is None:
            mine = SplitUpload.objects.filter(pk=upload.pk, status=upload.status, heartbeat__isnull=True)
        if mine.update(heartbeat=now):
            work.enqueue(upload.pk)
            queued += 1
    return queued


def purge_due_uploads(*, now: datetime | None = None) -> int:
    """Delete the encrypted copy of every leaked file uploaded and never split within the campaigns' retention
    (``VIGIE_CAMPAIGN_RETENTION_DAYS``, the periodic purge: ``vigie campaign purge --due``), journalled in the
    incident and the access log; the upload stays, marked purged, with its name and counts (no row of the file).
    A file being split is left to its split. Return how many were purged."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.VIGIE_CAMPAIGN_RETENTION_DAYS)
    waiting = (*CHOOSABLE, UploadStatus.COUNTING)
    purged = 0
    for upload in SplitUpload.objects.filter(status__in=waiting, created_at__lte=before).select_related("incident"):
        with transaction.atomic():
            if not SplitUpload.objects.filter(pk=upload.pk, status__in=waiting).update(
                status=UploadStatus.PURGED, purged_at=now, error=""
            ):
                continue  # confirmed meanwhile
            upload_path(upload).unlink(missing_ok=True)
            said = j.say(
                gettext_noop("Leaked file %(file)s, uploaded on %(date)s and never split, deleted at the end of the "
                             "retention period (%(days)d days)."),
                file=upload.source_name, date=j.moment(upload.created_at), days=settings.VIGIE_CAMPAIGN_RETENTION_DAYS,
            )  # fmt: skip
            IncidentEvent.write([said], incident=upload.incident, kind=IncidentEventKind.UPLOAD_PURGED, author=None,
                                data={"upload": upload.pk, "bytes": upload.size})  # fmt: skip
            record("incident.upload_purged", actor=None, organisation=upload.incident.processor, obj=upload.incident,
                   detail={"upload": upload.pk, "bytes": upload.size})  # fmt: skip
        purged += 1
    return purged
