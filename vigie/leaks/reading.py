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

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vigie.campaigns.importing import Importer, ImportError_, Source, normalise_header, parse_categories
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


@contextmanager
def bulk() -> Iterator[None]:
    """No cyclic garbage collection while hundreds of thousands of records are made: the collector would scan
    them again and again (a third of the reading time), and these loops make no reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    """The patient base read: the traits of each patient (for the matching), and its counts.

    ``persons`` holds the persons themselves when they are already known (a campaign's, or a FHIR file read
    through the importer); for a CSV or XLSX base the service asks :func:`persons_for` for the few it needs.
    """

    traits: list[Traits]
    persons: list[Any] | None = None
    rows: int = 0
    invalid: int = 0  # lines that say too little to compare (no name, or a name alone)
    duplicates: int = 0  # the same identity on another line: compared once, under its first line
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
    """The patient base's traits; raises ``ImportError_`` if the file cannot be read at all.

    A CSV or XLSX base is read cell by cell, as the leaked file is: a line the import would refuse (a wrong NIR
    key, an impossible date) is still a patient, and still compared. A line that repeats an earlier identity
    (same birth name, first given name, birth date and sex, as the import de-duplicates) is compared once.
    """
    importer = Importer(source, mapping or None)
    if importer.format == "fhir":
        persons = [person for chunk in importer for person in chunk]
        report = importer.report
        return PatientBase([person_traits(p) for p in persons], persons, report.rows, report.invalid,
                           report.duplicates, importer.format)  # fmt: skip
    base = PatientBase(traits=[], format=importer.format)
    index = {name: importer.headers.index(column) for name, column in importer.mapping.items()}
    get = [index.get(name, -1) for name in IDENTITY_FIELDS]
    seen: set[tuple[str, str, str, str]] = set()
    total = importer.estimated_rows
    with bulk():
        for line, cells in importer.cells():
            base.rows += 1
            birth, usage, given, sex, born, nir, postcode = (cells[i] if i >= 0 else "" for i in get)
            record = traits(line, birth_name=birth.strip(), usage_name=usage.strip(), given_names=given.strip(),
                            birth_date=born, sex=sex, nir=nir, postcode=postcode)  # fmt: skip
            if not record.names or not (record.first or record.year or record.nir):
                base.invalid += 1
                continue
            key = (record.names[0], record.first, record.dob, record.sex)
            if record.first and record.dob:
                if key in seen:
                    base.duplicates += 1
                    continue
                seen.add(key)
            base.traits.append(record)
            if progress is not None and base.rows % 10_000 == 0:
                progress(base.rows, total)
    if progress is not None:
        progress(base.rows, base.rows)
    return base


def persons_for(source: Source, mapping: dict[str, str] | None, lines: set[int]) -> dict[int, Any]:
    """The persons of ``lines`` of a patient base, as the import reads them (names, channels): ``{line: Person}``.

    A line the import refuses (or merges into an earlier one) is given from its cells, without any channel.
    """
    importer = Importer(source, mapping or None)
    found: dict[int, Any] = {}
    for chunk in importer:
        found.update((person.line, person) for person in chunk if person.line in lines)
    for line, fields in importer.report.amendments.items():
        if line in found:
            found[line] = replace(found[line], **fields)
    missing = lines - found.keys()
    if missing:
        refused = Importer(source, mapping or None)
        index = {name: refused.headers.index(column) for name, column in refused.mapping.items()}
        for line, cells in refused.cells():
            if line in missing:
                text = {name: cells[position].strip() for name, position in index.items()}
                found[line] = RawPerson(line, text.get("birth_name", ""), text.get("usage_name", ""),
                                        text.get("given_names", ""), text.get("sex", ""), text.get("birth_date", ""))  # fmt: skip
    return found


@dataclass
class RawPerson:
    """A patient line the import refused: what its cells say, no channel to reach the person by."""

    line: int
    birth_name: str
    usage_name: str
    given_names: str
    sex: str
    birth_date: str
    nir: str = ""
    email: str = ""
    phone: str = ""
    address_lines: tuple[str, ...] = ()
    identity_key: str = ""


def patients_from(persons: Iterable[Any]) -> PatientBase:
    """A patient base from persons already known (a campaign's, decrypted)."""
    listed = list(persons)
    with bulk():
        found = [person_traits(person) for person in listed]
    return PatientBase(traits=found, persons=listed, rows=len(listed))


def open_leak(source: Source, mapping: dict[str, str] | None = None) -> Importer:
    """The leaked file sniffed (format, headers, guessed mapping); raises ``ImportError_`` if unreadable."""
    importer = Importer(source, mapping or None)
    if importer.format not in ("csv", "xlsx"):
        raise ImportError_("Le fichier divulgué doit être un CSV ou un classeur XLSX.")
    return importer


Row = tuple[int, tuple[str, ...], tuple[str, ...]]  # physical line, identity cells, categories exposed


class LeakSource:
    """A leaked file sniffed and its columns chosen, read row by row (500,000 rows are never all in memory)."""

    def __init__(
        self, source: Source, mapping: dict[str, str] | None = None, column_categories: dict[str, str] | None = None
    ) -> None:
        self.importer = open_leak(source, mapping)
        headers, used = self.importer.headers, self.importer.mapping
        self.headers, self.mapping = headers, dict(used)
        self.column_categories = dict(
            column_categories if column_categories is not None else guess_column_categories(headers, used)
        )
        self.rows_read = 0

    @property
    def unreadable(self) -> int:
        """CSV lines that could not be parsed at all (known once the rows are read)."""
        return self.importer.report.invalid

    @property
    def estimated_rows(self) -> int | None:
        return self.importer.estimated_rows

    def frame(self) -> LeakFrame | None:
        """Every row at once through Polars' C CSV reader, or None where it would not read the file exactly as
        :meth:`rows` does (an XLSX file, quoted cells, a mixed encoding…: read those with :meth:`rows`).

        The file's limits hold first: its size, lines and header were checked on opening; every line's length
        and number of cells are checked on the bytes before the C reader sees them (a longer one: :meth:`rows`
        refuses it, having read at most one line). A file over :data:`FRAME_BYTES` is left to :meth:`rows` too:
        read at once, a file costs about five times its size in memory, streamed line by line it does not.
        The file is read from bytes in memory (a leaked file stored encrypted is never written out in clear).
        """
        importer = self.importer
        encoding = importer.report.encoding
        if importer.format != "csv" or encoding not in ("utf-8", "utf-8-sig", "cp1252"):
            return None
        source = importer.source
        if (len(source) if isinstance(source, bytes) else Path(source).stat().st_size) > FRAME_BYTES:
            return None
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        delimiter = (importer.report.delimiter or ";").encode()
        if _NOT_PLAIN.search(data.replace(b"\r\n", b"\n")) or not _within_limits(data, delimiter, importer.limits):
            return None
        if encoding == "utf-8-sig":
            data = data.removeprefix(b"\xef\xbb\xbf")
        elif encoding == "cp1252":
            data = data.decode("cp1252", errors="vigie-latin1").encode("utf-8")
        data = data.replace(b"\r\n", b"\n")
        import polars as pl

        width = len(self.headers)
        start = 0
        for _line in range(importer.header_line):
            start = data.find(b"\n", start) + 1 or len(data)
        # A header of our own names the columns: Polars takes the width from it (short rows get nulls, longer
        # ones are cut, as the line reader pads and ignores them).
        header = delimiter.join(f"c{i}".encode() for i in range(width)) + b"\n"
        try:
            table = pl.read_csv(header + data[start:], separator=delimiter.decode(), quote_char=None, infer_schema=False,
                                truncate_ragged_lines=True)  # fmt: skip
        except pl.exceptions.PolarsError:
            return None
        first = importer.header_line + 1
        table = table.with_row_index("line", offset=first)
        filled = pl.any_horizontal([pl.col(f"c{i}").fill_null("").str.strip_chars() != "" for i in range(width)])
        table = table.filter(filled)
        lines_column = table["line"]
        table = table.drop("line")
        frame = LeakFrame(self, table, lines_column)
        self.rows_read = frame.height
        return frame

    def rows(self) -> Iterator[Row]:
        """``(line, identity cells in IDENTITY_FIELDS order, categories)`` of every row, in file order."""
        index = {name: self.headers.index(column) for name, column in self.mapping.items()}
        get = [index.get(name, -1) for name in IDENTITY_FIELDS]
        columns = [(position, self.column_categories.get(header, "")) for position, header in enumerate(self.headers)]
        columns = [(position, category) for position, category in columns if category]
        per_row = index.get("categories")
        interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        for line, cells in self.importer.cells():
            self.rows_read += 1
            identity = tuple(cells[i].strip() if i >= 0 else "" for i in get)
            found = {category for position, category in columns if position < len(cells) and cells[position].strip()}
            if per_row is not None and cells[per_row].strip():
                found.update(parse_categories(cells[per_row])[0])
            key = tuple(sorted(found))
            yield line, identity, interned.setdefault(key, key)


#: Bytes that the C reader would read otherwise than ``csv.reader`` over the decoded lines does (quoted cells,
#: which may hold line breaks; a lone carriage return ending a line; NUL), or strip otherwise than ``str.strip``.
_NOT_PLAIN = re.compile(rb'["\r\x00\x1c-\x1f]')


#: The largest leaked file read at once by the C reader (about 1,000,000 rows of a lab dump); larger ones stream.
FRAME_BYTES = 64 * 1024 * 1024


def _within_limits(data: bytes, delimiter: bytes, limits: Any) -> bool:
    """Whether every line is within ``line_chars`` bytes and ``columns`` cells (no copy of ``data`` made)."""
    position, size = 0, len(data)
    longest, cells = limits.line_chars, limits.columns
    while position < size:
        end = data.find(b"\n", position)
        end = size if end < 0 else end
        if end - position > longest or data.count(delimiter, position, end) >= cells:
            return False
        position = end + 1
    return True


class LeakFrame:
    """The rows of a leaked CSV file read at once by Polars' C reader, from the file's bytes in memory.

    ``identity`` has one column per ``IDENTITY_FIELDS`` (stripped text, "" when empty or not mapped), one row
    per data row that is not blank, in file order; :meth:`rows` gives what :meth:`LeakSource.rows` yields.
    """

    def __init__(self, source: LeakSource, table: Any, lines: Any) -> None:
        import polars as pl

        self.source = source
        headers = source.headers
        index = {name: headers.index(column) for name, column in source.mapping.items()}
        names = table.columns
        self.identity = table.select(
            [
                pl.col(names[index[name]]).str.strip_chars().fill_null("").alias(name)
                if name in index
                else pl.lit("").alias(name)
                for name in IDENTITY_FIELDS
            ]
        )
        self.lines = lines
        categorised = [(position, source.column_categories.get(header, "")) for position, header in enumerate(headers)]
        self._categorised = [(names[position], category) for position, category in categorised if category]
        per_row = index.get("categories")
        self._per_row = names[per_row] if per_row is not None else None
        self._table = table
        self._interned: dict[tuple[str, ...], tuple[str, ...]] = {}

    @property
    def height(self) -> int:
        return int(self.identity.height)

    def rows(self, positions: list[int]) -> list[Row]:
        """``(line, identity cells, categories)`` of the rows at ``positions``, as ``LeakSource.rows`` gives them."""
        identity = self.identity[positions].rows()
        columns = [column for column, _category in self._categorised]
        wanted = columns + ([self._per_row] if self._per_row else [])
        cells = self._table[positions].select(wanted).rows() if wanted else [()] * len(positions)
        found: list[Row] = []
        for position, values, row in zip(positions, identity, cells, strict=True):
            exposed = {
                category for (_c, category), cell in zip(self._categorised, row, strict=False) if cell and cell.strip()
            }
            if self._per_row and row[-1] and row[-1].strip():
                exposed.update(parse_categories(row[-1])[0])
            key = tuple(sorted(exposed))
            found.append((int(self.lines[position]), values, self._interned.setdefault(key, key)))
        return found


def row_traits(line: int, identity: tuple[str, ...]) -> Traits:
    """The traits of a leaked row from its identity cells (``IDENTITY_FIELDS`` order)."""
    birth, usage, given, sex, born, nir, postcode = identity
    return traits(line, birth_name=birth, usage_name=usage, given_names=given, birth_date=born, sex=sex, nir=nir,
                  postcode=postcode)  # fmt: skip


def identity_cells(identity: tuple[str, ...]) -> dict[str, str]:
    """The identity cells of a row by field name (only those with a value), for showing the row."""
    return {name: value for name, value in zip(IDENTITY_FIELDS, identity, strict=True) if value}


def read_leak(
    source: Source,
    mapping: dict[str, str] | None = None,
    column_categories: dict[str, str] | None = None,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    every: int = 10_000,
) -> LeakFile:
    """Every leaked row's traits and exposed categories, all in memory; raises ``ImportError_`` if unreadable."""
    leak = LeakSource(source, mapping, column_categories)
    result = LeakFile(headers=leak.headers, mapping=leak.mapping, column_categories=leak.column_categories,
                      format=leak.importer.format)  # fmt: skip
    total = leak.estimated_rows
    with bulk():
        for count, (line, identity, categories) in enumerate(leak.rows(), start=1):
            result.traits.append(row_traits(line, identity))
            result.categories.append(categories)
            if progress is not None and count % every == 0:
                progress(count, total)
    result.unreadable = leak.unreadable
    if progress is not None:
        progress(len(result.traits), len(result.traits))
    return result
