"""One import of the leaked file at the processor's level, split by a key column into each controller's campaign.

The file is read once, cell by cell (``Importer.cells``); each row goes to the controller whose code is in its key
column (lab code, FINESS, prescriber…). Each controller's rows are then validated and de-duplicated on their own
(``Importer.part``: a patient of two labs is informed by both) and stored encrypted in a new campaign of that
controller's breach, as a campaign import stores them. A row whose key names no controller is never dropped: its
line is reported, and the row is kept encrypted with the split, for a controller added later or for the
processor's own records.

The rows of a controller not on Vigie (``ExternalController``) have no campaign to go to: they are kept encrypted
with the split, one CSV per such controller (``external_path``), as the rows of no controller are, and counted in
``counts["external"]``. The processor downloads that CSV (journalled) to hand it to the controller, whose list of
persons it is: an export for that controller, not rows of nobody.

Line numbers are those of the processor's file throughout (errors, campaigns' lines), so that every report points
into the one file the processor holds.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Membership, Role, User
from vigie.audit.services import record
from vigie.breaches.models import EventKind, TimelineEvent
from vigie.campaigns import crypto, reader
from vigie.campaigns.importing import Importer, ImportError_, Source
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient
from vigie.campaigns.services import apply_amendments
from vigie.campaigns.store import mark_cross_campaign_duplicates, store_persons
from vigie.common.spreadsheets import csv_writer

from .models import (
    ExternalController,
    Incident,
    IncidentController,
    IncidentEvent,
    IncidentEventKind,
    Split,
    SplitPart,
)
from .services import _french, normalise_code


@dataclass
class SplitResult:
    """What one split did: rows per controller, the campaigns made, the rows of nobody, every row error."""

    split: Split
    assigned: dict[int, int] = field(default_factory=dict)  # organisation id → rows of the file
    stored: dict[int, int] = field(default_factory=dict)  # organisation id → persons stored
    campaigns: dict[int, int] = field(default_factory=dict)  # organisation id → campaign id
    unassigned: list[dict[str, Any]] = field(default_factory=list)  # {"line", "column", "reason"}
    external: dict[int, int] = field(default_factory=dict)  # external controller id → rows kept for it
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"line", "column", "reason", "organisation"}

    def as_json(self) -> dict[str, Any]:
        return {
            "split": self.split.pk,
            "assigned": {str(org): n for org, n in self.assigned.items()},
            "unassigned": len(self.unassigned),
            "campaigns": {str(org): pk for org, pk in self.campaigns.items()},
            "stored": {str(org): n for org, n in self.stored.items()},
            "external": {str(pk): n for pk, n in self.external.items()},
            "unassigned_rows": self.unassigned,
            "errors": self.errors,
        }


def unassigned_path(split: Split) -> Path:
    return Path(settings.MEDIA_ROOT) / "incidents" / str(split.incident_id) / f"split-{split.pk}-unassigned.enc"


def external_path(split: Split, external: ExternalController) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "incidents" / str(split.incident_id)
    return folder / f"split-{split.pk}-external-{external.pk}.enc"


def _purpose(path: Path) -> str:
    return str(path.relative_to(settings.MEDIA_ROOT))


class _NoCollection:
    """No cyclic garbage collection while hundreds of thousands of rows are held (no cycles are made)."""

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            gc.enable()


def split_file(
    incident: Incident,
    source: Source,
    *,
    key_column: str,
    by: User | None,
    name: str = "",
    mapping: dict[str, str] | None = None,
    resume: Split | None = None,
    started: Callable[[Split], None] | None = None,
    alive: Callable[[], None] | None = None,
) -> SplitResult:
    """Split the leaked file by ``key_column`` into one new campaign per controller that has rows in it.

    Crash-safe: each controller's part is stored and marked done (``SplitPart``) in the transaction that makes its
    campaign ready, and the split is finished (``Split.finished_at``) in the one that journals it. ``resume`` (an
    unfinished split of the same file) keeps the parts done and stores the others again, deleting first the rows an
    interrupted attempt left in their campaign: no controller gets a row twice, nor two campaigns of one split.
    ``started`` is called once the split exists (before any part is stored), ``alive`` after each part.

    Raises ``ImportError_`` (a French reason) when the file cannot be read, or has no such column.
    """
    if by is not None:
        membership = Membership.objects.filter(user=by, organisation=incident.processor).first()
        if membership is None or not membership.has_role(Role.MEMBER):
            raise PermissionDenied
    name = (name or (Path(source).name if isinstance(source, str | Path) else "") or "fichier.csv")[:200]
    importer = Importer(source, mapping)
    if key_column not in importer.headers:
        raise ImportError_(f"Colonne introuvable dans le fichier : « {key_column} ».")
    if importer.format == "fhir":
        raise ImportError_("Un fichier FHIR ne se répartit pas par colonne : utilisez un CSV ou un classeur XLSX.")
    links = {normalise_code(link.code): link for link in incident.controllers.select_related("breach", "organisation")}
    externals = {normalise_code(item.code): item for item in incident.external_controllers.all()}
    outside: dict[int, list[tuple[int, list[str]]]] = {item.pk: [] for item in externals.values()}
    key_index = importer.headers.index(key_column)
    fields = tuple(importer.mapping)
    indexes = [importer.headers.index(importer.mapping[name]) for name in fields]
    parts: dict[int, list[tuple[int, tuple[str, ...]]]] = {link.pk: [] for link in links.values()}
    nobody: list[tuple[int, list[str]]] = []
    unassigned: list[dict[str, Any]] = []
    rows = 0
    with _NoCollection():
        for line, cells in importer.cells():
            rows += 1
            raw = cells[key_index]
            code = normalise_code(raw)
            link = links.get(code)
            if link is None and code in externals:
                outside[externals[code].pk].append((line, cells))
                continue
            if link is None:
                nobody.append((line, cells))
                shown = raw.strip()[:60]
                reason = f"code « {shown} » : aucun responsable de traitement de l'incident" if shown else "code absent"
                unassigned.append({"line": line, "column": key_column, "reason": reason})
                continue
            parts[link.pk].append((line, tuple(cells[index] for index in indexes)))
    # Lines the reader could not read at all (a broken CSV quote): in no part, reported as errors.
    errors = [{**reader.error_dict(error, scrub=False), "organisation": None} for error in importer.report.errors]
    if resume is not None:
        split = resume
    else:
        with transaction.atomic():
            split = Split.objects.create(
                incident=incident, source_name=name, key_column=key_column[:200], created_by=by
            )
    if started is not None:
        started(split)
    done = {part.controller_id: part for part in SplitPart.objects.filter(split=split).select_related("campaign")}
    result = SplitResult(split=split, unassigned=unassigned)
    for item in sorted(externals.values(), key=lambda item: item.pk):
        kept = outside.pop(item.pk)
        result.external[item.pk] = len(kept)
        if kept:
            _keep_rows(external_path(split, item), importer.headers, kept)  # written whole again on a resume
    for link in sorted(links.values(), key=lambda link: link.pk):
        part_rows = parts.pop(link.pk)
        result.assigned[link.organisation_id] = len(part_rows)
        if not part_rows:
            continue
        part = done.get(link.pk)
        if part is None or part.done_at is None:
            part, part_errors = _store_part(link, importer.part(), fields, part_rows, split=split, by=by, part=part)
        else:
            part_errors = part.errors  # done before the interruption: as stored (values scrubbed)
        del part_rows
        result.campaigns[link.organisation_id] = part.campaign_id
        result.stored[link.organisation_id] = part.stored
        errors += [{**error, "organisation": link.organisation_id} for error in part_errors]
        if alive is not None:
            alive()
    result.errors = sorted(errors, key=lambda error: error["line"])
    if nobody:
        _keep_unassigned(split, importer.headers, nobody)
    _journal(incident, split, result, by=by, rows=rows)
    return result


def _records(fields: tuple[str, ...], rows: list[tuple[int, tuple[str, ...]]]) -> Iterator[tuple[int, dict[str, str]]]:
    for line, cells in rows:
        yield line, dict(zip(fields, cells, strict=True))


def _store_part(
    link: IncidentController,
    part_reader: Importer,
    fields: tuple[str, ...],
    rows: list[tuple[int, tuple[str, ...]]],
    *,
    split: Split,
    by: User | None,
    part: SplitPart | None,
) -> tuple[SplitPart, list[dict[str, Any]]]:
    """Validate, de-duplicate, encrypt and store one controller's rows in a new campaign of its breach (or in the
    campaign of an interrupted attempt, emptied first)."""
    if part is None:
        with _french():
            source_name = _("%(file)s (processor's file, incident %(incident)d)") % {
                "file": split.source_name, "incident": split.incident_id,
            }  # fmt: skip
        with transaction.atomic():
            campaign = Campaign.objects.create(
                breach=link.breach, created_by=by, source_name=source_name[:255], mapping=dict(part_reader.mapping),
                status=CampaignStatus.IMPORTING, import_total=len(rows), import_heartbeat=timezone.now(),
            )  # fmt: skip
            part = SplitPart.objects.create(split=split, controller=link, campaign=campaign, rows=len(rows))
    else:
        campaign = part.campaign
        with transaction.atomic():
            Recipient.objects.filter(campaign=campaign).delete()  # what the interrupted attempt stored
            Campaign.objects.filter(pk=campaign.pk).update(
                status=CampaignStatus.IMPORTING, import_total=len(rows), import_done=0, import_report={},
                persons_count=0, import_heartbeat=timezone.now(),
            )  # fmt: skip
    with _NoCollection():
        stored = store_persons(campaign, part_reader.persons(_records(fields, rows)))
    report = part_reader.report
    apply_amendments(campaign, report.amendments)
    with transaction.atomic():
        already = mark_cross_campaign_duplicates(campaign)
        data = reader.report_dict(report)
        data.update(already_informed=already, incident=split.incident_id, split=split.pk)
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.READY, import_report=data, persons_count=stored, import_done=stored
        )
        SplitPart.objects.filter(pk=part.pk).update(stored=stored, errors=data["errors"], done_at=timezone.now())
        record("campaign.import", actor=by, organisation=link.organisation, obj=campaign,
               detail={"incident": split.incident_id, "split": split.pk, "persons": stored})  # fmt: skip
    part.refresh_from_db()
    return part, [reader.error_dict(error, scrub=False) for error in report.errors]


def _keep_unassigned(split: Split, headers: list[str], rows: list[tuple[int, list[str]]]) -> None:
    """The rows of no controller, kept encrypted as a CSV (the line of the processor's file first)."""
    _keep_rows(unassigned_path(split), headers, rows)


def _keep_rows(path: Path, headers: list[str], rows: list[tuple[int, list[str]]]) -> None:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["ligne", *headers])
    for line, cells in rows:
        writer.writerow([line, *cells])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(crypto.encrypt_bytes(buffer.getvalue().encode(), purpose=_purpose(path)))


def read_unassigned(split: Split) -> bytes:
    """The kept rows of no controller, decrypted (CSV, ``;``), or nothing when every row had its controller."""
    return _read(unassigned_path(split))


def read_external(split: Split, external: ExternalController) -> bytes:
    """The rows kept for a controller not on Vigie, decrypted (CSV, ``;``), or nothing when it had none."""
    return _read(external_path(split, external))


def _read(path: Path) -> bytes:
    if not path.exists():
        return b""
    return crypto.decrypt_bytes(path.read_bytes(), purpose=_purpose(path))


def _journal(incident: Incident, split: Split, result: SplitResult, *, by: User | None, rows: int) -> None:
    counts = {
        "rows": rows,
        "assigned": {str(org): n for org, n in result.assigned.items()},
        "unassigned": len(result.unassigned),
        "campaigns": {str(org): pk for org, pk in result.campaigns.items()},
        "stored": {str(org): n for org, n in result.stored.items()},
        "external": {str(pk): n for pk, n in result.external.items()},
        "errors": len(result.errors),
    }
    with transaction.atomic(), _french():
        Split.objects.filter(pk=split.pk).update(
            counts=counts, unassigned=result.unassigned[:20_000], finished_at=timezone.now()
        )
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEventKind.SPLIT_IMPORTED,
            author=by,
            summary=_(
                "Leaked file %(file)s split by the column %(column)s: %(rows)d rows; to the controllers on Vigie "
                "(%(n)d): %(assigned)d; kept for the controllers not on Vigie (%(m)d): %(external)d; of no "
                "controller: %(unassigned)d."
            )
            % {
                "file": split.source_name,
                "column": split.key_column,
                "rows": rows,
                "assigned": sum(result.assigned.values()),
                "n": len(result.campaigns),
                "external": sum(result.external.values()),
                "m": sum(1 for n in result.external.values() if n),
                "unassigned": len(result.unassigned),
            },
            data={"split": split.pk, **counts},
        )
        for link in incident.controllers.select_related("breach"):
            if link.organisation_id not in result.campaigns:
                continue
            TimelineEvent.objects.create(
                breach=link.breach,
                kind=EventKind.PERSONS_RECEIVED,
                author=by,
                summary=_("%(n)d persons received from the processor's file, in campaign no. %(campaign)d.")
                % {"n": result.stored[link.organisation_id], "campaign": result.campaigns[link.organisation_id]},
                data={"incident": incident.pk, "campaign": result.campaigns[link.organisation_id]},
            )
        record("incident.split", actor=by, organisation=incident.processor, obj=incident,
               detail={"split": split.pk, "rows": rows, "unassigned": len(result.unassigned)})  # fmt: skip
    split.refresh_from_db()
