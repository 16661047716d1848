"""Column headers: unique column names from the header row, header normalisation, the French and
practice-software synonyms behind ``guess_mapping``, and parsing of the data-category column."""

from __future__ import annotations

import re

from vigie.identity import clean, fold
from vigie.risk.vocabulary import DATA_CATEGORIES, DATA_CATEGORY_LABELS_FR

from .base import _ADDRESS_FIELDS, FIELDS


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for index, header in enumerate(headers):
        name = clean(header.replace("\ufeff", "")) or f"Colonne {index + 1}"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


# --- Column mapping -----------------------------------------------------------------------------------------


def normalise_header(header: str) -> str:
    """``header`` folded for comparison: lower case, no accents, punctuation as single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(header).lower()).split())


def _words(phrases: str) -> frozenset[str]:
    return frozenset(phrases.split("|"))


# Exact normalised headers, strongest first. "nom" alone is weak: with a separate birth-name column it is
# the used name.
_SYNONYMS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "birth_name",
        _words(
            "nom de naissance|nom naissance|nom patronymique|nom de jeune fille|nom jeune fille|birth name|"
            "nom de famille de naissance|birthname|maiden name|nom naiss"
        ),
    ),
    (
        "usage_name",
        _words(
            "nom d usage|nom usage|nom d epouse|nom epouse|nom marital|nom utilise|nom usuel|usage name|"
            "nom d usage ou marital"
        ),
    ),
    (
        "given_names",
        _words(
            "prenom|prenoms|prenom s|premier prenom|prenoms de naissance|liste des prenoms|prenom usuel|"
            "prenom patient|first name|firstname|given name|given names|prenom 1"
        ),
    ),
    ("sex", _words("sexe|genre|civilite|civ|sex|gender|titre|qualite")),
    (
        "birth_date",
        _words(
            "date de naissance|date naissance|ddn|ne le|nee le|ne e le|naissance|date naiss|dt naissance|"
            "birth date|birthdate|date of birth|dob|datenaissance|date de naissance jj mm aaaa"
        ),
    ),
    (
        "nir",
        _words(
            "nir|nir cle|n de securite sociale|no de securite sociale|numero de securite sociale|"
            "n securite sociale|no securite sociale|num securite sociale|securite sociale|n ss|no ss|num ss|nss|"
            "numero ss|n secu|no secu|num secu|numero secu|secu|insee|n insee|no insee|numero insee|"
            "matricule ins|ins|ins nir|matricule|n immatriculation|numero d immatriculation|n ss cle|"
            "numero de securite sociale cle"
        ),
    ),
    (
        "email",
        _words(
            "courriel|e mail|email|mail|adresse mail|adresse e mail|adresse email|adresse electronique|"
            "adresse courriel|mel|e mail patient|email patient"
        ),
    ),
    (
        "mobile",
        _words(
            "portable|mobile|tel portable|telephone portable|tel mobile|telephone mobile|gsm|cellulaire|"
            "n portable|no portable|port"
        ),
    ),
    (
        "phone",
        _words(
            "telephone|tel|tel fixe|telephone fixe|tel domicile|telephone domicile|fixe|phone|"
            "numero de telephone|n telephone|n tel|no tel|telephone 1|tel 1"
        ),
    ),
    ("postcode", _words("code postal|cp|code postal ville|zip|zip code|postcode|postal code|c postal")),
    (
        "city",
        _words(
            "ville|commune|localite|city|nom commune|commune de residence|ville de residence|"
            "libelle acheminement|bureau distributeur"
        ),
    ),
    ("country", _words("pays|country|pays de residence")),
    (
        "categories",
        _words(
            "categories|categorie|categories de donnees|donnees concernees|donnees exposees|donnees touchees|"
            "categories de donnees concernees|donnees|data categories"
        ),
    ),
)
_WEAK_NAMES = _words("nom|nom de famille|nom patient|patient nom|last name|lastname|family name")
# Columns that look like others but hold codes we do not use (the INSEE code of the town, in Colibri).
_IGNORED = _words("code ville|code commune|code insee|code insee commune|commentaire|tag")
_ADDRESS_WORDS = re.compile(
    r"^(adresse|adr|address|rue|voie|numero et voie|ligne adresse|complement|residence|batiment|lieu dit|bp|"
    r"boite postale|escalier|etage|appartement)\b"
)
# Token rules for headers no synonym matched, in order.
_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("birth_date", re.compile(r"\b(date|dt|ne|nee)\b.*\bnaiss")),
    ("birth_name", re.compile(r"\bnom\b.*\bnaiss|\bpatronym")),
    ("usage_name", re.compile(r"\bnom\b.*\b(usage|marital|epouse|utilise)")),
    ("given_names", re.compile(r"\bprenom")),
    ("email", re.compile(r"mail|courriel")),
    ("mobile", re.compile(r"\b(portable|mobile|gsm)\b")),
    ("phone", re.compile(r"\b(tel|telephone|phone)\b")),
    ("nir", re.compile(r"\b(secu|securite sociale|nir|insee|ins)\b")),
    ("postcode", re.compile(r"\bpostal\b|\bcp\b")),
    ("city", re.compile(r"\b(ville|commune|localite)\b")),
    ("country", re.compile(r"\bpays\b")),
    ("sex", re.compile(r"\b(sexe|civilite)\b")),
    ("categories", re.compile(r"\bcategori")),
)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """``{field: header}`` for the columns recognised among ``headers`` (French and practice-software names)."""
    normalised = [normalise_header(header) for header in headers]
    mapping: dict[str, str] = {}
    taken: set[int] = set()

    def claim(field_name: str, index: int) -> None:
        if field_name not in mapping and index not in taken:
            mapping[field_name] = headers[index]
            taken.add(index)

    for field_name, words in _SYNONYMS:
        for index, header in enumerate(normalised):
            if header in words:
                claim(field_name, index)
    for index, header in enumerate(normalised):
        if header in _WEAK_NAMES:
            claim("birth_name" if "birth_name" not in mapping else "usage_name", index)
    addresses = iter(name for name in _ADDRESS_FIELDS if name not in mapping)
    for index, header in enumerate(normalised):
        if (
            index not in taken
            and _ADDRESS_WORDS.match(header)
            and "mail" not in header
            and (name := next(addresses, None)) is not None
        ):
            claim(name, index)
    for index, header in enumerate(normalised):
        if index in taken or header in _IGNORED:
            continue
        for field_name, pattern in _KEYWORDS:
            if field_name not in mapping and pattern.search(header):
                claim(field_name, index)
                break
    return {name: mapping[name] for name in FIELDS if name in mapping}


# --- Data categories ----------------------------------------------------------------------------------------

_CATEGORY_SYNONYMS = {
    "health": "sante|donnees de sante|medical|medicale|medicales|dossier medical|resultats|resultats d analyses|"
    "analyses|diagnostic|ordonnance|ordonnances|sante mentale",
    "national_id": "nir|secu|securite sociale|numero de securite sociale|n de securite sociale|ins|insee",
    "contact": "adresse|adresse postale|coordonnees|telephone|courriel|email|e mail",
    "identity": "identite|nom|nom prenom",
    "birth_date": "date de naissance|naissance",
    "financial": "bancaire|bancaires|donnees bancaires|banque|rib|iban",
    "payment_card": "carte bancaire|cb",
    "credentials": "mot de passe|identifiants",
    "official_id": "piece d identite|carte d identite|passeport",
    "genetic": "genetique",
    "biometric": "biometrique",
    "social_welfare": "social|sociales|mutuelle",
}
_CATEGORY_WORDS: dict[str, str] = {
    **{normalise_header(category): category for category in DATA_CATEGORIES},
    **{normalise_header(label): category for category, label in DATA_CATEGORY_LABELS_FR.items()},
    **{word: category for category, words in _CATEGORY_SYNONYMS.items() for word in words.split("|")},
}
_CATEGORY_SPLIT = re.compile(r"[,;|/+\n]+")


def parse_categories(text: str) -> tuple[tuple[str, ...], list[str]]:
    """Category ids (decision-core vocabulary) from a French list, and the words not understood."""
    found: list[str] = []
    unknown: list[str] = []
    for part in _CATEGORY_SPLIT.split(text):
        if not (word := normalise_header(part)):
            continue
        category = _CATEGORY_WORDS.get(word) or _CATEGORY_WORDS.get(word.removesuffix("s"))
        if category is None:
            unknown.append(part.strip())
        elif category not in found:
            found.append(category)
    return tuple(found), unknown
