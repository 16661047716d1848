"""The hostile files: how each is made, which reader gets it, and what it must answer.

Every generator writes into a folder and returns the path; the big ones are written block by block (the
200 MB line is never in memory) and the XLSX bombs are deflate streams repeated, so that making the corpus
takes about a second. ``expected`` is a fragment of the French refusal, or ``None`` for a file that must be
read (hostile, but legitimate: mixed encodings).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str  # the file's name, its extension tells the format
    reader: str  # "import" (patient list), "leak" (leaked file, cell by cell), "hds" (ANS list), "logo"
    make: Callable[[Path], None]
    expected: str | None  # a fragment of the French refusal; None: the file is read
    what: str  # one line for docs/security.md


# --- XLSX, written by hand so that sizes and headers can lie ---------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Patients" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
_SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_SHEET_TAIL = b"</sheetData></worksheet>"


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _header_row() -> bytes:
    return b'<row r="1">' + _cell("A1", "Nom") + _cell("B1", "Prénom") + _cell("C1", "Date de naissance") + b"</row>"


@dataclass
class _Entry:
    name: str
    deflated: bytes  # raw deflate stream
    crc: int
    size: int  # real decompressed size
    declared: int | None = None  # the size the headers claim, when they lie


def _deflate(data: bytes) -> _Entry:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return _Entry("", packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def _repeated(head: bytes, block: bytes, times: int, tail: bytes) -> _Entry:
    """``head + block * times + tail`` deflated without ever building it: a full flush resets the dictionary,
    so the compressed block can be repeated as it is."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packed = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    block_crc_steps = times
    for _ in range(block_crc_steps):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return _Entry("", first + packed * times + last, crc, len(head) + len(block) * times + len(tail))


def _write_zip(path: Path, entries: list[_Entry]) -> None:
    local = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode()
        size = entry.size if entry.declared is None else entry.declared
        offset = len(local)
        fields = (20, 0, 8, 0, 0x21, entry.crc, len(entry.deflated), size & 0xFFFFFFFF, len(name), 0)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + name + entry.deflated
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))


def _xlsx(path: Path, sheet: _Entry, *, extra: list[_Entry] = ()) -> None:
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _RELS),
        ("xl/workbook.xml", _WORKBOOK),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
    ]
    entries = []
    for name, data in parts:
        entry = _deflate(data)
        entry.name = name
        entries.append(entry)
    sheet.name = "xl/worksheets/sheet1.xml"
    _write_zip(path, [*entries, sheet, *extra])


def _bomb_sheet(gigabytes: float) -> _Entry:
    block = _cell("A2", "x") * (MiB // len(_cell("A2", "x")))
    block = b'<row r="2">' + block + b"</row>"
    return _repeated(_SHEET_HEAD + _header_row(), block, int(gigabytes * 1024), _SHEET_TAIL)


def zip_bomb(path: Path) -> None:
    """A 3 MB workbook whose sheet decompresses to 1 GB, and says so in its headers."""
    _xlsx(path, _bomb_sheet(1))


def lying_zip_bomb(path: Path) -> None:
    """The same bomb, whose headers claim a sheet of 1 kB: only decompressing it tells the truth."""
    sheet = _bomb_sheet(1)
    sheet.declared = 1024
    _xlsx(path, sheet)


def dense_range(path: Path) -> None:
    """1 kB naming cells A1 and XFD1048576: calamine would allocate the rectangle between them (512 GB)."""
    rows = _header_row() + b'<row r="1048576">' + _cell("XFD1048576", "x") + b"</row>"
    _xlsx(path, _deflate(_SHEET_HEAD + rows + _SHEET_TAIL))


def tall_range(path: Path) -> None:
    """A header and one cell a million rows down, in three columns: 3 million cells of range."""
    rows = _header_row() + b'<row r="1000000">' + _cell("C1000000", "x") + b"</row>"
    _xlsx(path, _deflate(_SHEET_HEAD + rows + _SHEET_TAIL))


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>"
)


def billion_laughs(path: Path) -> None:
    """Nine levels of nested XML entities in the sheet: 10⁹ "lol" if a parser expanded them."""
    rows = b'<row r="1">' + _cell("A1", "Nom") + _cell("B1", "&lol9;") + b"</row>"
    _xlsx(path, _deflate(_LAUGHS + _SHEET_HEAD + rows + _SHEET_TAIL))


def laughs_in_shared_strings(path: Path) -> None:
    """The entities in another part of the archive (the shared strings), the sheet itself being clean."""
    strings = _deflate(
        _LAUGHS + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    )
    strings.name = "xl/sharedStrings.xml"
    _xlsx(path, _deflate(_SHEET_HEAD + _header_row() + _SHEET_TAIL), extra=[strings])


def many_entries(path: Path) -> None:
    """A workbook carrying 5,000 files."""
    extra = []
    for number in range(5000):
        entry = _deflate(b"<x/>")
        entry.name = f"xl/media/image{number}.xml"
        extra.append(entry)
    _xlsx(path, _deflate(_SHEET_HEAD + _header_row() + _SHEET_TAIL), extra=extra)


def huge_cell(path: Path) -> None:
    """One cell of a million characters that do not compress (Excel stops at 32,767)."""
    text = hashlib.shake_256(b"vigie").hexdigest(MiB // 2).encode()
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    _xlsx(path, _deflate(_SHEET_HEAD + _header_row() + row + _SHEET_TAIL))


def not_a_zip(path: Path) -> None:
    """The zip signature followed by garbage."""
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 64)


# --- CSV -------------------------------------------------------------------------------------------------


def single_line_200mb(path: Path) -> None:
    """A single line of 199 MB (under the 200 MB file limit), written 1 MB at a time."""
    block = b"x" * MiB
    with path.open("wb") as file:
        file.write(b"Nom;Pr\xc3\xa9nom\n")
        for _ in range(199):
            file.write(block)


def million_columns(path: Path) -> None:
    """A header of 1,000,000 columns (one character and a separator each)."""
    path.write_bytes(b"N" + b";" * 999_999 + b"\r\nDupont;Jean\r\n")


def too_many_lines(path: Path) -> None:
    """1,000,001 lines of two bytes."""
    with path.open("wb") as file:
        file.write(b"Nom;Prenom\n")
        file.write(b"a\n" * 1_000_001)


def nul_bytes(path: Path) -> None:
    """A CSV header followed by a megabyte of NUL bytes."""
    path.write_bytes(b"Nom;Pr\xc3\xa9nom\n" + b"\x00" * MiB)


def mixed_encodings(path: Path) -> None:
    """UTF-8, cp1252 and a UTF-8 BOM in the middle, line by line: read, each line in its own encoding."""
    lines = [
        "Nom;Prénom;Date de naissance".encode(),
        "Lefèvre;Hélène;12/03/1985".encode(),
        "Lefèvre;Zoé;01/02/1990".encode("cp1252"),
        b"\xef\xbb\xbfMartin;Ren\xc3\xa9;03/04/1975",
        "Cœur;Noël;05/06/1960".encode("cp1252"),
    ]
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")


def unterminated_quote(path: Path) -> None:
    """An opening quote never closed, then 5 MB: the CSV module would read it all as one field."""
    with path.open("wb") as file:
        file.write(b'Nom;Prenom\n"Dupont;')
        for _ in range(5):
            file.write((b"x" * 1023 + b"\n") * 1024)


# --- FHIR JSON -------------------------------------------------------------------------------------------


def deep_json(path: Path) -> None:
    """A Bundle whose first entry is 100,000 arrays deep."""
    path.write_bytes(b'{"resourceType": "Bundle", "entry": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}")


def empty_objects_json(path: Path) -> None:
    """30 MB of empty objects: 10 million dicts once parsed (over 1 GB)."""
    with path.open("wb") as file:
        file.write(b'{"resourceType": "Bundle", "entry": [{}')
        for _ in range(30):
            file.write(b",{}" * (MiB // 3))
        file.write(b"]}")


def big_json(path: Path) -> None:
    """A Bundle of 40 MB (one long string)."""
    with path.open("wb") as file:
        file.write(b'{"resourceType": "Bundle", "entry": [], "padding": "')
        for _ in range(40):
            file.write(b"x" * MiB)
        file.write(b'"}')


def deep_ndjson_line(path: Path) -> None:
    """NDJSON: a Patient, then a line 100,000 arrays deep (that line is an error, the Patient is read)."""
    patient = (
        b'{"resourceType": "Patient", "name": [{"family": "Dupont", "given": ["Jean"]}], "birthDate": "1980-01-01"}'
    )
    path.write_bytes(patient + b"\n" + b"[" * 100_000 + b"]" * 100_000 + b"\n")


# --- Images ----------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


def png_bomb(path: Path) -> None:
    """A 5 kB PNG of 50,000 × 50,000 pixels (2.5 gigapixels, 10 GB once decoded)."""
    header = struct.pack(">2L5B", 50_000, 50_000, 8, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\x00" * 50_001
    data = b"".join(packer.compress(row) for _ in range(100)) + packer.flush()
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")
    )


# --- HDS list --------------------------------------------------------------------------------------------


def hds_dense_range(path: Path) -> None:
    """The dense-range workbook, as the ANS list of HDS hosts."""
    dense_range(path)


def hds_too_large(path: Path) -> None:
    """A 25 MB CSV as the ANS list."""
    with path.open("wb") as file:
        file.write(b"Raison sociale;SIREN\n")
        for _ in range(25):
            file.write(b"a;b\n" * (MiB // 4))


CORPUS: list[Hostile] = [
    Hostile("zip_bomb.xlsx", "import", zip_bomb, "décompressé", "3 MB XLSX, sheet of 1 GB, declared"),
    Hostile("lying_zip_bomb.xlsx", "import", lying_zip_bomb, "illisible", "the same bomb, headers claiming 1 kB"),
    Hostile(
        "dense_range.xlsx", "import", dense_range, "Feuille trop grande", "cells A1 and XFD1048576: a 512 GB range"
    ),
    Hostile("tall_range.xlsx", "import", tall_range, "lignes × colonnes", "cells A1 and C1000000: 3 million cells"),
    Hostile("billion_laughs.xlsx", "import", billion_laughs, "entités XML", "nested XML entities in the sheet"),
    Hostile(
        "laughs_in_strings.xlsx",
        "leak",
        laughs_in_shared_strings,
        "entités XML",
        "nested XML entities in the shared strings",
    ),
    Hostile("many_entries.xlsx", "import", many_entries, "5\u202f005 fichiers", "an archive of 5,005 files"),
    Hostile("huge_cell.xlsx", "import", huge_cell, "Cellule trop longue", "one cell of 1,000,000 characters"),
    Hostile("not_a_zip.xlsx", "import", not_a_zip, "illisible", "zip signature, then garbage"),
    Hostile("single_line_200mb.csv", "import", single_line_200mb, "Ligne 2 trop longue", "one line of 199 MB"),
    Hostile("million_columns.csv", "leak", million_columns, "1\u202f000\u202f000", "a header of 1,000,000 columns"),
    Hostile("too_many_lines.csv", "import", too_many_lines, "Trop de lignes", "1,000,002 lines"),
    Hostile("nul_bytes.csv", "import", nul_bytes, "binaire", "a header, then 1 MB of NUL bytes"),
    Hostile("mixed_encodings.csv", "import", mixed_encodings, None, "UTF-8, cp1252 and a stray BOM, line by line"),
    Hostile("unterminated_quote.csv", "import", unterminated_quote, None, "a quote never closed, then 5 MB"),
    Hostile("deep.json", "import", deep_json, "imbriqué", "a Bundle 100,000 arrays deep"),
    Hostile("empty_objects.json", "import", empty_objects_json, "trop de valeurs", "30 MB of {}: 10 million objects"),
    Hostile("big.json", "import", big_json, "trop volumineux", "a 40 MB Bundle"),
    Hostile("deep_line.ndjson", "import", deep_ndjson_line, None, "NDJSON, one line 100,000 arrays deep"),
    Hostile("png_bomb.png", "logo", png_bomb, "pixels", "PNG of 50,000 × 50,000 pixels in 5 kB"),
    Hostile("hds_dense_range.xlsx", "hds", hds_dense_range, "Feuille trop grande", "the dense range as the ANS list"),
    Hostile("hds_too_large.csv", "hds", hds_too_large, "trop volumineux", "a 25 MB ANS list"),
]
BY_NAME = {hostile.name: hostile for hostile in CORPUS}
