"""The one way Vigie writes CSV and XLSX: every text cell that a spreadsheet would run as a formula is
neutralised (OWASP "CSV injection"), whoever typed it — a patient's name, a bounce reason, an activity.

A cell starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe: Excel and LibreOffice
show it as text and never evaluate it (``=HYPERLINK("http://evil.example","X")`` in the mail house's
manifest would otherwise be a link). Numbers are written as they are. Every export goes through
:func:`csv_writer` or :func:`workbook` and :func:`write_text`; ``test_formula_cells`` feeds hostile values
through each of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe, so it stays text."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_cell(value: Any) -> Any:
    """A text value neutralised; numbers and ``None`` unchanged (a negative number is a number, not a formula)."""
    return neutralise(value) if isinstance(value, str) else value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """``csv.writer`` with every text cell neutralised; ``writerow`` returns what the file's ``write`` returns
    (a line, for a streamed response)."""

    def __init__(self, file: _Writable, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: _Writable, *, delimiter: str = ";", lineterminator: str = "\r\n") -> SafeWriter:
    """The CSV writer of every export: ``;`` and CRLF, as French Excel expects them."""
    return SafeWriter(file, delimiter=delimiter, lineterminator=lineterminator)


def workbook(output: io.BytesIO) -> Any:
    """An in-memory xlsxwriter workbook that never turns a string into a formula, a link or a number."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )


def write_text(sheet: Any, row: int, col: int, text: str, cell_format: Any = None) -> None:
    """Write a text cell, neutralised."""
    sheet.write_string(row, col, neutralise(text), cell_format)
