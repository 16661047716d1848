"""Reading, validating and de-duplicating the list of persons affected by a breach.

Pure Python: no Django model, no database; the caller stores what comes out (encrypted) and shows the
report. Three formats, recognised by their content rather than their extension:

- CSV separated by ``;``, ``,`` or tabs, in UTF-8 (with or without BOM), UTF-16 with BOM, or cp1252 /
  latin-1 (a BOM means UTF-8; else strict UTF-8; else cp1252, line by line when a file mixes both);
- XLSX, read with python-calamine (formulas are never evaluated: a formula cell gives its cached value,
  a cell starting with ``=`` is text);
- FHIR R4: a Bundle of Patient resources (FR Core: INS identifiers, birth place), a single Patient, or
  NDJSON (one Patient per line, as FHIR bulk export writes it, read as a stream).

The API agreed with the campaigns side:

    importer = Importer(path, mapping)          # mapping: field → column; None = guess_mapping(headers)
    for chunk in importer:                      # lists of at most chunk_size valid, de-duplicated Persons
        store(chunk)
    report = importer.report                    # complete once the chunks are exhausted
    for line, fields in report.amendments.items():   # channels filled from a later duplicate
        update(line, fields)

    fmt, headers = sniff(path)                  # for the column-mapping screen
    mapping = guess_mapping(headers)            # French headers and practice-software exports

Every data row ends up in exactly one of: valid (yielded, possibly with warnings), invalid (at least one
entry in ``report.errors``, not yielded) or duplicate (merged into an earlier valid row, listed in
``report.merged``): ``rows == valid + invalid + duplicates``. Blank lines are not rows.

What makes a row invalid: no name at all; too little to identify the person (a name alone, without
given name, birth date or NIR); an identity trait that is given but wrong (NIR key or structure, impossible
birth date); a cell over ``MAX_CELL`` characters or with control characters. What is only a warning: an
unusable channel (bad e-mail, phone or address) — the person may still be reached otherwise — a person
with no usable channel at all (to complete, or to inform by public communication), an unknown sex or
category, a NIR inconsistent with the sex or birth date (the NIR column often holds the insured parent's
number), a partial birth date.

De-duplication uses the normalised strict identity traits (birth name, first given name, birth date, sex;
``Person.identity_key``), never the NIR, which children share with a parent. The first row is kept; its
empty channels (e-mail, phone, address, NIR, used name, categories) are filled from the duplicate. When the
kept person was already yielded in an earlier chunk, the filled fields are listed in
``report.amendments[kept_line]`` for the caller to apply after the loop.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from vigie.identity import (
    Invalid,
    PartialDate,
    clean,
    fold,
    format_address,
    identity_key,
    parse_birth_date,
    parse_email,
    parse_nir,
    parse_phone,
    parse_sex,
    split_compound_name,
)
from vigie.risk.vocabulary import DATA_CATEGORIES, DATA_CATEGORY_LABELS_FR

MAX_BYTES = 200 * 1024 * 1024
MAX_FHIR_JSON_BYTES = 64 * 1024 * 1024  # a JSON Bundle is parsed whole; larger lists come as NDJSON or CSV
MAX_CELL = 1000  # characters; a longer cell is refused (hostile or broken export)
CHUNK_SIZE = 5000

FIELDS = (
    "birth_name",
    "usage_name",
    "given_names",
    "sex",
    "birth_date",
    "nir",
    "email",
    "phone",
    "mobile",
    "address1",
    "address2",
    "address3",
    "address4",
    "postcode",
    "city",
    "country",
    "categories",
)
FIELD_LABELS_FR = {
    "birth_name": "Nom de naissance",
    "usage_name": "Nom d'usage",
    "given_names": "Prénom(s)",
    "sex": "Sexe",
    "birth_date": "Date de naissance",
    "nir": "NIR / n° de sécurité sociale / INS",
    "email": "Courriel",
    "phone": "Téléphone",
    "mobile": "Téléphone portable",
    "address1": "Adresse (ligne 1)",
    "address2": "Adresse (ligne 2)",
    "address3": "Adresse (ligne 3)",
    "address4": "Adresse (ligne 4)",
    "postcode": "Code postal",
    "city": "Commune",
    "country": "Pays",
    "categories": "Données concernées",
}
_ADDRESS_FIELDS = ("address1", "address2", "address3", "address4")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportError_(Exception):  # noqa: N801 - the trailing underscore avoids shadowing the builtin
    """The file cannot be read at all; ``str(error)`` says why, in French, for the person importing it."""


@dataclass(frozen=True, slots=True)
class Person:
    """One valid, de-duplicated person of the list, normalised."""

    line: int  # physical line of the record's first line (header = 1); XLSX row; FHIR entry index + 1
    birth_name: str
    usage_name: str
    given_names: str
    sex: str  # "F" | "M" | ""
    birth_date: date | None
    nir: str  # 15 characters (13 + key) or ""
    email: str
    phone: str  # E.164 or ""
    address_lines: tuple[str, ...]  # NF Z10-011 block, recipient first; () when no usable address
    categories: tuple[str, ...]  # data-category ids of the decision core (health, national_id, …)
    identity_key: str  # "" when birth name, first given name or birth date is missing (never merged)


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem on one line: ``column`` is the source column (or ``""`` for the whole row)."""

    line: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """Counts and details of an import; complete once the chunks are exhausted."""

    rows: int = 0
    valid: int = 0
    invalid: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    merged: list[tuple[int, int, str]] = field(default_factory=list)  # (kept line, dropped line, why)
    amendments: dict[int, dict[str, Any]] = field(default_factory=dict)  # kept line → fields filled later
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str = ""
    delimiter: str | None = None
    format: str = ""

    def as_rows(self) -> list[tuple[int, str, str, str]]:
        """``(line, column, "erreur" | "avertissement" | "doublon", reason)`` sorted by line, for a report file.

        Cells that a spreadsheet would run as a formula (``= + - @``) are prefixed with an apostrophe.
        """
        rows = [(e.line, _safe(e.column), "erreur", _safe(e.reason)) for e in self.errors]
        rows += [(w.line, _safe(w.column), "avertissement", _safe(w.reason)) for w in self.warnings]
        rows += [(dropped, "", "doublon", _safe(why)) for _kept, dropped, why in self.merged]
        return sorted(rows, key=lambda row: row[0])


def _safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --- Reading the bytes --------------------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG", "une image PNG"),
    (b"%PDF", "un document PDF"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"\x7fELF", "un programme"),
    (b"MZ", "un programme Windows"),
    (b"Rar!", "une archive RAR"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"\xd0\xcf\x11\xe0", "un ancien classeur Excel (.xls) ou document Office : enregistrez-le en .xlsx ou .csv"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_SAMPLE = 64 * 1024


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are read as latin-1.
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("vigie-latin1", _latin1_fallback)

Source = Path | str | bytes


def _open(source: Source) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    try:
        return Path(source).open("rb")
    except OSError as error:
        raise ImportError_(f"Fichier illisible : {error.strerror or error}.") from None


def _size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    try:
        return Path(source).stat().st_size
    except OSError as error:
        raise ImportError_(f"Fichier illisible : {error.strerror or error}.") from None


def _kind(source: Source) -> str:
    """``"csv"``, ``"xlsx"``, ``"fhir"`` or ``"ndjson"`` from the first bytes; raise on anything else."""
    size = _size(source)
    if size > MAX_BYTES:
        raise ImportError_(f"Fichier trop volumineux ({size // 2**20} Mo) : la limite est de {MAX_BYTES // 2**20} Mo.")
    with _open(source) as file:
        sample = file.read(_SAMPLE)
    body = sample.removeprefix(_UTF8_BOM)
    if not body.strip():
        raise ImportError_("Le fichier est vide.")
    if sample.startswith(b"PK\x03\x04"):
        return "xlsx"
    for magic, what in _MAGIC:
        if sample.startswith(magic):
            raise ImportError_(f"Ce fichier est {what}, pas une liste de patients (CSV, XLSX ou FHIR JSON).")
    if sample.startswith(_UTF16_BOMS):
        return "csv"
    if sum(byte < 9 or 13 < byte < 32 for byte in sample) > len(sample) // 100:
        raise ImportError_("Fichier binaire illisible : ce n'est ni un CSV, ni un classeur XLSX, ni du FHIR JSON.")
    stripped = body.lstrip()
    if stripped.startswith((b"{", b"[")):
        first_line = stripped.split(b"\n", 1)[0]
        try:
            first = json.loads(first_line)
        except ValueError:
            return "fhir"
        if isinstance(first, dict) and first.get("resourceType") == "Patient" and b"\n" in stripped.strip():
            return "ndjson"
        return "fhir"
    return "csv"


def _scan_text(source: Source) -> tuple[str, int]:
    """The encoding of a text file by its content, and its number of line feeds (for progress)."""
    newlines = 0
    bad = multibyte = False
    decoder = codecs.getincrementaldecoder("utf-8")()
    with _open(source) as file:
        head = file.read(4)
        file.seek(0)
        if head.startswith(_UTF16_BOMS):
            return "utf-16", file.read().count(b"\n")
        bom = head.startswith(_UTF8_BOM)
        while block := file.read(1 << 20):
            newlines += block.count(b"\n")
            if bom or block.isascii():
                continue
            if not bad:
                try:
                    decoder.decode(block)
                    multibyte = True
                    continue
                except UnicodeDecodeError:
                    bad = True
            multibyte = multibyte or _UTF8_MULTIBYTE.search(block) is not None
    if bom:
        return "utf-8-sig", newlines
    if not bad:
        return "utf-8", newlines
    return ("utf-8+cp1252" if multibyte else "cp1252"), newlines


def _text_lines(source: Source, encoding: str) -> Iterator[str]:
    """The lines of the file decoded; a mixed file is decoded line by line, UTF-8 first, else cp1252."""
    if encoding != "utf-8+cp1252":
        codec = "cp1252" if encoding == "cp1252" else encoding
        with _open(source) as raw, io.TextIOWrapper(raw, encoding=codec, errors="vigie-latin1", newline="") as text:
            yield from text
        return
    with _open(source) as raw:
        for line in raw:
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                yield line.decode("cp1252", errors="vigie-latin1")


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])  # ties go to ; then tab (French exports)
    return best if counts[best] else ";"


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for index, header in enumerate(headers):
        name = clean(header.replace("\ufeff", "")) or f"Colonne {index + 1}"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return "" if value is None else str(value)


_EXCEL_EPOCH = date(1899, 12, 30)


def _excel_date(value: object) -> str:
    # A birth date typed as a number (serial day count) when the cell lost its date format.
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 80000:
        return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
    return _cell_text(value)


def _workbook_rows(source: Source) -> tuple[Iterator[tuple[int, list[object]]], int]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        with _open(source) as raw:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw.read()))
        for index, meta in enumerate(workbook.sheets_metadata):
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height and meta.visible == SheetVisibleEnum.Visible:
                break
        else:
            raise ImportError_("Le classeur ne contient aucune feuille remplie.")
    except CalamineError as error:
        raise ImportError_(
            f"Classeur XLSX illisible ({type(error).__name__}) : enregistrez-le à nouveau ou en CSV."
        ) from None
    except (OSError, ValueError) as error:
        raise ImportError_(f"Classeur XLSX illisible : {error}.") from None

    def rows() -> Iterator[tuple[int, list[object]]]:
        # calamine yields rows from the first row of the sheet (leading empty rows included).
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, list(row)

    return rows(), sheet.total_height


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


# --- The importer -------------------------------------------------------------------------------------------

_FHIR_MAPPING = {
    "birth_name": "Patient.name[use=official].family",
    "usage_name": "Patient.name[use=usual].family",
    "given_names": "Patient.name[use=official].given / fr-core-patient-birth-list-given-name",
    "sex": "Patient.gender",
    "birth_date": "Patient.birthDate",
    "nir": "Patient.identifier[INS-NIR | INS-NIA | NSS]",
    "email": "Patient.telecom[system=email]",
    "phone": "Patient.telecom[system=phone]",
    "mobile": "Patient.telecom[system=phone, use=mobile]",
    "address1": "Patient.address.line[0]",
    "address2": "Patient.address.line[1]",
    "address3": "Patient.address.line[2]",
    "address4": "Patient.address.line[3]",
    "postcode": "Patient.address.postalCode",
    "city": "Patient.address.city",
    "country": "Patient.address.country",
}
_INS_SYSTEMS = {
    # FR Core FRCorePatientINSProfile (formats.md §2.2): OID → (priority, warning)
    "urn:oid:1.2.250.1.213.1.4.8": (0, ""),
    "urn:oid:1.2.250.1.213.1.4.9": (1, ""),
    "urn:oid:1.2.250.1.213.1.4.10": (2, "identifiant INS de test (OID 1.2.250.1.213.1.4.10)"),
    "urn:oid:1.2.250.1.213.1.4.11": (2, "identifiant INS de démonstration (OID 1.2.250.1.213.1.4.11)"),
}
_BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"
_INSEE_CODE = "fr-core-address-insee-code"
_BIRTH_LIST = "fr-core-patient-birth-list-given-name"


def sniff(source: Source) -> tuple[str, list[str]]:
    """The format (``"csv"``, ``"xlsx"`` or ``"fhir"``) and the header row (column names) of a file."""
    importer = Importer(source)
    return importer.format, importer.headers


def read_persons(
    path: Source,
    mapping: dict[str, str] | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int, int | None], None] | None = None,
) -> Importer:
    """An iterator of chunks of valid persons; its ``.report`` is complete once the chunks are exhausted."""
    return Importer(path, mapping, chunk_size=chunk_size, progress=progress)


class Importer:
    """One import of one file: sniffed on creation (raises :class:`ImportError_`), read when iterated.

    ``progress(rows_read, total)`` is called after each chunk; ``total`` is an estimate (line count) or None.
    ``today`` bounds birth dates (the caller's clock; defaults to the system date).
    """

    def __init__(
        self,
        source: Source,
        mapping: dict[str, str] | None = None,
        *,
        chunk_size: int = CHUNK_SIZE,
        progress: Callable[[int, int | None], None] | None = None,
        today: date | None = None,
    ) -> None:
        self.source = source
        self.chunk_size = max(1, chunk_size)
        self.progress = progress
        self.today = today or date.today()
        self.report = ImportReport()
        self.headers: list[str] = []
        self._total: int | None = None
        self._header_line = 1
        self._chunks: Iterator[list[Person]] | None = None
        kind = _kind(source)
        self.format = "fhir" if kind == "ndjson" else kind
        self._kind = kind
        self.report.format = self.format
        if kind == "csv":
            self._open_csv()
        elif kind == "xlsx":
            self._open_xlsx()
        else:
            self.headers = list(_FHIR_MAPPING.values())
            self.report.encoding = "utf-8"
        if kind in ("fhir", "ndjson"):
            self.mapping = dict(_FHIR_MAPPING)
        else:
            self.mapping = self._check_mapping(guess_mapping(self.headers) if mapping is None else mapping)
        self.report.mapping = dict(self.mapping)

    # -- sniffing

    def _open_csv(self) -> None:
        encoding, newlines = _scan_text(self.source)
        self.report.encoding = encoding
        self._total = max(newlines - 1, 0)
        lines = _text_lines(self.source, encoding)
        number = 0
        for number, line in enumerate(lines, start=1):  # noqa: B007 - used after the loop
            if line.strip().strip(";,\t\"'"):
                break
        else:
            raise ImportError_("Le fichier est vide : aucune ligne d'en-tête ni de données.")
        lines.close()  # type: ignore[attr-defined]
        self._header_line = number
        self.report.delimiter = _delimiter(line)
        header = next(csv.reader([line], delimiter=self.report.delimiter), [])
        self.headers = _unique(header)

    def _open_xlsx(self) -> None:
        rows, total = _workbook_rows(self.source)
        for number, row in rows:
            if any(_cell_text(value).strip() for value in row):
                self._header_line = number
                self.headers = _unique([_cell_text(value) for value in row])
                break
        else:
            raise ImportError_("Le classeur est vide.")
        self._total = max(total - self._header_line, 0)
        self.report.encoding = "xlsx"

    def _check_mapping(self, mapping: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(mapping) - set(FIELDS))
        if unknown:
            raise ImportError_(f"Champ inconnu dans la correspondance des colonnes : {', '.join(unknown)}.")
        missing = [column for column in mapping.values() if column not in self.headers]
        if missing:
            raise ImportError_(f"Colonne introuvable dans le fichier : « {missing[0]} ».")
        if not mapping.get("birth_name") and not mapping.get("usage_name"):
            if self._looks_like_data(self.headers):
                raise ImportError_(
                    "Pas de ligne d'en-tête : la première ligne du fichier doit nommer les colonnes "
                    "(nom, prénom, date de naissance…)."
                )
            raise ImportError_(
                "Aucune colonne exploitable : il faut au moins la colonne du nom (nom de naissance ou nom d'usage)."
            )
        return {name: mapping[name] for name in FIELDS if mapping.get(name)}

    @staticmethod
    def _looks_like_data(headers: list[str]) -> bool:
        data = sum(bool(re.search(r"\d{2}[/.-]\d{2}|@|\d{5}", header)) for header in headers)
        return data >= max(1, len(headers) // 3)

    # -- reading

    def __iter__(self) -> Importer:
        return self

    def __next__(self) -> list[Person]:
        if self._chunks is None:
            self._chunks = self.chunks()
        return next(self._chunks)

    def chunks(self) -> Iterator[list[Person]]:
        """Chunks of at most ``chunk_size`` valid, de-duplicated persons, in file order."""
        if self._kind == "csv":
            records = self._csv_records()
        elif self._kind == "xlsx":
            records = self._xlsx_records()
        elif self._kind == "ndjson":
            records = self._ndjson_records()
        else:
            records = self._fhir_records()
        yield from self._persons(records)

    def _columns(self) -> tuple[tuple[str, ...], list[int]]:
        fields = tuple(self.mapping)
        return fields, [self.headers.index(self.mapping[name]) for name in fields]

    def _csv_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        fields, indexes = self._columns()
        width = max(indexes) + 1
        lines = _text_lines(self.source, self.report.encoding)
        reader = csv.reader(lines, delimiter=self.report.delimiter or ";")
        try:
            for _ in range(self._header_line):
                next(reader)
        except (StopIteration, csv.Error):
            return
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                self.report.rows += 1
                self._row_error(line, "", f"ligne illisible ({error})")
                continue
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < width:
                row += [""] * (width - len(row))
            yield line, {name: row[index] for name, index in zip(fields, indexes, strict=True)}

    def _xlsx_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        fields, indexes = self._columns()
        rows, _total = _workbook_rows(self.source)
        for number, row in rows:
            if number <= self._header_line:
                continue
            if len(row) <= max(indexes):
                row += [""] * (max(indexes) + 1 - len(row))
            record = {
                name: (_excel_date if name == "birth_date" else _cell_text)(row[index])
                for name, index in zip(fields, indexes, strict=True)
            }
            if any(value.strip() for value in record.values()) or any(_cell_text(value).strip() for value in row):
                yield number, record

    def _fhir_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        if _size(self.source) > MAX_FHIR_JSON_BYTES:
            raise ImportError_(
                f"Bundle FHIR trop volumineux (plus de {MAX_FHIR_JSON_BYTES // 2**20} Mo) : "
                "exportez-le en NDJSON (un Patient par ligne) ou en CSV."
            )
        with _open(self.source) as raw:
            try:
                document = json.loads(raw.read())
            except (ValueError, RecursionError):
                raise ImportError_("JSON illisible : le fichier n'est pas un document FHIR valide.") from None
        if not isinstance(document, dict):
            raise ImportError_("JSON inattendu : un Bundle FHIR de ressources Patient est attendu.")
        if document.get("resourceType") == "Patient":
            entries: list[Any] = [{"resource": document}]
        elif document.get("resourceType") == "Bundle":
            entries = document.get("entry") or []
            if not isinstance(entries, list):
                raise ImportError_("Bundle FHIR malformé : « entry » n'est pas une liste.")
        else:
            raise ImportError_("JSON qui n'est pas un Bundle FHIR de ressources Patient.")
        self._total = len(entries)
        for index, entry in enumerate(entries, start=1):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            record = self._fhir_record(index, resource)
            if record is not None:
                yield index, record

    def _ndjson_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        with _open(self.source) as raw:
            for number, line in enumerate(raw, start=1):
                if not line.strip():
                    continue
                try:
                    resource = json.loads(line)
                except ValueError:
                    self.report.rows += 1
                    self._row_error(number, "", "ligne NDJSON illisible (JSON invalide)")
                    continue
                record = self._fhir_record(number, resource)
                if record is not None:
                    yield number, record

    def _fhir_record(self, line: int, resource: Any) -> dict[str, str] | None:
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            kind = resource.get("resourceType") if isinstance(resource, dict) else None
            self.report.warnings.append(
                RowError(line, "resourceType", f"ressource {kind or 'inconnue'} ignorée (pas un Patient)")
            )
            return None
        try:
            return _patient(resource)
        except (AttributeError, TypeError, KeyError, IndexError):
            self.report.rows += 1
            self._row_error(line, "", "ressource Patient malformée (structure FHIR inattendue)")
            return None

    # -- validating

    def _row_error(self, line: int, column: str, reason: str) -> None:
        self.report.errors.append(RowError(line, column, reason))
        self.report.invalid += 1

    def _persons(self, records: Iterable[tuple[int, dict[str, str]]]) -> Iterator[list[Person]]:
        report = self.report
        seen: dict[str, list[Any]] = {}  # identity key → [kept line, chunk number, index in chunk, channels, NIR]
        pending: list[Person] = []
        chunk_number = 0
        for line, record in records:
            report.rows += 1
            person = self._validate(line, record)
            if person is None:
                continue
            key = person.identity_key
            if key and key in seen:
                self._merge(seen[key], person, pending, chunk_number)
                continue
            if key:
                seen[key] = [line, chunk_number, len(pending), _channels(person), person.nir]
            report.valid += 1
            pending.append(person)
            if len(pending) >= self.chunk_size:
                yield pending
                pending = []
                chunk_number += 1
                if self.progress:
                    self.progress(report.rows, self._total)
        if pending:
            yield pending
        if self.progress:
            self.progress(report.rows, report.rows)

    def _merge(self, kept: list[Any], duplicate: Person, pending: list[Person], chunk_number: int) -> None:
        report = self.report
        report.duplicates += 1
        kept_line, kept_chunk, kept_index, channels, kept_nir = kept
        filled: dict[str, Any] = {}
        for bit, name in enumerate(_FILLED_FR):
            if not channels & (1 << bit) and (value := getattr(duplicate, name)):
                filled[name] = value
                channels |= 1 << bit
        kept[3] = channels
        why = (
            f"ligne {duplicate.line} fusionnée avec la ligne {kept_line} : mêmes nom de naissance, premier prénom, "
            "date de naissance et sexe"
        )
        if filled:
            why += f" ; repris de la ligne {duplicate.line} : " + ", ".join(_FILLED_FR[name] for name in filled)
        if kept_nir and duplicate.nir and kept_nir != duplicate.nir:
            why += " ; attention, les NIR diffèrent (NIR de l'assuré ouvrant droit ?) : à vérifier"
        if not kept_nir and duplicate.nir:
            kept[4] = duplicate.nir
        report.merged.append((kept_line, duplicate.line, why))
        if not filled:
            return
        if kept_chunk == chunk_number:
            pending[kept_index] = replace(pending[kept_index], **filled)
        else:
            report.amendments.setdefault(kept_line, {}).update(filled)

    def _validate(self, line: int, record: dict[str, str]) -> Person | None:
        mapping = self.mapping
        errors: list[RowError] = []
        warnings: list[RowError] = []

        def column(name: str) -> str:
            return mapping.get(name, "")

        joined = " ".join(record.values())  # one scan of the row; cells are looked at only when needed
        if len(joined) > MAX_CELL or _CONTROL.search(joined):
            for name, value in record.items():
                if len(value) > MAX_CELL:
                    errors.append(
                        RowError(
                            line,
                            column(name),
                            f"valeur trop longue ({len(value)} caractères, maximum {MAX_CELL}) : cellule refusée",
                        )
                    )
                    record[name] = ""
                elif _CONTROL.search(value):
                    errors.append(
                        RowError(line, column(name), "caractères de contrôle (données binaires ?) : cellule refusée")
                    )
                    record[name] = ""
        get = record.get
        birth_name = clean(get("birth_name", ""))
        usage_name = clean(get("usage_name", ""))
        if birth_name and not usage_name:
            birth_name, usage_name = split_compound_name(birth_name)
        given_names = clean(get("given_names", ""))

        sex = ""
        if raw_sex := get("sex", "").strip():
            try:
                sex = parse_sex(raw_sex)
            except Invalid as error:
                warnings.append(RowError(line, column("sex"), str(error)))

        birth_date: date | None = None
        born: date | str | None = None
        if raw_date := get("birth_date", "").strip():
            try:
                birth_date = born = parse_birth_date(raw_date, today=self.today)
            except PartialDate as partial:
                born = partial.text
                warnings.append(RowError(line, column("birth_date"), str(partial)))
            except Invalid as error:
                errors.append(RowError(line, column("birth_date"), str(error)))

        nir = ""
        if raw_nir := get("nir", "").strip():
            try:
                checked = parse_nir(raw_nir, sex=sex, birth_date=birth_date, birth_place=get("birth_place", ""))
                nir = checked.value
                if checked.warnings:
                    warnings.extend(RowError(line, column("nir"), text) for text in checked.warnings)
            except Invalid as error:
                errors.append(RowError(line, column("nir"), str(error)))
        if extra := get("nir_warning", ""):
            warnings.append(RowError(line, column("nir"), extra))

        if not birth_name and not usage_name:
            errors.append(RowError(line, column("birth_name") or column("usage_name"), "nom absent"))
        elif not given_names and not birth_date and not born and not raw_nir:
            errors.append(
                RowError(line, "", "identité insuffisante : il faut au moins le prénom, la date de naissance ou le NIR")
            )
        elif not given_names and "given_names" in mapping:
            warnings.append(RowError(line, column("given_names"), "prénom absent"))
        if errors:
            self.report.errors.extend(errors)
            self.report.warnings.extend(warnings)
            self.report.invalid += 1
            return None

        email = ""
        if raw_email := get("email", "").strip():
            try:
                checked_email = parse_email(raw_email)
                email = checked_email.value
                if checked_email.warnings:
                    warnings.extend(RowError(line, column("email"), text) for text in checked_email.warnings)
            except Invalid as error:
                warnings.append(RowError(line, column("email"), str(error)))

        phone = ""
        for name in ("mobile", "phone"):
            if (raw_phone := get(name, "").strip()) and not phone:
                try:
                    phone = parse_phone(raw_phone).e164
                except Invalid as error:
                    warnings.append(RowError(line, column(name), str(error)))

        address_lines: tuple[str, ...] = ()
        # A cell may hold several lines (quoted newlines in CSV, Alt+Enter in a spreadsheet).
        lines = [part for name in _ADDRESS_FIELDS if name in record for part in record[name].splitlines()]
        postcode, city = get("postcode", ""), get("city", "")
        if any(text.strip() for text in lines) or postcode.strip() or city.strip():
            first_given = (given_names.split(",", 1)[0].split() or [""])[0]
            recipient = f"{first_given} {(usage_name or birth_name).upper()}".strip()
            try:
                address = format_address(recipient, lines, postcode, city, get("country", ""))
                address_lines = address.lines
                if address.warnings:
                    warnings.extend(RowError(line, column("address1"), text) for text in address.warnings)
            except Invalid as error:
                warnings.append(RowError(line, column("address1") or column("postcode"), str(error)))

        categories: tuple[str, ...] = ()
        if raw_categories := get("categories", "").strip():
            categories, unknown = parse_categories(raw_categories)
            if unknown:
                words = ", ".join(f"« {word[:30]} »" for word in unknown[:5])
                warnings.append(
                    RowError(line, column("categories"), f"catégorie de données inconnue ignorée : {words}")
                )

        if not (email or phone or address_lines):
            warnings.append(
                RowError(line, "", "personne injoignable : ni courriel, ni téléphone, ni adresse postale utilisables")
            )
        self.report.warnings.extend(warnings)
        return Person(
            line=line,
            birth_name=birth_name,
            usage_name=usage_name,
            given_names=given_names,
            sex=sex,
            birth_date=birth_date,
            nir=nir,
            email=email,
            phone=phone,
            address_lines=address_lines,
            categories=categories,
            identity_key=identity_key(birth_name or usage_name, given_names, born, sex),
        )


_FILLED_FR = {
    "email": "courriel",
    "phone": "téléphone",
    "address_lines": "adresse postale",
    "nir": "NIR",
    "usage_name": "nom d'usage",
    "categories": "catégories de données",
}


def _channels(person: Person) -> int:
    """A bit per field of ``_FILLED_FR`` that the person has (an int keeps 500,000 de-dup entries small)."""
    return sum(1 << bit for bit, name in enumerate(_FILLED_FR) if getattr(person, name))


def _patient(resource: dict[str, Any]) -> dict[str, str]:
    """The fields of one FHIR R4 / FR Core Patient as text, like a CSV row."""
    record: dict[str, str] = {}
    names = [name for name in resource.get("name") or [] if isinstance(name, dict)]
    official = next((n for n in names if n.get("use") in ("official", "maiden")), None)
    usual = next((n for n in names if n.get("use") == "usual"), None)
    if official is None:
        official = next((n for n in names if n.get("use") not in ("usual", "nickname", "old")), None)
    if official is not None:
        record["birth_name"] = str(official.get("family") or "")
        given = " ".join(str(g) for g in official.get("given") or [])
        for extension in official.get("extension") or []:
            if str(extension.get("url", "")).endswith(_BIRTH_LIST) and extension.get("valueString"):
                given = str(extension["valueString"])
        record["given_names"] = given
    if usual is not None:
        record["usage_name"] = str(usual.get("family") or "")
        if not record.get("given_names"):
            record["given_names"] = " ".join(str(g) for g in usual.get("given") or [])
    record["sex"] = {"female": "F", "male": "M"}.get(str(resource.get("gender") or ""), "")
    record["birth_date"] = str(resource.get("birthDate") or "")
    if len(record["birth_date"]) in (4, 7):  # FHIR partial dates: 1950 or 1950-03
        record["birth_date"] = (record["birth_date"] + "-00-00")[:10]

    best: tuple[int, str, str] | None = None
    for identifier in resource.get("identifier") or []:
        system = str(identifier.get("system") or "")
        codes = {str(c.get("code")) for c in (identifier.get("type") or {}).get("coding") or []}
        if system not in _INS_SYSTEMS or not identifier.get("value"):
            continue
        priority, warning = _INS_SYSTEMS[system]
        if "NH" in codes:  # NSS: the insured person's number (ouvrant droit), weaker than the INS
            priority = 3
        if best is None or priority < best[0]:
            best = (priority, str(identifier["value"]), warning)
    if best is not None:
        record["nir"] = best[1]
        if best[2]:
            record["nir_warning"] = best[2]

    for telecom in resource.get("telecom") or []:
        system, value = telecom.get("system"), str(telecom.get("value") or "")
        if system == "email" and "email" not in record:
            record["email"] = value
        elif system in ("phone", "sms") and value:
            name = "mobile" if telecom.get("use") == "mobile" or system == "sms" else "phone"
            record.setdefault(name, value)

    addresses = [a for a in resource.get("address") or [] if isinstance(a, dict)]
    home = next((a for a in addresses if a.get("use") in ("home", None) and a.get("type") != "physical"), None)
    address = home or (addresses[0] if addresses else None)
    if address is not None:
        for name, text in zip(_ADDRESS_FIELDS, address.get("line") or [], strict=False):
            record[name] = str(text)
        record["postcode"] = str(address.get("postalCode") or "")
        record["city"] = str(address.get("city") or "")
        record["country"] = str(address.get("country") or "")

    for extension in resource.get("extension") or []:
        if extension.get("url") == _BIRTH_PLACE:
            for inner in (extension.get("valueAddress") or {}).get("extension") or []:
                if str(inner.get("url", "")).endswith(_INSEE_CODE):
                    coding = inner.get("valueCoding") or {}
                    record["birth_place"] = str(coding.get("code") or "")
    return record
