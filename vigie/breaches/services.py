"""Every change to a breach, one named function each. Each owns its transaction and writes its journal entry
(``TimelineEvent``) in that same transaction, so that nothing happens to a breach without a trace.

Other apps (demo data, register, documents) call these verbs; their signatures are part of the app's interface:

- ``declare_breach(org, *, by, title, became_aware_at, awareness_note="", **facts) -> Breach``
- ``update_facts(breach, *, by, changes, intake_step=None) -> list[str]``
- ``prefill_from_record(breach, *, by, activity_ids) -> list[str]``
- ``assess_breach(breach, *, by=None, now=None) -> Outcome``
- ``overrule_decision(breach, *, by, notify_authority, notify_data_subjects, justification)``
- ``mark_obligation_done(breach, obligation_id, *, by, done_at, reference="", note="", delay_reasons="")``
- ``reopen_obligation(breach, obligation_id, *, by, reason="")``
- ``add_note(breach, *, by, text) -> TimelineEvent``
- ``close_breach(breach, *, by, note="", justification="")`` and ``reopen_breach(breach, *, by, note="")``
- ``record_document_generated(breach, *, by, kind, title, data=None) -> TimelineEvent``
- ``send_due_reminders(*, now=None, breach_id=None) -> int``
- ``send_overdue_reminders(*, now=None, breach_id=None) -> int``
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.audit.services import record
from vigie.risk import FactsError, assess, parse_facts

from . import intake
from .intake import Step
from .models import (
    FACT_FIELDS,
    MIN_JUSTIFICATION,
    Breach,
    EventKind,
    ObligationRow,
    ObligationState,
    OverdueReminderSent,
    ReminderSent,
    Status,
    TimelineEvent,
    obligation_title,
)
from .prevention import prevention
from .wording import moment, remaining_roughly, shown

logger = logging.getLogger(__name__)

# Reminders go out this many hours before an open deadline (the most urgent one due supersedes the others).
REMINDER_HOURS = (24, 6)
_REFERENCE_ATTEMPTS = 20


def _event(
    breach: Breach, kind: str, summary: str, *, by: User | None, data: dict[str, Any] | None = None
) -> TimelineEvent:
    return TimelineEvent.objects.create(breach=breach, kind=kind, author=by, summary=summary, data=data or {})


def _french() -> translation.override:
    # The journal and the e-mails are records kept in French, whatever the language of the screen.
    return translation.override(settings.LANGUAGE_CODE)


# --- Declaring ------------------------------------------------------------------------------------------------


def _next_reference(org: Organisation, year: int) -> str:
    prefix = f"{year}-"
    taken = Breach.objects.filter(organisation=org, reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def declare_breach(
    org: Organisation,
    *,
    by: User | None,
    title: str,
    became_aware_at: datetime,
    awareness_note: str = "",
    **facts: Any,
) -> Breach:
    """Open a breach in the organisation's register and start its clock.

    ``facts`` may give any other fact (``Breach`` field names in ``FACT_FIELDS``); when the minimum facts are
    all given, the breach is assessed at once. The reference (« 2026-001 ») numbers the breaches of the
    organisation by year of awareness; two simultaneous declarations cannot get the same one (the unique
    constraint refuses the second, which takes the next number).
    """
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown facts: {', '.join(sorted(unknown))}")
    if timezone.is_naive(became_aware_at):
        raise ValueError("became_aware_at must be an aware datetime")
    if became_aware_at > timezone.now():
        raise ValidationError({"became_aware_at": _("The moment you became aware cannot be in the future.")})
    year = timezone.localtime(became_aware_at).year
    with transaction.atomic():
        for _attempt in range(_REFERENCE_ATTEMPTS):
            breach = Breach(
                organisation=org,
                reference=_next_reference(org, year),
                title=title,
                became_aware_at=became_aware_at,
                awareness_note=awareness_note,
                created_by=by,
                **facts,
            )
            try:
                with transaction.atomic():
                    breach.save()
                break
            except IntegrityError:
                continue
        else:
            raise IntegrityError(f"Could not allocate a breach reference for organisation {org.pk}")
        with _french():
            _event(
                breach,
                EventKind.DECLARED,
                _("Breach declared; awareness on %(moment)s.") % {"moment": moment(became_aware_at)},
                by=by,
                data={"reference": breach.reference, "became_aware_at": became_aware_at.isoformat()},
            )
        record("breach.declared", actor=by, organisation=org, obj=breach, detail={"reference": breach.reference})
        if not breach.missing_facts():
            assess_breach(breach, by=by)
    return breach


# --- Facts ----------------------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def update_facts(
    breach: Breach, *, by: User | None, changes: dict[str, Any], intake_step: str | None = None
) -> list[str]:
    """Change some facts of a breach; return the names of the fields that really changed.

    The journal lists each change (old → new). When the minimum facts are known, the breach is assessed again,
    so that the decision always follows the facts. ``intake_step`` records how far the intake has got.
    """
    unknown = set(changes) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown facts: {', '.join(sorted(unknown))}")
    now = timezone.now()
    for name in ("became_aware_at", "incident_detected_at", "processor_informed_at", "occurred_at", "ended_at"):
        value = changes.get(name)
        if value is not None and value > now:
            raise ValidationError({name: _("This moment is in the future.")})
    if "became_aware_at" in changes and changes["became_aware_at"] is None:
        raise ValidationError({"became_aware_at": _("The moment you became aware is required.")})
    caller = breach
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        changed: dict[str, tuple[Any, Any]] = {}
        for name, new in changes.items():
            old = getattr(breach, name)
            if old != new and not (old in (None, "", []) and new in (None, "", [])):
                changed[name] = (old, new)
                setattr(breach, name, new)
        update_fields = list(changed)
        if intake_step is not None and intake_step != breach.intake_step:
            breach.intake_step = intake_step
            update_fields.append("intake_step")
        if update_fields:
            breach.save(update_fields=[*update_fields, "updated_at"])
        if changed:
            with _french():
                parts = [
                    f"{Breach._meta.get_field(name).verbose_name} : {shown(name, old)} → {shown(name, new)}"  # type: ignore[union-attr]
                    for name, (old, new) in changed.items()
                ]
                _event(
                    breach,
                    EventKind.FACTS_CHANGED,
                    _("Facts changed: %(changes)s.") % {"changes": " ; ".join(parts)},
                    by=by,
                    data={"changes": {name: [_json(old), _json(new)] for name, (old, new) in changed.items()}},
                )
            record("breach.facts_changed", actor=by, organisation=breach.organisation, obj=breach,
                   detail={"fields": list(changed)})  # fmt: skip
            if not breach.missing_facts():
                assess_breach(breach, by=by, now=now)
    caller.refresh_from_db()
    return list(changed)


def answer_intake_step(breach: Breach, step: Step, *, by: User | None, changes: dict[str, Any]) -> Step | None:
    """Save the answers to one intake step; return the next step that applies, or None at the end."""
    preview = Breach.objects.get(pk=breach.pk)
    for name, value in changes.items():
        setattr(preview, name, value)
    update_facts(breach, by=by, changes=changes, intake_step=intake.advance(preview, step))
    return intake.next_step(preview, step)


def prefill_from_record(breach: Breach, *, by: User | None, activity_ids: Iterable[int]) -> list[str]:
    """Pre-fill the data facts from the activities of the record of processing that the breach concerns.

    The activities' data categories are added to those already ticked (never removed: the declarant knows
    better); their persons estimate fills ``persons_count`` only while it is unknown, marked as an estimate.
    The journal names the activities used, then ``update_facts`` journals the changes and re-assesses. Ids of
    activities that are not the breach's organisation's are ignored. Return the fields that changed.
    """
    org = breach.organisation
    activities = prevention().activities(org, ids=activity_ids)
    if not activities:
        return []
    categories, persons = prevention().categories(org, [activity.pk for activity in activities])
    with transaction.atomic():
        # Under the lock, so that a category ticked meanwhile in another tab is kept in the union.
        current = Breach.objects.select_for_update().get(pk=breach.pk)
        ticked = list(current.data_categories or [])
        changes: dict[str, Any] = {}
        if any(category not in ticked for category in categories):
            changes["data_categories"] = ticked + [category for category in categories if category not in ticked]
        if current.persons_count is None and persons is not None:
            changes["persons_count"] = persons
            changes["persons_count_is_estimate"] = True
        if not changes:
            return []
        with _french():
            _event(
                current,
                EventKind.FACTS_CHANGED,
                _("Facts pre-filled from the record of processing: %(activities)s.")
                % {"activities": ", ".join(f"«\u00a0{activity.name}\u00a0»" for activity in activities)},
                by=by,
                data={
                    "source": "record",
                    "activities": [{"id": activity.pk, "name": activity.name} for activity in activities],
                },
            )
        return update_facts(breach, by=by, changes=changes)


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
            with _french():
                _event(breach, EventKind.ASSESSED, decision_summary(breach), by=by, data=_gist_data(result))
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
    """One plain sentence: what must be done, by when (the decision as it stands); overdue said first."""
    now = now or timezone.now()
    rows = {row.id: row for row in breach.obligation_rows()}
    cnil, persons = rows.get("notify_cnil"), rows.get("inform_persons")
    parts = []
    overdue = [row for row in rows.values() if row.overdue(now) and row.due is not None]
    if overdue:
        titles = "; ".join(f"{row.title} ({moment(row.due)})" for row in overdue if row.due is not None)
        prefix = _("Overdue: %(titles)s.") % {"titles": titles}
    else:
        prefix = ""
    if cnil and cnil.applies and not cnil.done:
        if cnil.due and cnil.overdue(now):
            parts.append(_("notify the CNIL at once, with the reasons for the delay"))
        elif cnil.due:
            parts.append(_("notify the CNIL before %(moment)s") % {"moment": moment(cnil.due)})
        else:
            parts.append(_("notify the CNIL without delay"))
    if persons and persons.applies and not persons.done:
        if breach.assessment and breach.assessment.get("data_subjects_channel") == "public":
            parts.append(_("inform the persons concerned through a public notice"))
        elif "patients" in (breach.person_categories or []):
            parts.append(_("inform each patient concerned"))
        else:
            parts.append(_("inform each person concerned"))
    processor = rows.get("processor_to_controller")
    if processor and processor.applies and not processor.done:
        parts.insert(0, _("alert the controller without delay"))
    if parts:
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + _(" and ") + parts[-1]
        return " ".join(filter(None, [prefix, _("You must %(things)s.") % {"things": joined}]))
    if prefix:
        return prefix
    if (cnil and cnil.done) or (persons and persons.done):
        return _("The notifications decided have been made; keep the register up to date.")
    return _("No notification is needed: record the breach and the reasoning in the register.")


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
        with _french():

            def yes_no(value: bool) -> str:
                return _("yes") if value else _("no")

            summary = _(
                "Decision overruled by the DPO: notify the CNIL %(a)s (computed: %(ca)s), inform the persons "
                "%(p)s (computed: %(cp)s). Justification: %(why)s"
            ) % {
                "a": yes_no(notify_authority),
                "ca": yes_no(computed["notify_authority"]),
                "p": yes_no(notify_data_subjects),
                "cp": yes_no(computed["notify_data_subjects"]),
                "why": justification,
            }
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


# --- Obligations ----------------------------------------------------------------------------------------------


def _row(breach: Breach, obligation_id: str) -> ObligationRow:
    row = breach.obligation(obligation_id)
    if row is None:
        raise ValidationError(_("Unknown obligation."))
    return row


def mark_obligation_done(
    breach: Breach,
    obligation_id: str,
    *,
    by: User,
    done_at: datetime,
    reference: str = "",
    note: str = "",
    delay_reasons: str = "",
) -> ObligationState:
    """Record that an obligation was done: when, by whom, its reference (e.g. the CNIL receipt number).

    A CNIL notification made after the 72 hours must give the reasons for the delay (GDPR art. 33(1)).
    """
    _require_role(breach, by, Role.DPO)
    row = _row(breach, obligation_id)
    if done_at > timezone.now():
        raise ValidationError({"done_at": _("This moment is in the future.")})
    deadline = breach.cnil_deadline
    late = obligation_id == "notify_cnil" and deadline is not None and done_at > deadline
    if late and not delay_reasons.strip():
        raise ValidationError(
            {
                "delay_reasons": _(
                    "The notification comes more than 72 hours after you became aware: give the reasons for the delay."
                )
            }
        )
    with transaction.atomic():
        state, _created = ObligationState.objects.select_for_update().get_or_create(
            breach=breach, obligation=obligation_id
        )
        state.done_at, state.done_by = done_at, by
        state.reference, state.note, state.delay_reasons = reference.strip(), note.strip(), delay_reasons.strip()
        state.save()
        with _french():
            title = obligation_title(row.id)
            summary = _("“%(title)s” done on %(moment)s.") % {"title": title, "moment": moment(done_at)}
            if state.reference:
                summary += " " + _("Reference: %(ref)s.") % {"ref": state.reference}
            if late:
                summary += " " + _("Reasons for the delay: %(why)s") % {"why": state.delay_reasons}
            _event(
                breach,
                EventKind.OBLIGATION_DONE,
                summary,
                by=by,
                data={"obligation": obligation_id, "done_at": done_at.isoformat(), "reference": state.reference},
            )
        record("breach.obligation_done", actor=by, organisation=breach.organisation, obj=breach,
               detail={"obligation": obligation_id})  # fmt: skip
    return state


def reopen_obligation(breach: Breach, obligation_id: str, *, by: User, reason: str = "") -> ObligationState:
    """Undo "done" on an obligation (a mistake, a rejected notification); the journal keeps both entries."""
    _require_role(breach, by, Role.DPO)
    row = _row(breach, obligation_id)
    with transaction.atomic():
        state, _created = ObligationState.objects.select_for_update().get_or_create(
            breach=breach, obligation=obligation_id
        )
        state.done_at = state.done_by = None
        state.reference = state.note = state.delay_reasons = ""
        state.save()
        with _french():
            summary = _("“%(title)s” marked as not done.") % {"title": obligation_title(row.id)}
            if reason.strip():
                summary += " " + reason.strip()
            _event(breach, EventKind.OBLIGATION_REOPENED, summary, by=by, data={"obligation": obligation_id})
        schedule_reminders(breach)
    return state


# --- Journal, closing, documents ------------------------------------------------------------------------------


def add_note(breach: Breach, *, by: User, text: str) -> TimelineEvent:
    """Add a free note to the breach's journal."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note before adding it.")})
    with transaction.atomic():
        return _event(breach, EventKind.NOTE, text, by=by)


# Entering the breach in the register (art. 33(5)) is what Vigie's register does for every breach, closed or not.
_KEPT_BY_VIGIE = {"register"}


def open_required(breach: Breach) -> list[ObligationRow]:
    """The obligations that the decision as it stands requires and that are not done yet."""
    return [
        row
        for row in breach.obligation_rows()
        if row.status == "required" and not row.done and row.id not in _KEPT_BY_VIGIE
    ]


def close_breach(breach: Breach, *, by: User, note: str = "", justification: str = "") -> Breach:
    """Close the breach: nothing left to do. It stays in the register; reminders stop.

    A breach whose required obligations are not all done (the CNIL to notify, the persons to inform) is not
    closed silently: closing it anyway needs a written justification, which the journal keeps with the list of
    what was left undone.
    """
    caller = breach
    justification = justification.strip()
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        if not breach.is_closed:
            left = open_required(breach)
            if left and len(justification) < MIN_JUSTIFICATION:
                raise ValidationError(
                    {
                        "justification": _(
                            "Still to do: %(titles)s. Do it first, or write why the breach is closed anyway "
                            "(at least %(n)d characters)."
                        )
                        % {"titles": "; ".join(row.title for row in left), "n": MIN_JUSTIFICATION}
                    }
                )
            breach.status, breach.closed_at = Status.CLOSED, timezone.now()
            breach.save(update_fields=["status", "closed_at", "updated_at"])
            data: dict[str, Any] = {}
            with _french():
                summary = note.strip() or _("Breach closed.")
                if left:
                    titles = "; ".join(obligation_title(row.id) for row in left)
                    summary += " " + _("Closed with obligations still open (%(titles)s). Justification: %(why)s") % {
                        "titles": titles,
                        "why": justification,
                    }
                    data = {"open_obligations": [row.id for row in left], "justification": justification}
                _event(breach, EventKind.CLOSED, summary, by=by, data=data)
            record("breach.closed", actor=by, organisation=breach.organisation, obj=breach)
    caller.refresh_from_db()
    return caller


def reopen_breach(breach: Breach, *, by: User, note: str = "") -> Breach:
    """Reopen a closed breach (new facts, a question from the CNIL…)."""
    caller = breach
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        if breach.is_closed:
            breach.status = Status.ASSESSED if breach.assessment else Status.DRAFT
            breach.closed_at = None
            breach.save(update_fields=["status", "closed_at", "updated_at"])
            with _french():
                _event(breach, EventKind.REOPENED, note.strip() or _("Breach reopened."), by=by)
            record("breach.reopened", actor=by, organisation=breach.organisation, obj=breach)
            schedule_reminders(breach)
    caller.refresh_from_db()
    return caller


DOCUMENT_REPEAT_WINDOW = timedelta(minutes=15)


def record_document_generated(
    breach: Breach, *, by: User | None, kind: str, title: str, data: dict[str, Any] | None = None
) -> TimelineEvent:
    """Journal that a document was generated for the breach (``kind``: e.g. ``cnil-initial``, ``letter``).

    The same document downloaded again by the same person, with nothing else journalled in between and within
    ``DOCUMENT_REPEAT_WINDOW``, is the same fact: the earlier entry is returned rather than a new one (every
    download still goes to the access log).
    """
    with transaction.atomic():
        last = breach.events.order_by("-at", "-pk").first()
        if (
            last is not None
            and last.kind == EventKind.DOCUMENT_GENERATED
            and last.author_id == (by.pk if by is not None else None)
            and last.data.get("kind") == kind
            and last.data.get("format") == (data or {}).get("format")
            and timezone.now() - last.at < DOCUMENT_REPEAT_WINDOW
        ):
            return last
        with _french():
            summary = _("Document generated: %(title)s.") % {"title": title}
        return _event(breach, EventKind.DOCUMENT_GENERATED, summary, by=by, data={"kind": kind, **(data or {})})


def record_details_saved(breach: Breach, *, by: User | None, labels: list[str]) -> TimelineEvent:
    """Journal that the incident details kept for the complaint and the ARS report changed (which ones)."""
    with _french():
        summary = _("Incident details recorded: %(fields)s.") % {"fields": ", ".join(labels)}
    return _event(breach, EventKind.DETAILS_RECORDED, summary, by=by, data={"fields": labels})


# --- Reminders ------------------------------------------------------------------------------------------------


def schedule_reminders(breach: Breach, *, now: datetime | None = None) -> int:
    """Enqueue the reminder task at T-24 h and T-6 h of each open deadline; return how many were enqueued.

    The task looks at the breach afresh when it runs (``send_due_reminders``), so a reminder whose obligation
    was done, or whose deadline moved, in the meantime sends nothing. Call inside the write's transaction: the
    database backend enqueues in it, so a rolled-back change schedules nothing.
    """
    from .tasks import ensure_overdue_clock, send_breach_reminders

    now = now or timezone.now()
    if breach.is_closed:
        return 0
    ensure_overdue_clock()  # once the deadline passes, the daily overdue reminders take over
    moments = sorted(
        {
            max(row.due - timedelta(hours=hours), now)
            for row in breach.obligation_rows()
            if row.is_open and row.due is not None and row.due > now
            for hours in REMINDER_HOURS
        }
    )
    if not moments:
        return 0
    if not send_breach_reminders.get_backend().supports_defer:
        # A backend that cannot wait (immediate, in tests and development) runs it now: what is due goes out.
        send_breach_reminders.enqueue(breach.pk)
        return 1
    for when in moments:
        task = send_breach_reminders if when <= now else send_breach_reminders.using(run_after=when)
        task.enqueue(breach.pk)
    return len(moments)


def alert_recipients(org: Organisation) -> list[str]:
    """Who is alerted by e-mail of what needs the organisation's attention (reminders, a campaign's pause)."""
    return _recipients(org)


def _recipients(org: Organisation) -> list[str]:
    """The organisation's DPO and owners, and its DPO contact address."""
    emails = set(
        Membership.objects.filter(organisation=org, role__in=[Role.DPO, Role.OWNER], user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if org.dpo_email:
        emails.add(org.dpo_email.lower())
    return sorted(emails)


def _due_reminders(breach: Breach, now: datetime) -> list[tuple[ObligationRow, int]]:
    """The (obligation, hours before) whose reminder is due now and not yet sent."""
    sent: dict[tuple[str, datetime | None], set[int]] = {}
    for obligation, due, hours in breach.reminders_sent.values_list("obligation", "due", "hours_before"):
        sent.setdefault((obligation, due), set()).add(hours)
    out = []
    for row in breach.obligation_rows():
        if not row.is_open or row.due is None or row.due <= now:
            continue
        reached = [hours for hours in REMINDER_HOURS if row.due - timedelta(hours=hours) <= now]
        if not reached:
            continue
        hours = min(reached)
        # A reminder as urgent as this one, or more, already went out for this very deadline.
        if any(done <= hours for done in sent.get((row.id, row.due), set())):
            continue
        out.append((row, hours))
    return out


def send_due_reminders(*, now: datetime | None = None, breach_id: int | None = None) -> int:
    """Send the reminder e-mails that are due (of one breach, or of all open ones); return how many were sent.

    Idempotent: each (breach, obligation, deadline, step) is sent at most once, guarded by ``ReminderSent``'s
    unique key, and only while the obligation is open and its deadline ahead — so it may run any number of
    times, from any number of workers.
    """
    now = now or timezone.now()
    breaches = Breach.objects.open().assessed().select_related("organisation")
    if breach_id is not None:
        breaches = breaches.filter(pk=breach_id)
    sent = 0
    for breach in breaches:
        due = _due_reminders(breach, now)
        recipients = _recipients(breach.organisation)
        if not due or not recipients:
            continue
        try:
            with transaction.atomic():
                for row, hours in due:
                    ReminderSent.objects.create(breach=breach, obligation=row.id, due=row.due, hours_before=hours)
                _send_reminder(breach, due, recipients, now)
        except IntegrityError:
            # Another worker sent it first.
            continue
        sent += 1
    return sent


def _send_reminder(breach: Breach, due: list[tuple[ObligationRow, int]], recipients: list[str], now: datetime) -> None:
    url = settings.SITE_URL + reverse("breaches:detail", args=[breach.organisation_id, breach.pk])
    with _french():
        items = [
            {"title": obligation_title(row.id), "due": moment(row.due), "remaining": remaining_roughly(row.due, now)}
            for row, _hours in due
            if row.due is not None
        ]
        context = {"breach": breach, "items": items, "url": url, "hours": min(hours for _row, hours in due)}
        subject = _("[Vigie] Breach %(reference)s: deadline in less than %(hours)d hours") % {
            "reference": breach.reference,
            "hours": context["hours"],
        }
        body = render_to_string("breaches/email/reminder.txt", context)
        send_mail(subject, body, None, recipients)
        _event(
            breach,
            EventKind.REMINDER_SENT,
            _("Reminder sent to %(who)s: %(what)s.")
            % {"who": ", ".join(recipients), "what": " ; ".join(f"{i['title']} ({i['due']})" for i in items)},
            by=None,
            data={"obligations": [row.id for row, _hours in due], "hours_before": context["hours"]},
        )


# An overdue obligation is reminded of once a day, until it is done or the breach closed. The clock that looks
# for them runs every hour (``tasks.overdue_clock``), so the first message goes within the hour of the deadline.
OVERDUE_CHECK = timedelta(hours=1)


def send_overdue_reminders(*, now: datetime | None = None, breach_id: int | None = None) -> int:
    """E-mail the DPO and the owners about each open breach with an overdue obligation; return how many were sent.

    Idempotent per day: one message per breach and local day (``OverdueReminderSent``'s unique key), listing
    every obligation overdue at that moment. Runs any number of times, from any number of workers.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    breaches = Breach.objects.open().assessed().select_related("organisation").exclude(overdue_reminders__day=today)
    if breach_id is not None:
        breaches = breaches.filter(pk=breach_id)
    sent = 0
    for breach in breaches:
        rows = [row for row in breach.obligation_rows() if row.overdue(now)]
        recipients = _recipients(breach.organisation)
        if not rows or not recipients:
            continue
        try:
            with transaction.atomic():
                OverdueReminderSent.objects.create(breach=breach, day=today, obligations=[row.id for row in rows])
                _send_overdue(breach, rows, recipients, now)
        except IntegrityError:
            continue  # another worker sent today's
        sent += 1
    return sent


def _send_overdue(breach: Breach, rows: list[ObligationRow], recipients: list[str], now: datetime) -> None:
    url = settings.SITE_URL + reverse("breaches:detail", args=[breach.organisation_id, breach.pk])
    with _french():
        items = [
            {"title": obligation_title(row.id), "due": moment(row.due), "late": remaining_roughly(now, row.due)}
            for row in rows
            if row.due is not None
        ]
        subject = _("[Vigie] Breach %(reference)s: overdue, still not done") % {"reference": breach.reference}
        body = render_to_string("breaches/email/overdue.txt", {"breach": breach, "items": items, "url": url})
        send_mail(subject, body, None, recipients)
        _event(
            breach,
            EventKind.REMINDER_SENT,
            _("Overdue reminder sent to %(who)s: %(what)s.")
            % {"who": ", ".join(recipients), "what": " ; ".join(f"{i['title']} ({i['due']})" for i in items)},
            by=None,
            data={"obligations": [row.id for row in rows], "overdue": True},
        )
