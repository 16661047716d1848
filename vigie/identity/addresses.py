"""Postal addresses laid out for a window envelope after AFNOR NF Z10-011 (formats.md §3.1).

At most 6 lines of at most 38 characters. Line 1 is the recipient; then delivery-point and building
details (kept as written); then the street, the special delivery service or lieu-dit and the postcode
with the locality, in upper case without accents or punctuation (La Poste's OCR reads them best), and
for an address abroad the country last. A street label longer than 32 characters is abbreviated with
La Poste's usual abbreviations; a line still too long is folded at word boundaries. No address register
(Hexaposte, BAN) is consulted here: the postcode is checked for shape only.

A 4-digit postcode is often a code of départements 01 to 09 whose leading 0 a spreadsheet dropped (1000
BOURG EN BRESSE), but not always (5600 PLOEMEUR is in the Morbihan, 56270, not in the Hautes-Alpes): the 0
is added only when the commune confirms the département (``_DEPARTEMENT_OF``: the prefectures, sub-prefectures
and main towns of 01 to 09); otherwise the code is kept as written, with a warning to check it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .errors import Invalid
from .names import clean, fold

MAX_LINE = 38
MAX_LINES = 6
_STREET_LABEL = 32  # abbreviate only above this length (NF Z10-011)

_NOT_POSTAL = re.compile(r"[^A-Z0-9 ]+")
_STREET = re.compile(
    r"^\d|\b(RUE|AVENUE|AV|BD|BOULEVARD|CHEMIN|CHE|IMPASSE|IMP|PLACE|PL|ROUTE|RTE|ALLEE|ALLEES|QUAI|COURS|"
    r"SQUARE|SQ|FAUBOURG|FBG|FG|PASSAGE|SENTIER|VOIE|ROND POINT|MONTEE|CHAUSSEE|PROMENADE|ESPLANADE|TRAVERSE|"
    r"VENELLE|RUELLE|PARVIS|CARREFOUR)\b"
)
_SERVICE = re.compile(r"^(BP|B P|CS|TSA|CEDEX|LIEU DIT|LIEUDIT|LD|POSTE RESTANTE)\b")
_ABBREVIATIONS = {
    "AVENUE": "AV",
    "BOULEVARD": "BD",
    "CHEMIN": "CHE",
    "IMPASSE": "IMP",
    "PLACE": "PL",
    "ROUTE": "RTE",
    "ALLEE": "ALL",
    "SQUARE": "SQ",
    "FAUBOURG": "FG",
    "RESIDENCE": "RES",
    "LOTISSEMENT": "LOT",
    "BATIMENT": "BAT",
    "APPARTEMENT": "APT",
    "ESCALIER": "ESC",
    "SAINT": "ST",
    "SAINTE": "STE",
    "GENERAL": "GAL",
    "DOCTEUR": "DR",
    "PRESIDENT": "PDT",
    "MARECHAL": "MAL",
    "PROFESSEUR": "PR",
    "COMMANDANT": "CDT",
    "CAPITAINE": "CNE",
    "LIEUTENANT": "LT",
    "MONSEIGNEUR": "MGR",
}
_ABBREVIATE = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b")
_DOMESTIC = frozenset(
    {
        "",
        "FR",
        "FRA",
        "FRANCE",
        "FRANCE METROPOLITAINE",
        "GUADELOUPE",
        "MARTINIQUE",
        "GUYANE",
        "GUYANE FRANCAISE",
        "LA REUNION",
        "REUNION",
        "MAYOTTE",
        "SAINT PIERRE ET MIQUELON",
        "SAINT BARTHELEMY",
        "SAINT MARTIN",
    }
)
_POSTCODE_IN_CITY = re.compile(r"^(\d{4,5})\s+(.+)$")
# Communes (as ``postal`` writes them) that confirm a 4-digit postcode lost the 0 of their département.
_TOWNS_OF = {
    "01": ("BOURG EN BRESSE", "BELLEY", "GEX", "NANTUA", "OYONNAX", "AMBERIEU EN BUGEY"),
    "02": ("LAON", "CHATEAU THIERRY", "SAINT QUENTIN", "SOISSONS", "VERVINS", "CHAUNY", "HIRSON"),
    "03": ("MOULINS", "MONTLUCON", "VICHY", "YZEURE"),
    "04": ("DIGNE LES BAINS", "BARCELONNETTE", "CASTELLANE", "FORCALQUIER", "MANOSQUE", "SISTERON"),
    "05": ("GAP", "BRIANCON", "EMBRUN"),
    "06": ("NICE", "GRASSE", "CANNES", "ANTIBES", "MENTON", "CAGNES SUR MER", "LE CANNET"),
    "07": ("PRIVAS", "LARGENTIERE", "TOURNON SUR RHONE", "AUBENAS", "ANNONAY"),
    "08": ("CHARLEVILLE MEZIERES", "RETHEL", "SEDAN", "VOUZIERS"),
    "09": ("FOIX", "PAMIERS", "SAINT GIRONS"),
}
_DEPARTEMENT_OF = {town: departement for departement, towns in _TOWNS_OF.items() for town in towns}


@dataclass(frozen=True, slots=True)
class Address:
    """The lines of the address block, ready to print, and what was changed to get there."""

    lines: tuple[str, ...]
    warnings: tuple[str, ...] = ()


@lru_cache(maxsize=65536)
def postal(text: str) -> str:
    """``text`` as a lower-block line: upper case, no accents, letters, digits and single spaces only."""
    return " ".join(_NOT_POSTAL.sub(" ", fold(text)).split())


def _abbreviate(line: str) -> str:
    return _ABBREVIATE.sub(lambda m: _ABBREVIATIONS[m.group(1)], line)


def fold_line(line: str, width: int = MAX_LINE) -> list[str]:
    """``line`` cut at spaces into lines of at most ``width`` characters (a longer word is cut hard)."""
    if len(line) <= width:
        return [line]
    lines: list[str] = []
    current = ""
    for word in line.split(" "):
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


@lru_cache(maxsize=16384)
def _locality(postcode: str, city: str, domestic: bool) -> tuple[str, tuple[str, ...]]:
    warnings: list[str] = []
    code = "".join(postcode.split())
    town = postal(city)
    if not code and (match := _POSTCODE_IN_CITY.match(town)):
        code, town = match.groups()
    kept_short = False
    if domestic:
        if len(code) == 4 and code.isdigit():
            if _DEPARTEMENT_OF.get(town) == "0" + code[0]:
                code = "0" + code
                warnings.append("code postal à 4 chiffres : un 0 a été ajouté devant (la commune le confirme)")
            else:
                kept_short = True
                warnings.append(
                    f"code postal à 4 chiffres « {code} » gardé tel quel : la commune ne confirme pas de département "
                    "(un 0 manquant devant ? un chiffre manquant ?), vérifiez l'adresse avant l'envoi du courrier"
                )
        if not code:
            raise Invalid("adresse : code postal absent")
        if kept_short:
            pass
        elif len(code) != 5 or not code.isdigit() or code[:2] in ("00", "96", "99"):
            raise Invalid(f"adresse : code postal « {postcode.strip()[:12]} » invalide (5 chiffres)")
    if not town:
        raise Invalid("adresse : commune absente")
    if len(town) > MAX_LINE - len(code) - 1:
        town = _abbreviate(town)[: MAX_LINE - len(code) - 1].rstrip()
        warnings.append("adresse : nom de commune abrégé à 38 caractères")
    return (f"{code} {town}" if code else town), tuple(warnings)


def format_address(recipient: str, lines: Sequence[str], postcode: str, city: str, country: str = "") -> Address:
    """The NF Z10-011 block for ``recipient``; raise :class:`Invalid` when no usable address is given.

    ``lines`` are the address lines as exported, in any order: the one that looks like a street
    (a number first, or a street word) goes after the delivery-point and building lines, a BP, TSA or
    lieu-dit after it. ``country`` empty or France (or an overseas region) means a French address.
    """
    # A line without a letter or digit ("-", ":") carries nothing to deliver on.
    given = [line for line in (clean(line) for line in lines) if postal(line)]
    if not given and not postcode.strip() and not city.strip():
        raise Invalid("adresse postale absente")
    if not given:
        raise Invalid("adresse : ni numéro ni voie")
    warnings: list[str] = []
    country_line = postal(country)
    domestic = country_line in _DOMESTIC
    locality, locality_warnings = _locality(postcode, city, domestic)
    warnings.extend(locality_warnings)

    details: list[str] = []
    streets: list[str] = []
    services: list[str] = []
    for line in given:
        upper = postal(line)
        if _SERVICE.match(upper):
            services.append(upper)
        elif _STREET.search(upper):
            if len(upper) > _STREET_LABEL and (short := _abbreviate(upper)) != upper:
                warnings.append("adresse : libellé de voie abrégé (plus de 32 caractères, norme NF Z10-011)")
                upper = short
            streets.append(upper)
        else:
            details.append(line)
    if not streets and not services and details:
        # No line looks like a street ("LE BOURG", a hamlet): the last detail line is taken as the street.
        streets.append(postal(details.pop()))
    bottom = [*streets, *services, locality]
    if not domestic:
        bottom.append(country_line)
    head = [clean(recipient)] if recipient.strip() else []

    def assemble(details: list[str]) -> list[str]:
        block: list[str] = []
        for line in [*head, *details, *bottom]:
            block.extend(fold_line(line))
        return block

    block = assemble(details)
    if len(block) > MAX_LINES and len(details) > 1:
        block = assemble([" ".join(details)])
        warnings.append("adresse : compléments d'adresse regroupés sur une ligne")
    if len(block) > MAX_LINES:
        raise Invalid(f"adresse trop longue : {len(block)} lignes, la norme en permet 6 de 38 caractères")
    if any(len(line) > MAX_LINE for line in bottom):
        warnings.append("adresse : ligne de plus de 38 caractères repliée")
    return Address(tuple(block), tuple(warnings))
