"""Reading the two files through the list reader: leaked rows as they are, categories per column and row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vigie.leaks import matching, reading


def test_leaked_rows_are_read_as_they_are_even_where_an_import_would_refuse_them(
    files: Callable[..., tuple[Path, Path]],
) -> None:
    _patients, leak = files(leak=["D1;Lefevre;Helene;31/02/1970;F;270045935012399;59000;;",
                                  "D2;;;;;;;;", "D3;Dupont;;;;;;;"])  # fmt: skip
    read = reading.read_leak(leak)
    assert [record.line for record in read.traits] == [2, 3, 4]  # a row without identity is still a row
    first = read.traits[0]
    assert (first.year, first.month, first.day, first.nir) == (1970, 2, 31, "2700459350123")


def test_each_leaked_row_exposes_the_categories_of_its_filled_columns(files: Callable[..., tuple[Path, Path]]) -> None:
    _patients, leak = files()
    read = reading.read_leak(leak)
    assert read.column_categories == {"id_dossier": "", "nom": "identity", "prenom": "identity", "ddn": "birth_date",
                                      "sexe": "identity", "nss": "national_id", "cp": "contact", "examen": "health",
                                      "resultat": "health"}  # fmt: skip
    assert read.categories[0] == ("birth_date", "contact", "health", "identity", "national_id")
    assert read.categories[1] == ("birth_date", "contact", "identity")  # no exam on that line, no NIR


def test_categories_chosen_by_the_user_replace_the_guess(files: Callable[..., tuple[Path, Path]]) -> None:
    _patients, leak = files()
    read = reading.read_leak(leak, column_categories={"nom": "identity", "resultat": "genetic"})
    assert read.categories[0] == ("genetic", "identity")


def test_the_patient_base_is_read_once_per_identity_and_keeps_the_lines_the_import_would_refuse(
    files: Callable[..., tuple[Path, Path]],
) -> None:
    from vigie.leaks.tests.conftest import PATIENTS

    wrong_key = PATIENTS[0].replace("270045935012332", "270045935012399")
    patients, _leak = files(
        patients=[wrong_key, PATIENTS[1], PATIENTS[1].replace("Dupont", "DUPONT"), ";;Paul;M;;;;;;"]
    )
    base = reading.read_patients(patients)
    assert [record.line for record in base.traits] == [2, 3]
    assert (base.rows, base.duplicates, base.invalid) == (4, 1, 1)
    assert base.traits[0].nir == "2700459350123"  # the NIR's key is wrong: its 13 characters still compare


def test_a_fhir_patient_base_is_read_through_the_importer(
    tmp_path: Path, files: Callable[..., tuple[Path, Path]]
) -> None:
    import json

    bundle = {"resourceType": "Bundle", "entry": [{"resource": {
        "resourceType": "Patient", "gender": "female", "birthDate": "1970-04-03",
        "name": [{"use": "official", "family": "Lefèvre", "given": ["Hélène"]}]}}]}  # fmt: skip
    path = tmp_path / "patients.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    _patients, leak = files()
    outcome = matching.run(reading.read_patients(path), reading.LeakSource(leak))
    assert [(r.leak_line, r.patient_line, r.decision) for r in outcome.results] == [(2, 1, "match")]


def test_matching_in_two_processes_gives_the_same_results(
    files: Callable[..., tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matching, "CHUNK_ROWS", 2)  # three chunks, shared out between the processes
    patients, leak = files()
    base = reading.read_patients(patients)
    serial = matching.run(base, reading.LeakSource(leak))
    parallel = matching.run(base, reading.LeakSource(leak), processes=2)
    assert [(r.leak_line, r.patient_line, r.decision) for r in parallel.results] == [
        (r.leak_line, r.patient_line, r.decision) for r in serial.results
    ]
    assert parallel.counts() == serial.counts() == {"rows": 6, "match": 3, "review": 1, "none": 2}
    assert [item.cells for item in parallel.found] == [item.cells for item in serial.found]
    assert parallel.found[0].cells == {"birth_name": "LEFEVRE", "given_names": "HELENE", "sex": "2",
                                       "birth_date": "04/03/1970", "nir": "2700459350123", "postcode": "59000"}  # fmt: skip


@pytest.mark.parametrize("name", ["fuite.json"])
def test_a_leaked_file_must_be_csv_or_xlsx(tmp_path: Path, name: str) -> None:
    from vigie.campaigns.importing import ImportError_

    path = tmp_path / name
    path.write_text('{"resourceType": "Bundle", "entry": []}', encoding="utf-8")
    with pytest.raises(ImportError_, match="CSV ou un classeur XLSX"):
        reading.read_leak(path)
