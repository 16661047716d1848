"""Prevention pages: the dashboard, the record of processing, the poster, the breach pre-fill.

The self-assessment is in ``views_security.py``, processors and HDS hosts in ``views_processors.py``. As in the
breach pages, htmx asks for a named partial of the same template (the element it targets), and every page also
works as plain HTML forms with POST/redirect/GET.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vigie.accounts.models import Role
from vigie.accounts.params import int_or_none, ints
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import HtmxRequest, OrgRequest, after_post
from vigie.audit.services import record as audit
from vigie.breaches.choices import DataCategory

from . import dashboard, documents, services
from .forms import ActivityForm, TemplateForm
from .models import ProcessingActivity, RecordVersion
from .questionnaire import DOMAINS
from .radar import Series, radar_svg
from .record_templates import template_for_kind

EXPORTS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def url(request: OrgRequest, name: str, *args: Any) -> str:
    return reverse(f"compliance:{name}", args=[request.org.pk, *args])


def template(request: HtmxRequest, name: str, partials: set[str]) -> str:
    """The page, or the named partial that the htmx request targets."""
    target = request.htmx.target if request.htmx else None
    return f"{name}#{target}" if target in partials else name


def require_edit(request: OrgRequest) -> None:
    """Reading is open to every member; changing needs at least the member role."""
    if request.method == "POST" and not request.membership.can_edit:
        raise PermissionDenied


def radar_for(assessments: list[Any], *, title: str, summary: str) -> Any:
    """The radar chart of up to three assessments, newest first."""
    series = [
        Series(f"{a.completed_at:%d/%m/%Y}", [a.scores.get(d.id) for d in DOMAINS]) for a in assessments[:3] if a.scores
    ]
    if not series:
        return None
    return radar_svg([str(d.short) for d in DOMAINS], series, title=title, summary=summary)


def scores_summary(assessment: Any) -> str:
    return "; ".join(
        f"{domain.label} {assessment.scores.get(domain.id)} %"
        if assessment.scores.get(domain.id) is not None
        else f"{domain.label} —"
        for domain in DOMAINS
    )


@org_view(Role.READONLY)
def index(request: OrgRequest) -> HttpResponse:
    org = request.org
    today = timezone.localdate()
    assessment = services.last_assessment(org)
    context = {
        "items": dashboard.items(org, today),
        "assessment": assessment,
        "domains": [(d, assessment.scores.get(d.id)) for d in DOMAINS] if assessment else [],
        "radar": radar_for([assessment], title=str(org), summary=scores_summary(assessment)) if assessment else None,
        "offer": services.template_offer(org),
    }
    return render(request, template(request, "compliance/dashboard.html", {"items"}), context)


# --- Record of processing activities -----------------------------------------------------------------------


def _record_context(request: OrgRequest, **extra: Any) -> dict[str, Any]:
    org = request.org
    context = {
        "activities": ProcessingActivity.objects.for_org(org),
        "versions": RecordVersion.objects.for_org(org).latest_first().select_related("created_by")[:50],
        "template_form": TemplateForm(initial={"template": template_for_kind(org.kind).key}),
        "categories": dict(DataCategory.choices),
    }
    context.update(extra)
    return context


@org_view(Role.READONLY)
def record(request: OrgRequest) -> HttpResponse:
    return render(request, template(request, "compliance/record.html", {"activities"}), _record_context(request))


@org_view(Role.MEMBER)
@require_POST
def record_template(request: OrgRequest) -> HttpResponse:
    form = TemplateForm(request.POST)
    if form.is_valid():
        services.apply_template(request.org, form.cleaned_data["template"], by=request.user)
    return after_post(request, url(request, "record"))


@org_view(Role.MEMBER)
@require_POST
def record_review(request: OrgRequest) -> HttpResponse:
    services.review_record(request.org, by=request.user)
    return after_post(request, url(request, "record"))


@org_view(Role.MEMBER)
def activity_new(request: OrgRequest) -> HttpResponse:
    form = ActivityForm(posted(request), instance=ProcessingActivity(organisation=request.org))
    if request.method == "POST" and form.is_valid():
        services.save_activity(form.save(commit=False), by=request.user)
        return after_post(request, url(request, "record"))
    return render(request, template(request, "compliance/activity_form.html", {"activity-form"}), {"form": form})


@org_view(Role.READONLY)
def activity(request: OrgRequest, pk: int) -> HttpResponse:
    require_edit(request)
    instance = get_for_org(ProcessingActivity.objects.all(), request.org, pk)
    form = ActivityForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_activity(form.save(commit=False), by=request.user)
        return after_post(request, url(request, "record"))
    context = {"form": form, "activity": instance}
    return render(request, template(request, "compliance/activity_form.html", {"activity-form"}), context)


@org_view(Role.MEMBER)
@require_POST
def activity_delete(request: OrgRequest, pk: int) -> HttpResponse:
    instance = get_for_org(ProcessingActivity.objects.all(), request.org, pk)
    services.delete_activity(instance, by=request.user)
    return after_post(request, url(request, "record"))


@org_view(Role.READONLY)
def record_export(request: OrgRequest, fmt: str) -> HttpResponse:
    """The record as PDF or XLSX: the current one, or a past version (``?version=N``)."""
    if fmt not in EXPORTS:
        raise Http404
    org = request.org
    versions = RecordVersion.objects.for_org(org)
    number = request.GET.get("version", "")
    if number:
        chosen = int_or_none(number)
        version = get_object_or_404(versions, number=chosen) if chosen is not None else None
        if version is None:
            raise Http404
        snapshot = version.snapshot
    else:
        version = versions.latest_first().first()
        snapshot = services.record_snapshot(org)
    maker = documents.record_pdf if fmt == "pdf" else documents.record_xlsx
    response = HttpResponse(maker(org, version, snapshot), content_type=EXPORTS[fmt])
    suffix = f"-v{version.number}" if version else ""
    response["Content-Disposition"] = f'attachment; filename="registre-des-traitements{suffix}.{fmt}"'
    return response


@org_view(Role.READONLY)
def prefill(request: OrgRequest) -> HttpResponse:
    """For the breach intake: tick the activities concerned, get the data categories and an estimate of persons.

    The intake includes it with ``hx-get`` (the partial ``prefill``); the suggestion is computed by
    :func:`services.categories_for_activities`.
    """
    org = request.org
    chosen = ints(request.GET.getlist("activite"))
    categories, persons = services.categories_for_activities(org, chosen)
    labels = dict(DataCategory.choices)
    context = {
        "activities": ProcessingActivity.objects.for_org(org),
        "chosen": chosen,
        "categories": [(code, labels[code]) for code in categories],
        "persons": persons,
    }
    return render(request, template(request, "compliance/prefill.html", {"prefill"}), context)


# --- Patient poster and notice ------------------------------------------------------------------------------


@org_view(Role.READONLY)
def poster(request: OrgRequest) -> HttpResponse:
    """GET: the notice as patients will see it; POST: the poster as a PDF (A4 or A3)."""
    require_edit(request)
    org = request.org
    profile = services.profile_for(org)
    version = services.last_version(org)
    notice = documents.build_notice(org, profile, updated=version.created_at if version else None)
    if request.method == "POST":
        paper = request.POST.get("format", "a4")
        if paper not in documents.PAPERS:
            paper = "a4"
        content = documents.poster_pdf(notice, paper=paper)
        services.mark_poster_generated(org)
        audit("compliance.poster", organisation=org, request=request, detail={"format": paper})
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="affiche-{paper}.pdf"'
        return response
    context = {"notice": notice, "profile": profile, "has_activities": bool(notice["activities"])}
    return render(request, "compliance/poster.html", context)
