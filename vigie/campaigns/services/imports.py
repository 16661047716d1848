"""Uploading a list of persons, its mapping, and its import (read, validate, de-duplicate, encrypt, store)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Role, User
from vigie.audit.services import record
from vigie.breaches.models import Breach

from .. import crypto, reader
from ..models import Campaign, CampaignStatus, Recipient
from ..store import mark_cross_campaign_duplicates, store_persons
from .guards import _require

# What the reader understands (vigie.campaigns.importing): old .xls and .ods are refused by content there.
ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json", ".ndjson")


def _max_bytes() -> int:
    from vigie.common.limits import current

    return current().file_bytes


def upload_path(campaign: Campaign) -> Path:
    return Path(settings.MEDIA_ROOT) / "campaigns" / str(campaign.pk) / "source.enc"


def _purpose(path: Path) -> str:
    return str(path.relative_to(settings.MEDIA_ROOT))


def check_upload(name: str, size: int, head: bytes) -> None:
    """Refuse a file too large or of the wrong type, with a reason the user understands."""
    limit = _max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": round(size / 1e6, 1), "limit": round(limit / 1e6)}
        )
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError(
            _("Unsupported file type: send a CSV or XLSX file (spreadsheet export) or a FHIR file (JSON).")
        )
    is_zip = head.startswith(b"PK\x03\x04")  # XLSX
    if name.lower().endswith(".xlsx") != is_zip or head.startswith((b"%PDF", b"\x7fELF", b"MZ")):
        raise ValidationError(_("The content of the file does not match its type."))


def new_campaign(breach: Breach, *, by: User | None, name: str, data: bytes) -> Campaign:
    """Receive an uploaded list: its format sniffed and its columns' mapping guessed, then stored encrypted.

    A file the reader cannot read at all is refused here, with its French reason (``ValidationError``).
    """
    check_upload(name, len(data), data[:8])
    guessed = _guess_from_bytes(data)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            breach=breach, created_by=by, source_name=Path(name).name[:255], source_size=len(data),
            mapping=guessed["mapping"], import_report={"sniffed": guessed},
        )  # fmt: skip
        path = upload_path(campaign)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(crypto.encrypt_bytes(data, purpose=_purpose(path)))
        record("campaign.upload", actor=by, organisation=breach.organisation, obj=campaign,
               detail={"file": name[:100], "bytes": len(data)})  # fmt: skip
    return campaign


def _guess_from_bytes(data: bytes) -> dict[str, Any]:
    from ..importing import ImportError_

    try:
        return reader.guess(data)  # read in memory: the list in clear never touches the disk
    except ImportError_ as error:
        raise ValidationError(str(error)) from None


def set_mapping(campaign: Campaign, mapping: dict[str, Any], *, by: User | None) -> Campaign:
    """Choose which column of the list is which field, while the list is not imported yet."""
    _require(by, campaign, Role.MEMBER)
    with transaction.atomic():
        # Under the lock, so that an import starting meanwhile is not given another mapping.
        status = Campaign.objects.select_for_update().values_list("status", flat=True).get(pk=campaign.pk)
        if status not in (CampaignStatus.DRAFT, CampaignStatus.FAILED):
            raise ValidationError(_("The list has already been imported."))
        campaign.mapping = mapping
        campaign.save(update_fields=["mapping"])
        record("campaign.mapping_set", actor=by, organisation=campaign.breach.organisation, obj=campaign,
               detail={"fields": sorted(str(key) for key in mapping)})  # fmt: skip
    return campaign


def request_import(campaign: Campaign, *, by: User | None) -> None:
    """Queue the import of an uploaded list (the page follows its progress)."""
    from ..tasks import import_campaign

    _require(by, campaign, Role.MEMBER)
    with transaction.atomic():
        updated = Campaign.objects.filter(
            pk=campaign.pk, status__in=(CampaignStatus.DRAFT, CampaignStatus.FAILED)
        ).update(status=CampaignStatus.IMPORTING, import_done=0, import_heartbeat=None)
    if updated:
        import_campaign.enqueue(campaign.pk)
        _ensure_watching()


def _ensure_watching() -> None:
    from ..tasks import ensure_watching

    ensure_watching()


def run_import(
    campaign: Campaign,
    *,
    path: Path | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Any:
    """Read, validate, de-duplicate, encrypt and store the list; return the reader's report.

    Idempotent: rows of an earlier, interrupted import of the same campaign are removed first. An uploaded list
    is decrypted in memory and read from there: its plaintext never touches the disk, so a worker killed
    mid-import (``kill -9``) leaves nothing in clear behind (issue 20; ``remove_import_leftovers`` clears what
    older versions left in the temporary folder).
    """
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.IMPORTING, import_done=0, import_heartbeat=timezone.now()
    )
    Recipient.objects.filter(campaign=campaign).delete()
    source: Path | bytes
    if path is None:
        encrypted = upload_path(campaign)
        source = crypto.decrypt_bytes(encrypted.read_bytes(), purpose=_purpose(encrypted))
    else:
        source = path

    def on_progress(done: int, total: int | None) -> None:
        Campaign.objects.filter(pk=campaign.pk).update(
            import_done=done, import_total=max(total or 0, done), import_heartbeat=timezone.now()
        )
        if progress is not None:
            progress(done, total)

    try:
        reading = reader.open_reading(source, campaign.mapping or None, progress=on_progress)
        stored = store_persons(campaign, reading.chunks)
        report = reading.report
        apply_amendments(campaign, report.amendments)
    except Exception as error:
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.FAILED, import_report={"fatal": str(error)[:500]}
        )
        raise
    with transaction.atomic():
        duplicates = mark_cross_campaign_duplicates(campaign)
        data = reader.report_dict(report)
        data["already_informed"] = duplicates
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.READY, import_report=data, persons_count=stored, import_done=stored
        )
    upload_path(campaign).unlink(missing_ok=True)  # the stored rows are all we keep of the file
    campaign.refresh_from_db()
    return report


def apply_amendments(campaign: Campaign, amendments: dict[int, dict[str, Any]]) -> int:
    """Fill channels of persons stored in an earlier chunk from their later duplicates (see ``importing``)."""
    from ..store import is_mobile, person_data

    ring = crypto.keyring()
    changed = 0
    for line, fields in amendments.items():
        recipient = Recipient.objects.filter(campaign=campaign, line=line).first()
        if recipient is None:
            continue
        data = crypto.decrypt(recipient.payload, campaign_id=campaign.pk, ring=ring)
        extra = person_data(_Fields(fields))
        for key, value in extra.items():
            if value and not data.get(key) and key != "identity_key":
                data[key] = value
        recipient.payload = crypto.encrypt(data, campaign_id=campaign.pk)
        recipient.has_email = bool(data.get("email"))
        recipient.has_address = len(data.get("address") or []) >= 2
        recipient.has_mobile = is_mobile(data.get("phone") or "")
        recipient.save(update_fields=["payload", "has_email", "has_address", "has_mobile"])
        changed += 1
    return changed


class _Fields:
    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)


def import_path(
    breach: Breach,
    path: Path,
    *,
    mapping: dict[str, Any] | None = None,
    by: User | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> tuple[Campaign, Any]:
    """Create a campaign from a file on disk and import it now (the command line)."""
    campaign = Campaign.objects.create(
        breach=breach,
        created_by=by,
        source_name=path.name[:255],
        source_size=path.stat().st_size,
        mapping=mapping or {},
    )
    record("campaign.import", actor=by, organisation=breach.organisation, obj=campaign, detail={"file": path.name})
    report = run_import(campaign, path=path, progress=progress)
    return campaign, report
