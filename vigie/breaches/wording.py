"""Breach facts and moments in words, for pages, e-mails and the journal alike: « jeudi 16 janvier 2026 à
08 h 40 », « 04 h 59 min », « 0,75 », choice labels. The template filters of ``templatetags.breaches`` are these
functions; services and other apps import them from here (a service does not import template tags).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .choices import BreachType, DataCategory, Medium, PersonCategory
from .models import Breach

NBSP = "\u00a0"
LIST_CHOICES: dict[str, type[TextChoices]] = {
    "breach_types": BreachType,
    "data_categories": DataCategory,
    "media": Medium,
    "person_categories": PersonCategory,
}


def moment(value: datetime | None) -> str:
    """« jeudi 16 janvier 2026 à 08 h 40 », in Paris time."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), _("l j F Y \\a\\t H:i"))


def span(seconds: int, *, to_the_second: bool = True) -> str:
    units = _("d,h,min,s").split(",")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}{NBSP}{units[0]}"] if days else []
    parts += [f"{hours:02d}{NBSP}{units[1]}", f"{minutes:02d}{NBSP}{units[2]}"]
    if not days and to_the_second:
        parts.append(f"{secs:02d}{NBSP}{units[3]}")
    return " ".join(parts)


def remaining_roughly(due: datetime, now: datetime) -> str:
    """Time left to the minute, for texts that do not tick (e-mails): « 04 h 59 min »."""
    return span(max(0, int((due - now).total_seconds())), to_the_second=False)


def decimal(value: float | None) -> str:
    """0.75 → « 0,75 » in French, 5.0 → « 5 »."""
    if value is None:
        return ""
    return number_format(Decimal(f"{float(value):g}"))


def label_of(field: str, value: str) -> str:
    """The label of one choice of a ``Breach`` field (list fields included)."""
    choices = LIST_CHOICES.get(field)
    if choices is not None:
        return str(dict(choices.choices).get(value, value))
    return str(dict(Breach._meta.get_field(field).flatchoices).get(value, value))  # type: ignore[union-attr]


def shown(name: str, value: Any) -> str:
    """A fact's value in words (« inconnu », « oui », a date, choice labels…)."""
    if value in (None, "", []):
        return _("unknown")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, list):
        return ", ".join(label_of(name, item) for item in value)
    if isinstance(value, float):
        return decimal(value)
    if isinstance(value, int):  # « 1 200 », grouped as the language writes numbers
        return number_format(value, force_grouping=True)
    if Breach._meta.get_field(name).choices:  # type: ignore[union-attr]
        return label_of(name, value)
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"
