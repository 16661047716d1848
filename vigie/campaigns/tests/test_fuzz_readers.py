"""Property tests of the readers of untrusted input: the patient-list importer (CSV, XLSX, FHIR JSON), the
leaked-file and patient-base readers of a matching, the facts reader of the decision core and the dossier reader. Whatever the input, each either reads it or refuses
it with its own error — never another exception, never a broken count.

Brief in the suite (``VIGIE_FUZZ_EXAMPLES``, 25 by default); ``bench/fuzz_readers.py`` runs them at length.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigie.campaigns.importing import Importer, ImportError_
from vigie.documents.dossier import validate_dossier
from vigie.documents.tests.builders import dossier
from vigie.leaks.reading import LeakSource, read_patients
from vigie.risk import FactsError, parse_facts

EXAMPLES = int(os.environ.get("VIGIE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FACTS = json.loads((Path(__file__).resolve().parents[3] / "docs/examples/cabinet-rancongiciel.json").read_text())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=30,
)
cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["Dupont", "Jean", "12/03/1985", "1 85 03 75 111 222 03", '="x"', "a;b", '"', "\r\n", "\x00", "é"]
)


def read_all(source: bytes) -> None:
    """Read a file as an import does; the only error allowed is ImportError_, and the counts must add up."""
    try:
        importer = Importer(source, today=date(2026, 1, 1))
        persons = [person for chunk in importer for person in chunk]
    except ImportError_ as error:
        assert str(error)
        return
    report = importer.report
    assert report.rows == report.valid + report.invalid + report.duplicates
    assert len(persons) == report.valid


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused(data: bytes) -> None:
    read_all(data)


@FUZZ
@given(
    st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=12),
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_any_csv_is_read_or_refused(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["Nom", "Prénom", "Date de naissance"], *rows])  # a test input
    read_all(out.getvalue().encode(encoding, errors="replace"))


@FUZZ
@given(st.lists(st.lists(cells, max_size=5), min_size=1, max_size=8), st.binary(max_size=200))
def test_any_workbook_is_read_or_refused(rows: list[list[str]], noise: bytes) -> None:
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})  # a test input
    sheet = book.add_worksheet()
    for number, row in enumerate([["Nom", "Prénom", "Date de naissance"], *rows]):
        for col, value in enumerate(row):
            sheet.write_string(number, col, value.replace("\x00", ""))
    book.close()
    read_all(output.getvalue())
    with zipfile.ZipFile(output, "a") as archive:  # a stray part, and damaged bytes at the end
        archive.writestr("xl/extra.xml", noise)
    read_all(output.getvalue() + noise)


@FUZZ
@given(st.lists(json_values, max_size=5), st.booleans())
def test_any_fhir_bundle_or_ndjson_is_read_or_refused(resources: list[Any], ndjson: bool) -> None:
    patients = [
        {"resourceType": "Patient", **(value if isinstance(value, dict) else {"name": value})} for value in resources
    ]
    if ndjson:
        read_all("\n".join(json.dumps(patient) for patient in patients).encode())
    else:
        read_all(json.dumps({"resourceType": "Bundle", "entry": [{"resource": p} for p in patients]}).encode())


@FUZZ
@given(st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=12), st.sampled_from([";", ","]))
def test_any_leaked_file_or_patient_base_is_read_or_refused(rows: list[list[str]], delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["Nom", "Prénom", "Date de naissance", "NIR"], *rows])
    data = out.getvalue().encode()
    try:
        leak = LeakSource(data)
        by_lines = list(leak.rows())
        assert len(by_lines) + leak.unreadable <= len(rows) + 1
        frame = LeakSource(data).frame()  # the C reader, where it reads the file as the line reader does
        assert frame is None or frame.rows(list(range(frame.height))) == by_lines
    except ImportError_ as error:
        assert str(error)
    try:
        read_patients(data)
    except ImportError_ as error:
        assert str(error)


def _mutated(base: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    target: Any = data
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target, dict) else target
    if isinstance(target, dict):
        target[path[-1]] = value
    return data


def _paths(data: dict[str, Any], prefix: list[str] | None = None) -> list[list[str]]:
    prefix = prefix or []
    found = []
    for key, value in data.items():
        found.append([*prefix, key])
        if isinstance(value, dict):
            found += _paths(value, [*prefix, key])
    return found


@FUZZ
@given(st.sampled_from(_paths(FACTS)), json_values)
def test_the_facts_reader_reads_or_lists_problems(path: list[str], value: Any) -> None:
    try:
        parse_facts(_mutated(FACTS, path, value))
    except FactsError as error:
        assert error.problems


@FUZZ
@given(st.dictionaries(st.text(max_size=15), json_values, max_size=6))
def test_the_facts_reader_refuses_anything_else(data: dict[str, Any]) -> None:
    try:
        parse_facts(data)
    except FactsError as error:
        assert error.problems


DOSSIER = dossier()


@FUZZ
@given(st.sampled_from(_paths(DOSSIER)), json_values)
def test_the_dossier_reader_lists_problems_and_never_raises(path: list[str], value: Any) -> None:
    problems = validate_dossier(_mutated(DOSSIER, path, value))
    assert all(problem.message for problem in problems)


@FUZZ
@given(json_values)
def test_the_dossier_reader_takes_any_json(value: Any) -> None:
    assert isinstance(validate_dossier(value), list)
