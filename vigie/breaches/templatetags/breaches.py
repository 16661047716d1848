"""Presentation helpers for breach pages and e-mails: moments and countdowns in words, choice labels, the gauge.

The countdown text is the same as the one ``vigie.js`` keeps current every second, so a page is right without
JavaScript and does not jump when the script takes over.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from ..choices import BreachType, DataCategory, Medium, PersonCategory
from ..models import Breach

register = template.Library()

NBSP = "\u00a0"
LIST_CHOICES: dict[str, type[TextChoices]] = {
    "breach_types": BreachType,
    "data_categories": DataCategory,
    "media": Medium,
    "person_categories": PersonCategory,
}
LEVELS = {"low": 0.0, "medium": 2.0, "high": 3.0, "very_high": 4.0}


@register.filter
def moment(value: datetime | None) -> str:
    """« jeudi 16 janvier 2026 à 08 h 40 », in Paris time."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), _("l j F Y \\a\\t H:i"))


def _span(seconds: int, *, to_the_second: bool = True) -> str:
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
    return _span(max(0, int((due - now).total_seconds())), to_the_second=False)


@register.filter
def remaining(due: datetime | None, now: datetime | None = None) -> str:
    """Time left before ``due`` (« 2 j 03 h 12 min »), or « en retard de 05 h 02 min 10 s » once past."""
    if due is None:
        return ""
    left = (due - (now or timezone.now())).total_seconds()
    if left <= 0:
        return f"{_('late by')} {_span(int(-left))}"
    return _span(int(left))


@register.filter
def urgency(due: datetime | None, now: datetime | None = None) -> str:
    """The countdown's class: amber under 24 hours, red under 6 hours, late after."""
    if due is None:
        return ""
    left = (due - (now or timezone.now())).total_seconds()
    if left <= 0:
        return "late"
    if left < 6 * 3600:
        return "red"
    return "amber" if left < 24 * 3600 else ""


@register.simple_tag
def countdown_late() -> str:
    return _("late by")


@register.simple_tag
def countdown_units() -> str:
    return _("d,h,min,s")


def label_of(field: str, value: str) -> str:
    """The label of one choice of a ``Breach`` field (list fields included)."""
    choices = LIST_CHOICES.get(field)
    if choices is not None:
        return str(dict(choices.choices).get(value, value))
    return str(dict(Breach._meta.get_field(field).flatchoices).get(value, value))


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
    if Breach._meta.get_field(name).choices:
        return label_of(name, value)
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


@register.simple_tag
def facts_of(breach: Breach, names: list[str]) -> list[tuple[str, str]]:
    """(label, value in words) of some facts of a breach, for the facts tab; long texts kept whole."""
    out = []
    for name in names:
        value = getattr(breach, name)
        text = value if isinstance(value, str) and len(value) > 80 and name not in LIST_CHOICES else shown(name, value)
        out.append((str(Breach._meta.get_field(name).verbose_name), text))
    return out


@register.filter
def labels(values: list[str] | None, field: str) -> str:
    """``{{ breach.data_categories|labels:"data_categories" }}`` → « Données de santé, Identité »."""
    return ", ".join(label_of(field, value) for value in values or [])


@register.filter
def tristate(value: bool | None) -> str:
    if value is None:
        return _("Unknown")
    return _("Yes") if value else _("No")


@register.filter
def iso(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value).isoformat(timespec="seconds")


@register.simple_tag
def severity_gauge(severity: dict[str, Any] | None) -> dict[str, Any]:
    """Geometry of the ENISA gauge (0 to 5, 100 units per point) and its band labels."""
    score = float((severity or {}).get("score") or 0)
    marker = round(min(max(score, 0.0), 5.0) * 100, 1)
    bands = [
        {"x": 0, "width": 200, "level": "low", "label": _("low")},
        {"x": 200, "width": 100, "level": "medium", "label": _("medium")},
        {"x": 300, "width": 100, "level": "high", "label": _("high")},
        {"x": 400, "width": 100, "level": "very_high", "label": _("very high")},
    ]
    for band in bands:
        band["label_x"] = band["x"] + band["width"] // 2
    return {
        "score": score,
        "marker_x": marker - 1.5,
        "marker_points": f"{marker},16 {marker - 7},4 {marker + 7},4",
        "bands": bands,
        "ticks": [{"x": x, "label": x // 100} for x in range(0, 501, 100)],
    }


@register.filter
def level_label(level: str | None) -> str:
    return {
        "low": _("low"),
        "medium": _("medium"),
        "high": _("high"),
        "very_high": _("very high"),
    }.get(level or "", level or "")


@register.filter
def risk_label(risk: str | None) -> str:
    return {
        "unlikely": _("Risk unlikely"),
        "risk": _("Risk"),
        "high": _("High risk"),
    }.get(risk or "", _("Not assessed yet"))


@register.filter
def status_label(status: str) -> str:
    return {
        "required": _("Required"),
        "recommended": _("Recommended"),
        "not_applicable": _("Not applicable"),
    }.get(status, status)


@register.filter
def decimal(value: float | None) -> str:
    """0.75 → « 0,75 » in French, 5.0 → « 5 »."""
    if value is None:
        return ""
    return number_format(Decimal(f"{float(value):g}"))


def axis_level_labels() -> dict[str, str]:
    return {
        "negligible": _("negligible"),
        "limited": _("limited"),
        "significant": _("significant"),
        "maximum": _("maximum"),
    }


@register.filter
def axis_level(level: str | None) -> str:
    """« négligeable », « limitée »… (the CNIL's four levels)."""
    return axis_level_labels().get(level or "", level or "")


@register.filter
def event_label(event: str | None) -> str:
    return {
        "confidentiality": _("Unlawful access to the data"),
        "integrity": _("Alteration of the data"),
        "availability": _("Loss of the data or of access to them"),
    }.get(event or "", event or "")


@register.filter
def moves(reason: dict[str, Any]) -> str:
    """What a reason moves, for its badge: « raises the likelihood », « lowers the severity », « raises the risk »."""
    raises = reason.get("effect") == "raises"
    return {
        ("likelihood", True): _("raises the likelihood"),
        ("likelihood", False): _("lowers the likelihood"),
        ("severity", True): _("raises the severity"),
        ("severity", False): _("lowers the severity"),
    }.get((reason.get("axis"), raises), _("raises the risk") if raises else _("lowers the risk"))


@register.simple_tag
def decision_matrix(assessment: dict[str, Any] | None) -> dict[str, Any] | None:
    """The likelihood × severity grid of the core (``vigie.risk.MATRIX``), likelihood from top (maximum) to bottom,
    each cell with its risk and the feared events of the breach placed in it; ``None`` for an assessment stored
    before the two axes existed."""
    from vigie.risk import AXIS_LEVELS, MATRIX

    if not assessment or "axes" not in assessment:
        return None
    events = assessment.get("events") or []
    deciding = assessment["axes"]
    labels = axis_level_labels()
    rows = []
    for li in reversed(range(len(AXIS_LEVELS))):
        cells = []
        for si, severity in enumerate(AXIS_LEVELS):
            here = [e for e in events if e["likelihood"] == AXIS_LEVELS[li] and e["severity"] == severity]
            cells.append(
                {
                    "severity": severity,
                    "risk": MATRIX[li][si],
                    "events": [e["event"] for e in here],
                    "deciding": deciding.get("likelihood") == AXIS_LEVELS[li] and deciding.get("severity") == severity,
                }
            )
        rows.append({"likelihood": AXIS_LEVELS[li], "label": labels[AXIS_LEVELS[li]], "cells": cells})
    return {"rows": rows, "columns": [labels[level] for level in AXIS_LEVELS], "deciding": deciding}


@register.simple_tag
def enisa_disagreement(assessment: dict[str, Any] | None) -> dict[str, Any] | None:
    """The reason that says the ENISA score disagrees with the decision, and why; ``None`` when they agree."""
    for reason in (assessment or {}).get("reasons") or []:
        if reason.get("factor") == "enisa_vs_edpb":
            return reason
    return None


@register.filter
def event_initial(event: str) -> str:
    """The short mark of a feared event inside a matrix cell: C, I or A (as in the CIA triad)."""
    return {"confidentiality": _("C"), "integrity": _("I"), "availability": _("A")}.get(event, event[:1].upper())
