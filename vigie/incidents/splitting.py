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

Crash-safe: each controller's part (``SplitPart``) is marked done in the transaction that makes its campaign ready,
the split finished in the one that journals it; a split interrupted is resumed (``resume=``) from its parts done,
the others emptied and stored again, so that no controller gets a row twice (``uploads.run_split``, queued again
by the watch ``tasks.watch_splits``). For a large file, the parts are validated and encrypted in
``VIGIE_SPLIT_PROCESSES`` forked processes while this one writes them (``_built``).

Line numbers are those of the processor's file throughout (errors, campaigns' lines), so that every report points
into the one file the processor holds.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import io
import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Membership, Role, User
from vigie.audit.services import record
from vigie.breaches import journal as j
from vigie.breaches.models import EventKind, TimelineEvent
from vigie.campaigns import crypto, reader
from vigie.campaigns.importing import Importer, ImportError_, ImportReport, Source
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient
from vigie.campaigns.services import apply_amendments
from vigie.campaigns.store import encrypted_rows, mark_cross_campaign_duplicates, write_rows
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
        raise ImportError_(gettext_noop("Column not found in the file: “%(column)s”."), {"column": key_column})
    if importer.format == "fhir":
        raise ImportError_(gettext_noop("A FHIR file cannot be split by a column: use a CSV file or an XLSX workbook."))
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
    known: dict[str, str] = {}  # raw key cell → its code: a few dozen distinct values over the whole file
    with _NoCollection():
        for line, cells in importer.cells():
            rows += 1
            raw = cells[key_index]
            code = known.get(raw)
            if code is None:
                code = normalise_code(raw)
                if len(known) < 10_000:  # bounded: a column of distinct values (a wrong column) caches nothing more
                    known[raw] = code
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
    todo: list[tuple[IncidentController, SplitPart, list[tuple[int, tuple[str, ...]]]]] = []
    for link in sorted(links.values(), key=lambda link: link.pk):
        part_rows = parts.pop(link.pk)
        result.assigned[link.organisation_id] = len(part_rows)
        if not part_rows:
            continue
        part = done.get(link.pk)
        if part is None or part.done_at is None:
            todo.append((link, _open_part(link, importer, len(part_rows), split=split, by=by, part=part), part_rows))
            continue
        result.campaigns[link.organisation_id] = part.campaign_id
        result.stored[link.organisation_id] = part.stored  # done before an interruption: kept as it is
        errors += [{**error, "organisation": link.organisation_id} for error in part.errors]
    with _NoCollection():  # the forked processes inherit it
        for link, part, chunks, report in _built(importer, fields, todo):
            part, part_errors = _close_part(link, part, chunks, report, split=split, by=by)
            result.campaigns[link.organisation_id] = part.campaign_id
            result.stored[link.organisation_id] = part.stored
            errors += [{**error, "organisation": link.organisation_id} for error in part_errors]
            Campaign.objects.filter(split_part__split=split, split_part__done_at__isnull=True).update(
                import_heartbeat=timezone.now()
            )
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


def _open_part(
    link: IncidentController, importer: Importer, rows: int, *, split: Split, by: User | None, part: SplitPart | None
) -> SplitPart:
    """The campaign of one controller's part, new, or that of an interrupted attempt emptied of its rows."""
    if part is not None:
        with transaction.atomic():
            Recipient.objects.filter(campaign_id=part.campaign_id).delete()  # what the interrupted attempt stored
            Campaign.objects.filter(pk=part.campaign_id).update(
                status=CampaignStatus.IMPORTING, import_total=rows, import_done=0, import_report={},
                persons_count=0, import_heartbeat=timezone.now(),
            )  # fmt: skip
        return part
    with _french():
        source_name = _("%(file)s (processor's file, incident %(incident)d)") % {
            "file": split.source_name, "incident": split.incident_id,
        }  # fmt: skip
    with transaction.atomic():
        campaign = Campaign.objects.create(
            breach=link.breach, created_by=by, source_name=source_name[:255], mapping=dict(importer.mapping),
            status=CampaignStatus.IMPORTING, import_total=rows, import_heartbeat=timezone.now(),
        )  # fmt: skip
        return SplitPart.objects.create(split=split, controller=link, campaign=campaign, rows=rows)


Job = tuple[Importer, tuple[str, ...], list[tuple[int, tuple[str, ...]]], int, crypto.DataKey]
#: The parts being validated and encrypted by the processes of ``_built`` (forked: they read it, nothing is sent).
_JOBS: list[Job] = []


def _rows_of(job: Job) -> Iterator[list[tuple[Any, ...]]]:
    part_reader, fields, rows, campaign_id, key = job
    for chunk in part_reader.persons(_records(fields, rows)):
        if chunk:
            yield encrypted_rows(campaign_id, chunk, key)


def _build(index: int) -> tuple[int, list[list[tuple[Any, ...]]], ImportReport]:
    """In a forked process: validate, de-duplicate and encrypt one part; its rows and report go back by pipe."""
    job = _JOBS[index]
    return index, list(_rows_of(job)), job[0].report


def _die_with_parent() -> None:
    """A process of the pool ends with the split's process, even killed (``kill -9``): no orphan left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)


def _built(
    importer: Importer, fields: tuple[str, ...], todo: list[tuple[IncidentController, SplitPart, list[Any]]]
) -> Iterator[tuple[IncidentController, SplitPart, Iterable[list[tuple[Any, ...]]], Callable[[], ImportReport]]]:
    """Each part validated, de-duplicated and encrypted (the rows ready to write) with its report, in this process
    or, for a large file on a machine of several cores, in ``VIGIE_SPLIT_PROCESSES`` forked processes while this
    one writes the parts already done: the work of one part depends on no other."""
    global _JOBS  # noqa: PLW0603 (read by the forked processes)
    key = crypto.current_key()
    jobs: list[Job] = [(importer.part(), fields, rows, part.campaign_id, key) for _link, part, rows in todo]
    processes = min(settings.VIGIE_SPLIT_PROCESSES, len(jobs), os.cpu_count() or 1)
    rows = sum(len(job[2]) for job in jobs)
    if processes < 2 or rows < settings.VIGIE_SPLIT_PARALLEL_ROWS or "fork" not in mp.get_all_start_methods():
        for (link, part, _rows), job in zip(todo, jobs, strict=True):
            yield link, part, _rows_of(job), lambda job=job: job[0].report  # type: ignore[misc]
        return
    _JOBS = jobs
    try:
        with mp.get_context("fork").Pool(processes, initializer=_die_with_parent) as pool:
            for index, chunks, report in pool.imap_unordered(_build, range(len(jobs))):
                link, part, _rows = todo[index]
                yield link, part, chunks, lambda report=report: report  # type: ignore[misc]
    finally:
        _JOBS = []


def _close_part(
    link: IncidentController,
    part: SplitPart,
    chunks: Iterable[list[tuple[Any, ...]]],
    report_of: Callable[[], ImportReport],
    *,
    split: Split,
    by: User | None,
) -> tuple[SplitPart, list[dict[str, Any]]]:
    """Store one controller's rows in its campaign, which becomes ready, and mark the part done, together."""
    campaign = part.campaign
    stored = write_rows(chunks)
    report = report_of()
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
    with transaction.atomic():
        Split.objects.filter(pk=split.pk).update(
            counts=counts, unassigned=result.unassigned[:20_000], finished_at=timezone.now()
        )
        external = sum(result.external.values())
        said = j.say(
            gettext_noop(
                "Leaked file %(file)s split by the column %(column)s: %(rows)d rows, of which %(assigned)d for "
                "%(n)d controllers on Vigie, %(external)d kept for %(m)d controllers not on Vigie and "
                "%(unassigned)d of no controller."
            )
            if external
            else gettext_noop(
                "Leaked file %(file)s split by the column %(column)s: %(rows)d rows, of which %(assigned)d for "
                "%(n)d controllers on Vigie and %(unassigned)d of no controller."
            ),
            file=split.source_name,
            column=split.key_column,
            rows=rows,
            assigned=sum(result.assigned.values()),
            n=len(result.campaigns),
            external=external,
            m=sum(1 for n in result.external.values() if n),
            unassigned=len(result.unassigned),
        )
        IncidentEvent.write(
            [said],
            incident=incident,
            kind=IncidentEventKind.SPLIT_IMPORTED,
            author=by,
            data={"split": split.pk, **counts},
        )
        for link in incident.controllers.select_related("breach"):
            if link.organisation_id not in result.campaigns:
                continue
            received = j.say(
                gettext_noop("%(n)d persons received from the processor's file, in campaign no. %(campaign)d."),
                n=result.stored[link.organisation_id],
                campaign=result.campaigns[link.organisation_id],
            )
            TimelineEvent.write(
                [received],
                breach=link.breach,
                kind=EventKind.PERSONS_RECEIVED,
                author=by,
                data={"incident": incident.pk, "campaign": result.campaigns[link.organisation_id]},
            )
        record("incident.split", actor=by, organisation=incident.processor, obj=incident,
               detail={"split": split.pk, "rows": rows, "unassigned": len(result.unassigned)})  # fmt: skip
    split.refresh_from_db()
