"""The importer: sniffs a file on creation, then reads, validates and de-duplicates its rows into chunks of
``Person`` while filling the report; with the ``sniff`` and ``read_persons`` shortcuts."""

from __future__ import annotations

import copy
import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from vigie.common.limits import LimitExceeded, UploadLimits, check, check_json, current, read_line
from vigie.identity import (
    Invalid,
    PartialDate,
    clean,
    format_address,
    identity_key,
    parse_birth_date,
    parse_email,
    parse_nir,
    parse_phone,
    parse_sex,
    split_compound_name,
)

from .base import _ADDRESS_FIELDS, FIELDS, ImportError_, ImportReport, Person, RowError
from .fhir import _FHIR_MAPPING, _patient
from .headers import _unique, guess_mapping, parse_categories
from .sources import (
    CHUNK_SIZE,
    MAX_CELL,
    Source,
    _cell_text,
    _delimiter,
    _excel_date,
    _kind,
    _open,
    _scan_text,
    _size,
    _text_lines,
    _workbook_rows,
)

# --- The importer -------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    ``today`` bounds birth dates (the caller's clock; defaults to the system date). ``limits`` bound the work
    (``vigie.common.limits``; defaults to the settings): a file over one is refused with :class:`ImportError_`,
    on creation when the limit can be seen without reading the rows, else while they are read.
    """

    def __init__(
        self,
        source: Source,
        mapping: dict[str, str] | None = None,
        *,
        chunk_size: int = CHUNK_SIZE,
        progress: Callable[[int, int | None], None] | None = None,
        today: date | None = None,
        limits: UploadLimits | None = None,
    ) -> None:
        self.source = source
        self.limits = limits or current()
        self.chunk_size = max(1, chunk_size)
        self.progress = progress
        self.today = today or date.today()
        self.report = ImportReport()
        self.headers: list[str] = []
        self._total: int | None = None
        self._header_line = 1
        self._chunks: Iterator[list[Person]] | None = None
        kind = _kind(source, self.limits)
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
        self._check("rows", newlines)
        lines = _text_lines(self.source, encoding, self.limits)
        number = 0
        for number, line in enumerate(lines, start=1):  # noqa: B007 - used after the loop
            if line.strip().strip(";,\t\"'"):
                break
        else:
            raise ImportError_("Le fichier est vide : aucune ligne d'en-tête ni de données.")
        lines.close()  # type: ignore[attr-defined]
        self._header_line = number
        self.report.delimiter = _delimiter(line)
        try:
            header = next(csv.reader([line], delimiter=self.report.delimiter), [])
        except csv.Error as error:  # a stray carriage return inside the header line (found by fuzzing)
            raise ImportError_(f"Ligne d'en-tête illisible ({error}).") from None
        self._check("columns", len(header))
        self.headers = _unique(header)

    def _open_xlsx(self) -> None:
        rows, total = _workbook_rows(self.source, self.limits)
        for number, row in rows:
            if any(_cell_text(value).strip() for value in row):
                self._header_line = number
                self.headers = _unique([_cell_text(value) for value in row])
                break
        else:
            raise ImportError_("Le classeur est vide.")
        self._total = max(total - self._header_line, 0)
        self.report.encoding = "xlsx"

    def _check(self, limit: str, found: int) -> None:
        try:
            check(limit, found, self.limits)
        except LimitExceeded as error:
            raise ImportError_(str(error)) from None

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

    @property
    def header_line(self) -> int:
        """The physical line of the header (the first non-blank line of a CSV file or row of a sheet)."""
        return self._header_line

    @property
    def estimated_rows(self) -> int | None:
        """The number of data rows as far as known before reading (line count), for a progress bar."""
        return self._total

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

    def cells(self) -> Iterator[tuple[int, list[str]]]:
        """Every data row of a CSV or XLSX file as text, not validated: ``(physical line, cells)``.

        Cells are in the order of ``headers`` (short rows padded); the mapped birth-date column of a workbook
        gives its date as ISO text even when the cell lost its date format. For files whose rows must be read
        as they are (a leaked file: a wrong NIR key or a swapped date is evidence there, not an error). An
        unreadable CSV line is counted in ``report.rows`` and ``report.errors``.
        """
        if self._kind == "csv":
            yield from self._csv_rows()
        elif self._kind == "xlsx":
            yield from self._xlsx_rows()
        else:
            raise ImportError_("Un fichier FHIR se lit patient par patient : utilisez un CSV ou un classeur XLSX.")

    # -- a file split by the caller (``vigie.incidents``: one leaked file, one part per controller)

    def part(self) -> Importer:
        """An importer for one part of this file's rows: same format, headers and mapping, a report of its own.
        Feed it with ``persons(records)``; its de-duplication sees only its own rows."""
        other = copy.copy(self)
        other.report = ImportReport(
            format=self.report.format, encoding=self.report.encoding, delimiter=self.report.delimiter,
            mapping=dict(self.report.mapping),
        )  # fmt: skip
        other._chunks = None
        return other

    def persons(self, records: Iterable[tuple[int, dict[str, str]]]) -> Iterator[list[Person]]:
        """Validate and de-duplicate rows read elsewhere (``(line, {field: cell})``, as from ``cells()``)."""
        return self._persons(records)

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.headers)
        lines = _text_lines(self.source, self.report.encoding, self.limits)
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
            self._check("columns", len(row))
            if len(row) < width:
                row += [""] * (width - len(row))
            yield line, row

    def _csv_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        fields, indexes = self._columns()
        for line, row in self._csv_rows():
            yield line, {name: row[index] for name, index in zip(fields, indexes, strict=True)}

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        date_column = self.headers.index(self.mapping["birth_date"]) if "birth_date" in self.mapping else -1
        width = len(self.headers)
        rows, _total = _workbook_rows(self.source, self.limits, inspect=False)
        for number, row in rows:
            if number <= self._header_line:
                continue
            if len(row) < width:
                row += [""] * (width - len(row))
            cells = [(_excel_date if index == date_column else _cell_text)(value) for index, value in enumerate(row)]
            if any(cell.strip() for cell in cells):
                yield number, cells

    def _xlsx_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        fields, indexes = self._columns()
        for number, cells in self._xlsx_rows():
            yield number, {name: cells[index] for name, index in zip(fields, indexes, strict=True)}

    def _fhir_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        self._check("json_bytes", _size(self.source))
        with _open(self.source) as raw:
            data = raw.read()
        try:
            check_json(data, self.limits)
            document = json.loads(data)
        except LimitExceeded as error:
            raise ImportError_(str(error)) from None
        except (ValueError, RecursionError):
            raise ImportError_("JSON illisible : le fichier n'est pas un document FHIR valide.") from None
        del data
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
        self._check("rows", len(entries))
        for index, entry in enumerate(entries, start=1):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            record = self._fhir_record(index, resource)
            if record is not None:
                yield index, record

    def _ndjson_records(self) -> Iterator[tuple[int, dict[str, str]]]:
        with _open(self.source) as raw:
            number = 0
            while True:
                number += 1
                self._check("rows", number - 1)
                try:
                    line = read_line(raw, self.limits, number=number)
                except LimitExceeded as error:
                    raise ImportError_(str(error)) from None
                if not line:
                    break
                if not line.strip():
                    continue
                try:
                    check_json(line, self.limits)  # a line too deep or too large is an error, the others are read
                    resource = json.loads(line)
                except LimitExceeded as error:
                    self.report.rows += 1
                    self._row_error(number, "", f"ligne NDJSON refusée : {error}")
                    continue
                except (ValueError, RecursionError):
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
            if usage_name:
                warnings.append(
                    RowError(line, column("birth_name"), "nom séparé en nom de naissance et nom d'usage (née, épouse)")
                )
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
                if email.lower() != raw_email.lower():
                    warnings.append(RowError(line, column("email"), "courriel normalisé (écriture corrigée)"))
                if checked_email.warnings:
                    warnings.extend(RowError(line, column("email"), text) for text in checked_email.warnings)
            except Invalid as error:
                warnings.append(RowError(line, column("email"), str(error)))

        phone = ""
        for name in ("mobile", "phone"):
            if not (raw_phone := get(name, "").strip()):
                continue
            if phone:
                warnings.append(RowError(line, column(name), "second numéro non retenu : un seul téléphone est gardé"))
                continue
            try:
                parsed = parse_phone(raw_phone)
            except Invalid as error:
                warnings.append(RowError(line, column(name), str(error)))
            else:
                phone = parsed.e164
                warnings.extend(RowError(line, column(name), text) for text in parsed.warnings)

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
                for text in address.warnings:
                    where = column("postcode") if "code postal" in text and column("postcode") else column("address1")
                    warnings.append(RowError(line, where, text))
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
