"""Every state change of a leak matching, each in one function that owns its transaction and writes the audit.

Life of a matching: ``new_matching`` (the leaked file and the patient base uploaded, or a campaign's persons
chosen; both sniffed, the columns guessed; files stored encrypted) → ``set_mappings`` → ``request_matching``
→ ``run_matching`` (read, match, store the pairs encrypted, delete the files) → ``review_pair`` for each pair
of the review band → ``inform_found`` (the automatic matches and the accepted pairs become the persons of a
campaign of the breach, each with the categories of data of their leaked row) → ``purge_matching`` (with the
campaign, or after the retention: ``purge_due``).

The leaked file is personal data: it is never logged, it is stored only encrypted (AES-GCM, the campaigns' data
key), decrypted in memory to be read, and deleted as soon as the pairs are stored; every page that shows a pair
writes to the access log.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Role, User
from vigie.audit.services import record
from vigie.breaches.models import Breach
from vigie.campaigns import crypto
from vigie.campaigns.importing import FIELD_LABELS_FR, FIELDS, ImportError_, guess_mapping, sniff
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient
from vigie.campaigns.services import check_upload
from vigie.campaigns.store import mark_cross_campaign_duplicates, store_persons
from vigie.identity import Invalid, identity_key, parse_birth_date
from vigie.linkage import Result

from . import matching as runner
from . import reading
from .models import Decision, LeakMatching, LeakPair, MatchingStatus, Review

LEAK_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
CHUNK = 2000


def _require(user: User | None, breach: Breach, role: str) -> None:
    if user is None:
        return  # the command line and the worker act with the operator's authority
    membership = user.memberships.filter(organisation_id=breach.organisation_id).first()
    if membership is None or not membership.has_role(role):
        raise PermissionDenied


def folder(matching: LeakMatching) -> Path:
    return Path(settings.MEDIA_ROOT) / "leaks" / str(matching.pk)


def _path(matching: LeakMatching, which: str) -> Path:
    return folder(matching) / f"{which}.enc"


def _purpose(path: Path) -> str:
    return str(path.relative_to(settings.MEDIA_ROOT))


def _store(matching: LeakMatching, which: str, data: bytes) -> None:
    path = _path(matching, which)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(crypto.encrypt_bytes(data, purpose=_purpose(path)))


def _load(matching: LeakMatching, which: str) -> bytes:
    path = _path(matching, which)
    return crypto.decrypt_bytes(path.read_bytes(), purpose=_purpose(path))


def _sniff_leak(data: bytes) -> dict[str, Any]:
    try:
        importer = reading.open_leak(data)
    except ImportError_ as error:
        raise ValidationError(str(error)) from None
    categories = reading.guess_column_categories(importer.headers, importer.mapping)
    return {"headers": importer.headers, "mapping": importer.mapping, "categories": categories}


def _sniff_patients(data: bytes) -> dict[str, Any]:
    try:
        kind, headers = sniff(data)
    except ImportError_ as error:
        raise ValidationError(str(error)) from None
    return {"format": kind, "headers": list(headers), "mapping": guess_mapping(list(headers)) if kind != "fhir" else {}}


def field_labels() -> list[list[str]]:
    """``[field, French label]`` of every field a column can be mapped to."""
    return [[name, FIELD_LABELS_FR.get(name, name)] for name in FIELDS]


def new_matching(
    breach: Breach,
    *,
    by: User | None,
    leak_name: str,
    leak_data: bytes,
    patients_name: str = "",
    patients_data: bytes | None = None,
    source_campaign: Campaign | None = None,
) -> LeakMatching:
    """Receive a leaked file and a patient base (a file, or a campaign's persons): sniffed, guessed, stored.

    A file that cannot be read at all is refused here with its reason (``ValidationError``).
    """
    _require(by, breach, Role.MEMBER)
    check_upload(leak_name, len(leak_data), leak_data[:8])
    if not leak_name.lower().endswith(LEAK_SUFFIXES):
        raise ValidationError(_("The leaked file must be a CSV or XLSX file."))
    sniffed: dict[str, Any] = {"leak": _sniff_leak(leak_data), "fields": field_labels()}
    if source_campaign is not None:
        if source_campaign.breach.organisation_id != breach.organisation_id:
            raise PermissionDenied
        if source_campaign.status == CampaignStatus.PURGED or not source_campaign.persons_count:
            raise ValidationError(_("This campaign has no persons left to compare (purged or empty)."))
    elif patients_data is not None:
        check_upload(patients_name, len(patients_data), patients_data[:8])
        sniffed["patients"] = _sniff_patients(patients_data)
    else:
        raise ValidationError(_("Give the patient base: a file, or an existing campaign."))
    with transaction.atomic():
        matching = LeakMatching.objects.create(
            breach=breach, created_by=by, leak_name=Path(leak_name).name[:255], leak_size=len(leak_data),
            patients_name=Path(patients_name).name[:255] if patients_data is not None else "",
            patients_size=len(patients_data or b""), source_campaign=source_campaign, sniffed=sniffed,
            leak_mapping=sniffed["leak"]["mapping"], leak_categories=sniffed["leak"]["categories"],
            patients_mapping=(sniffed.get("patients") or {}).get("mapping", {}),
        )  # fmt: skip
        _store(matching, "leak", leak_data)
        if patients_data is not None:
            _store(matching, "patients", patients_data)
        record("leak.upload", actor=by, organisation=breach.organisation, obj=matching,
               detail={"file": matching.leak_name[:100], "bytes": len(leak_data),
                       "patients": source_campaign.pk if source_campaign else matching.patients_name[:100]})  # fmt: skip
    return matching


def set_mappings(
    matching: LeakMatching,
    *,
    leak_mapping: dict[str, str],
    leak_categories: dict[str, str],
    patients_mapping: dict[str, str] | None,
    by: User | None,
) -> LeakMatching:
    """The columns of both files as the user checked them, and the data category of each leaked column."""
    _require(by, matching.breach, Role.MEMBER)
    if matching.status not in (MatchingStatus.DRAFT, MatchingStatus.FAILED):
        raise ValidationError(_("The matching has already run."))
    if not (leak_mapping.get("birth_name") or leak_mapping.get("usage_name")):
        raise ValidationError(_("Choose the column of the leaked file that holds the family name."))
    matching.leak_mapping = leak_mapping
    matching.leak_categories = leak_categories
    if patients_mapping is not None:
        matching.patients_mapping = patients_mapping
    matching.save(update_fields=["leak_mapping", "leak_categories", "patients_mapping"])
    return matching


def request_matching(matching: LeakMatching, *, by: User | None) -> bool:
    """Queue the matching (the page follows its progress); False if it is already queued or done."""
    from .tasks import match_leak

    _require(by, matching.breach, Role.MEMBER)
    stale = timezone.now() - timedelta(seconds=settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS)
    with transaction.atomic():
        updated = (
            LeakMatching.objects.filter(pk=matching.pk)
            .filter(
                Q(status__in=(MatchingStatus.DRAFT, MatchingStatus.FAILED))
                | Q(status=MatchingStatus.MATCHING, heartbeat__lt=stale)
            )
            .update(status=MatchingStatus.MATCHING, progress_done=0, progress_total=0, heartbeat=timezone.now())
        )
    if updated:
        match_leak.enqueue(matching.pk)
    return bool(updated)


def recover_matchings(*, now: datetime | None = None) -> int:
    """Matchings that died with their worker (no sign of life for ``VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS``):
    queued again while their files are there (``run_matching`` starts from scratch), else failed with a reason.
    Run when ``vigie worker`` starts; returns the matchings queued again."""
    from .tasks import match_leak

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS)
    queued = 0
    for matching in LeakMatching.objects.filter(status=MatchingStatus.MATCHING, heartbeat__lt=stale):
        mine = LeakMatching.objects.filter(pk=matching.pk, status=MatchingStatus.MATCHING, heartbeat=matching.heartbeat)
        if _path(matching, "leak").exists():
            if mine.update(heartbeat=now):
                match_leak.enqueue(matching.pk)
                queued += 1
        else:
            mine.update(
                status=MatchingStatus.FAILED, error=str(_("The matching was interrupted: send the files again."))
            )
    return queued


# --- Running ---------------------------------------------------------------------------------------------------


@dataclass
class _CampaignPerson:
    """A campaign's decrypted person, with the attributes the reader's ``Person`` has."""

    line: int
    birth_name: str = ""
    usage_name: str = ""
    given_names: str = ""
    sex: str = ""
    birth_date: date | str | None = None
    nir: str = ""
    email: str = ""
    phone: str = ""
    address_lines: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    identity_key: str = ""


def campaign_persons(campaign: Campaign) -> Iterator[_CampaignPerson]:
    """The persons of a campaign, decrypted (their line is the line of the campaign's imported file)."""
    ring = crypto.keyring()
    rows = Recipient.objects.filter(campaign=campaign).exclude(payload=b"").order_by("pk")
    for line, payload in rows.values_list("line", "payload").iterator(chunk_size=2000):
        data = crypto.decrypt(payload, campaign_id=campaign.pk, ring=ring)
        born = data.get("birth_date") or ""
        try:
            birth: date | str | None = parse_birth_date(born) if born else None
        except Invalid:
            birth = born
        yield _CampaignPerson(
            line=line, birth_name=data.get("birth_name", ""), usage_name=data.get("usage_name", ""),
            given_names=data.get("given_names", ""), sex=data.get("sex", ""), birth_date=birth,
            email=data.get("email", ""), phone=data.get("phone", ""), address_lines=tuple(data.get("address") or ()),
            identity_key=data.get("identity_key", ""),
        )  # fmt: skip


def _progress(matching: LeakMatching, start: int, span: int, on: Callable[[int, int], None] | None) -> Any:
    """A callback giving ``done/total`` of one phase as a share of the whole bar (out of 1000)."""

    def update(done: int, total: int | None) -> None:
        value = start + (span * done // total if total else 0)
        LeakMatching.objects.filter(pk=matching.pk).update(
            progress_done=min(value, start + span), progress_total=1000, heartbeat=timezone.now()
        )
        if on is not None:
            on(min(value, start + span), 1000)

    return update


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _patient_data(person: Any) -> dict[str, Any]:
    return {
        "line": int(person.line),
        "birth_name": _text(person.birth_name),
        "usage_name": _text(person.usage_name),
        "given_names": _text(person.given_names),
        "sex": _text(person.sex),
        "birth_date": _text(person.birth_date),
        "nir": _text(getattr(person, "nir", "")),
        "email": _text(getattr(person, "email", "")),
        "phone": _text(getattr(person, "phone", "")),
        "address": [str(line) for line in (getattr(person, "address_lines", ()) or ())],
        "identity_key": _text(getattr(person, "identity_key", "")),
    }


def _purpose_pairs(matching_id: int) -> str:
    return f"vigie-leak:{matching_id}"


def encrypt_pair(matching_id: int, data: dict[str, Any]) -> bytes:
    plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return crypto.encrypt_bytes(plain, purpose=_purpose_pairs(matching_id))


def decrypt_pair(pair: LeakPair) -> dict[str, Any]:
    """Both records, the evidence and the categories of a pair; ``{}`` once purged."""
    payload = bytes(pair.payload)
    if not payload:
        return {}
    return json.loads(crypto.decrypt_bytes(payload, purpose=_purpose_pairs(pair.matching_id)))


def _evidence(result: Result) -> list[dict[str, Any]]:
    return [{"trait": e.trait, "level": e.level, "weight": round(e.weight, 1), "detail": e.detail}
            for e in result.evidence]  # fmt: skip


def read_inputs(
    matching: LeakMatching, *, progress: Callable[[int, int], None] | None = None
) -> tuple[reading.PatientBase, bytes, reading.LeakSource]:
    """Both files decrypted in memory: the patients read (from the file or the source campaign), the leak opened."""
    patients_data = b""
    if matching.source_campaign_id:
        patients = reading.patients_from(campaign_persons(matching.source_campaign))  # type: ignore[arg-type]
    else:
        patients_data = _load(matching, "patients")
        patients = reading.read_patients(
            patients_data, matching.patients_mapping or None, progress=_progress(matching, 0, 200, progress)
        )
    leak = reading.LeakSource(_load(matching, "leak"), matching.leak_mapping or None, matching.leak_categories or None)
    return patients, patients_data, leak


def run_matching(matching: LeakMatching, *, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Read both files, match, store the pairs encrypted, delete the files; return the counts. Idempotent."""
    LeakMatching.objects.filter(pk=matching.pk).update(
        status=MatchingStatus.MATCHING, progress_done=0, progress_total=1000, heartbeat=timezone.now(), error=""
    )
    LeakPair.objects.filter(matching=matching).delete()
    try:
        patients, patients_data, leak = read_inputs(matching, progress=progress)
        outcome = runner.run(patients, leak, progress=_progress(matching, 200, 650, progress))
        stored = _store_pairs(matching, patients, patients_data, outcome.found, progress)
    except (ImportError_, crypto.DecryptionFailed, OSError) as error:
        reason = str(error) if isinstance(error, ImportError_) else _("The files of this matching cannot be read.")
        LeakMatching.objects.filter(pk=matching.pk).update(status=MatchingStatus.FAILED, error=reason[:500])
        raise
    counts = outcome.counts()
    counts.update(
        patients=len(patients.traits), patients_rows=patients.rows, patients_invalid=patients.invalid,
        patients_duplicates=patients.duplicates, unreadable=outcome.unreadable, stored=stored,
    )  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        LeakMatching.objects.filter(pk=matching.pk).update(
            status=MatchingStatus.READY, counts=counts, progress_done=1000, progress_total=1000, finished_at=now,
            purge_after=now + timedelta(days=settings.VIGIE_CAMPAIGN_RETENTION_DAYS), heartbeat=now,
        )  # fmt: skip
        record("leak.match", organisation=matching.breach.organisation, obj=matching,
               detail={key: counts[key] for key in ("rows", "match", "review", "none", "patients")})  # fmt: skip
    shutil.rmtree(folder(matching), ignore_errors=True)  # the encrypted pairs are all we keep of the files
    matching.refresh_from_db()
    return counts


def _store_pairs(
    matching: LeakMatching,
    patients: reading.PatientBase,
    patients_data: bytes,
    found: list[runner.Found],
    progress: Callable[[int, int], None] | None,
) -> int:
    if patients.persons is not None:
        persons = {item.result.patient_line: patients.persons[item.result.patient] for item in found}
    else:
        wanted = {item.result.patient_line for item in found}
        persons = reading.persons_for(patients_data, matching.patients_mapping or None, wanted)
    on = _progress(matching, 850, 150, progress)
    stored = 0
    for start in range(0, len(found), CHUNK):
        pairs = []
        for item in found[start : start + CHUNK]:
            result = item.result
            data = {
                "leak": item.cells,
                "patient": _patient_data(persons[result.patient_line]),
                "evidence": _evidence(result),
                "categories": list(item.categories),
                "weight": round(result.weight, 1),
                "runner_up": None if result.runner_up is None else round(result.runner_up, 1),
            }
            pairs.append(
                LeakPair(
                    matching=matching,
                    leak_line=result.leak_line,
                    patient_line=result.patient_line,
                    score=round(result.score, 4),
                    decision=result.decision,
                    review=Review.ACCEPTED if result.decision == Decision.MATCH else Review.PENDING,
                    payload=encrypt_pair(matching.pk, data),
                )  # fmt: skip
            )
        with transaction.atomic():
            LeakPair.objects.bulk_create(pairs, batch_size=500)
        stored += len(pairs)
        on(stored, len(found))
    return stored


# --- Reviewing and informing -----------------------------------------------------------------------------------


def review_pair(pair: LeakPair, *, accept: bool, by: User | None) -> LeakPair:
    """A person's verdict on one pair of the review band: the same person, or not."""
    matching = pair.matching
    _require(by, matching.breach, Role.MEMBER)
    if matching.status != MatchingStatus.READY:
        raise ValidationError(_("This matching can no longer be reviewed."))
    with transaction.atomic():
        pair.review = Review.ACCEPTED if accept else Review.REJECTED
        pair.reviewed_by, pair.reviewed_at = by, timezone.now()
        pair.save(update_fields=["review", "reviewed_by", "reviewed_at"])
        record("leak.pair_reviewed", actor=by, organisation=matching.breach.organisation, obj=matching,
               detail={"pair": pair.pk, "accepted": accept})  # fmt: skip
    return pair


@dataclass
class FoundPerson:
    """A person found in the leaked file, as the campaign's store expects it (``store.person_data``)."""

    line: int
    birth_name: str
    usage_name: str
    given_names: str
    sex: str
    birth_date: str
    email: str
    phone: str
    address_lines: tuple[str, ...]
    categories: tuple[str, ...]
    identity_key: str


def _found(data: dict[str, Any]) -> FoundPerson:
    patient = data["patient"]
    key = patient.get("identity_key") or identity_key(
        patient.get("birth_name") or patient.get("usage_name", ""), patient.get("given_names", ""),
        patient.get("birth_date") or None, patient.get("sex", ""),
    )  # fmt: skip
    return FoundPerson(
        line=int(patient["line"]), birth_name=patient.get("birth_name", ""), usage_name=patient.get("usage_name", ""),
        given_names=patient.get("given_names", ""), sex=patient.get("sex", ""),
        birth_date=patient.get("birth_date", ""), email=patient.get("email", ""), phone=patient.get("phone", ""),
        address_lines=tuple(patient.get("address") or ()), categories=tuple(data.get("categories") or ()),
        identity_key=key,
    )  # fmt: skip


def inform_found(matching: LeakMatching, *, by: User | None) -> Campaign:
    """The persons found (automatic matches and accepted pairs) become the persons of a new campaign of the breach.

    Each keeps the categories of data of their leaked row (their letter tells them what leaked); a patient found
    in several leaked rows is one person, with the categories of all of them. Persons already in another
    campaign of the breach are marked as such (nobody told twice). Pairs still to review are refused.
    """
    _require(by, matching.breach, Role.DPO)
    with transaction.atomic():
        matching = LeakMatching.objects.select_for_update().select_related("breach__organisation").get(pk=matching.pk)
        if matching.status != MatchingStatus.READY:
            raise ValidationError(_("The persons of this matching have already been added to a campaign."))
        pending = LeakPair.objects.filter(matching=matching, decision=Decision.REVIEW, review=Review.PENDING).count()
        if pending:
            raise ValidationError(_("Pairs still to review: %(count)s.") % {"count": pending})
        campaign = Campaign.objects.create(
            breach=matching.breach, created_by=by, status=CampaignStatus.IMPORTING,
            source_name=_("Found in the leaked file %(name)s") % {"name": matching.leak_name}, mapping={},
        )  # fmt: skip
        persons: dict[int, FoundPerson] = {}
        for pair in LeakPair.objects.filter(matching=matching).to_inform().order_by("leak_line").iterator(2000):
            person = _found(decrypt_pair(pair))
            if person.line in persons:
                kept = persons[person.line]
                kept.categories = tuple(dict.fromkeys(kept.categories + person.categories))
            else:
                persons[person.line] = person
        found = sorted(persons.values(), key=lambda person: person.line)
        stored = store_persons(campaign, [found[i : i + 5000] for i in range(0, len(found), 5000)])
        already = mark_cross_campaign_duplicates(campaign)
        report = {"rows": stored, "valid": stored, "invalid": 0, "duplicates": 0, "errors": [], "errors_total": 0,
                  "warnings": [], "merged": [], "already_informed": already, "leak_matching": matching.pk}  # fmt: skip
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.READY, import_report=report, persons_count=stored, import_done=stored
        )
        LeakMatching.objects.filter(pk=matching.pk).update(status=MatchingStatus.DONE, campaign=campaign)
        record("leak.inform", actor=by, organisation=matching.breach.organisation, obj=matching,
               detail={"campaign": campaign.pk, "persons": stored})  # fmt: skip
    campaign.refresh_from_db()
    return campaign


# --- Purge -------------------------------------------------------------------------------------------------------


def purge_matching(matching: LeakMatching, *, by: User | None, reason: str = "") -> int:
    """Erase both records of every pair and the files; keep the counts, lines and decisions. Idempotent."""
    _require(by, matching.breach, Role.DPO)
    if matching.status == MatchingStatus.PURGED:
        return 0
    pairs = LeakPair.objects.filter(matching=matching)
    purged = 0
    for start in list(pairs.order_by("pk").values_list("pk", flat=True)[::5000]):
        with transaction.atomic():
            purged += pairs.filter(pk__gte=start, pk__lt=start + 5000).exclude(payload=b"").update(payload=b"")
    shutil.rmtree(folder(matching), ignore_errors=True)
    with transaction.atomic():
        LeakMatching.objects.filter(pk=matching.pk).update(status=MatchingStatus.PURGED, purged_at=timezone.now())
        record("leak.purge", actor=by, organisation=matching.breach.organisation, obj=matching,
               detail={"pairs": purged, **({"reason": reason} if reason else {})})  # fmt: skip
    matching.refresh_from_db()
    return purged


def purge_due(*, now: datetime | None = None) -> int:
    """Purge every matching whose retention has passed (run by the daily purge, with the campaigns')."""
    now = now or timezone.now()
    due = LeakMatching.objects.exclude(status__in=(MatchingStatus.PURGED, MatchingStatus.MATCHING))
    due = due.filter(purge_after__lte=now)
    return sum(1 for matching in due if purge_matching(matching, by=None, reason="retention") >= 0)


def purge_with_campaign(campaign: Campaign) -> int:
    """A campaign was purged: so are the matchings it came from or compared against."""
    linked = LeakMatching.objects.exclude(status=MatchingStatus.PURGED)
    linked = linked.filter(Q(campaign=campaign) | Q(source_campaign=campaign))
    return sum(1 for matching in linked if purge_matching(matching, by=None, reason=f"campaign {campaign.pk}") >= 0)
