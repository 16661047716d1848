"""Breaches, their facts, decision, obligations and journal; the register. Each write calls the same service
function as the page that does it (``vigie.breaches.services``), with the token's member as ``by``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as Reply
from pydantic import BaseModel, ConfigDict, Field

from vigie.accounts.models import Role
from vigie.audit.services import record
from vigie.breaches import services
from vigie.breaches.choices import Origin
from vigie.breaches.exports import FORMATS, export_register
from vigie.breaches.models import Breach, ObligationRow
from vigie.breaches.models import Status as BreachStatus

from ..problems import ApiProblem
from . import schemas
from .common import Cursor, Id, Limit, answers, binary, file_response, get_breach, org, page, require

router = Router(tags=["breaches"])


def _obligation(row: ObligationRow, now: Any) -> dict[str, Any]:
    state = row.state
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "due": row.due,
        "overdue": row.overdue(now),
        "overruled": row.overruled,
        "basis": row.basis,
        "why": row.why,
        "done": row.done,
        "done_at": state.done_at if state else None,
        "reference": state.reference if state else "",
        "note": state.note if state else "",
        "delay_reasons": state.delay_reasons if state else "",
    }


def _decision(breach: Breach) -> dict[str, Any]:
    return {
        "assessed": breach.assessment is not None,
        "assessed_at": breach.assessed_at,
        "risk": (breach.assessment or {}).get("risk"),
        "notify_authority": breach.notify_authority,
        "notify_data_subjects": breach.notify_data_subjects,
        "overridden": breach.is_overridden,
        "summary": services.decision_summary(breach) if breach.assessment else "",
        "missing_facts": breach.missing_facts(),
    }


def summary(breach: Breach) -> dict[str, Any]:
    return {
        "id": breach.pk,
        "reference": breach.reference,
        "title": breach.title,
        "status": breach.status,
        "became_aware_at": breach.became_aware_at,
        "risk": (breach.assessment or {}).get("risk"),
        "created_at": breach.created_at,
        "updated_at": breach.updated_at,
    }


def detail(breach: Breach) -> dict[str, Any]:
    now = timezone.now()
    return {
        **summary(breach),
        "closed_at": breach.closed_at,
        "facts": schemas.facts_of(breach),
        "decision": _decision(breach),
        "obligations": [_obligation(row, now) for row in breach.obligation_rows()],
    }


class BreachFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["draft", "assessed", "closed"] | None = None
    open: bool | None = Field(default=None, description="true: not closed; false: closed.")
    origin: Literal[tuple(Origin.values)] | None = None  # type: ignore[valid-type]
    year: Annotated[int, Field(ge=1900, le=2999)] | None = Field(default=None, description="Year of awareness.")


@router.get("/breaches/", response=answers({200: schemas.BreachPage}), summary="List the breaches")
def list_breaches(
    request: HttpRequest, filters: Query[BreachFilters], cursor: Cursor = None, limit: Limit = 50
) -> dict[str, Any]:
    """The organisation's breaches, newest first, a page at a time."""
    breaches = Breach.objects.for_org(org(request)).order_by("-pk")
    if filters.status:
        breaches = breaches.filter(status=filters.status)
    if filters.open is not None:
        breaches = breaches.open() if filters.open else breaches.closed()
    if filters.origin:
        breaches = breaches.filter(origin=filters.origin)
    if filters.year:
        breaches = breaches.filter(became_aware_at__year=filters.year)
    rows, next_cursor = page(breaches, cursor, limit)
    return {"items": [summary(breach) for breach in rows], "next_cursor": next_cursor}


@router.post("/breaches/", response=answers({201: schemas.BreachDetail}, write=True), summary="Declare a breach")
def create_breach(request: HttpRequest, body: schemas.BreachCreate) -> Reply:  # type: ignore[valid-type]
    """Open a breach from its facts (``declare_breach``); assessed at once when the minimum facts are given."""
    require(request, Role.MEMBER)
    facts = schemas.to_changes(body.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
    title, became_aware_at = facts.pop("title"), facts.pop("became_aware_at")
    awareness_note = facts.pop("awareness_note", "")
    breach = services.declare_breach(
        org(request), by=request.user, title=title, became_aware_at=became_aware_at,  # type: ignore[arg-type]
        awareness_note=awareness_note, **facts,
    )  # fmt: skip
    return Reply(201, detail(Breach.objects.get(pk=breach.pk)))


@router.get("/breaches/{int:breach_id}/", response=answers({200: schemas.BreachDetail}), summary="A breach")
def get_breach_detail(request: HttpRequest, breach_id: Id) -> dict[str, Any]:
    """Its facts, the decision as it stands and the obligations with their deadlines (in the access log)."""
    breach = get_breach(request, breach_id)
    record("breach.viewed", request=request, organisation=org(request), obj=breach)
    return detail(breach)


@router.patch(
    "/breaches/{int:breach_id}/", response=answers({200: schemas.Changed}, write=True), summary="Change facts"
)
def update_breach(request: HttpRequest, breach_id: Id, body: schemas.BreachFactsPatch) -> dict[str, Any]:  # type: ignore[valid-type]
    """Change some facts (``update_facts``): each change is journalled and the breach assessed again."""
    require(request, Role.MEMBER)
    breach = get_breach(request, breach_id)
    changes = schemas.to_changes(body.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
    if "title" in changes and not changes["title"].strip():
        raise ValidationError({"title": _("This field is required.")})
    changed = services.update_facts(breach, by=request.user, changes=changes)  # type: ignore[arg-type]
    return {"changed": changed, "breach": detail(get_breach(request, breach_id))}


@router.post(
    "/breaches/{int:breach_id}/prefill/",
    response=answers({200: schemas.Changed}, write=True),
    summary="Pre-fill from the record of processing",
)
def prefill(request: HttpRequest, breach_id: Id, body: schemas.Prefill) -> dict[str, Any]:
    """Add the data categories and persons estimate of activities of the record (``prefill_from_record``)."""
    require(request, Role.MEMBER)
    breach = get_breach(request, breach_id)
    changed = services.prefill_from_record(breach, by=request.user, activity_ids=body.activity_ids)  # type: ignore[arg-type]
    return {"changed": changed, "breach": detail(get_breach(request, breach_id))}


@router.get(
    "/breaches/{int:breach_id}/assessment/", response=answers({200: schemas.Assessment}), summary="The assessment"
)
def assessment(request: HttpRequest, breach_id: Id) -> dict[str, Any]:
    """The decision core's result as stored, the facts still missing, and the decision as it stands."""
    breach = get_breach(request, breach_id)
    record("breach.viewed", request=request, organisation=org(request), obj=breach, detail={"part": "assessment"})
    return {
        "assessed": breach.assessment is not None,
        "assessed_at": breach.assessed_at,
        "missing_facts": breach.missing_facts(),
        "decision": _decision(breach),
        "result": breach.assessment,
    }


@router.post(
    "/breaches/{int:breach_id}/decision/",
    response=answers({200: schemas.BreachDetail}, write=True),
    summary="Overrule the decision",
)
def overrule(request: HttpRequest, breach_id: Id, body: schemas.Overrule) -> dict[str, Any]:
    """The DPO replaces the computed decision with their own, justified (``overrule_decision``)."""
    require(request, Role.DPO)
    breach = get_breach(request, breach_id)
    services.overrule_decision(breach, by=request.user, **body.model_dump())  # type: ignore[arg-type]
    return detail(get_breach(request, breach_id))


@router.get(
    "/breaches/{int:breach_id}/obligations/",
    response=answers({200: list[schemas.Obligation]}),
    summary="The obligations of a breach",
)
def breach_obligations(request: HttpRequest, breach_id: Id) -> list[dict[str, Any]]:
    breach = get_breach(request, breach_id)
    now = timezone.now()
    return [_obligation(row, now) for row in breach.obligation_rows()]


ObligationId = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,32}$")]


def _row(breach: Breach, obligation_id: str) -> ObligationRow:
    row = breach.obligation(obligation_id)
    if row is None:
        raise ApiProblem("not-found", _("This breach has no such obligation."))
    return row


@router.post(
    "/breaches/{int:breach_id}/obligations/{obligation_id}/done/",
    response=answers({200: schemas.Obligation}, write=True),
    summary="Mark an obligation done",
)
def obligation_done(
    request: HttpRequest, breach_id: Id, obligation_id: ObligationId, body: schemas.ObligationDone
) -> dict[str, Any]:
    """Record when it was done, and its reference, e.g. the CNIL receipt number (``mark_obligation_done``)."""
    require(request, Role.DPO)
    breach = get_breach(request, breach_id)
    row = _row(breach, obligation_id)
    services.mark_obligation_done(breach, row.id, by=request.user, **body.model_dump())  # type: ignore[arg-type]
    return _obligation(_row(get_breach(request, breach_id), obligation_id), timezone.now())


@router.post(
    "/breaches/{int:breach_id}/obligations/{obligation_id}/reopen/",
    response=answers({200: schemas.Obligation}, write=True),
    summary="Mark an obligation not done",
)
def obligation_reopen(
    request: HttpRequest, breach_id: Id, obligation_id: ObligationId, body: schemas.Reason
) -> dict[str, Any]:
    require(request, Role.DPO)
    breach = get_breach(request, breach_id)
    row = _row(breach, obligation_id)
    services.reopen_obligation(breach, row.id, by=request.user, reason=body.reason)  # type: ignore[arg-type]
    return _obligation(_row(get_breach(request, breach_id), obligation_id), timezone.now())


@router.post(
    "/breaches/{int:breach_id}/notes/",
    response=answers({201: schemas.TimelineEntry}, write=True),
    summary="Add a note to the journal",
)
def add_note(request: HttpRequest, breach_id: Id, body: schemas.Note) -> Reply:
    require(request, Role.MEMBER)
    breach = get_breach(request, breach_id)
    event = services.add_note(breach, by=request.user, text=body.text)  # type: ignore[arg-type]
    return Reply(201, _entry(event))


def _entry(event: Any) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "kind": event.kind,
        "summary": event.text,
        "record": event.summary,
        "author": (event.author.email if event.author else None),
    }


@router.get(
    "/breaches/{int:breach_id}/timeline/",
    response=answers({200: list[schemas.TimelineEntry]}),
    summary="The journal of a breach",
)
def timeline(request: HttpRequest, breach_id: Id) -> list[dict[str, Any]]:
    breach = get_breach(request, breach_id)
    return [_entry(event) for event in breach.events.select_related("author")]


@router.post(
    "/breaches/{int:breach_id}/close/", response=answers({200: schemas.BreachDetail}, write=True), summary="Close"
)
def close(request: HttpRequest, breach_id: Id, body: schemas.Closing) -> dict[str, Any]:
    require(request, Role.DPO)
    breach = get_breach(request, breach_id)
    services.close_breach(breach, by=request.user, note=body.note, justification=body.justification)  # type: ignore[arg-type]
    return detail(get_breach(request, breach_id))


@router.post(
    "/breaches/{int:breach_id}/reopen/", response=answers({200: schemas.BreachDetail}, write=True), summary="Reopen"
)
def reopen(request: HttpRequest, breach_id: Id, body: schemas.Closing) -> dict[str, Any]:
    require(request, Role.DPO)
    services.reopen_breach(get_breach(request, breach_id), by=request.user, note=body.note)  # type: ignore[arg-type]
    return detail(get_breach(request, breach_id))


# --- Across breaches ---------------------------------------------------------------------------------------

obligations_router = Router(tags=["obligations"])


class ObligationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    open: bool = Field(default=True, description="Only the obligations still to do.")


@obligations_router.get(
    "/obligations/", response=answers({200: list[schemas.BreachObligation]}), summary="Obligations of every breach"
)
def all_obligations(request: HttpRequest, params: Query[ObligationQuery]) -> list[dict[str, Any]]:
    """Every obligation of the open, assessed breaches; with ``open`` (the default), only those still to do.
    Soonest deadline first."""
    open = params.open  # noqa: A001
    now = timezone.now()
    items = []
    for breach in Breach.objects.for_org(org(request)).open().assessed().prefetch_related("obligation_states"):
        for row in breach.obligation_rows():
            if open and not row.is_open:
                continue
            items.append({**_obligation(row, now), "breach_id": breach.pk, "breach_reference": breach.reference})
    far = timezone.now().replace(year=9999)
    return sorted(items, key=lambda item: (item["due"] or far, item["breach_id"], item["id"]))


register_router = Router(tags=["register"])


class RegisterQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "xlsx", "pdf"] = "csv"
    q: Annotated[schemas.Text, Field(max_length=200)] | None = None
    year: Annotated[int, Field(ge=1900, le=2999)] | None = None
    origin: Literal[tuple(Origin.values)] | None = None  # type: ignore[valid-type]
    status: Literal[tuple(BreachStatus.values)] | None = None  # type: ignore[valid-type]
    notified: Literal["yes", "no"] | None = None
    late: Literal["yes", "no"] | None = None


@register_router.get(
    "/register/",
    response=answers({}),
    summary="Export the breach register",
    openapi_extra=binary(list(FORMATS.values()), "The register (GDPR art. 33(5)), filtered, in French."),
)
def register(request: HttpRequest, params: Query[RegisterQuery]) -> HttpResponse:
    """The register as CSV (French Excel), XLSX or PDF, with the page's filters (in the access log)."""
    filters = {key: str(value) for key, value in params.model_dump(exclude_none=True).items() if key != "format"}
    export = export_register(org(request), params.format, filters, request=request)
    return file_response(export.content, export.content_type, export.filename)
