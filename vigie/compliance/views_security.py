"""The security self-assessment pages: history and trend, the questionnaire, the results, the action plan."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.accounts.models import Role
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import OrgRequest, after_post

from . import questionnaire, services
from .forms import ActionForm, AssessmentForm, NewActionForm
from .models import Action, Assessment
from .views import posted, radar_for, require_edit, scores_summary, template, url


@org_view(Role.READONLY)
def assessments(request: OrgRequest) -> HttpResponse:
    """Every completed assessment with its score and the change since the previous one, and the radar chart."""
    org = request.org
    done = list(Assessment.objects.for_org(org).completed())
    history = []
    for index, assessment in enumerate(done):
        previous = done[index + 1] if index + 1 < len(done) else None
        trend = None if previous is None else (assessment.overall or 0) - (previous.overall or 0)
        history.append((assessment, trend))
    radar = radar_for(done, title=_("Security self-assessment"), summary=scores_summary(done[0])) if done else None
    context = {
        "history": history,
        "radar": radar,
        "compared": done[:3],
        "rows": [(d, [a.scores.get(d.id) for a in done[:3]]) for d in questionnaire.DOMAINS],
        "draft": Assessment.objects.for_org(org).filter(completed_at=None).first(),
    }
    return render(request, "compliance/assessments.html", context)


@org_view(Role.MEMBER)
@require_POST
def assessment_start(request: OrgRequest) -> HttpResponse:
    assessment = services.start_assessment(request.org, by=request.user)
    return after_post(request, url(request, "assessment", assessment.pk))


@org_view(Role.READONLY)
def assessment(request: OrgRequest, pk: int) -> HttpResponse:
    """The questionnaire, domain by domain. "Save" keeps a draft; "Finish" scores it and plans the actions."""
    require_edit(request)
    current = get_for_org(Assessment.objects.all(), request.org, pk)
    if current.is_completed:
        return HttpResponseRedirect(url(request, "assessment_result", current.pk))
    form = AssessmentForm(posted(request), initial_answers=current.answers)
    saved = False
    missing: list[questionnaire.Question] = []
    if request.method == "POST" and form.is_valid():
        complete = "finish" in request.POST or "finish_anyway" in request.POST
        if complete and "finish_anyway" not in request.POST:
            # Finishing with questions left blank scores them "don't know": only once told which ones.
            missing = questionnaire.unanswered({**current.answers, **form.answers()})
            complete = not missing
        services.save_answers(current, form.answers(), complete=complete)
        if complete:
            return after_post(request, url(request, "assessment_result", current.pk))
        saved = not missing
        form = AssessmentForm(initial_answers=current.answers)
    groups = [
        (domain, [(question, form[question.id]) for question in questionnaire.questions_of(domain.id)])
        for domain in questionnaire.DOMAINS
    ]
    context = {
        "assessment": current,
        "form": form,
        "groups": groups,
        "saved": saved,
        "missing": missing,
        "answered": len(current.answers),
        "total": len(questionnaire.QUESTIONS),
    }
    return render(request, template(request, "compliance/assessment.html", {"questionnaire"}), context)


@org_view(Role.READONLY)
def assessment_result(request: OrgRequest, pk: int) -> HttpResponse:
    current = get_for_org(Assessment.objects.all(), request.org, pk)
    if not current.is_completed:
        return HttpResponseRedirect(url(request, "assessment", current.pk))
    labels = questionnaire.ANSWER_LABELS
    weak = [
        (question, labels[current.answers.get(question.id, "unknown")])
        for question in questionnaire.needing_action(current.answers)
    ]
    context = {
        "assessment": current,
        "radar": radar_for([current], title=_("Security self-assessment"), summary=scores_summary(current)),
        "domains": [(d, current.scores.get(d.id)) for d in questionnaire.DOMAINS],
        "weak": weak,
        "actions": Action.objects.for_org(request.org).filter(assessment=current),
    }
    return render(request, "compliance/assessment_result.html", context)


@org_view(Role.READONLY)
def actions(request: OrgRequest) -> HttpResponse:
    """The action plan: open actions by due date, then those done. POST adds an action."""
    require_edit(request)
    org = request.org
    form = NewActionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.add_action(org, **form.cleaned_data)
        return after_post(request, url(request, "actions"))
    plan = Action.objects.for_org(org)
    context = {
        "form": form,
        "open": [(action, ActionForm(instance=action, prefix=f"a{action.pk}")) for action in plan.open()],
        "done": plan.exclude(done_on=None).order_by("-done_on"),
        "today": timezone.localdate(),
    }
    return render(request, template(request, "compliance/actions.html", {"plan"}), context)


@org_view(Role.MEMBER)
@require_POST
def action_update(request: OrgRequest, pk: int) -> HttpResponse:
    action = get_for_org(Action.objects.all(), request.org, pk)
    form = ActionForm(request.POST, instance=action, prefix=f"a{action.pk}")
    if form.is_valid():
        services.update_action(
            action, owner=form.cleaned_data["owner"], due_on=form.cleaned_data["due_on"], done=form.cleaned_data["done"]
        )
    return after_post(request, url(request, "actions"), target="plan")
