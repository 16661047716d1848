"""Editable DOCX versions of the documents (python-docx), laid out like the PDFs.

python-docx writes text as XML text nodes, escaped: a value cannot add markup to the file. Characters XML 1.0
forbids (control characters) are dropped first, since they would make the file unreadable.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BRAND = RGBColor(0x1F, 0x4E, 0x8C)
SOFT = RGBColor(0x5F, 0x5F, 0x5F)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _FORBIDDEN.sub("", text)


def _run(
    paragraph: Any, text: str, *, bold: bool = False, size: float | None = None, color: RGBColor | None = None
) -> Any:
    run = paragraph.add_run(clean(text))
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _page_number(paragraph: Any) -> None:
    """« Page N sur M » with Word fields, so that the numbers follow the edits."""
    _run(paragraph, "Page ", size=8, color=SOFT)
    for index, code in enumerate(("PAGE", "NUMPAGES")):
        if index:
            _run(paragraph, " sur ", size=8, color=SOFT)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), code)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)


def _letterhead(document: Any, head: dict[str, Any], logo: bytes | None) -> None:
    if logo:
        document.add_picture(io.BytesIO(logo), height=Mm(16))
    paragraph = document.add_paragraph()
    _run(paragraph, head["name"], bold=True, size=13, color=BRAND)
    for line in [*head["lines"], " · ".join(head["contact"]), " · ".join(head["ids"])]:
        if line:
            paragraph.add_run().add_break()
            _run(paragraph, line, size=8.5, color=SOFT)


def _blocks(document: Any, blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        if block["type"] == "h":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(8)
            paragraph.paragraph_format.keep_with_next = True
            _run(paragraph, block["text"], bold=True, size=11.5, color=BRAND)
        elif block["type"] == "list":
            for item in block["items"]:
                document.add_paragraph(clean(item), style="List Bullet")
        elif block["type"] == "field":
            label = document.add_paragraph()
            label.paragraph_format.keep_with_next = True
            label.paragraph_format.space_after = Pt(0)
            _run(label, block["label"], bold=True, size=9.5, color=SOFT)
            value = document.add_paragraph()
            for index, line in enumerate(block["text"].split("\n")):
                if index:
                    value.add_run().add_break()
                _run(value, line)
        else:
            paragraph = document.add_paragraph(clean(block["text"]))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def docx(doc: dict[str, Any], *, logo: bytes | None = None) -> bytes:
    """The document as a DOCX file (A4, letterhead, page numbers)."""
    document = new_docx()
    document.core_properties.title = clean(doc["title"])[:255]
    document.core_properties.author = clean(doc["letterhead"]["name"])[:255]
    document.core_properties.language = "fr-FR"
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5 if doc["layout"] == "report" else 11)
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(15), Mm(22)
    footer = section.footer.paragraphs[0]
    _run(footer, doc["letterhead"]["name"][:80] + "    ", size=8, color=SOFT)
    _page_number(footer)

    _letterhead(document, doc["letterhead"], logo)
    if doc["layout"] == "letter":
        # The address block, indented to the window of a DL envelope (110 mm from the paper's left edge).
        address = document.add_paragraph()
        address.paragraph_format.left_indent = Mm(90)
        address.paragraph_format.space_before = Pt(36)
        address.paragraph_format.space_after = Pt(36)
        if doc.get("mention"):
            _run(address, doc["mention"].upper(), bold=True, size=9.5)
            address.add_run().add_break()
            address.add_run().add_break()
        for index, line in enumerate(doc["recipient"]):
            if index:
                address.add_run().add_break()
            _run(address, line)
        place = document.add_paragraph(clean(doc["place_date"]))
        place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for label, value in doc["references"]:
            _run(document.add_paragraph(), f"{label} : {value}", size=9, color=SOFT)
        subject = document.add_paragraph()
        _run(subject, f"Objet : {doc['subject']}", bold=True)
    else:
        title = document.add_paragraph()
        _run(title, doc["title"], bold=True, size=17, color=BRAND)
        if doc["subtitle"]:
            _run(document.add_paragraph(), doc["subtitle"], size=10.5, color=SOFT)
        if doc["subject"]:
            _run(document.add_paragraph(), f"Objet : {doc['subject']}", bold=True)
        if doc["references"]:
            table = document.add_table(rows=0, cols=2)
            for label, value in doc["references"]:
                cells = table.add_row().cells
                _run(cells[0].paragraphs[0], label, size=9, color=SOFT)
                _run(cells[1].paragraphs[0], value, size=9.5)
    for part in doc["sections"]:
        if part["title"]:
            heading = document.add_paragraph()
            heading.paragraph_format.space_before = Pt(12)
            heading.paragraph_format.keep_with_next = True
            _run(heading, part["title"], bold=True, size=12.5, color=BRAND)
        _blocks(document, part["blocks"])
    if doc["signature"]:
        signature = document.add_paragraph()
        signature.paragraph_format.left_indent = Mm(95) if doc["layout"] == "letter" else Mm(0)
        signature.paragraph_format.space_before = Pt(14)
        for index, line in enumerate(doc["signature"]):
            if index:
                signature.add_run().add_break()
            _run(signature, line)
    if doc["enclosures"]:
        _run(document.add_paragraph(), "P. J. : " + " ; ".join(doc["enclosures"]), size=9)
    if doc["footnote"]:
        _run(document.add_paragraph(), doc["footnote"], size=8.5, color=SOFT)
    _run(document.add_paragraph(), doc["generated"], size=8, color=SOFT)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
