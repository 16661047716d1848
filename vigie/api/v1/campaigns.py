"""Campaigns informing the affected persons: upload a list, import it, set the channels, start, pause, resume,
purge; follow the progress; read the persons (a page at a time) and the proof ledger. Every write calls the
service the campaign pages call (``vigie.campaigns.services``); every read of personal data is in the access
log, as in the pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict, Field

from vigie.accounts.models import Role
from vigie.accounts.scoping import get_for_org
from vigie.audit.services import record
from vigie.campaigns import crypto, exports, letters, services
from vigie.campaigns.messages import full_name
from vigie.campaigns.models import Campaign, LetterBatch, Recipient

from . import schemas
from .common import NO_STORE, Id, answers, binary, file_response, get_breach, org, page, require

router = Router(tags=["campaigns"])


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_for_org(Campaign.objects.select_related("breach__organisation"), org(request), campaign_id)


def campaign_out(campaign: Campaign) -> dict[str, Any]:
    counts = campaign.counts()
    total = counts["total"] - counts["duplicates"]
    done = total - counts["pending"]
    return {
        "id": campaign.pk,
        "breach_id": campaign.breach_id,
        "status": campaign.status,
        "source_name": campaign.source_name,
        "persons_count": campaign.persons_count,
        "channel_rules": campaign.channel_rules or {},
        "rate_limit": campaign.rate_limit,
        "created_at": campaign.created_at,
        "started_at": campaign.started_at,
        "finished_at": campaign.finished_at,
        "purge_after": campaign.purge_after,
        "import_done": campaign.import_done,
        "import_total": campaign.import_total,
        "import_report": campaign.import_report or {},
        "rehearsal": campaign.rehearsal,
        "progress": {
            "total": total,
            "done": done,
            "percent": round(100 * done / total, 1) if total else 0.0,
            "counts": counts,
        },
    }


def _fresh(campaign: Campaign) -> dict[str, Any]:
    campaign.refresh_from_db()
    return campaign_out(campaign)


@router.get(
    "/breaches/{int:breach_id}/campaigns/",
    response=answers({200: list[schemas.Campaign]}),
    summary="The campaigns of a breach",
)
def list_campaigns(request: HttpRequest, breach_id: Id) -> list[dict[str, Any]]:
    breach = get_breach(request, breach_id)
    return [campaign_out(campaign) for campaign in Campaign.objects.filter(breach=breach)]


@router.post(
    "/breaches/{int:breach_id}/campaigns/",
    response=answers({201: schemas.Campaign}, write=True),
    summary="Upload a list of affected persons",
)
def upload(request: HttpRequest, breach_id: Id, file: File[UploadedFile]) -> Status:
    """A CSV, XLSX or FHIR JSON list (multipart field ``file``): stored encrypted, its columns recognised.
    ``import_report.sniffed`` shows the guessed mapping; then ``POST /campaigns/{id}/import/``."""
    require(request, Role.MEMBER)
    breach = get_breach(request, breach_id)
    name = file.name or "liste.csv"
    try:
        services.check_upload(name, file.size or 0, file.read(8))
        file.seek(0)
        campaign = services.new_campaign(breach, by=request.user, name=name, data=file.read())  # type: ignore[arg-type]
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None  # a refusal of the file, not of a state
    return Status(201, campaign_out(campaign))


@router.get("/campaigns/{int:campaign_id}/", response=answers({200: schemas.Campaign}), summary="A campaign")
def get_campaign(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    """Its state, its import report and its progress (counts per state)."""
    return campaign_out(_campaign(request, campaign_id))


@router.post(
    "/campaigns/{int:campaign_id}/import/",
    response=answers({202: schemas.Campaign}, write=True),
    summary="Import the uploaded list",
)
def start_import(request: HttpRequest, campaign_id: Id, body: schemas.ImportRequest) -> Status:
    """Queue the import, with the given column mapping or the guessed one; follow it on the campaign."""
    require(request, Role.MEMBER)
    campaign = _campaign(request, campaign_id)
    if body.mapping is not None:
        sniffed = (campaign.import_report or {}).get("sniffed") or {}
        fields = {name for name, _label in sniffed.get("fields", [])}
        headers = set(sniffed.get("headers", []))
        errors = {
            name: _("Unknown field.") if name not in fields else _("The file has no such column.")
            for name, column in body.mapping.items()
            if name not in fields or (column and column not in headers)
        }
        if errors:
            raise ValidationError({f"mapping.{name}": message for name, message in errors.items()})
        services.set_mapping(campaign, {name: column for name, column in body.mapping.items() if column},
                             by=request.user)  # type: ignore[arg-type]  # fmt: skip
    elif campaign.status not in ("draft", "failed"):
        raise ValidationError(_("The list has already been imported."))
    services.request_import(campaign, by=request.user)  # type: ignore[arg-type]
    return Status(202, _fresh(campaign))


@router.put(
    "/campaigns/{int:campaign_id}/rules/",
    response=answers({200: schemas.Campaign}, write=True),
    summary="Set the channel rules",
)
def rules(request: HttpRequest, campaign_id: Id, body: schemas.Rules) -> dict[str, Any]:
    """The order of channels (the first usable one wins for each person) and the sending rate."""
    require(request, Role.DPO)
    campaign = _campaign(request, campaign_id)
    services.set_rules(campaign, order=list(dict.fromkeys(body.order)), rate=body.rate, by=request.user)  # type: ignore[arg-type]
    return _fresh(campaign)


class StartQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rehearsal: bool = Field(default=False, description="Start a rehearsal: possible only without a mail server.")


def _act(request: HttpRequest, campaign_id: int, verb: Any) -> dict[str, Any]:
    require(request, Role.DPO)
    campaign = _campaign(request, campaign_id)
    verb(campaign, by=request.user)
    return _fresh(campaign)


@router.post(
    "/campaigns/{int:campaign_id}/start/", response=answers({200: schemas.Campaign}, write=True), summary="Start"
)
def start(request: HttpRequest, campaign_id: Id, params: Query[StartQuery]) -> dict[str, Any]:
    """Start informing the persons (``start_campaign``). Without a mail server, only a rehearsal starts
    (``?rehearsal=true``): nothing is sent and the ledger says so."""
    require(request, Role.DPO)
    campaign = _campaign(request, campaign_id)
    services.start_campaign(campaign, by=request.user, rehearsal=params.rehearsal)  # type: ignore[arg-type]
    return _fresh(campaign)


@router.post(
    "/campaigns/{int:campaign_id}/pause/", response=answers({200: schemas.Campaign}, write=True), summary="Pause"
)
def pause(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    return _act(request, campaign_id, services.pause_campaign)


@router.post(
    "/campaigns/{int:campaign_id}/resume/", response=answers({200: schemas.Campaign}, write=True), summary="Resume"
)
def resume(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    return _act(request, campaign_id, services.resume_campaign)


@router.post(
    "/campaigns/{int:campaign_id}/purge/",
    response=answers({200: schemas.Purged}, write=True),
    summary="Erase the persons' personal data",
)
def purge(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    """Erase the personal data and keep the proof ledger (``purge_campaign``)."""
    require(request, Role.DPO)
    campaign = _campaign(request, campaign_id)
    count = services.purge_campaign(campaign, by=request.user)  # type: ignore[arg-type]
    return {"purged": count, "campaign": _fresh(campaign)}


class PersonsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cursor: Annotated[str, Field(max_length=40)] | None = Field(
        default=None, description="The next_cursor of the previous page."
    )
    limit: Annotated[int, Field(ge=1, le=500)] = 100


class LedgerQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "pdf"] = "csv"
    part: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=1, description="PDF: the part (a PDF holds 1,000 persons)."
    )


@router.get(
    "/campaigns/{int:campaign_id}/persons/",
    response=answers({200: schemas.PersonPage}),
    summary="The persons of a campaign",
)
def persons(request: HttpRequest, campaign_id: Id, params: Query[PersonsQuery]) -> Any:
    """The persons, decrypted, in the order of the file, a page at a time (each page in the access log)."""
    cursor, limit = params.cursor, params.limit
    require(request, Role.DPO)
    campaign = _campaign(request, campaign_id)
    queryset = Recipient.objects.filter(campaign=campaign).order_by("pk")
    rows, next_cursor = page(queryset, cursor, limit)
    ring = crypto.keyring()
    items = []
    for recipient in rows:
        data = crypto.decrypt(recipient.payload, campaign_id=campaign.pk, ring=ring) if recipient.payload else {}
        items.append(
            {
                "id": recipient.pk, "line": recipient.line, "state": recipient.state, "channel": recipient.channel,
                "name": full_name(data) if data else "", "email": data.get("email", ""),
                "address": list(data.get("address") or [])[1:], "phone": data.get("phone", ""),
                "attempts": recipient.attempts, "queued_at": recipient.queued_at, "sent_at": recipient.sent_at,
                "letter_batch": recipient.letter_batch_id, "bounce_at": recipient.bounce_at,
            }
        )  # fmt: skip
    record("campaign.persons_viewed", request=request, organisation=org(request), obj=campaign,
           detail={"cursor": cursor or "", "count": len(items)})  # fmt: skip
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/campaigns/{int:campaign_id}/ledger/",
    response=answers({}),
    summary="The proof ledger",
    openapi_extra=binary(["text/csv", "application/pdf"], "Who was informed, how and when (CSV streamed, or PDF)."),
)
def ledger(request: HttpRequest, campaign_id: Id, params: Query[LedgerQuery]) -> HttpResponse | StreamingHttpResponse:
    """The per-person proof of the campaign, for the CNIL (in the access log)."""
    format, part = params.format, params.part  # noqa: A001
    require(request, Role.DPO)
    campaign = _campaign(request, campaign_id)
    record("campaign.ledger_export", request=request, organisation=org(request), obj=campaign,
           detail={"format": format, "part": part})  # fmt: skip
    name = f"campagne-{campaign.pk}-registre-de-preuve"
    if format == "pdf":
        content = exports.ledger_pdf(campaign, part=part, now=timezone.now())
        return file_response(content, "application/pdf", f"{name}.pdf")
    streaming = StreamingHttpResponse(exports.ledger_csv(campaign), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    streaming["Cache-Control"] = NO_STORE
    return streaming


@router.get(
    "/campaigns/{int:campaign_id}/errors/",
    response=answers({}),
    summary="The rejected lines of the import",
    openapi_extra=binary(["text/csv"], "Each rejected line with its column and reason (no values of the file)."),
)
def errors(request: HttpRequest, campaign_id: Id) -> HttpResponse:
    require(request, Role.MEMBER)
    campaign = _campaign(request, campaign_id)
    content = exports.errors_csv(campaign).encode("utf-8")
    return file_response(content, "text/csv; charset=utf-8", f"campagne-{campaign.pk}-erreurs.csv")


class LetterQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: Literal["pdf", "manifest"] = Field(default="pdf", description="The letters (PDF) or their manifest (CSV).")


@router.get(
    "/campaigns/{int:campaign_id}/letters/{int:number}/",
    response=answers({}),
    summary="A batch of letters for the mail house",
    openapi_extra=binary(["application/pdf", "text/csv"], "The batch's letters (PDF) or its manifest (CSV)."),
)
def letter_batch(request: HttpRequest, campaign_id: Id, number: Id, params: Query[LetterQuery]) -> HttpResponse:
    """One rendered batch (1,000 letters per PDF), decrypted, with its manifest of pages (in the access log)."""
    require(request, Role.DPO)
    campaign = _campaign(request, campaign_id)
    batch = LetterBatch.objects.filter(campaign=campaign, number=number, rendered_at__isnull=False).first()
    path = (batch.pdf_path if params.file == "pdf" else batch.manifest_path) if batch is not None else ""
    if not path:
        raise Http404
    record("campaign.letters_downloaded", request=request, organisation=org(request), obj=campaign,
           detail={"batch": number, "kind": params.file})  # fmt: skip
    content_type, ext = ("application/pdf", "pdf") if params.file == "pdf" else ("text/csv; charset=utf-8", "csv")
    return file_response(letters.read_file(path), content_type, f"campagne-{campaign.pk}-lot-{number:05d}.{ext}")
