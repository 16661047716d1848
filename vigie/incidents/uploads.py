"""The leaked file uploaded from the processor's pages, then split (``splitting.split_file``) in the background.

- ``upload_leaked_file(incident, *, name, data, by) -> SplitUpload``: size and type checked, read by the bounded
  readers of ``vigie.common.limits`` (through the campaigns' ``Importer``), headers kept, file stored encrypted;
- ``choose_key_column(upload, *, key_column, by) -> SplitUpload``: the counts per controller previewed;
- ``request_split(upload, *, by) -> SplitUpload``: the split queued (task ``tasks.split_upload``);
- ``run_split(upload_id) -> SplitUpload``: what the task does; the encrypted file is deleted once split.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigie.accounts.models import Role, User
from vigie.audit.services import record
from vigie.campaigns import crypto
from vigie.campaigns.importing import Importer, ImportError_
from vigie.campaigns.services import check_upload

from .models import Incident, SplitUpload, UploadStatus
from .services import _require, normalise_code
from .splitting import split_file

__all__ = ["check_upload", "choose_key_column", "request_split", "run_split", "upload_leaked_file"]


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


def choose_key_column(upload: SplitUpload, *, key_column: str, by: User | None) -> SplitUpload:
    """Count the rows of each controller (on Vigie or not) and of nobody in ``key_column``, storing nothing of
    the rows: what the processor checks before confirming."""
    incident = upload.incident
    _require(by, incident.processor, Role.MEMBER)
    if upload.status not in (UploadStatus.UPLOADED, UploadStatus.READY, UploadStatus.FAILED):
        raise ValidationError(_("This file is already being split."))
    if key_column not in upload.headers:
        raise ValidationError(_("Choose one of the file's columns."))
    importer = Importer(_data(upload))
    index = importer.headers.index(key_column)
    counts = Counter(normalise_code(cells[index]) for _line, cells in importer.cells())
    links = {normalise_code(link.code): link.pk for link in incident.controllers.all()}
    externals = {normalise_code(item.code): item.pk for item in incident.external_controllers.all()}
    preview = {
        "rows": sum(counts.values()),
        "controllers": {str(pk): counts.get(code, 0) for code, pk in links.items()},
        "external": {str(pk): counts.get(code, 0) for code, pk in externals.items()},
        "unassigned": sum(n for code, n in counts.items() if code not in links and code not in externals),
    }
    with transaction.atomic():
        SplitUpload.objects.filter(pk=upload.pk).update(key_column=key_column[:200], preview=preview,
                                                        status=UploadStatus.READY, error="")  # fmt: skip
        record("incident.key_column_chosen", actor=by, organisation=incident.processor, obj=incident,
               detail={"upload": upload.pk, "rows": preview["rows"]})  # fmt: skip
    upload.refresh_from_db()
    return upload


def request_split(upload: SplitUpload, *, by: User | None) -> SplitUpload:
    """Queue the split of the file by the chosen column (a worker runs it; the page follows its status)."""
    from .tasks import split_upload

    _require(by, upload.incident.processor, Role.MEMBER)
    with transaction.atomic():
        claimed = SplitUpload.objects.filter(pk=upload.pk, status=UploadStatus.READY).update(
            status=UploadStatus.SPLITTING
        )
        if not claimed:
            raise ValidationError(_("Choose the key column and check the counts first."))
        record("incident.split_requested", actor=by, organisation=upload.incident.processor, obj=upload.incident,
               detail={"upload": upload.pk, "key_column": upload.key_column})  # fmt: skip
        transaction.on_commit(lambda: split_upload.enqueue(upload.pk))
    upload.refresh_from_db()
    return upload


def run_split(upload_id: int) -> SplitUpload:
    """Split the uploaded file (the background task); idempotent: a file already split is left as it is."""
    upload = SplitUpload.objects.select_related("incident__processor", "created_by").get(pk=upload_id)
    if upload.status != UploadStatus.SPLITTING or upload.split_id is not None:
        return upload
    try:
        result = split_file(upload.incident, _data(upload), key_column=upload.key_column, by=upload.created_by,
                            name=upload.source_name)  # fmt: skip
    except (ImportError_, PermissionDenied) as error:
        reason = str(error) or _("the member who uploaded the file may no longer act for the processor")
        SplitUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.FAILED, error=reason[:500])
    else:
        SplitUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.DONE, split=result.split)
        upload_path(upload).unlink(missing_ok=True)  # the rows are now in the campaigns and the kept files
    upload.refresh_from_db()
    return upload
