"""Limits on the files people upload, and the checks that enforce them before and while a file is read.

One upload must not take the server down during a breach, when it is needed most: every reader (patient
lists and leaked files in CSV, XLSX or FHIR JSON; the ANS list of HDS hosts; the letterhead logo) refuses a
file over a limit, in bounded memory, with a reason that names the limit. The defaults keep one import under
300 MB of memory (``docs/security.md``, "Hostile files"); ``VIGIE_UPLOAD_LIMITS`` overrides them
(``"rows=2000000,xlsx_cells=4000000"`` in the environment).

Django's settings and translations are used when Django is configured, else the defaults and the English
text (the benchmark and fuzzing scripts run without setting Django up).

- :func:`check_xlsx` inspects an XLSX archive before python-calamine opens it: number of entries, sizes and
  compression ratio declared by the archive, then every entry decompressed as a stream (a lying header is
  caught at the limit, not after it), refusing XML entity declarations (billion laughs) and any sheet whose
  cell range is larger than ``xlsx_cells`` (calamine allocates the whole rectangle: a 1 KB file naming cells
  A1 and XFD1048576 asks for 512 GB and aborts the process).
- :func:`read_line` reads one line of at most ``line_chars`` characters from a text or binary file without
  ever holding more (a single 200 MB line is refused after reading 1 MB).
- :func:`check_json` measures a JSON document before it is parsed: depth (without recursion) and number of
  values, which bound the memory of the parsed objects (``[{},{},…]`` is 36 times larger once parsed).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext

from vigie.risk.french import integer

MiB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """The limits, one per attribute; the names are those of ``VIGIE_UPLOAD_LIMITS``."""

    file_bytes: int = 200 * MiB  # a patient list or a leaked file, any format
    line_chars: int = 1_000_000  # one physical line of a CSV or NDJSON file
    rows: int = 1_000_000  # lines of a CSV or NDJSON file, rows of a sheet, entries of a FHIR Bundle
    columns: int = 1_000
    cell_chars: int = 32_767  # one XLSX cell (Excel's own maximum); a CSV field is bounded by its line
    zip_entries: int = 1_000  # files inside an XLSX archive (a workbook has about twenty)
    zip_entry_bytes: int = 256 * MiB  # one file of the archive, decompressed
    zip_total_bytes: int = 512 * MiB  # all of them
    zip_ratio: int = 100  # decompressed / compressed, for entries over 1 MB (a sheet is 5 to 20, a bomb 300+)
    xlsx_cells: int = 2_000_000  # rows × columns of a sheet's cell range, and cells (≈ 140,000 patients of 14 columns)
    json_bytes: int = 32 * MiB  # a FHIR Bundle, parsed whole (NDJSON is read line by line)
    json_depth: int = 64  # nesting of objects and arrays (a FHIR Patient needs 6)
    json_values: int = 2_000_000  # objects, arrays and values of one JSON document
    table_bytes: int = 20 * MiB  # the ANS list of HDS hosts (CSV or XLSX)
    image_bytes: int = 1 * MiB  # the letterhead logo
    image_pixels: int = 25_000_000  # width × height of the logo before it is scaled down


def current() -> UploadLimits:
    """The limits in force: the defaults, overridden by ``settings.VIGIE_UPLOAD_LIMITS`` when Django is set up."""
    overrides = getattr(settings, "VIGIE_UPLOAD_LIMITS", None) if settings.configured else None
    return with_overrides(overrides or {})


def with_overrides(overrides: dict[str, Any]) -> UploadLimits:
    """The default limits with some replaced; an unknown name or a value that is not a positive integer raises."""
    known = {field.name for field in fields(UploadLimits)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown upload limit(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    values = {name: int(value) for name, value in overrides.items()}
    if any(value <= 0 for value in values.values()):
        raise ValueError("upload limits must be positive integers")
    return replace(UploadLimits(), **values)


def parse_setting(text: str) -> dict[str, int]:
    """``"rows=2000000, xlsx_cells=4000000"`` (the environment variable) as a dict, checked."""
    pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError("VIGIE_UPLOAD_LIMITS is a comma-separated list of name=value")
    overrides = {name.strip(): int(value.strip().replace("_", "")) for name, value in pairs}
    with_overrides(overrides)
    return overrides


# --- Refusals ------------------------------------------------------------------------------------------------


def gettext_noop(text: str) -> str:
    return text


# Each refusal names the limit and its value; the French is in vigie/core/locale.
MESSAGES = {
    "file_bytes": gettext_noop("File too large (%(found)s MB): the limit is %(limit)s MB."),
    "line_chars": gettext_noop("Line %(line)s is too long (over %(limit)s characters): the limit is %(limit)s characters per line."),
    "rows": gettext_noop("Too many rows (%(found)s): the limit is %(limit)s rows; split the list into several files."),
    "columns": gettext_noop("Too many columns (%(found)s): the limit is %(limit)s columns."),
    "cell_chars": gettext_noop("A cell is too long (over %(limit)s characters): the limit is %(limit)s characters per cell."),
    "zip_entries": gettext_noop("Workbook refused: its archive holds %(found)s files, the limit is %(limit)s."),
    "zip_entry_bytes": gettext_noop("Workbook refused: one of its parts decompresses to more than %(limit)s MB (limit per part)."),
    "zip_total_bytes": gettext_noop("Workbook refused: it decompresses to more than %(limit)s MB (limit for the whole workbook)."),
    "zip_ratio": gettext_noop("Workbook refused: one of its parts is compressed %(found)s times, the limit is %(limit)s times (archive bomb?)."),
    "xlsx_cells": gettext_noop("Sheet too large: its cells span %(found)s rows × columns, the limit is %(limit)s; save it as CSV."),
    "xml_entities": gettext_noop("Workbook refused: it declares XML entities (DOCTYPE), which a spreadsheet never needs."),
    "zip_broken": gettext_noop("Workbook refused: its archive is damaged or encrypted."),
    "json_bytes": gettext_noop("JSON document too large (%(found)s MB): the limit is %(limit)s MB; export it as NDJSON (one Patient per line) or CSV."),
    "json_depth": gettext_noop("JSON nested too deeply (over %(limit)s levels): the limit is %(limit)s levels."),
    "json_values": gettext_noop("JSON document with too many values (%(found)s): the limit is %(limit)s; export it as NDJSON or CSV."),
    "table_bytes": gettext_noop("File too large (%(found)s MB): the limit is %(limit)s MB."),
    "image_bytes": gettext_noop("The image is too large (%(found)s MB): the limit is %(limit)s MB."),
    "image_pixels": gettext_noop("The image is too large (%(found)s pixels): the limit is %(limit)s pixels."),
}  # fmt: skip


def _translate(text: str) -> str:
    return gettext(text) if settings.configured else text


def _number(value: int | float) -> str:
    # 1 000 000 with narrow no-break spaces (French and SI); a fraction of a megabyte keeps two decimals.
    return integer(value) if value >= 1 or value == 0 else f"{value:.2f}"


class LimitExceeded(ValueError):
    """A file over a limit; ``str(error)`` is the reason (translated), ``limit`` the name of the limit."""

    def __init__(self, limit: str, *, found: int | float | None = None, value: int | None = None, line: int = 0):
        self.limit = limit
        megabytes = limit.endswith("bytes")
        scale = MiB if megabytes else 1
        values = {
            "limit": _number((value or 0) / scale),
            "found": _number((found or 0) / scale),
            "line": _number(line),
        }
        super().__init__(_translate(MESSAGES[limit]) % values)


def check(limit: str, found: int | float, limits: UploadLimits) -> None:
    """Raise :class:`LimitExceeded` when ``found`` is over the limit named ``limit``."""
    value = getattr(limits, limit)
    if found > value:
        raise LimitExceeded(limit, found=found, value=value)


# --- Text lines ----------------------------------------------------------------------------------------------


def read_line(file: IO[Any], limits: UploadLimits, *, number: int) -> Any:
    """The next line of ``file`` (``str`` or ``bytes``, empty at the end), never longer than ``line_chars``.

    ``readline(n)`` stops after ``n`` characters, so a 200 MB line costs 1 MB of memory before its refusal.
    """
    line = file.readline(limits.line_chars + 2)  # the line and its end (\r\n)
    if (
        len(line) > limits.line_chars
        and len(line.rstrip(b"\r\n" if isinstance(line, bytes) else "\r\n")) > limits.line_chars
    ):
        raise LimitExceeded("line_chars", value=limits.line_chars, line=number)
    return line


# --- XLSX archives -------------------------------------------------------------------------------------------

_CHUNK = 1 << 20
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# References: r="AB12" on a cell, r="12" on a row. Two plain patterns and byte counts, no per-cell Python:
# the scan costs about a second per 70 MB of sheet. Other attributes never end in r (ref, sqref, max…).
_COLUMN_REF = re.compile(rb'r="([A-Z]{1,4})')
_ROW_NUMBER = re.compile(rb'r="[A-Z]{0,4}(\d{1,9})"')
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/")  # prefixed names too (<x:c>, Open XML SDK)
_CELL_REFS = (b'<c r="', b':c r="')
_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b":row ", b":row>", b":row/")
_ROW_REFS = (b'<row r="', b':row r="')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _Extent:
    """What one part of the archive spans, as calamine will allocate it: the largest row and column
    referenced, plus the rows and cells without a reference (calamine numbers them one after another)."""

    max_row: int = 0
    max_column: int = 0
    loose_rows: int = 0
    loose_cells: int = 0
    cells: int = 0  # cell elements: calamine keeps each one, even when they all claim the same reference
    has_rows: bool = False

    def add(self, xml: bytes) -> None:
        columns = set(_COLUMN_REF.findall(xml))
        if columns:
            self.max_column = max(self.max_column, *map(_column_number, columns))
        numbers = _ROW_NUMBER.findall(xml)
        if numbers:
            self.max_row = max(self.max_row, *map(int, set(numbers)))
        rows = sum(map(xml.count, _ROW_TAGS))
        self.has_rows = self.has_rows or rows > 0
        self.loose_rows += max(rows - sum(map(xml.count, _ROW_REFS)), 0)
        cells = sum(map(xml.count, _CELL_TAGS))
        self.cells += cells
        self.loose_cells += max(cells - sum(map(xml.count, _CELL_REFS)), 0)

    @property
    def rows(self) -> int:
        return self.max_row + self.loose_rows if self.has_rows else 0

    @property
    def columns(self) -> int:
        # Conservative: the unreferenced cells could all be on one row.
        return self.max_column + self.loose_cells if self.has_rows else 0


def check_xlsx(source: Path | str | bytes | IO[bytes], limits: UploadLimits) -> None:
    """Refuse an XLSX archive over a limit before python-calamine reads it; cost: one streamed decompression.

    Raises :class:`LimitExceeded`; a damaged archive raises it too (``zip_broken``) rather than ``BadZipFile``.
    """
    import io

    file = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            check("zip_entries", len(entries), limits)
            check("zip_total_bytes", sum(entry.file_size for entry in entries), limits)
            for entry in entries:
                check("zip_entry_bytes", entry.file_size, limits)
                if entry.file_size > MiB:
                    check("zip_ratio", entry.file_size // max(entry.compress_size, 1), limits)
            total = 0
            for entry in entries:
                total += _scan_entry(archive, entry, limits, budget=limits.zip_total_bytes - total)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression method.
        raise LimitExceeded("zip_broken") from error


def _raw_blocks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry decompressed block by block from its compressed bytes, ignoring the size its headers claim
    (``ZipFile.open`` stops at the declared size, calamine does not: a lying header must not hide a bomb)."""
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or entry.flag_bits & 0x1:
        raise LimitExceeded("zip_broken")  # encrypted, or a method Excel never writes
    file = archive.fp
    assert file is not None
    file.seek(entry.header_offset)
    header = file.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise LimitExceeded("zip_broken")
    file.seek(
        entry.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    )
    left = entry.compress_size
    inflate = zlib.decompressobj(-zlib.MAX_WBITS) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0:
        compressed = file.read(min(left, 64 * 1024))
        if not compressed:
            break
        left -= len(compressed)
        if inflate is None:
            yield compressed
            continue
        data = inflate.decompress(compressed, _CHUNK)
        while data:
            yield data
            data = inflate.decompress(inflate.unconsumed_tail, _CHUNK) if inflate.unconsumed_tail else b""
        if inflate.eof:
            break
    if inflate is not None and (rest := inflate.flush()):
        yield rest


def _scan_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: UploadLimits, *, budget: int) -> int:
    """Decompress one entry as a stream, whatever size its header claims; return its real size."""
    size = 0
    carry = b""
    extent = _Extent()
    for block in _raw_blocks(archive, entry):
        size += len(block)
        if size > entry.file_size:  # the headers lied: a bomb hiding from the checks above
            raise LimitExceeded("zip_broken")
        if size > limits.zip_entry_bytes:
            raise LimitExceeded("zip_entry_bytes", value=limits.zip_entry_bytes)
        if size > budget:
            raise LimitExceeded("zip_total_bytes", value=limits.zip_total_bytes)
        data = carry + block
        cut = max(data.rfind(b"<"), 0)  # a tag is never split between two scans
        data, carry = data[:cut], data[cut:]
        if len(carry) > limits.cell_chars * 4 + 4096:  # a cell's text, at most 4 bytes per character
            raise LimitExceeded("cell_chars", value=limits.cell_chars)
        _scan_xml(data, extent, limits)
    _scan_xml(carry, extent, limits)
    return size


def _scan_xml(data: bytes, extent: _Extent, limits: UploadLimits) -> None:
    if _DOCTYPE.search(data):
        raise LimitExceeded("xml_entities")
    extent.add(data)
    check("xlsx_cells", max(extent.rows * extent.columns, extent.cells), limits)
    check("rows", extent.rows, limits)
    check("columns", extent.columns, limits)


# --- JSON ----------------------------------------------------------------------------------------------------

# A JSON string, possessive so that an unterminated one costs one pass, not one pass per quote.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\[\s\S])*+(?:"|\\?\Z)')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def check_json(data: bytes, limits: UploadLimits, *, size_limit: str = "json_bytes") -> None:
    """Refuse a JSON document too large, too deep or with too many values, before ``json.loads`` sees it."""
    check(size_limit, len(data), limits)
    structure = _JSON_STRING.sub(b'""', data)
    values = structure.count(b",") + structure.count(b"[") + structure.count(b"{") + 1
    check("json_values", values, limits)
    brackets = structure.translate(None, delete=_NOT_BRACKETS)
    if brackets and max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > limits.json_depth:
        raise LimitExceeded("json_depth", value=limits.json_depth)
