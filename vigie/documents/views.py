"""Documents pages: the Documents tab of a breach (status, preview, downloads), the CNIL copy assistant, the
cybermalveillance.gouv.fr checklist, the organisation's own texts and its letterhead logo.

htmx asks for named partials of the same templates; every page also works as plain HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.accounts.models import Organisation, Role
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import OrgRequest, after_post
from vigie.audit.services import record
from vigie.breaches import services as breach_services
from vigie.breaches.models import Breach, EventKind

from . import services
from .content import cnil
from .content.common import View
from .dossier import build_dossier, validate_dossier
from .forms import IncidentDetailsForm, LetterTemplateForm, LogoForm, ReceiptForm
from .models import DETAIL_FIELDS, EDITABLE_KINDS, IncidentDetails, Letterhead, LetterTemplate
from .readability import kandel_moles
from .render import CONTENT_TYPES, KINDS, compose, french, typeset
from .templating import DEFAULTS, NAMES

READABLE = ("letter", "letter-parent", "email", "email-parent", "public-notice")
PARENT_KINDS = ("letter-parent", "email-parent")


def _breach(request: OrgRequest, pk: int) -> Breach:
    return get_for_org(Breach.objects.select_related("organisation"), request.org, pk)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


def _dossier(breach: Breach) -> dict[str, Any]:
    dossier = build_dossier(breach)
    if validate_dossier(dossier):
        raise Http404  # not assessed yet: the page says so before linking here
    return dossier


def readability_of(document: Any) -> Any:
    """The Kandel–Moles score of a document's body text (headings and lists included)."""
    parts: list[str] = []
    for block in document.blocks():
        parts += block.items if block.type == "list" else [block.text]
    return kandel_moles("\n".join(parts))


def _rows(breach: Breach, dossier: dict[str, Any] | None) -> list[dict[str, Any]]:
    generated = {
        event.data.get("kind")
        for event in breach.events.filter(kind=EventKind.DOCUMENT_GENERATED).only("data")
        if isinstance(event.data, dict)
    }
    states = {row.id: row for row in breach.obligation_rows()}
    rows = []
    minors = "minors" in (breach.person_categories or [])
    for slug, kind in KINDS.items():
        if slug in PARENT_KINDS and not minors:
            continue  # letters to a minor's parents only when minors are among the persons
        obligation = states.get(kind.obligation or "")
        if obligation is not None and obligation.done and slug != "cnil-complementary":
            status = "sent"
        elif slug in generated:
            status = "generated"
        else:
            status = "todo"
        row: dict[str, Any] = {
            "slug": slug,
            "title": kind.title,
            "formats": kind.formats,
            "status": status,
            "applies": obligation.status if obligation is not None else "not_applicable",
            "pdf": "pdf" in kind.formats,
        }
        if dossier is not None and slug in READABLE:
            row["readability"] = readability_of(compose(slug, dossier))
        rows.append(row)
    return rows


def _details_form(breach: Breach, data: Any = None) -> IncidentDetailsForm:
    return IncidentDetailsForm(data, instance=IncidentDetails.objects.filter(breach=breach).first())


def _field_label(path: str) -> str:
    """The name on screen of the field at a dossier path (``breach.description`` → « What happened »)."""
    section, _dot, name = path.partition(".")
    models_of = {"breach": Breach, "organisation": Organisation, "details": IncidentDetails}
    model = models_of.get(section)
    if model is not None and name:
        try:
            return str(capfirst(model._meta.get_field(name.split(".")[0]).verbose_name))  # type: ignore[union-attr]
        except FieldDoesNotExist:
            pass
    return path


def _schema_problems(breach: Breach, problems: list[Any]) -> list[dict[str, str]]:
    """For an assessed breach whose dossier the schema refuses: which field, and what is wrong with it."""
    if breach.assessment is None:
        return []  # not assessed yet: the page says so
    return [
        {
            "field": _field_label(problem.path),
            "what": _("too long") if "is too long" in problem.message else problem.message[:200],
        }
        for problem in problems
    ]


def _index_context(breach: Breach, details_form: IncidentDetailsForm) -> dict[str, Any]:
    dossier = build_dossier(breach)
    problems = validate_dossier(dossier)
    valid = not problems
    return {
        "breach": breach,
        "ready": valid,
        "schema_problems": _schema_problems(breach, problems),
        "rows": _rows(breach, dossier if valid else None),
        "cnil_done": bool((row := breach.obligation("notify_cnil")) and row.done),
        "details_form": details_form,
    }


@org_view(Role.READONLY)
def index(request: OrgRequest, pk: int) -> HttpResponse:
    """The Documents tab: each document of the breach with its status, a preview and its downloads, and the
    incident details the complaint and the ARS report quote."""
    breach = _breach(request, pk)
    context = _index_context(breach, _details_form(breach))
    template = "documents/index.html#documents" if request.htmx else "documents/index.html"
    return render(request, template, context)


@org_view(Role.MEMBER)
@require_POST
def details(request: OrgRequest, pk: int) -> HttpResponse:
    """Record the incident details (technical indicators, state of the structure, how the persons were told)."""
    breach = _breach(request, pk)
    form = _details_form(breach, request.POST)
    if form.is_valid():
        services.save_incident_details(
            breach,
            {name: form.cleaned_data[name] for name in DETAIL_FIELDS},
            by=request.user,
        )
        messages.success(request, _("The incident details are saved."))
        return after_post(request, reverse("documents:index", args=[request.org.pk, breach.pk]) + "#incident-details")
    if request.htmx:
        return render(request, "documents/index.html#incident-details", {"breach": breach, "details_form": form})
    return render(request, "documents/index.html", _index_context(breach, form))


@org_view(Role.READONLY)
def preview(request: OrgRequest, pk: int, kind: str) -> HttpResponse:
    """One document shown in the page: its first page as an image, or its text (e-mail, SMS)."""
    breach = _breach(request, pk)
    kind = _kind(kind)
    dossier = _dossier(breach)
    content = compose(kind, dossier)
    context: dict[str, Any] = {"breach": breach, "kind": KINDS[kind], "slug": kind}
    if isinstance(content, str):
        from .sms import is_gsm7, length, segments

        context.update(sms=content, sms_length=length(content), sms_segments=segments(content), gsm7=is_gsm7(content))
    elif kind == "email":
        context["text"] = "\n\n".join(
            b.text if b.type != "list" else "\n".join("– " + i for i in b.items) for b in content.blocks()
        )
        context["subject"] = content.subject
    if kind in READABLE:
        context["readability"] = readability_of(content)
    # A preview quotes the facts: a read, like the breach page (its page images are the same read, not logged).
    record("document.previewed", request=request, organisation=breach.organisation, obj=breach, detail={"kind": kind})
    template = "documents/preview.html#preview" if request.htmx else "documents/preview.html"
    return render(request, template, context)


@org_view(Role.READONLY)
def preview_png(request: OrgRequest, pk: int, kind: str) -> HttpResponse:
    breach = _breach(request, pk)
    kind = _kind(kind)
    if "pdf" not in KINDS[kind].formats:
        raise Http404
    dossier = _dossier(breach)
    document = french(compose(kind, dossier))
    png = typeset(document, "png", logo=dossier["organisation"].get("logo_png"), ppi=96)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@org_view(Role.MEMBER)
def download(request: OrgRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    """Generate the document (journalled) and send it; PDFs open in the browser, the rest downloads."""
    breach = _breach(request, pk)
    kind = _kind(kind)
    if fmt not in KINDS[kind].formats:
        raise Http404
    _dossier(breach)
    generated = services.generate_document(breach, kind, fmt, by=request.user, request=request)
    response = HttpResponse(generated.content, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{generated.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@org_view(Role.READONLY)
def cnil_assistant(request: OrgRequest, pk: int) -> HttpResponse:
    """The CNIL online form's sections in order, each field's text ready to copy; the receipt closes it."""
    breach = _breach(request, pk)
    dossier = _dossier(breach)
    view = View(dossier)
    row = breach.obligation("notify_cnil")
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.membership.can_decide:
            raise Http404
        if form.is_valid():
            try:
                breach_services.mark_obligation_done(breach, "notify_cnil", by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The CNIL notification is recorded as done."))
                return after_post(request, reverse("documents:index", args=[request.org.pk, breach.pk]))
    sections = cnil.sections(view, complementary=bool(row and row.done))
    context = {
        "breach": breach,
        "sections": sections,
        "form_moments": _form_moments(view, sections),
        "teleservice_url": cnil.TELESERVICE_URL,
        "form": form,
        "row": row,
        "late": bool(row and not row.done and row.due and timezone.now() > row.due),
    }
    template = "documents/cnil_assistant.html#receipt" if request.htmx else "documents/cnil_assistant.html"
    return render(request, template, context)


# The CNIL form's date and time boxes, by the assistant's field ids: the moment that each one holds.
_MOMENT_FIELDS = {
    "start": "occurred_at",
    "detection": "detected_at",
    "awareness": "aware_at",
    "processor_informed": "processor_informed_at",
    "end": "ended_at",
}


def _form_moments(view: View, sections: list[Any]) -> dict[str, dict[str, str]]:
    """For each date field of the assistant, the date and the time as the téléservice's boxes want them
    (jj/mm/aaaa and hh:mm, Paris time), to copy one by one."""
    moments = {}
    for section in sections:
        for block in section.blocks:
            name = _MOMENT_FIELDS.get(block.id)
            when = getattr(view, name, None) if name else None
            if isinstance(when, datetime):
                local = timezone.localtime(when)
                block.form_date, block.form_time = f"{local:%d/%m/%Y}", f"{local:%H:%M}"
                moments[block.id] = {"date": block.form_date, "time": block.form_time}
    return moments


@org_view(Role.READONLY)
def cybermalveillance(request: OrgRequest, pk: int) -> HttpResponse:
    """A guided checklist for cybermalveillance.gouv.fr / 17Cyber, with the facts ready to copy."""
    breach = _breach(request, pk)
    view = View(_dossier(breach))
    facts = [
        (
            "cm_what",
            "Ce qui s'est passé",
            f"{view.origin_label().capitalize()} — {view.narrative('description') or view.title}",
        ),
        ("cm_when", "Quand", f"Constaté le {view.aware_text()}. Début : {view.occurred_text()}"),
        ("cm_data", "Données touchées", f"{view.categories_label()} ; {view.persons_text()}."),
        ("cm_done", "Ce qui a déjà été fait", view.narrative("measures_taken") or "Rien encore."),
        ("cm_who", "Structure", f"{view.name}, {', '.join(view.address_lines())} — {view.contact_formal()}"),
    ]
    return render(
        request,
        "documents/cybermalveillance.html",
        {"breach": breach, "facts": facts, "ransomware": view.origin == "ransomware"},
    )


# --- The organisation's own texts and letterhead ------------------------------------------------------------


@org_view(Role.READONLY)
def templates(request: OrgRequest) -> HttpResponse:
    latest = {t.kind: t for t in LetterTemplate.objects.for_org(request.org).order_by("kind", "version")}
    rows = [{"kind": kind, "label": label, "current": latest.get(kind)} for kind, label in EDITABLE_KINDS.items()]
    return render(request, "documents/templates.html", {"rows": rows})


def _sample_dossier(request: OrgRequest) -> dict[str, Any] | None:
    """The latest assessed breach of the organisation, to preview a text with real values."""
    for breach in Breach.objects.for_org(request.org).assessed().select_related("organisation")[:5]:
        dossier = build_dossier(breach)
        if not validate_dossier(dossier):
            return dossier
    return None


def _preview_of(kind: str, body: str, dossier: dict[str, Any] | None) -> dict[str, Any]:
    if dossier is None:
        return {}
    trial = {**dossier, "templates": {**dossier.get("templates", {}), kind: {"version": 1, "body": body}}}
    content = compose(kind, trial)
    if isinstance(content, str):
        from .sms import segments

        return {"preview_text": content, "sms_segments": segments(content)}
    return {"preview_blocks": content.blocks(), "readability": readability_of(content)}


@org_view(Role.DPO)
def template_edit(request: OrgRequest, kind: str) -> HttpResponse:
    """Edit the organisation's text for one document; saving makes a new version. htmx asks for the preview."""
    if kind not in EDITABLE_KINDS:
        raise Http404
    org = request.org
    current = LetterTemplate.objects.latest_of(org, kind)
    history = LetterTemplate.objects.for_org(org).filter(kind=kind).select_related("created_by")
    form = LetterTemplateForm(request.POST or None, initial={"body": current.body if current else DEFAULTS[kind]})
    if request.method == "POST" and form.is_valid() and "save" in request.POST:
        services.save_letter_template(org, kind, form.cleaned_data["body"], by=request.user)
        messages.success(request, _("The new version of the text is saved."))
        return after_post(request, reverse("documents:templates", args=[org.pk]))
    body = (
        form.cleaned_data["body"]
        if form.is_bound and form.is_valid()
        else (current.body if current else DEFAULTS[kind])
    )
    context = {
        "kind": kind,
        "label": EDITABLE_KINDS[kind],
        "form": form,
        "current": current,
        "history": history,
        "names": NAMES,
        **_preview_of(kind, body, _sample_dossier(request)),
    }
    template = "documents/template_edit.html#preview" if request.htmx else "documents/template_edit.html"
    return render(request, template, context)


@org_view(Role.DPO)
def letterhead(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.save_logo(org, form.cleaned_data["logo"], by=request.user)
        messages.success(request, _("The logo is saved."))
        return after_post(request, reverse("documents:letterhead", args=[org.pk]))
    head = Letterhead.objects.for_org(org).first()
    template = "documents/letterhead.html#logo" if request.htmx else "documents/letterhead.html"
    return render(request, template, {"form": form, "has_logo": bool(head and head.logo)})


@org_view(Role.DPO)
@require_POST
def letterhead_remove(request: OrgRequest) -> HttpResponse:
    services.remove_logo(request.org, by=request.user)
    return after_post(request, reverse("documents:letterhead", args=[request.org.pk]))


@org_view(Role.READONLY)
def logo(request: OrgRequest) -> HttpResponse:
    head = Letterhead.objects.for_org(request.org).first()
    if head is None or not head.logo:
        raise Http404
    response = HttpResponse(bytes(head.logo), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
