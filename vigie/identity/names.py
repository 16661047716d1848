"""Names and sex: cleaning for display, folding for comparison (RNIV identity traits).

The comparison key follows formats.md §2.3: NFKD without combining marks, the letters NFKD leaves alone
(Œ, Æ, Ø, Ł, ß, typographic apostrophes) mapped explicitly, upper case, and separators (space, hyphen,
apostrophe) removed so that D'ARC, DARC and D ARC, or JEAN-MARIE and JEAN MARIE, compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from .errors import Invalid

_LETTERS = str.maketrans(
    {
        "Œ": "OE",
        "œ": "oe",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "ß": "ss",
        "Đ": "D",
        "đ": "d",
        "Þ": "TH",
        "þ": "th",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_COMBINING = re.compile(r"[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
# Saints are written in full or abbreviated (SAINT-JEAN / ST JEAN): compare the full form.
_SAINTS = re.compile(r"\b(ST|STE)\b")
_SAINT_WORDS = {"ST": "SAINT", "STE": "SAINTE"}


def clean(text: str) -> str:
    """``text`` for display: NFC, runs of whitespace (NBSP included) collapsed to one space, trimmed."""
    if text.isascii():
        return text if "  " not in text and text.strip() == text and "\t" not in text else " ".join(text.split())
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text.translate({0xA0: 32, 0x202F: 32}))).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Upper case without diacritics, Œ→OE, Æ→AE, Ø→O, Ł→L, ß→SS, apostrophes unified, spaces collapsed.

    >>> fold("Cœur-d’Émeraude")
    "COEUR-D'EMERAUDE"
    """
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_LETTERS)))
    return " ".join(text.upper().split())


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The comparison key of a family name: folded, saints written in full, separators removed."""
    folded = fold(text)
    if "ST" in folded:
        folded = _SAINTS.sub(lambda m: _SAINT_WORDS[m.group(1)], folded)
    return _NOT_ALNUM.sub("", folded)


@lru_cache(maxsize=65536)
def given_name_key(given_names: str) -> str:
    """The comparison key of the first given name (RNIV "premier prénom de naissance").

    Given names are listed with commas (civil status since 1999) or spaces (INSi); a compound given name
    keeps its hyphen, so "Jean-Pierre, Paul" gives JEANPIERRE and "Jean Pierre" gives JEAN.
    """
    first = given_names.split(",", 1)[0].strip()
    first = first.split(None, 1)[0] if first else ""
    return name_key(first)


def identity_key(birth_name: str, given_names: str, birth_date: date | str | None, sex: str) -> str:
    """Normalised strict identity traits joined by ``|``, or ``""`` when too few are known to compare.

    Birth name, first given name and birth date are required (a partial date may be given as text such as
    ``"1950-00-00"``); sex may be empty. The NIR is deliberately absent: children share their parent's.
    """
    name = name_key(birth_name)
    first = given_name_key(given_names)
    if not name or not first or not birth_date:
        return ""
    born = birth_date.isoformat() if isinstance(birth_date, date) else birth_date
    return f"{name}|{first}|{born}|{sex}"


_SEXES = {
    "F": "F",
    "FEMME": "F",
    "FEMININ": "F",
    "FEMALE": "F",
    "2": "F",
    "MME": "F",
    "MADAME": "F",
    "MLLE": "F",
    "MADEMOISELLE": "F",
    "M": "M",
    "H": "M",
    "HOMME": "M",
    "MASCULIN": "M",
    "MALE": "M",
    "1": "M",
    "MR": "M",
    "MONSIEUR": "M",
    "U": "",
    "I": "",
    "X": "",
    "O": "",
    "INCONNU": "",
    "INDETERMINE": "",
    "UNKNOWN": "",
    "OTHER": "",
    "AUTRE": "",
    "NON RENSEIGNE": "",
}


def parse_sex(text: str) -> str:
    """``"F"``, ``"M"`` or ``""`` (unknown, indeterminate) from a sex or a civility; raises :class:`Invalid`."""
    folded = fold(text).replace(".", "").strip()
    try:
        return _SEXES[folded]
    except KeyError:
        raise Invalid(f"sexe non reconnu « {text.strip()[:40]} » (attendu F, M, femme, homme, Mme, M.…)") from None


_COMPOUND = re.compile(r"\s+(?:(?P<nee>n[ée]e?|n[ée]e?\s+de)|(?P<epouse>[ée]pouse|[ée]p\.?|veuve|vve))\s+", re.I)


def split_compound_name(text: str) -> tuple[str, str]:
    """``(birth name, used name)`` from a name column that holds both, else ``(text, "")``.

    "MARTIN née DUPONT" gives ("DUPONT", "MARTIN"); "DUPONT épouse MARTIN" gives ("DUPONT", "MARTIN").
    """
    match = _COMPOUND.search(text)
    if not match or match.start() == 0:
        return text, ""
    before, after = text[: match.start()].strip(), text[match.end() :].strip()
    if not before or not after:
        return text, ""
    if match.group("nee"):
        return after, before
    return before, after
