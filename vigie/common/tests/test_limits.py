"""The upload limits: the setting, the refusals' wording, line reading and the XLSX inspection's edge cases."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter

from vigie.common.limits import LimitExceeded, UploadLimits, check_xlsx, parse_setting, read_line, with_overrides


def test_the_setting_overrides_the_named_limits_and_refuses_unknown_names() -> None:
    assert parse_setting("rows=2_000_000, xlsx_cells=4000000") == {"rows": 2_000_000, "xlsx_cells": 4_000_000}
    assert with_overrides({"rows": 5}).rows == 5 and with_overrides({"rows": 5}).columns == UploadLimits().columns
    assert parse_setting("") == {}
    with pytest.raises(ValueError, match="unknown upload limit"):
        parse_setting("lines=10")
    with pytest.raises(ValueError, match="positive"):
        parse_setting("rows=0")


def test_a_refusal_names_the_limit_in_french_with_its_value() -> None:
    error = LimitExceeded("file_bytes", found=300 * 2**20, value=200 * 2**20)
    assert str(error) == "Fichier trop volumineux (300 Mo) : la limite est de 200 Mo."
    assert error.limit == "file_bytes"


@pytest.mark.parametrize("file", [io.BytesIO(b"abc\r\n" + b"x" * 10), io.StringIO("abc\r\n" + "x" * 10)])
def test_a_line_at_the_limit_is_read_and_a_longer_one_refused_without_reading_it_whole(file: io.IOBase) -> None:
    limits = with_overrides({"line_chars": 3})
    assert read_line(file, limits, number=1) in (b"abc\r\n", "abc\r\n")
    with pytest.raises(LimitExceeded, match="Ligne 2 trop longue"):
        read_line(file, limits, number=2)
    assert file.tell() <= 5 + 5  # at most the limit and a line end were read


def workbook(rows: int = 3) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet()
    for row in range(rows):
        sheet.write_row(row, 0, ["Dupont", "Jean", "12/03/1985"])
    book.close()
    return output.getvalue()


def test_an_ordinary_workbook_passes_the_inspection() -> None:
    check_xlsx(workbook(), UploadLimits())
    with pytest.raises(LimitExceeded) as refused:
        check_xlsx(workbook(rows=20), with_overrides({"rows": 10}))
    assert refused.value.limit == "rows"


def _with_sheet(xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    return output.getvalue()


@pytest.mark.parametrize(
    "cells",
    [
        b'<x:row r="1"><x:c r="A1"/></x:row><x:row r="1048576"><x:c r="XFD1048576"/></x:row>',  # prefixed names
        b'<row r="1"><c r="A1"/><c t="s" r="XFD1"/></row><row r="1048576"><c r="A1048576"/></row>',  # r not first
        b"<row>" + b"<c/>" * 20_000 + b"</row>" * 1 + b"<row/>" * 200,  # no references: counted one by one
    ],
)
def test_the_cell_range_is_measured_however_the_cells_are_written(cells: bytes) -> None:
    sheet = b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    with pytest.raises(LimitExceeded) as refused:
        check_xlsx(_with_sheet(sheet + cells + b"</sheetData></worksheet>"), UploadLimits())
    assert refused.value.limit in ("xlsx_cells", "columns")
