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
    monkeypatch.setattr(reading.LeakSource, "frame", lambda self: None)  # the line reader's path (XLSX, quotes…)
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


# --- The leaked file read at once by the C reader (LeakSource.frame) ---------------------------------------------


def _rows_both_ways(source: Path | bytes) -> tuple[list[reading.Row], list[reading.Row]]:
    by_lines = list(reading.LeakSource(source).rows())
    frame = reading.LeakSource(source).frame()
    assert frame is not None
    return by_lines, frame.rows(list(range(frame.height)))


def test_the_c_reader_gives_the_rows_lines_and_categories_the_line_reader_gives(tmp_path: Path) -> None:
    from vigie.leaks.tests.conftest import LEAK, LEAK_HEADER

    lines = ["", LEAK_HEADER, LEAK[0], "", ";;;;;;;;", LEAK[1], "D009;Brûlé;Zoé", *LEAK[2:], "D010;Éric;;;;;;;;;extra"]
    for encoding, newline in (("utf-8", "\n"), ("cp1252", "\r\n"), ("utf-8-sig", "\n")):
        path = tmp_path / f"leak-{encoding}.csv"
        path.write_bytes((newline.join(lines) + newline).encode(encoding))
        by_lines, by_frame = _rows_both_ways(path)
        assert by_frame == by_lines, encoding
        assert [line for line, _identity, _categories in by_frame] == [3, 6, 7, 8, 9, 10, 11, 12]
    assert by_frame[2] == (7, ("Brûlé", "", "Zoé", "", "", "", ""), ("identity",))  # a short row, padded
    utf16 = tmp_path / "leak-utf-16.csv"
    utf16.write_bytes("\n".join(lines).encode("utf-16"))
    assert reading.LeakSource(utf16).frame() is None and list(reading.LeakSource(utf16).rows()) == by_lines


def test_the_c_reader_takes_the_width_from_the_header_not_from_the_first_row() -> None:
    data = b"nom;prenom;ddn\nDupont\nMartin;Paul;01/01/1990;x;y\n"
    by_lines, by_frame = _rows_both_ways(data)
    assert by_frame == by_lines
    assert [identity[:5] for _line, identity, _c in by_frame] == [
        ("Dupont", "", "", "", ""),
        ("Martin", "", "Paul", "", "01/01/1990"),
    ]


def test_the_c_reader_reads_from_bytes_in_memory(files: Callable[..., tuple[Path, Path]]) -> None:
    _patients, leak = files()
    assert _rows_both_ways(leak.read_bytes())[1] == _rows_both_ways(leak)[0]


def test_what_the_c_reader_would_read_otherwise_is_left_to_the_line_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigie.leaks.tests.conftest import LEAK, LEAK_HEADER

    quoted = tmp_path / "quoted.csv"
    quoted.write_text("\n".join([LEAK_HEADER, '"D001";"LEFEVRE";"HELENE\nMARIE";;;;;;', *LEAK[1:]]), encoding="utf-8")
    assert reading.LeakSource(quoted).frame() is None
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join([LEAK_HEADER, *LEAK]), encoding="utf-8")
    assert reading.LeakSource(plain).frame() is not None
    monkeypatch.setattr(reading, "FRAME_BYTES", 100)  # a larger file streams through the line reader
    assert reading.LeakSource(plain).frame() is None
    assert [line for line, _i, _c in reading.LeakSource(quoted).rows()][:2] == [2, 4]  # a cell over two lines


def test_a_line_over_the_limit_is_never_given_to_the_c_reader_and_the_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigie.campaigns.importing import ImportError_, importer
    from vigie.common import limits
    from vigie.leaks.tests.conftest import LEAK, LEAK_HEADER

    monkeypatch.setattr(importer, "current", lambda: limits.with_overrides({"line_chars": 200, "columns": 20}))
    for bad in ("D007;" + "X" * 300 + ";Paul;;;;;;", "D008" + ";" * 30):
        path = tmp_path / "leak.csv"
        path.write_text("\n".join([LEAK_HEADER, *LEAK, bad]) + "\n", encoding="utf-8")
        source = reading.LeakSource(path)
        assert source.frame() is None
        with pytest.raises(ImportError_):
            list(source.rows())


def test_matching_through_the_c_reader_gives_what_the_line_reader_gives(
    files: Callable[..., tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    patients, leak = files()
    base = reading.read_patients(patients)
    fast = matching.run(base, reading.LeakSource(leak))
    monkeypatch.setattr(reading.LeakSource, "frame", lambda self: None)
    slow = matching.run(base, reading.LeakSource(leak))
    assert [(f.result, f.cells, f.categories) for f in fast.found] == [
        (f.result, f.cells, f.categories) for f in slow.found
    ]
    assert fast.counts() == slow.counts() and fast.counts()["match"] >= 3
