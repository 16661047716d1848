"""How the core writes in each of its languages: numbers, dates, durations, lists and typography.

The core owns its texts (``catalogue.py``) and renders them at display time, in French or English, from message
ids and parameters; this module is the grammar of each language. French is the language of the records (the
stored assessment, the journal, the generated documents); English serves the English interface and
``vigie assess --lang en``. Dates are shown in Paris time in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import french
from .french import PARIS

LANGUAGES = ("fr", "en")

_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Language:
    """The writing conventions of one language."""

    code: str

    @property
    def french(self) -> bool:
        return self.code == "fr"

    def typo(self, text: str) -> str:
        """French spacing before high punctuation; English text is left as written."""
        return french.typo(text) if self.french else text

    def integer(self, number: int) -> str:
        return french.integer(number) if self.french else f"{number:,}"

    def decimal(self, number: float) -> str:
        return french.decimal(number) if self.french else f"{number:g}"

    def date_time(self, moment: datetime) -> str:
        if self.french:
            return french.date_time(moment)
        local = moment.astimezone(PARIS)
        return (
            f"{_EN_DAYS[local.weekday()]} {local.day} {_EN_MONTHS[local.month - 1]} {local.year} "
            f"at {local.hour:02d}:{local.minute:02d} (Paris time)"
        )

    def duration(self, span: timedelta) -> str:
        if self.french:
            return french.duration(span)
        minutes = max(0, int(span.total_seconds() // 60))
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        parts = [
            f"{value} {unit}{'s' if value > 1 else ''}"
            for value, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
            if value
        ]
        if not parts:
            return "less than a minute"
        return self.join(parts)

    def join(self, items: list[str]) -> str:
        """``a, b et c`` / ``a, b and c``."""
        if self.french:
            return french.join(items)
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]


FRENCH = Language("fr")
ENGLISH = Language("en")


def language(code: str | None) -> Language:
    """The language for ``code`` (``fr``, ``en``, or a locale such as ``en-gb``); French by default."""
    return ENGLISH if (code or "").lower().startswith("en") else FRENCH
