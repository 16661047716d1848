"""Assessing a breach (the decision core on its facts), the decision in one sentence, and overruling it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Membership, Role, User
from vigie.audit.services import record
from vigie.risk import FactsError, assess, parse_facts

from .. import journal as j
from ..models import MIN_JUSTIFICATION, Breach, EventKind, Status
from .events import _event, _titled
from .reminders import schedule_reminders

# --- Assessing ------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What ``assess_breach`` did: the stored result, or the facts still missing."""

    result: dict[str, Any] | None = None
    missing: list[str] = field(default_factory=list)
    changed: bool = False

    @property
    def assessed(self) -> bool:
        return self.result is not None


def _gist(result: dict[str, Any] | None) -> Any:
    """What a reader of the journal cares about in a result: a change of any of it is a new decision."""
    if result is None:
        return None
    return (
        result["risk"],
        result["notify_authority"],
        result["notify_data_subjects"],
        result.get("data_subjects_channel"),
        result["severity"].get("score"),
        [(item["id"], item["status"], item["due"]) for item in result["obligations"]],
    )


def assess_breach(breach: Breach, *, by: User | None = None, now: datetime | None = None) -> Outcome:
    """Run the decision core on the breach's facts and keep its result.

    With facts missing, nothing is stored and the outcome lists what is missing (field names, or the core's
    problems). A new result that changes the decision is journalled with a short French summary, and the
    reminders of its deadlines are scheduled.
    """
    now = now or timezone.now()
    missing = breach.missing_facts()
    if missing:
        return Outcome(missing=missing)
    try:
        facts = parse_facts(breach.to_facts())
    except FactsError as error:
        return Outcome(missing=[str(problem) for problem in error.problems])
    result = assess(facts, now=now).to_dict()
    caller = breach
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        previous = breach.assessment
        changed = _gist(previous) != _gist(result)
        breach.assessment = result
        breach.assessed_at = now
        if breach.status == Status.DRAFT:
            breach.status = Status.ASSESSED
        breach.save(update_fields=["assessment", "assessed_at", "status", "updated_at"])
        if changed:
            _event(breach, EventKind.ASSESSED, decision_message(breach), by=by, data=_gist_data(result))
            schedule_reminders(breach, now=now)
    caller.refresh_from_db()
    return Outcome(result=result, changed=changed)


def _gist_data(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "risk": result["risk"],
        "notify_authority": result["notify_authority"],
        "notify_data_subjects": result["notify_data_subjects"],
        "severity": result["severity"].get("score"),
    }


def decision_summary(breach: Breach, *, now: datetime | None = None) -> str:
    """One plain sentence in the active language: what must be done, by when; overdue said first."""
    return j.render(decision_message(breach, now=now))


def decision_message(breach: Breach, *, now: datetime | None = None) -> list[j.Piece]:
    """``decision_summary`` as journal pieces (the journal keeps the decision as it was)."""
    now = now or timezone.now()
    rows = {row.id: row for row in breach.obligation_rows()}
    cnil, persons = rows.get("notify_cnil"), rows.get("inform_persons")
    parts = []
    overdue = [row for row in rows.values() if row.overdue(now) and row.due is not None]
    prefix = None
    if overdue:
        titles = [_titled(row.id, row.due) for row in overdue if row.due is not None]
        prefix = j.say(gettext_noop("Overdue: %(titles)s."), titles=j.joined(titles, "; "))
    if cnil and cnil.applies and not cnil.done:
        if cnil.due and cnil.overdue(now):
            parts.append(j.say(gettext_noop("notify the CNIL at once, with the reasons for the delay")))
        elif cnil.due:
            parts.append(j.say(gettext_noop("notify the CNIL before %(moment)s"), moment=j.moment(cnil.due)))
        else:
            parts.append(j.say(gettext_noop("notify the CNIL without delay")))
    if persons and persons.applies and not persons.done:
        if breach.assessment and breach.assessment.get("data_subjects_channel") == "public":
            parts.append(j.say(gettext_noop("inform the persons concerned through a public notice")))
        elif "patients" in (breach.person_categories or []):
            parts.append(j.say(gettext_noop("inform each patient concerned")))
        else:
            parts.append(j.say(gettext_noop("inform each person concerned")))
    processor = rows.get("processor_to_controller")
    if processor and processor.applies and not processor.done:
        parts.insert(0, j.say(gettext_noop("alert the controller without delay")))
    if parts:
        things = parts[0] if len(parts) == 1 else j.joined([j.joined(parts[:-1]), parts[-1]], j.AND)
        return j.pieces(prefix, j.say(gettext_noop("You must %(things)s."), things=things))
    if prefix:
        return [prefix]
    if (cnil and cnil.done) or (persons and persons.done):
        return [j.say(gettext_noop("The notifications decided have been made; keep the register up to date."))]
    return [j.say(gettext_noop("No notification is needed: record the breach and the reasoning in the register."))]


# --- Overruling -----------------------------------------------------------------------------------------------


def _require_role(breach: Breach, user: User, role: str) -> None:
    membership = Membership.objects.filter(user=user, organisation_id=breach.organisation_id).first()
    if membership is None or not membership.has_role(role):
        raise PermissionDenied


def overrule_decision(
    breach: Breach, *, by: User, notify_authority: bool, notify_data_subjects: bool, justification: str
) -> Breach:
    """The DPO replaces the computed decision with their own, with a written justification.

    The computed result stays in ``assessment`` and both appear in the journal, so the register shows what
    was computed, what was decided, by whom and why.
    """
    _require_role(breach, by, Role.DPO)
    justification = justification.strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ValidationError(
            {"justification": _("Write a real justification (at least %(n)d characters).") % {"n": MIN_JUSTIFICATION}}
        )
    if breach.assessment is None:
        raise ValidationError(_("The breach has not been assessed yet: complete the facts first."))
    now = timezone.now()
    caller = breach
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        computed = {
            "notify_authority": bool(breach.assessment["notify_authority"]),  # type: ignore[index]
            "notify_data_subjects": bool(breach.assessment["notify_data_subjects"]),  # type: ignore[index]
        }
        breach.override_notify_authority = notify_authority
        breach.override_notify_data_subjects = notify_data_subjects
        breach.override_justification = justification
        breach.overridden_by = by
        breach.overridden_at = now
        breach.save()
        summary = j.say(
            gettext_noop(
                "Decision overruled by the DPO: notify the CNIL %(a)s (computed: %(ca)s), inform the persons "
                "%(p)s (computed: %(cp)s). Justification: %(why)s"
            ),
            a=j.yes_no(notify_authority),
            ca=j.yes_no(computed["notify_authority"]),
            p=j.yes_no(notify_data_subjects),
            cp=j.yes_no(computed["notify_data_subjects"]),
            why=justification,
        )
        _event(
            breach,
            EventKind.OVERRULED,
            summary,
            by=by,
            data={
                "computed": computed,
                "decided": {"notify_authority": notify_authority, "notify_data_subjects": notify_data_subjects},
                "justification": justification,
            },
        )
        record("breach.overruled", actor=by, organisation=breach.organisation, obj=breach)
        schedule_reminders(breach, now=now)
    caller.refresh_from_db()
    return caller
