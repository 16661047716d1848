"""Birth dates: dd/mm/yyyy (and . or - separators), ISO yyyy-mm-dd, yyyymmdd; impossible dates refused.

Parsed with ``datetime.date`` itself so that 31/02/1980 is refused (formats.md: do not trust readers that
roll over). Partial dates ("00/00/1950", "1950-00-00": RNIPP "présumés nés", §1.5) raise
:class:`PartialDate`, which importers treat as a warning.

:func:`date_parts` is the lenient reading used to compare identities (leaked files): the written year, month
and day without checking that the date exists, so that a day and month written the other way round
("25/12/1980" typed "12/25/1980") can still be recognised.
"""

from __future__ import annotations

import re
from datetime import date

from .errors import Invalid

_FRENCH = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_COMPACT = re.compile(r"\d{8}")
OLDEST_YEAR = 1880


class PartialDate(Invalid):
    """A birth date whose day or month is 00; ``text`` is the ISO-like form (``"1950-00-00"``)."""

    def __init__(self, year: int, month: int, day: int) -> None:
        self.text = f"{year:04d}-{month:02d}-{day:02d}"
        super().__init__(f"date de naissance incomplète ({self.text}) : jour ou mois inconnu")


def _build(year: int, month: int, day: int, text: str, today: date | None) -> date:
    if year < OLDEST_YEAR:
        raise Invalid(f"date de naissance « {text} » : année {year} invraisemblable")
    if (month == 0 or day == 0) and month <= 12 and day <= 31:
        raise PartialDate(year, month, day)
    try:
        born = date(year, month, day)
    except ValueError:
        raise Invalid(f"date de naissance « {text} » : cette date n'existe pas") from None
    if today is not None and born > today:
        raise Invalid(f"date de naissance « {text} » : date dans le futur")
    return born


def parse_birth_date(text: str, *, today: date | None = None) -> date:
    """The date written in ``text``; raise :class:`Invalid` (or :class:`PartialDate`) with the reason."""
    text = text.strip()
    if match := _FRENCH.fullmatch(text):
        day, month, year = match.groups()
        if len(year) == 2:
            raise Invalid(f"date de naissance « {text} » : année sur 2 chiffres, siècle ambigu")
        return _build(int(year), int(month), int(day), text, today)
    if match := _ISO.fullmatch(text):
        return _build(int(match[1]), int(match[2]), int(match[3]), text, today)
    if _COMPACT.fullmatch(text):
        # yyyymmdd (HL7) or ddmmyyyy (spreadsheets that dropped separators): keep the one that exists.
        found: list[date] = []
        for year, month, day in ((text[:4], text[4:6], text[6:]), (text[4:], text[2:4], text[:2])):
            try:
                found.append(_build(int(year), int(month), int(day), text, today))
            except Invalid:
                continue
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Invalid(f"date de naissance « {text} » : ambiguë (aaaammjj ou jjmmaaaa ?)")
        raise Invalid(f"date de naissance « {text} » : cette date n'existe pas")
    raise Invalid(f"date de naissance « {text[:40]} » : format non reconnu (jj/mm/aaaa ou aaaa-mm-jj)")


def date_parts(text: str) -> tuple[int, int, int] | None:
    """``(year, month, day)`` as written, or None; the date need not exist (month 25, day 0, year 3970).

    Two-digit years give None. Eight digits are read as ``yyyymmdd`` or ``ddmmyyyy``, whichever gives a year
    from 1880 to 2100, a real month first.
    """
    text = text.strip()
    if match := _FRENCH.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), match[3]
        if len(year) == 2:
            return None
        parts = (int(year), month, day)
    elif match := _ISO.fullmatch(text):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif _COMPACT.fullmatch(text):
        # yyyymmdd or ddmmyyyy: the reading that gives a plausible year, a real month first.
        readings = [(int(text[:4]), int(text[4:6]), int(text[6:])), (int(text[4:]), int(text[2:4]), int(text[:2]))]
        plausible = [parts for parts in readings if _plausible(parts)]
        plausible.sort(key=lambda parts: (not OLDEST_YEAR <= parts[0] <= 2100, parts[1] > 12, parts[2] > 31))
        return plausible[0] if plausible else None
    else:
        return None
    return parts if _plausible(parts) else None


def _plausible(parts: tuple[int, int, int]) -> bool:
    # Kept even when impossible (3970, month 55, day 81): a mistyped digit, still worth a comparison.
    year, month, day = parts
    return year >= 100 and (year >= OLDEST_YEAR or month <= 12)
