"""Every change to the prevention data, one named function each, owning its transaction.

The record of processing is versioned: each change (or a review without change) stores a dated copy of the whole
record (:class:`RecordVersion`), so that the record as it stood on any date can be shown and exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.breaches.choices import DataCategory

from . import questionnaire
from .models import Action, Assessment, ComplianceProfile, ProcessingActivity, Processor, RecordVersion
from .record_templates import BY_KEY, ActivityTemplate

RECORD_FIELDS = (
    "name",
    "purposes",
    "legal_basis",
    "data_categories",
    "data_details",
    "person_categories",
    "recipients",
    "transfers",
    "retention",
    "security_measures",
    "processors",
    "estimated_persons",
    "concerns_patients",
)
CONTROLLER_FIELDS = (
    "name",
    "siret",
    "finess",
    "address",
    "postcode",
    "city",
    "phone",
    "email",
    "website",
    "dpo_name",
    "dpo_email",
    "dpo_phone",
)


def profile_for(org: Organisation) -> ComplianceProfile:
    """The organisation's compliance profile, made on first use (with its public notice token)."""
    profile, _ = ComplianceProfile.objects.get_or_create(organisation=org)
    return profile


# --- Record of processing activities (GDPR art. 30) ---------------------------------------------------------


def record_snapshot(org: Organisation) -> dict[str, Any]:
    """The whole record as plain data: what a version keeps and what the exports print."""
    controller = {name: getattr(org, name) for name in CONTROLLER_FIELDS}
    controller["kind"] = str(org.get_kind_display())
    activities = [
        {name: getattr(activity, name) for name in RECORD_FIELDS}
        for activity in ProcessingActivity.objects.for_org(org)
    ]
    return {"controller": controller, "activities": activities}


def _new_version(org: Organisation, *, by: User | None, note: str) -> RecordVersion:
    number = (RecordVersion.objects.for_org(org).aggregate(top=Max("number"))["top"] or 0) + 1
    return RecordVersion.objects.create(
        organisation=org, number=number, created_by=by, note=note[:300], snapshot=record_snapshot(org)
    )


def _from_template(org: Organisation, template: ActivityTemplate, position: int) -> ProcessingActivity:
    values = {name: getattr(template, name) for name in RECORD_FIELDS if hasattr(template, name)}
    values["data_categories"] = list(template.data_categories)
    values["person_categories"] = list(template.person_categories)
    return ProcessingActivity(organisation=org, template_key=template.key, position=position, **values)


@transaction.atomic
def apply_template(org: Organisation, key: str, *, by: User | None) -> list[ProcessingActivity]:
    """Add the template's activities that the record does not have yet; return those added."""
    template = BY_KEY[key]
    existing = set(ProcessingActivity.objects.for_org(org).values_list("template_key", flat=True))
    start = ProcessingActivity.objects.for_org(org).count()
    added = [
        _from_template(org, activity, start + offset)
        for offset, activity in enumerate(a for a in template.activities if a.key not in existing)
    ]
    ProcessingActivity.objects.bulk_create(added)
    if added:
        _new_version(org, by=by, note=f"Modèle « {template.label} » : {len(added)} activité(s) ajoutée(s)")
    return added


@transaction.atomic
def save_activity(activity: ProcessingActivity, *, by: User | None) -> ProcessingActivity:
    """Create or update one activity (already validated) and keep a version of the record."""
    created = activity.pk is None
    if created:
        activity.position = ProcessingActivity.objects.for_org(activity.organisation).count()
    activity.save()
    verb = "ajoutée" if created else "modifiée"
    _new_version(activity.organisation, by=by, note=f"Activité « {activity.name} » {verb}")
    return activity


@transaction.atomic
def delete_activity(activity: ProcessingActivity, *, by: User | None) -> None:
    org, name = activity.organisation, activity.name
    activity.delete()
    _new_version(org, by=by, note=f"Activité « {name} » supprimée")


@transaction.atomic
def review_record(org: Organisation, *, by: User | None) -> RecordVersion:
    """Confirm that the record is still accurate: a dated version with no change."""
    return _new_version(org, by=by, note="Registre relu et confirmé à jour")


def last_version(org: Organisation) -> RecordVersion | None:
    return RecordVersion.objects.for_org(org).latest_first().first()


# Order of the decision core's vocabulary, so that suggestions read as the intake lists them.
_CATEGORY_ORDER = {value: index for index, value in enumerate(DataCategory.values)}


def categories_for_activities(org: Organisation, activity_ids: Iterable[int]) -> tuple[list[str], int | None]:
    """For a breach: the data categories (decision core vocabulary) of the activities concerned, and an
    estimate of the persons — the largest estimate among them, since the same patients appear in several
    activities (a floor, to be corrected by the declarant)."""
    activities = ProcessingActivity.objects.for_org(org).filter(pk__in=list(activity_ids))
    categories: set[str] = set()
    estimates: list[int] = []
    for activity in activities:
        categories.update(c for c in activity.data_categories if c in _CATEGORY_ORDER)
        if activity.estimated_persons is not None:
            estimates.append(activity.estimated_persons)
    ordered = sorted(categories, key=_CATEGORY_ORDER.__getitem__)
    return ordered, (max(estimates) if estimates else None)


# --- Poster ---------------------------------------------------------------------------------------------


def mark_poster_generated(org: Organisation) -> ComplianceProfile:
    profile = profile_for(org)
    profile.poster_generated_at = timezone.now()
    profile.save(update_fields=["poster_generated_at"])
    return profile


# --- Security self-assessment ----------------------------------------------------------------------------


def start_assessment(org: Organisation, *, by: User | None) -> Assessment:
    """The organisation's unfinished assessment, or a new one pre-filled with the last answers."""
    draft = Assessment.objects.for_org(org).filter(completed_at=None).first()
    if draft is not None:
        return draft
    previous = last_assessment(org)
    return Assessment.objects.create(
        organisation=org, created_by=by, answers=dict(previous.answers) if previous else {}
    )


def clean_answers(answers: Mapping[str, str]) -> dict[str, str]:
    return {
        key: value
        for key, value in answers.items()
        if key in questionnaire.QUESTION_BY_ID and value in questionnaire.ANSWERS
    }


@transaction.atomic
def save_answers(
    assessment: Assessment, answers: Mapping[str, str], *, complete: bool, today: date | None = None
) -> Assessment:
    """Store the answers; on completion, score each domain and add the missing measures to the action plan."""
    assessment.answers = {**assessment.answers, **clean_answers(answers)}
    fields = ["answers"]
    if complete:
        assessment.scores = questionnaire.domain_scores(assessment.answers)
        assessment.overall = questionnaire.overall_score(assessment.scores)
        assessment.completed_at = timezone.now()
        fields += ["scores", "overall", "completed_at"]
        _plan_actions(assessment, today or timezone.localdate())
    assessment.save(update_fields=fields)
    return assessment


def _plan_actions(assessment: Assessment, today: date) -> list[Action]:
    """One action per question answered otherwise than "yes", unless the plan already has it open."""
    org = assessment.organisation
    planned = set(Action.objects.for_org(org).open().values_list("question", flat=True))
    actions = [
        Action(
            organisation=org,
            assessment=assessment,
            question=question.id,
            title=question.action,
            # The measures that weigh most (backups, updates, MFA…) first: a month; the others a quarter.
            due_on=today + timedelta(days=30 if question.weight > 1 else 90),
        )
        for question in questionnaire.needing_action(assessment.answers)
        if question.id not in planned
    ]
    return Action.objects.bulk_create(actions)


def last_assessment(org: Organisation) -> Assessment | None:
    """The organisation's latest completed self-assessment (a breach file links to it)."""
    return Assessment.objects.for_org(org).completed().first()


def add_action(org: Organisation, *, title: str, owner: str = "", due_on: date | None = None) -> Action:
    return Action.objects.create(organisation=org, title=title, owner=owner, due_on=due_on)


def update_action(action: Action, *, owner: str, due_on: date | None, done: bool, today: date | None = None) -> Action:
    action.owner = owner
    action.due_on = due_on
    if done and action.done_on is None:
        action.done_on = today or timezone.localdate()
    elif not done:
        action.done_on = None
    action.save(update_fields=["owner", "due_on", "done_on"])
    return action


# --- Processors ------------------------------------------------------------------------------------------


def save_processor(processor: Processor) -> Processor:
    processor.save()
    return processor


def delete_processor(processor: Processor) -> None:
    processor.delete()
