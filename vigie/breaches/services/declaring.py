"""Declaring a breach and changing its facts (the intake, the pre-filling from the record of processing)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Organisation, User
from vigie.audit.services import record

from .. import intake
from .. import journal as j
from ..intake import Step
from ..models import FACT_FIELDS, Breach, EventKind
from ..prevention import prevention
from .assessment import assess_breach
from .events import _event

_REFERENCE_ATTEMPTS = 20


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
        _event(
            breach,
            EventKind.DECLARED,
            j.say(gettext_noop("Breach declared; awareness on %(moment)s."), moment=j.moment(became_aware_at)),
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
            parts = [
                j.say(
                    gettext_noop("%(field)s: %(old)s → %(new)s"),
                    field=j.field(name),
                    old=j.fact(name, old),
                    new=j.fact(name, new),
                )
                for name, (old, new) in changed.items()
            ]
            _event(
                breach,
                EventKind.FACTS_CHANGED,
                j.say(gettext_noop("Facts changed: %(changes)s."), changes=j.joined(parts, j.SEMICOLON)),
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
        _event(
            current,
            EventKind.FACTS_CHANGED,
            j.say(
                gettext_noop("Facts pre-filled from the record of processing: %(activities)s."),
                activities=j.joined(j.say(gettext_noop("“%(name)s”"), name=activity.name) for activity in activities),
            ),
            by=by,
            data={
                "source": "record",
                "activities": [{"id": activity.pk, "name": activity.name} for activity in activities],
            },
        )
        return update_facts(breach, by=by, changes=changes)
