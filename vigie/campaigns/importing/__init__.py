"""Reading, validating and de-duplicating the list of persons affected by a breach.

Pure Python: no Django model, no database; the caller stores what comes out (encrypted) and shows the
report. Three formats, recognised by their content rather than their extension:

- CSV separated by ``;``, ``,`` or tabs, in UTF-8 (with or without BOM), UTF-16 with BOM, or cp1252 /
  latin-1 (a BOM means UTF-8; else strict UTF-8; else cp1252, line by line when a file mixes both);
- XLSX, read with python-calamine (formulas are never evaluated: a formula cell gives its cached value,
  a cell starting with ``=`` is text);
- FHIR R4: a Bundle of Patient resources (FR Core: INS identifiers, birth place), a single Patient, or
  NDJSON (one Patient per line, as FHIR bulk export writes it, read as a stream).

The API agreed with the campaigns side:

    importer = Importer(path, mapping)          # mapping: field → column; None = guess_mapping(headers)
    for chunk in importer:                      # lists of at most chunk_size valid, de-duplicated Persons
        store(chunk)
    report = importer.report                    # complete once the chunks are exhausted
    for line, fields in report.amendments.items():   # channels filled from a later duplicate
        update(line, fields)

    fmt, headers = sniff(path)                  # for the column-mapping screen
    mapping = guess_mapping(headers)            # French headers and practice-software exports

Every data row ends up in exactly one of: valid (yielded, possibly with warnings), invalid (at least one
entry in ``report.errors``, not yielded) or duplicate (merged into an earlier valid row, listed in
``report.merged``): ``rows == valid + invalid + duplicates``. Blank lines are not rows.

What makes a row invalid: no name at all; too little to identify the person (a name alone, without
given name, birth date or NIR); an identity trait that is given but wrong (NIR key or structure, impossible
birth date); a cell over ``MAX_CELL`` characters or with control characters. What is only a warning: an
unusable channel (bad e-mail, phone or address) — the person may still be reached otherwise — a person
with no usable channel at all (to complete, or to inform by public communication), an unknown sex or
category, a NIR inconsistent with the sex or birth date (the NIR column often holds the insured parent's
number), a partial birth date.

De-duplication uses the normalised strict identity traits (birth name, first given name, birth date, sex;
``Person.identity_key``), never the NIR, which children share with a parent. The first row is kept; its
empty channels (e-mail, phone, address, NIR, used name, categories) are filled from the duplicate. When the
kept person was already yielded in an earlier chunk, the filled fields are listed in
``report.amendments[kept_line]`` for the caller to apply after the loop.

The package is split into:

- ``base``: the shared types (``Person``, ``RowError``, ``ImportReport``, ``ImportError_``) and field lists;
- ``sources``: the limits, format sniffing, encoding detection, CSV text lines and XLSX rows;
- ``headers``: unique column names, header normalisation, ``guess_mapping`` and ``parse_categories``;
- ``fhir``: the FHIR mapping and the conversion of a Patient resource into a row;
- ``importer``: the ``Importer`` (validation, de-duplication, chunks), ``sniff`` and ``read_persons``.
"""

from __future__ import annotations

from .base import FIELD_LABELS_FR, FIELDS, ImportError_, ImportReport, Person, RowError
from .headers import guess_mapping, normalise_header, parse_categories
from .importer import Importer, read_persons, sniff
from .sources import CHUNK_SIZE, MAX_BYTES, MAX_CELL, MAX_FHIR_JSON_BYTES, Source

__all__ = [
    "CHUNK_SIZE",
    "FIELDS",
    "FIELD_LABELS_FR",
    "MAX_BYTES",
    "MAX_CELL",
    "MAX_FHIR_JSON_BYTES",
    "ImportError_",
    "ImportReport",
    "Importer",
    "Person",
    "RowError",
    "Source",
    "guess_mapping",
    "normalise_header",
    "parse_categories",
    "read_persons",
    "sniff",
]
