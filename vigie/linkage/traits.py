"""The identity traits of one record, normalised once for comparison (RNIV traits, formats.md §2.3).

Names go through :mod:`vigie.identity` (accents, Œ/Æ, apostrophes, hyphens and spaces folded, saints written in
full); a name column holding both names ("MARTIN née DUPONT") is split; the family names are kept as every
comparison key they offer: the birth name, the used name, and their words without particles (DE, LE, D'…) for
compound names. Given names keep the first one (RNIV "premier prénom"), the first one with all its words
("Jean Pierre" and "Jean-Pierre" both give JEANPIERRE) and every word of the list. The birth date is kept as
written (:func:`vigie.identity.date_parts`), so that a day and month written the other way round still compare.
The NIR keeps its 13 characters (with or without key in the file) and whether it is the person's own: its
year and month agree with the birth date, which the insured parent's number carried by a child does not.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from vigie.identity import Invalid, date_parts, fold, given_name_key, name_key, parse_sex, split_compound_name
from vigie.identity.nir import compact

PARTICLES = frozenset(
    [
        "DE",
        "DU",
        "DES",
        "LA",
        "LE",
        "LES",
        "D",
        "L",
        "DA",
        "DAS",
        "DO",
        "DOS",
        "DI",
        "DEL",
        "DELLA",
        "VAN",
        "VON",
        "DER",
        "DEN",
        "TER",
        "EPOUSE",
        "EP",
        "NEE",
        "NE",
        "VEUVE",
        "VVE",
    ]
)
_WORDS = re.compile(r"[^0-9A-Z]+")
_NIR = re.compile(r"[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}")
_POSTCODE = re.compile(r"(?<![0-9])([0-9]{5}|[0-9]{2} [0-9]{3})(?![0-9])")


class Traits(NamedTuple):
    """What one record (a patient or a leaked row) says of the person, ready to compare.

    A named tuple: 600,000 of them are made for a leaked file and a patient base, and a tuple is made fastest.
    """

    line: int
    names: tuple[str, ...]  # family-name keys, birth name first; () when no name
    used: tuple[bool, ...]  # for each of ``names``: is it the used name (nom d'usage)?
    tokens: frozenset[str]  # words of the family names, particles dropped
    first: str  # key of the first given name, compound kept whole (JEANPIERRE)
    whole: str  # the first given name with all its words (JEANPIERRE for "Jean Pierre")
    words: frozenset[str]  # every word of every given name
    family_text: str  # the family-name cell as written, read as given names when the columns are swapped
    year: int  # 0 when unknown
    month: int  # as written (may be > 12 when day and month are swapped); 0 when unknown
    day: int
    dob: str  # "yyyymmdd" as written, or ""
    sex: str  # "F", "M" or ""
    real_date: bool  # the date as written exists (a date one digit away from another may be another person's)
    nir: str  # the 13 characters of the NIR, or ""
    nir_own: int  # 1: the NIR's year and month agree with the birth date; -1: they do not; 0: no date to tell
    postcode: str  # 5 digits, or ""

    @property
    def has_date(self) -> bool:
        return self.year > 0


@lru_cache(maxsize=131072)
def _name_words(text: str) -> frozenset[str]:
    return frozenset(word for word in _WORDS.split(fold(text)) if len(word) > 1 and word not in PARTICLES)


def given_parts(text: str) -> tuple[str, str, frozenset[str]]:
    """``(first, whole, words)`` of a given-name cell (also of a family-name cell holding given names)."""
    return _given(text) if text else _NO_GIVEN


@lru_cache(maxsize=131072)
def _given(text: str) -> tuple[str, str, frozenset[str]]:
    """First given name, first one with all its words, and every name of the list: each compound name whole
    (JEANPIERRE) and in parts (JEAN, PIERRE)."""
    first_part = text.split(",", 1)[0]
    words: set[str] = set()
    for part in re.split(r"[,\s]+", fold(text)):
        if compound := name_key(part):
            words.add(compound)
            words.update(word for word in _WORDS.split(part) if word)
    return given_name_key(text), name_key(first_part), frozenset(words)


@lru_cache(maxsize=4096)
def _sex(text: str) -> str:
    try:
        return parse_sex(text) if text.strip() else ""
    except Invalid:
        return ""


@lru_cache(maxsize=262144)
def _date(value: date | str | None) -> tuple[int, int, int, str, bool]:
    """Year, month, day as written, "yyyymmdd", and whether that date exists (dates repeat: cached)."""
    if value is None or value == "":
        return 0, 0, 0, "", False
    if isinstance(value, date):
        year, month, day = value.year, value.month, value.day
    else:
        year, month, day = date_parts(value) or (0, 0, 0)
    if not year:
        return 0, 0, 0, "", False
    return year, month, day, f"{year:04d}{month:02d}{day:02d}", _real(year, month, day)


def _nir(text: str) -> str:
    value = compact(text)
    if len(value) in (13, 15) and _NIR.fullmatch(value[:13]) and value[:1] in "12345678":
        return value[:13]
    return ""


def nir_is_own(nir: str, year: int, month: int, day: int) -> int:
    """1: the NIR's year and month are those of the birth date (day and month swapped allowed); -1: they are
    not; 0: no NIR or no date to tell."""
    if not nir or not year:
        return 0
    if nir[1:3] != f"{year % 100:02d}":
        return -1
    nir_month = int(nir[3:5])
    nir_month = nir_month - 30 if 31 <= nir_month <= 42 else nir_month
    # Fictitious months say nothing; a swapped day and month is allowed.
    return 1 if nir_month > 12 or nir_month in (month, day) else -1


def _real(year: int, month: int, day: int) -> bool:
    if not (1880 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=262144)
def _names(birth_name: str, usage_name: str) -> tuple[tuple[str, ...], tuple[bool, ...], frozenset[str]]:
    if birth_name and not usage_name:
        birth_name, usage_name = split_compound_name(birth_name)
    names: list[str] = []
    used: list[bool] = []
    for text, is_used in ((birth_name, False), (usage_name, True)):
        key = name_key(text) if text else ""
        if key and key not in names:
            names.append(key)
            used.append(is_used)
    tokens = _name_words(birth_name) | _name_words(usage_name) if usage_name else _name_words(birth_name)
    return tuple(names), tuple(used), tokens


@lru_cache(maxsize=65536)
def postcode_of(text: str) -> str:
    """The 5-digit postcode in ``text`` (a postcode cell, or the last line of an address), or ``""``."""
    match = _POSTCODE.search(text)
    return match.group(1).replace(" ", "") if match else ""


def traits(
    line: int,
    *,
    birth_name: str = "",
    usage_name: str = "",
    given_names: str = "",
    birth_date: date | str | None = None,
    sex: str = "",
    nir: str = "",
    postcode: str = "",
) -> Traits:
    """The traits of a record from its cells as written (any case, accents or not, any date form).

    Names, given names, dates, sexes and postcodes repeat across 500,000 rows: each is normalised once (caches).
    """
    names, used, tokens = _names(birth_name, usage_name)
    first, whole, words = _given(given_names) if given_names else _NO_GIVEN
    year, month, day, dob, real = _date(birth_date)
    number = _nir(nir) if nir else ""
    return Traits(
        line,
        names,
        used,
        tokens,
        first,
        whole,
        words,
        birth_name if not usage_name else "",
        year,
        month,
        day,
        dob,
        _sex(sex) if sex else "",
        real,
        number,
        nir_is_own(number, year, month, day) if number else 0,
        postcode_of(postcode) if postcode else "",
    )


_NO_GIVEN: tuple[str, str, frozenset[str]] = ("", "", frozenset())
