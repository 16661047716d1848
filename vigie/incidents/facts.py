"""The processor's facts: a JSON object in the names of a breach's facts, checked as strictly as the API checks
them (types, choices, lengths), turned into the values ``declare_breach`` takes.

What each controller alone knows is not the processor's to give: its awareness (the clock starts at the
controller's acknowledgement), whether it acts as a controller, and the processor's name (filled in).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from vigie.breaches.choices import BreachType, DataCategory, Medium, PersonCategory
from vigie.breaches.models import FACT_FIELDS, Breach

NOT_THE_PROCESSORS = ("title", "became_aware_at", "awareness_note", "processor_informed_at", "acting_as",
                      "processor_name")  # fmt: skip
PROCESSOR_FACTS = tuple(name for name in FACT_FIELDS if name not in NOT_THE_PROCESSORS)
LIST_CHOICES: dict[str, type[models.TextChoices]] = {
    "breach_types": BreachType,
    "data_categories": DataCategory,
    "person_categories": PersonCategory,
    "media": Medium,
}
MAX_TEXT = 20_000


def _value(name: str, value: Any) -> Any:
    """One fact as the breach's column takes it; raises ``ValueError`` with a French reason."""
    field = Breach._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101  # a fact is a column, never a relation
    if value is None:
        return [] if name in LIST_CHOICES else ("" if isinstance(field, models.CharField | models.TextField) else None)
    if name in LIST_CHOICES:
        allowed = set(LIST_CHOICES[name].values)
        if not isinstance(value, list) or not all(isinstance(item, str) and item in allowed for item in value):
            raise ValueError(_("a list of: %(choices)s") % {"choices": ", ".join(sorted(allowed))})
        return list(dict.fromkeys(value))
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None or timezone.is_naive(moment):
            raise ValueError(_("a date and time with its offset, e.g. 2026-03-28T09:15:00+01:00"))
        if moment > timezone.now():
            raise ValueError(_("this moment is in the future"))
        return moment
    if isinstance(field, models.BooleanField):
        if not isinstance(value, bool):
            raise ValueError(_("true or false"))
        return value
    if isinstance(field, models.PositiveIntegerField):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
            raise ValueError(_("a whole number, zero or more"))
        return value
    if isinstance(field, models.FloatField):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1_000_000:
            raise ValueError(_("a number, zero or more"))
        return float(value)
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError(_("a text"))
    if field.choices and value not in {choice for choice, _label in field.choices}:
        raise ValueError(_("one of: %(choices)s") % {"choices": ", ".join(c for c, _l in field.choices if c)})
    limit = field.max_length or MAX_TEXT
    if len(value) > limit:
        raise ValueError(_("at most %(n)d characters") % {"n": limit})
    return value


def check_facts(data: Any) -> dict[str, Any]:
    """The processor's facts as ``declare_breach`` takes them; ``ValidationError`` naming each wrong fact."""
    if not isinstance(data, dict):
        raise ValidationError(_("The facts must be a JSON object."))
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name not in PROCESSOR_FACTS:
            if name in NOT_THE_PROCESSORS:
                errors[name] = _("each controller gives this fact itself")
            else:
                errors[name] = _("unknown fact")
            continue
        try:
            out[name] = _value(name, value)
        except ValueError as error:
            errors[name] = _("expected %(what)s") % {"what": error}
    if errors:
        raise ValidationError([f"{name}: {reason}" for name, reason in sorted(errors.items())])
    return out


def as_json(facts: dict[str, Any]) -> dict[str, Any]:
    """Checked facts as stored on the incident (moments as ISO 8601 text)."""
    return {name: (value.isoformat() if isinstance(value, datetime) else value) for name, value in facts.items()}
