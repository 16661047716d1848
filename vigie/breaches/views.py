"""Breach pages: the list, declaring, the guided intake, the decision with its obligations, the journal.

htmx asks for named partials of the same templates (``request.htmx.target`` names the element to fill);
every page also works as plain HTML forms with POST/redirect/GET.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from vigie.accounts.models import Role
from vigie.accounts.params import ints
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import HtmxRequest, OrgRequest, after_post
from vigie.audit.services import record

from . import intake, services
from .forms import CloseForm, DeclareForm, NoteForm, ObligationDoneForm, OverruleForm
from .models import Breach, ObligationRow
from .prevention import prevention
from .wording import label_of

# The intake step whose facts the record of processing can pre-fill.
PREFILL_STEP = "donnees"
TABS = {"decision": "decision", "faits": "facts", "chronologie": "timeline"}


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty: a form of optional fields is still submitted), else None."""
    return request.POST if request.method == "POST" else None


def _breach(request: OrgRequest, pk: int) -> Breach:
    return get_for_org(Breach.objects.select_related("organisation"), request.org, pk)


def _url(name: str, breach: Breach, *args: Any, query: str = "") -> str:
    url = reverse(f"breaches:{name}", args=[breach.organisation_id, breach.pk, *args])
    return f"{url}?{query}" if query else url


def _template(request: HtmxRequest, template: str, partials: set[str]) -> str:
    """The page, or the named partial that the htmx request targets."""
    target = request.htmx.target if request.htmx else None
    return f"{template}#{target}" if target in partials else template


def _detail_context(breach: Breach, tab: str = "decision", **extra: Any) -> dict[str, Any]:
    rows = breach.obligation_rows()
    now = timezone.now()
    context: dict[str, Any] = {
        "breach": breach,
        "tab": tab,
        "tabs": [(slug, name) for slug, name in TABS.items()],
        "now": now,
        "overdue": [row for row in rows if row.overdue(now)],
        "assessment": breach.assessment_shown(),
        "rows": rows,
        "open_rows": [row for row in rows if row.applies],
        "other_rows": [row for row in rows if not row.applies],
        "headline": services.decision_summary(breach, now=now) if breach.assessment else "",
        "missing": [breach._meta.get_field(name).verbose_name for name in breach.missing_facts()],  # type: ignore[union-attr]
        "resume": intake.resume_step(breach),
        "intake_finished": intake.is_finished(breach),
        "note_form": NoteForm(),
    }
    if tab == "decision":
        context["last_assessment"] = prevention().last_assessment(breach.organisation)
    if tab == "facts":
        context["fact_groups"] = [(step, list(step.form_class.base_fields)) for step in intake.steps_for(breach)]
    if tab == "timeline":
        context["events"] = breach.events.select_related("author")
    context.update(extra)
    return context


@org_view(Role.READONLY)
def index(request: OrgRequest) -> HttpResponse:
    breaches = Breach.objects.for_org(request.org)
    return render(request, "breaches/list.html", {"open": breaches.open(), "closed": breaches.closed()})


@org_view(Role.MEMBER)
def new(request: OrgRequest) -> HttpResponse:
    form = DeclareForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        breach = services.declare_breach(request.org, by=request.user, **form.cleaned_data)
        return after_post(request, _url("intake", breach, intake.resume_step(breach).slug))
    return render(request, _template(request, "breaches/new.html", {"declare"}), {"form": form})


@org_view(Role.MEMBER)
def intake_step(request: OrgRequest, pk: int, step: str) -> HttpResponse:
    breach = _breach(request, pk)
    current = intake.get_step(step)
    if current is None:
        raise Http404
    if not current.applies(breach):
        return redirect(_url("intake", breach, intake.resume_step(breach).slug))
    form = current.form_class(_posted(request), breach=breach)
    if request.method == "POST" and form.is_valid():
        try:
            following = services.answer_intake_step(breach, current, by=request.user, changes=form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if following is None:
                return after_post(request, _url("detail", breach))
            return after_post(request, _url("intake", breach, following.slug), target="intake")
    previous = intake.previous_step(breach, current)
    context = {
        "breach": breach,
        "step": current,
        "form": form,
        "progress": intake.progress(breach, current),
        "previous": previous,
        "position": intake.steps_for(breach).index(current) + 1,
        "count": len(intake.steps_for(breach)),
        "can_decide": not breach.missing_facts(),
        # The data step offers to pre-fill from the record of processing (or says where to fill it in).
        "activities": prevention().activities(request.org) if current.slug == PREFILL_STEP else None,
    }
    if request.method != "POST":  # the form shows the facts known: a read (an answer is recorded by its service)
        org = request.org
        record("breach.facts_viewed", request=request, organisation=org, obj=breach, detail={"step": current.slug})
    return render(request, _template(request, "breaches/intake.html", {"intake"}), context)


def _prefilled(breach: Breach, before: set[str], changed: list[str]) -> str:
    """What the record pre-filled, in words, for the message shown above the question."""
    said = [_("Pre-filled from the record of processing.")]
    added = [label_of("data_categories", c) for c in breach.data_categories if c not in before]
    if added:
        # The labels hold commas (« Identité (nom, sexe) »): a semicolon separates them, spaced as French wants.
        separator = pgettext("between the items of a list whose items may hold commas", "; ")
        said.append(_("Data categories added: %(categories)s.") % {"categories": separator.join(added)})
    if "persons_count" in changed:
        count = number_format(breach.persons_count or 0, force_grouping=True)
        said.append(_("Persons concerned: about %(count)s (an estimate).") % {"count": count})
    said.append(_("Check the answers and correct them if needed."))
    return " ".join(said)


@org_view(Role.MEMBER)
@require_POST
def intake_prefill(request: OrgRequest, pk: int) -> HttpResponse:
    """Add the data categories and persons estimate of the activities chosen in the record, then show the step."""
    breach = _breach(request, pk)
    before = set(breach.data_categories or [])
    ids = ints(request.POST.getlist("activities"))
    changed = services.prefill_from_record(breach, by=request.user, activity_ids=ids)
    if not ids:
        messages.warning(request, _("Tick the activities of the record that the breach concerns."))
    elif not changed:
        messages.info(request, _("These activities add nothing new: their data categories are already ticked."))
    else:
        messages.success(request, _prefilled(breach, before, changed))
    return after_post(request, _url("intake", breach, PREFILL_STEP), target="intake")


@org_view(Role.READONLY)
def detail(request: OrgRequest, pk: int) -> HttpResponse:
    breach = _breach(request, pk)
    tab = TABS.get(request.GET.get("onglet", ""), "decision")
    template = _template(request, "breaches/detail.html", {"tab", "obligations"})
    if not template.endswith("#obligations"):  # the page, or one of its tabs (the facts…): a read of the breach
        record("breach.viewed", request=request, organisation=request.org, obj=breach, detail={"tab": tab})
    return render(request, template, _detail_context(breach, tab))


@org_view(Role.READONLY)
def obligations(request: OrgRequest, pk: int) -> HttpResponse:
    """The obligations and their countdowns alone, for htmx to refresh in place."""
    breach = _breach(request, pk)
    if not request.htmx:
        return redirect(_url("detail", breach))
    return render(request, "breaches/detail.html#obligations", _detail_context(breach))


def _row(breach: Breach, obligation: str) -> ObligationRow:
    row = breach.obligation(obligation)
    if row is None:
        raise Http404
    return row


@org_view(Role.DPO)
def obligation_done(request: OrgRequest, pk: int, obligation: str) -> HttpResponse:
    breach = _breach(request, pk)
    row = _row(breach, obligation)
    form = ObligationDoneForm(_posted(request), breach=breach, row=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_obligation_done(breach, row.id, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return after_post(request, _url("detail", breach), target="obligations")
    context = {
        "breach": breach,
        "row": row,
        "form": form,
        "late": row.id == "notify_cnil" and row.overdue(timezone.now()),
        "inline": bool(request.htmx),
    }
    template = "breaches/obligation.html#form" if request.htmx else "breaches/obligation.html"
    return render(request, template, context)


@org_view(Role.DPO)
@require_POST
def obligation_reopen(request: OrgRequest, pk: int, obligation: str) -> HttpResponse:
    breach = _breach(request, pk)
    row = _row(breach, obligation)
    services.reopen_obligation(breach, row.id, by=request.user)
    return after_post(request, _url("detail", breach), target="obligations")


@org_view(Role.DPO)
def overrule(request: OrgRequest, pk: int) -> HttpResponse:
    breach = _breach(request, pk)
    if breach.assessment is None:
        return redirect(_url("detail", breach))
    form = OverruleForm(_posted(request), breach=breach)
    if request.method == "POST" and form.is_valid():
        try:
            services.overrule_decision(breach, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return after_post(request, _url("detail", breach))
    return render(request, _template(request, "breaches/overrule.html", {"overrule"}), {"breach": breach, "form": form})


@org_view(Role.MEMBER)
def note(request: OrgRequest, pk: int) -> HttpResponse:
    breach = _breach(request, pk)
    form = NoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.add_note(breach, by=request.user, text=form.cleaned_data["text"])
        return after_post(request, _url("detail", breach, query="onglet=chronologie"), target="tab")
    if request.method != "POST":
        return redirect(_url("detail", breach, query="onglet=chronologie"))
    context = _detail_context(breach, "timeline", note_form=form)
    return render(request, _template(request, "breaches/detail.html", {"tab"}), context)


@org_view(Role.DPO)
def close(request: OrgRequest, pk: int) -> HttpResponse:
    breach = _breach(request, pk)
    form = CloseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if breach.is_closed:
                services.reopen_breach(breach, by=request.user, note=form.cleaned_data["note"])
            else:
                services.close_breach(breach, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return after_post(request, _url("detail", breach))
    context = {"breach": breach, "form": form, "left": [] if breach.is_closed else services.open_required(breach)}
    return render(request, _template(request, "breaches/close.html", {"close"}), context)
