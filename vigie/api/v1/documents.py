"""The documents of a breach (CNIL notification, letters, complaint…), rendered from its dossier by the same
service as the Documents tab (``generate_document``: journalled and in the access log); the organisation's own
texts of the letters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict, Field

from vigie.accounts.models import Role
from vigie.breaches.models import EventKind
from vigie.documents import services
from vigie.documents.dossier import build_dossier, validate_dossier
from vigie.documents.models import EDITABLE_KINDS, LetterTemplate
from vigie.documents.render import CONTENT_TYPES, KINDS

from ..problems import ApiProblem
from . import schemas
from .common import Id, answers, binary, file_response, get_breach, org, require

router = Router(tags=["documents"])

# Built from the catalogue at run time (the schema lists the values); a checker sees strings.
if TYPE_CHECKING:
    Kind = str
    Format = str
else:
    Kind = Literal[tuple(KINDS)]
    Format = Literal[tuple(sorted({fmt for kind in KINDS.values() for fmt in kind.formats}))]


@router.get(
    "/breaches/{int:breach_id}/documents/",
    response=answers({200: schemas.DocumentList}),
    summary="The documents of a breach",
)
def list_documents(request: HttpRequest, breach_id: Id) -> dict[str, Any]:
    """Each document the breach may call for, its formats, and whether it was generated or sent."""
    breach = get_breach(request, breach_id)
    generated = {
        event.data.get("kind")
        for event in breach.events.filter(kind=EventKind.DOCUMENT_GENERATED).only("data")
        if isinstance(event.data, dict)
    }
    states = {row.id: row for row in breach.obligation_rows()}
    documents = []
    for slug, kind in KINDS.items():
        obligation = states.get(kind.obligation or "")
        if obligation is not None and obligation.done and slug != "cnil-complementary":
            status = "sent"
        elif slug in generated:
            status = "generated"
        else:
            status = "todo"
        documents.append(
            {
                "kind": slug,
                "title": kind.title,
                "formats": list(kind.formats),
                "status": status,
                "applies": obligation.status if obligation is not None else "not_applicable",
            }
        )
    return {"ready": not validate_dossier(build_dossier(breach)), "documents": documents}


class RenderQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Format = "pdf"


@router.get(
    "/breaches/{int:breach_id}/documents/{kind}/",
    response=answers({}),
    summary="Render a document",
    openapi_extra=binary(sorted(set(CONTENT_TYPES.values()) - {"image/png"}), "The document, in French."),
)
def render_document(
    request: HttpRequest, breach_id: Id, kind: Annotated[Kind, Path()], params: Query[RenderQuery]
) -> HttpResponse:
    """The document ``kind`` as PDF, DOCX, text, HTML or e-mail (the formats of ``GET …/documents/``)."""
    format = params.format  # noqa: A001
    require(request, Role.MEMBER)
    breach = get_breach(request, breach_id)
    if format not in KINDS[kind].formats:
        raise ApiProblem(
            "not-found",
            _("This document does not exist in this format (formats: %(formats)s).")
            % {"formats": ", ".join(KINDS[kind].formats)},
        )
    if validate_dossier(build_dossier(breach)):
        raise ApiProblem("conflict", _("The breach is not assessed yet: complete its facts first."))
    generated = services.generate_document(breach, kind, format, by=request.user, request=request)  # type: ignore[arg-type]
    return file_response(generated.content, generated.content_type, generated.filename, inline=format == "pdf")


class LetterText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: Annotated[schemas.Text, Field(min_length=1, max_length=schemas.MAX_TEXT)]


class LetterTemplateOut(BaseModel):
    kind: str
    version: int
    body: str


if TYPE_CHECKING:
    TemplateKind = str
else:
    TemplateKind = Literal[tuple(EDITABLE_KINDS)]


@router.put(
    "/letter-templates/{kind}/",
    response=answers({200: LetterTemplateOut}, write=True),
    summary="Save the organisation's text of a document",
)
def save_template(request: HttpRequest, kind: Annotated[TemplateKind, Path()], body: LetterText) -> dict[str, Any]:
    """A new version of the organisation's text for ``kind`` (``save_letter_template``); earlier ones are kept."""
    require(request, Role.DPO)
    template = services.save_letter_template(org(request), kind, body.body, by=request.user)  # type: ignore[arg-type]
    return {"kind": template.kind, "version": template.version, "body": template.body}


@router.get(
    "/letter-templates/{kind}/",
    response=answers({200: LetterTemplateOut}),
    summary="The organisation's text of a document",
)
def get_template(request: HttpRequest, kind: Annotated[TemplateKind, Path()]) -> dict[str, Any]:
    from vigie.documents.templating import DEFAULTS

    current = LetterTemplate.objects.latest_of(org(request), kind)
    if current is None:
        return {"kind": kind, "version": 0, "body": DEFAULTS[kind]}
    return {"kind": current.kind, "version": current.version, "body": current.body}


class Letterhead(BaseModel):
    has_logo: bool


@router.post(
    "/letterhead/logo/",
    response=answers({200: Letterhead}, write=True),
    summary="Replace the letterhead logo",
)
def save_logo(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """A PNG or JPEG (multipart field ``file``, 1 MB at most), re-encoded before it is kept (``save_logo``)."""
    require(request, Role.DPO)
    try:
        services.save_logo(org(request), file.read(services.MAX_LOGO_BYTES + 1), by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    return {"has_logo": True}


@router.delete(
    "/letterhead/logo/", response=answers({200: Letterhead}, write=True), summary="Remove the letterhead logo"
)
def remove_logo(request: HttpRequest) -> dict[str, Any]:
    require(request, Role.DPO)
    services.remove_logo(org(request), by=request.user)  # type: ignore[arg-type]
    return {"has_logo": False}
