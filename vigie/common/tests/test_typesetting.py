"""The one typst call: values arrive as data, PNG gives the first page, the process-wide compiler and the
child process typeset the same document."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from vigie.common.typesetting import compile_pdf, query

TEMPLATE = """#set page(width: 10cm, height: 5cm)
#let data = json(bytes(sys.inputs.at("data")))
#for line in data [
  #line <line>
  #pagebreak(weak: true)
]
"""


def _template(tmp_path: Path) -> Path:
    path = tmp_path / "t.typ"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


def test_values_print_as_written_and_each_page_is_laid_out(tmp_path: Path) -> None:
    inputs = {"data": '["#set text(red) $x$", "deux"]'}
    pdf = compile_pdf(_template(tmp_path), inputs)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 2
    assert "#set text(red) $x$" in pages[0].extract_text()


def test_png_is_the_first_page_and_reuse_gives_the_same_document(tmp_path: Path) -> None:
    template = _template(tmp_path)
    inputs = {"data": '["un", "deux"]'}
    png = compile_pdf(template, inputs, fmt="png", ppi=30)
    assert png.startswith(b"\x89PNG")
    assert compile_pdf(template, inputs, reuse=True, fmt="png", ppi=30) == png


def test_a_query_in_a_child_process_finds_the_labelled_lines(tmp_path: Path) -> None:
    answer = query(_template(tmp_path), "<line>", {"data": '["un", "deux", "trois"]'}, field="text", isolated=True)
    assert '"trois"' in answer
