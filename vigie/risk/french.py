"""French writing helpers: typography, numbers, dates and durations, independent of the system locale.

Deadlines are computed in absolute time (UTC) and only *shown* in Europe/Paris: adding a ``timedelta`` to
a datetime whose tzinfo is a ``ZoneInfo`` does wall-clock arithmetic in Python, which across a change to or
from summer time would give 71 or 73 real hours instead of 72.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space, the French thousands separator

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([:;!?»])")
_SPACE_AFTER_GUILLEMET = re.compile(r"« ")


def typo(text: str) -> str:
    """French typography: a no-break space before « : ; ! ? », after « and after n°."""
    text = _SPACE_BEFORE_PUNCTUATION.sub(NBSP + r"\1", text).replace("n° ", "n°" + NBSP)
    return _SPACE_AFTER_GUILLEMET.sub("«" + NBSP, text)


def deadline(start: datetime, hours: int) -> datetime:
    """``hours`` of absolute time after ``start`` (an aware datetime), expressed in Paris time."""
    return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(PARIS)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """``end - start`` in absolute time. Python subtracts (and compares) two datetimes sharing one
    ``ZoneInfo`` by their wall clocks, which is off by an hour across a change of offset."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def paris_iso(moment: datetime) -> str:
    """ISO 8601 in Paris time with its offset (``2025-01-16T08:40:00+01:00``); exact, so no rounding."""
    return moment.astimezone(PARIS).isoformat()


def integer(number: float) -> str:
    """A whole number with French thousands separators (narrow no-break spaces): 491 840; a float is rounded.
    The one French number formatter of Vigie: every page, document, export and message uses it."""
    return f"{number:,.0f}".replace(",", NNBSP)


def decimal(number: float) -> str:
    """A short decimal the French way: 0,25 ; 1 ; 4,5."""
    return f"{number:g}".replace(".", ",")


def date_time(moment: datetime) -> str:
    """``lundi 13 janvier 2025 à 08 h 40 (heure de Paris)``, whatever the locale."""
    local = moment.astimezone(PARIS)
    day = "1er" if local.day == 1 else str(local.day)
    return (
        f"{DAYS[local.weekday()]} {day} {MONTHS[local.month - 1]} {local.year} "
        f"à {local.hour:02d} h {local.minute:02d} (heure de Paris)"
    )


def duration(span: timedelta) -> str:
    """A positive duration in words, to the minute: ``2 jours, 5 heures et 3 minutes``."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{value} {unit}{'s' if value > 1 else ''}"
        for value, unit in ((days, "jour"), (hours, "heure"), (minutes, "minute"))
        if value
    ]
    if not parts:
        return "moins d'une minute"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def join(items: list[str]) -> str:
    """``a, b et c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]
