"""Presentation helpers for breach pages and e-mails: moments and countdowns in words, choice labels, the gauge.

The countdown text is the same as the one ``vigie.js`` keeps current every second, so a page is right without
JavaScript and does not jump when the script takes over.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Breach
from ..wording import LIST_CHOICES, decimal, label_of, moment, shown, span

register = template.Library()
register.filter("moment", moment)
register.filter("decimal", decimal)

LEVELS = {"low": 0.0, "medium": 2.0, "high": 3.0, "very_high": 4.0}


@register.filter
def remaining(due: datetime | None, now: datetime | None = None) -> str:
    """Time left before ``due`` (« 2 j 03 h 12 min »), or « en retard de 05 h 02 min 10 s » once past."""
    if due is None:
        return ""
    left = (due - (now or timezone.now())).total_seconds()
    if left <= 0:
        return f"{_('late by')} {span(int(-left))}"
    return span(int(left))


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


@register.simple_tag
def facts_of(breach: Breach, names: list[str]) -> list[tuple[str, str]]:
    """(label, value in words) of some facts of a breach, for the facts tab; long texts kept whole."""
    out = []
    for name in names:
        value = getattr(breach, name)
        text = value if isinstance(value, str) and len(value) > 80 and name not in LIST_CHOICES else shown(name, value)
        out.append((str(Breach._meta.get_field(name).verbose_name), text))  # type: ignore[union-attr]
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
    bands: list[dict[str, Any]] = [
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
    }.get((str(reason.get("axis")), raises), _("raises the risk") if raises else _("lowers the risk"))


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
