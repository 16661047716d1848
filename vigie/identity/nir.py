"""NIR (numéro de sécurité sociale) and INS matricule: format, key and the structural checks stdnum lacks.

python-stdnum checks the characters, the length and the mod-97 key (Corsica 2A→19, 2B→18), but accepts
any sex digit and month 13, and removes only spaces and dots (formats.md §1.7). Here: separators of every
kind are removed, a 13-character NIR gets its key computed (with a warning), then the sex digit, the
month, the order number and the consistency with the sex, birth date and birthplace are checked.
A NIA (numéro d'attente) is built like a NIR and cannot be told apart from it (§1.4): it is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.fr import nir as stdnum_nir

from .errors import Invalid

_SEPARATORS = re.compile(r"[\s._\-/]+")
_SHAPE = re.compile(r"[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}(?:[0-9]{2})?")
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?E\+?\d+$")


@dataclass(frozen=True, slots=True)
class Nir:
    """A checked NIR: 15 characters (13 + key), or ``""`` for provisional numbers that are not NIRs."""

    value: str
    warnings: tuple[str, ...] = ()


def compact(text: str) -> str:
    """``text`` without separators (spaces, NBSP, dots, hyphens, underscores, slashes), upper case."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", text).upper()


def key(nir13: str) -> str:
    """The two-digit key of a 13-character NIR: 97 − (N mod 97), Corsica 2A→19 and 2B→18 first."""
    return str(stdnum_nir.calc_check_digits(nir13))


def _month_ok(month: int) -> bool:
    # 01–12 real months; 20–42 and 50–99 fictitious or pseudo-fictitious months (formats.md §1.5).
    return 1 <= month <= 12 or 20 <= month <= 42 or month >= 50


def parse_nir(text: str, *, sex: str = "", birth_date: date | None = None, birth_place: str = "") -> Nir:
    """Check a NIR (or NIA) and return it normalised; raise :class:`Invalid` with the French reason.

    ``sex`` ("F"/"M"/""), ``birth_date`` and ``birth_place`` (5-character COG code, 99xxx abroad) are
    compared with the NIR when given; a mismatch is a warning, not an error (the NIR column of a practice
    export is often the insured parent's number).
    """
    value = compact(text)
    if not value:
        raise Invalid("NIR vide")
    if _SCIENTIFIC.match(value):
        raise Invalid("NIR illisible : nombre en notation scientifique, le tableur a perdu des chiffres")
    warnings: list[str] = []
    first = value[0]
    if len(value) == 13 and value.isdigit() and first in "5678":
        # MIG (5/6) and NNP (7/8): provisional numbers with no key and no NIR structure (CNAM validators).
        kind = "de migrant de passage (MIG)" if first in "56" else "national provisoire (NNP)"
        return Nir("", (f"numéro {kind} : ce n'est pas un NIR, il n'est pas conservé",))
    if not _SHAPE.fullmatch(value):
        if len(value) not in (13, 15):
            raise Invalid(f"NIR : {len(value)} caractères au lieu de 15 (13 chiffres et la clé)")
        raise Invalid("NIR : caractères invalides (des chiffres, et 2A ou 2B pour la Corse)")
    if first not in "1234":
        raise Invalid(f"NIR : premier chiffre {first} impossible (1 homme, 2 femme)")
    if len(value) == 13:
        value += key(value)
        warnings.append("NIR sans clé : la clé a été calculée")
    else:
        # The shape is already checked above: stdnum's key computation is all that remains of its validate().
        if (expected := key(value[:13])) != value[13:]:
            raise Invalid(f"NIR : la clé de contrôle ne correspond pas (attendu {expected})")
    month = int(value[3:5])
    if not _month_ok(month):
        raise Invalid(f"NIR : mois de naissance {value[3:5]} impossible")
    if value[10:13] == "000":
        raise Invalid("NIR : numéro d'ordre 000 impossible")
    if value[5:7] == "00":
        raise Invalid("NIR : département de naissance 00 impossible")
    if first in "34":
        warnings.append("NIR commençant par 3 ou 4 : numéro d'une personne en cours d'immatriculation")
    nir_sex = "M" if first in "13" else "F"
    if sex and sex != nir_sex:
        warnings.append(f"NIR : le sexe du NIR ({nir_sex}) diffère du sexe indiqué ({sex})")
    if birth_date is not None:
        if int(value[1:3]) != birth_date.year % 100:
            warnings.append(f"NIR : l'année {value[1:3]} diffère de la date de naissance ({birth_date.year})")
        real_month = month if month <= 12 else month - 30 if 31 <= month <= 42 else 0
        if real_month and real_month != birth_date.month:
            warnings.append(f"NIR : le mois {real_month:02d} diffère de la date de naissance ({birth_date.month:02d})")
        department = value[5:7]
        if department in ("2A", "2B") and birth_date.year < 1976:
            warnings.append("NIR : département 2A/2B pour une naissance avant 1976 (20 attendu)")
        elif department == "20" and birth_date.year >= 1976:
            warnings.append("NIR : département 20 pour une naissance en Corse après 1975 (2A ou 2B attendu)")
    if birth_place and birth_place.upper() != value[5:10]:
        warnings.append(f"NIR : le lieu de naissance du NIR ({value[5:10]}) diffère du code indiqué ({birth_place})")
    return Nir(value, tuple(warnings))
