"""Reading generated files back, for assertions on what they say."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from pypdf import PdfReader


def normalise(text: str) -> str:
    """Spaces of every kind as one space, typographic apostrophes as straight ones."""
    text = text.replace("\u2019", "'")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return normalise(" ".join(page.extract_text() or "" for page in reader.pages))


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return normalise("\n".join(parts))


def docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")
