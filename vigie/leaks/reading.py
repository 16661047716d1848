"""Reading the two files of a leak matching through the list reader (``vigie.campaigns.importing``).

- The **patient base** is read as a campaign list is: validated and de-duplicated ``Person`` records (any
  format the importer reads: CSV, XLSX, FHIR). A line the importer refuses is counted, not compared.
- The **leaked file** (CSV or XLSX) is read as it is, cell by cell (``Importer.cells``): a wrong NIR key, a day
  and month swapped or a missing given name are what leaked files look like, and evidence for the matching,
  not reasons to drop a row. Its columns are recognised as for an import (``guess_mapping``), and each column
  is given the data category it exposes (health for an exam or a result…), so that every matched person is
  told which of their data leaked.

No Django here: the command line's standalone mode and the benchmark read files without a database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from vigie.campaigns.importing import Importer, ImportError_, Person, Source, normalise_header, parse_categories
from vigie.linkage import Traits, postcode_of, traits

#: The fields of a leaked file that identify the person (compared); the other columns only expose data.
IDENTITY_FIELDS = ("birth_name", "usage_name", "given_names", "sex", "birth_date", "nir", "postcode")
FIELD_CATEGORY = {
    "birth_name": "identity",
    "usage_name": "identity",
    "given_names": "identity",
    "sex": "identity",
    "birth_date": "birth_date",
    "nir": "national_id",
    "email": "contact",
    "phone": "contact",
    "mobile": "contact",
    "address1": "contact",
    "address2": "contact",
    "address3": "contact",
    "address4": "contact",
    "postcode": "contact",
    "city": "contact",
    "country": "contact",
}
# Headers of lab and practice exports that hold health data (exams, results, diagnoses, prescriptions…).
_HEALTH = re.compile(
    r"\b(exam|analys|resultat|diagnos|patholog|traitement|ordonnance|prescri|compte rendu|biolog|serolog|"
    r"antecedent|allerg|medic|vaccin|acte|motif|consultation|prelevement|bilan|imagerie|radio|compte-rendu|"
    r"cr|observation|symptom|hospitalis|sejour|service|specialite|valeur|unite|norme|interpretation|"
    r"glyc|cholesterol|tension|poids|taille|imc|grossesse|hiv|vih)"
)
_FINANCIAL = re.compile(r"\b(iban|rib|bic|banque|montant|reglement|paiement|facture|mutuelle|tiers payant)\b")


def guess_column_categories(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """``{header: category}`` for the columns of a leaked file that expose a data category ("" if none)."""
    by_column = {column: FIELD_CATEGORY.get(name, "") for name, column in mapping.items()}
    guessed: dict[str, str] = {}
    for header in headers:
        if header in by_column:
            guessed[header] = by_column[header]
            continue
        words = normalise_header(header)
        known, _unknown = parse_categories(header)
        if known:
            guessed[header] = known[0]
        elif _FINANCIAL.search(words):
            guessed[header] = "financial"
        elif _HEALTH.search(words):
            guessed[header] = "health"
        else:
            guessed[header] = ""
    return guessed


@dataclass
class LeakFile:
    """The leaked rows read: their traits, and the categories of data each row exposes."""

    headers: list[str]
    mapping: dict[str, str]
    column_categories: dict[str, str]
    traits: list[Traits] = field(default_factory=list)
    categories: list[tuple[str, ...]] = field(default_factory=list)  # aligned with ``traits``
    unreadable: int = 0  # CSV lines that could not be parsed at all
    format: str = ""


@dataclass
class PatientBase:
    """The patient base read: the persons (for the campaign), their traits (for the matching), the report."""

    persons: list[Any]  # Person, or a campaign's decrypted persons
    traits: list[Traits]
    rows: int = 0
    invalid: int = 0
    duplicates: int = 0
    format: str = ""


def person_traits(person: Any) -> Traits:
    """The traits of an imported ``Person`` (or any object with its fields)."""
    address = getattr(person, "address_lines", ()) or ()
    return traits(
        int(person.line),
        birth_name=person.birth_name,
        usage_name=person.usage_name,
        given_names=person.given_names,
        birth_date=person.birth_date,
        sex=person.sex,
        nir=getattr(person, "nir", "") or "",
        postcode=postcode_of(address[-1]) if address else "",
    )


def read_patients(
    source: Source, mapping: dict[str, str] | None = None, *, progress: Callable[[int, int | None], None] | None = None
) -> PatientBase:
    """The patient base, read and validated by the importer; raises ``ImportError_`` if it cannot be read."""
    importer = Importer(source, mapping or None, progress=progress)
    persons: list[Person] = [person for chunk in importer for person in chunk]
    amendments = importer.report.amendments
    if amendments:
        persons = [replace(p, **amendments[p.line]) if p.line in amendments else p for p in persons]
    report = importer.report
    return PatientBase(
        persons=persons,
        traits=[person_traits(person) for person in persons],
        rows=report.rows,
        invalid=report.invalid,
        duplicates=report.duplicates,
        format=importer.format,
    )


def patients_from(persons: Iterable[Any]) -> PatientBase:
    """A patient base from persons already known (a campaign's, decrypted)."""
    listed = list(persons)
    return PatientBase(persons=listed, traits=[person_traits(person) for person in listed], rows=len(listed))


def open_leak(source: Source, mapping: dict[str, str] | None = None) -> Importer:
    """The leaked file sniffed (format, headers, guessed mapping); raises ``ImportError_`` if unreadable."""
    importer = Importer(source, mapping or None)
    if importer.format not in ("csv", "xlsx"):
        raise ImportError_("Le fichier divulgué doit être un CSV ou un classeur XLSX.")
    return importer


def leak_cells(importer: Importer, lines: set[int] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """The identity cells (``IDENTITY_FIELDS`` mapped) of each leaked row, or of ``lines`` only."""
    indexes = {name: importer.headers.index(column) for name, column in importer.mapping.items()}
    wanted = [(name, indexes[name]) for name in IDENTITY_FIELDS if name in indexes]
    for line, cells in importer.cells():
        if lines is None or line in lines:
            yield line, {name: cells[index].strip() for name, index in wanted}


def read_leak(
    source: Source,
    mapping: dict[str, str] | None = None,
    column_categories: dict[str, str] | None = None,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    every: int = 10_000,
) -> LeakFile:
    """Every leaked row's traits and exposed categories; raises ``ImportError_`` if the file cannot be read."""
    importer = open_leak(source, mapping)
    headers, used = importer.headers, importer.mapping
    categories = column_categories if column_categories is not None else guess_column_categories(headers, used)
    result = LeakFile(headers=headers, mapping=dict(used), column_categories=dict(categories), format=importer.format)
    index = {name: headers.index(column) for name, column in used.items()}
    columns = [(position, categories.get(header, "")) for position, header in enumerate(headers)]
    columns = [(position, category) for position, category in columns if category]
    per_row = index.get("categories")
    get = [index.get(name, -1) for name in IDENTITY_FIELDS]
    interned: dict[tuple[str, ...], tuple[str, ...]] = {}
    total = importer.estimated_rows
    for count, (line, cells) in enumerate(importer.cells(), start=1):
        birth, usage, given, sex, born, nir, postcode = (cells[i] if i >= 0 else "" for i in get)
        result.traits.append(
            traits(line, birth_name=birth.strip(), usage_name=usage.strip(), given_names=given.strip(),
                   birth_date=born, sex=sex, nir=nir, postcode=postcode)
        )  # fmt: skip
        found = {category for position, category in columns if position < len(cells) and cells[position].strip()}
        if per_row is not None and cells[per_row].strip():
            found.update(parse_categories(cells[per_row])[0])
        key = tuple(sorted(found))
        result.categories.append(interned.setdefault(key, key))
        if progress is not None and count % every == 0:
            progress(count, total)
    result.unreadable = importer.report.invalid
    if progress is not None:
        progress(len(result.traits), len(result.traits))
    return result
