"""Reading the file: size limits, recognising the format by its first bytes, detecting the text encoding
(BOM, strict UTF-8, else cp1252), decoding CSV lines and guessing the delimiter, and reading XLSX rows with
python-calamine (cells as text, Excel serial dates)."""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO

from django.utils.translation import gettext_noop as _

from vigie.common.limits import LimitExceeded, UploadLimits, check, check_xlsx, read_line

from .base import ImportError_

# The limits are in vigie.common.limits (``VIGIE_UPLOAD_LIMITS``); these are their defaults, for reference.
MAX_BYTES = UploadLimits.file_bytes
MAX_FHIR_JSON_BYTES = UploadLimits.json_bytes  # a JSON Bundle is parsed whole; larger lists come as NDJSON or CSV
MAX_CELL = 1000  # characters; a longer cell is refused (hostile or broken export)
CHUNK_SIZE = 5000


# --- Reading the bytes --------------------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG", _("This file is a PNG image, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"%PDF", _("This file is a PDF document, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"\xff\xd8\xff", _("This file is a JPEG image, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"GIF8", _("This file is a GIF image, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"\x1f\x8b", _("This file is a gzip archive, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"\x7fELF", _("This file is a program, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"MZ", _("This file is a Windows program, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"Rar!", _("This file is a RAR archive, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (b"7z\xbc\xaf", _("This file is a 7-Zip archive, not a list of patients (CSV, XLSX or FHIR JSON).")),
    (
        b"\xd0\xcf\x11\xe0",
        _(
            "This file is an old Excel workbook (.xls) or Office document: save it as .xlsx or .csv; it is not a list of patients (CSV, XLSX or FHIR JSON)."
        ),
    ),
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
        raise ImportError_(_("Unreadable file: %(error)s."), {"error": str(error.strerror or error)}) from None


def _size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    try:
        return Path(source).stat().st_size
    except OSError as error:
        raise ImportError_(_("Unreadable file: %(error)s."), {"error": str(error.strerror or error)}) from None


def _kind(source: Source, limits: UploadLimits) -> str:
    """``"csv"``, ``"xlsx"``, ``"fhir"`` or ``"ndjson"`` from the first bytes; raise on anything else."""
    try:
        check("file_bytes", _size(source), limits)
    except LimitExceeded as error:
        raise ImportError_(str(error)) from None
    with _open(source) as file:
        sample = file.read(_SAMPLE)
    body = sample.removeprefix(_UTF8_BOM)
    if not body.strip():
        raise ImportError_(_("The file is empty."))
    if sample.startswith(b"PK\x03\x04"):
        return "xlsx"
    for magic, what in _MAGIC:
        if sample.startswith(magic):
            raise ImportError_(what)
    if sample.startswith(_UTF16_BOMS):
        return "csv"
    if sum(byte < 9 or 13 < byte < 32 for byte in sample) > len(sample) // 100:
        raise ImportError_(_("Unreadable binary file: it is neither a CSV file, nor an XLSX workbook, nor FHIR JSON."))
    stripped = body.lstrip()
    if stripped.startswith((b"{", b"[")):
        first_line = stripped.split(b"\n", 1)[0]
        try:
            first = json.loads(first_line)
        except (ValueError, RecursionError):  # too deep: the reader refuses it by its depth
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
            while block := file.read(1 << 20):
                newlines += block.count(b"\n")
            return "utf-16", newlines
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


def _text_lines(source: Source, encoding: str, limits: UploadLimits) -> Iterator[str]:
    """The lines of the file decoded; a mixed file is decoded line by line, UTF-8 first, else cp1252.

    No line longer than ``line_chars`` is ever held whole: it is refused (:class:`ImportError_`) instead.
    """
    try:
        if encoding != "utf-8+cp1252":
            codec = "cp1252" if encoding == "cp1252" else encoding
            with _open(source) as raw, io.TextIOWrapper(raw, encoding=codec, errors="vigie-latin1", newline="") as text:
                number = 1
                while line := read_line(text, limits, number=number):
                    yield line
                    number += 1
            return
        with _open(source) as raw:
            number = 1
            while binary := read_line(raw, limits, number=number):
                try:
                    yield binary.decode("utf-8")
                except UnicodeDecodeError:
                    yield binary.decode("cp1252", errors="vigie-latin1")
                number += 1
    except LimitExceeded as error:
        raise ImportError_(str(error)) from None


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])  # ties go to ; then tab (French exports)
    return best if counts[best] else ";"


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


def _workbook_rows(
    source: Source, limits: UploadLimits, *, inspect: bool = True
) -> tuple[Iterator[tuple[int, list[object]]], int]:
    """The rows of the first visible, non-empty sheet and its height; ``inspect=False`` when the archive
    already passed :func:`check_xlsx` (calamine holds a whole sheet: a bomb is refused before it opens it)."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        if inspect:
            with _open(source) as raw:
                check_xlsx(raw, limits)
        if isinstance(source, bytes):
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            workbook = CalamineWorkbook.from_path(str(source))
        for index, meta in enumerate(workbook.sheets_metadata):
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height and meta.visible == SheetVisibleEnum.Visible:
                break
        else:
            raise ImportError_(_("The workbook has no sheet with data."))
    except LimitExceeded as error:
        if error.limit == "zip_broken":
            raise ImportError_(
                _("Unreadable XLSX workbook (damaged or encrypted archive): save it again, or as CSV.")
            ) from None
        raise ImportError_(str(error)) from None
    except CalamineError:
        raise ImportError_(_("Unreadable XLSX workbook: save it again, or as CSV.")) from None
    except (OSError, ValueError) as error:
        raise ImportError_(_("Unreadable XLSX workbook: %(error)s."), {"error": str(error)}) from None

    def rows() -> Iterator[tuple[int, list[object]]]:
        # calamine yields rows from the first row of the sheet (leading empty rows included).
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, list(row)

    return rows(), sheet.total_height
