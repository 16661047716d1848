"""The guided intake: an ordered list of small questions that fill in the facts of a breach.

Each step is one form (one question, or a small group) over ``Breach`` fields. A step that does not apply is
skipped (the confidentiality questions only when confidentiality is among the types, the availability ones
only when availability is). The answers are saved step by step, so the intake can be left and resumed; the
decision is available as soon as the minimum facts exist (``Breach.missing_facts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import forms
from .choices import BreachType
from .models import Breach


def _always(breach: Breach) -> bool:
    return True


def _has_type(kind: str) -> Callable[[Breach], bool]:
    def applies(breach: Breach) -> bool:
        # Before the types are known, ask: better a question too many than a fact missing.
        return not breach.breach_types or kind in breach.breach_types

    return applies


@dataclass(frozen=True)
class Step:
    """One question of the intake: its URL slug, its title, its form, and when it applies."""

    slug: str
    title: str | Promise
    form_class: type[forms.StepForm]
    applies: Callable[[Breach], bool] = _always


STEPS: tuple[Step, ...] = (
    Step("prise-de-connaissance", _("Becoming aware"), forms.AwarenessForm),
    Step("evenement", _("What happened"), forms.EventForm),
    Step("types", _("Type of breach"), forms.TypesForm),
    Step("donnees", _("Data concerned"), forms.DataForm),
    Step("protection", _("Protection of the data"), forms.ProtectionForm),
    Step("personnes", _("Persons concerned"), forms.PersonsForm),
    Step("confidentialite", _("Disclosure"), forms.ConfidentialityForm, _has_type(BreachType.CONFIDENTIALITY)),
    Step("disponibilite", _("Loss of access"), forms.AvailabilityForm, _has_type(BreachType.AVAILABILITY)),
    Step("attenuation", _("Measures that limit the risk"), forms.MitigationForm),
    Step("recit", _("Consequences and measures"), forms.NarrativeForm),
)
BY_SLUG = {step.slug: step for step in STEPS}
# ``Breach.intake_step`` once every step has been answered.
FINISHED = "termine"


def get_step(slug: str) -> Step | None:
    return BY_SLUG.get(slug)


def steps_for(breach: Breach) -> list[Step]:
    """The steps that apply to this breach, in order."""
    return [step for step in STEPS if step.applies(breach)]


def next_step(breach: Breach, current: Step) -> Step | None:
    """The step after ``current`` that applies to the breach as it now stands, or None at the end."""
    index = STEPS.index(current)
    return next((step for step in STEPS[index + 1 :] if step.applies(breach)), None)


def previous_step(breach: Breach, current: Step) -> Step | None:
    index = STEPS.index(current)
    return next((step for step in reversed(STEPS[:index]) if step.applies(breach)), None)


def _reached_index(breach: Breach) -> int:
    """Index in ``STEPS`` of the first step not yet answered (``len(STEPS)`` when all were)."""
    if breach.intake_step == FINISHED:
        return len(STEPS)
    step = get_step(breach.intake_step)
    if step is not None:
        return STEPS.index(step)
    # Declaring asks for the moment of awareness: the first step is answered from the start.
    return 1 if breach.became_aware_at else 0


def advance(breach: Breach, answered: Step) -> str:
    """The new ``intake_step`` after ``answered`` was saved: never moves back when an earlier step is revised."""
    following = next_step(breach, answered)
    index = STEPS.index(following) if following else len(STEPS)
    if index <= _reached_index(breach):
        return breach.intake_step
    return following.slug if following else FINISHED


def is_finished(breach: Breach) -> bool:
    return breach.intake_step == FINISHED


def resume_step(breach: Breach) -> Step:
    """Where to take the intake up again: the first step not yet answered (the last one once all were)."""
    steps = steps_for(breach)
    index = _reached_index(breach)
    return next((step for step in steps if STEPS.index(step) >= index), steps[-1])


def progress(breach: Breach, current: Step) -> list[tuple[Step, str]]:
    """Each applicable step with its state for ``<ol class="steps">``: done, current, or todo."""
    steps = steps_for(breach)
    reached_index = _reached_index(breach)
    out = []
    for step in steps:
        if step == current:
            state = "current"
        elif STEPS.index(step) < reached_index:
            state = "done"
        else:
            state = "todo"
        out.append((step, state))
    return out
