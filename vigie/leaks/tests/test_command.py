"""``vigie leak match``: MATCHES.csv from the files the importer reads, counts in JSON, a result linked to a breach."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigie.audit.models import AuditEvent
from vigie.breaches.models import Breach
from vigie.campaigns import services as campaign_services
from vigie.leaks.models import LeakMatching, LeakPair

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("leak", *args, stdout=out)
    return out.getvalue()


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_matches_csv_gives_one_line_per_leaked_row_with_a_candidate(
    files: Callable[..., tuple[Path, Path]], tmp_path: Path
) -> None:
    patients, leak = files()
    output = tmp_path / "MATCHES.csv"
    counts = json.loads(run("match", str(patients), str(leak), "--output", str(output), "--json"))
    rows = [line.split(";") for line in lines(output)]
    assert rows[0] == ["leak_line", "patient_line", "score", "decision"]
    # Physical lines, the header being line 1 in both files.
    assert [(leak_line, patient_line, decision) for leak_line, patient_line, _score, decision in rows[1:]] == [
        ("2", "2", "match"), ("3", "3", "match"), ("5", "5", "match"), ("6", "6", "review"),
    ]  # fmt: skip
    assert all(0 <= float(score) <= 1 for *_rest, score, _decision in rows[1:])
    assert counts == {"rows": 6, "match": 3, "review": 1, "none": 2, "patients": 6, "patients_invalid": 0}
    assert AuditEvent.objects.filter(action="leak.match_files").count() == 1


def test_an_xlsx_leak_and_a_multiline_patient_row_keep_their_physical_lines(
    files: Callable[..., tuple[Path, Path]], tmp_path: Path
) -> None:
    import xlsxwriter

    from vigie.leaks.tests.conftest import LEAK, LEAK_HEADER, PATIENTS

    quoted = PATIENTS[0].replace("3 rue Nationale", '"3 rue Nationale\nBâtiment B"')
    patients, _ = files(patients=[quoted, *PATIENTS[1:]])
    book = tmp_path / "fuite.xlsx"
    workbook = xlsxwriter.Workbook(str(book))
    sheet = workbook.add_worksheet()
    for number, line in enumerate([LEAK_HEADER, *LEAK]):
        sheet.write_row(number, 0, line.split(";"))
    workbook.close()
    output = tmp_path / "m.csv"
    run("match", str(patients), str(book), "--output", str(output))
    found = {tuple(line.split(";")[:2]) for line in lines(output)[1:]}
    # The first patient's record spans lines 2 and 3 of the base: the next patient starts on line 4.
    assert ("2", "2") in found and ("3", "4") in found


def test_a_mapping_given_on_the_command_line_replaces_the_guess(
    files: Callable[..., tuple[Path, Path]], tmp_path: Path
) -> None:
    patients, leak = files()
    output = tmp_path / "m.csv"
    mapping = json.dumps({"birth_name": "prenom", "given_names": "nom", "birth_date": "ddn"})
    counts = json.loads(
        run("match", str(patients), str(leak), "--output", str(output), "--json", "--leak-mapping", mapping)
    )
    assert counts["match"] >= 3  # every column read the other way round: the swapped names are tried too


def test_the_result_is_linked_to_a_breach_with_the_persons_of_a_campaign(
    files: Callable[..., tuple[Path, Path]], tmp_path: Path, breach: Breach
) -> None:
    patients, leak = files()
    campaign, _report = campaign_services.import_path(breach, patients)
    output = tmp_path / "m.csv"
    counts = json.loads(run("match", str(leak), "--campaign", str(campaign.pk), "--output", str(output), "--json"))
    matching = LeakMatching.objects.get(pk=counts["matching"])
    assert matching.breach == breach and matching.source_campaign == campaign and matching.status == "ready"
    assert {(pair.leak_line, pair.patient_line) for pair in LeakPair.objects.filter(matching=matching)} == {
        (2, 2),
        (3, 3),
        (5, 5),
        (6, 6),
    }
    assert lines(output)[1:] == [f"{p.leak_line};{p.patient_line};{p.score:.4f};{p.decision}"
                                 for p in LeakPair.objects.filter(matching=matching).order_by("leak_line")]  # fmt: skip


def test_a_breach_can_be_given_with_both_files(
    files: Callable[..., tuple[Path, Path]], tmp_path: Path, breach: Breach
) -> None:
    patients, leak = files()
    out = run("match", str(patients), str(leak), "--breach", str(breach.pk), "--output", str(tmp_path / "m.csv"))
    assert "3 patients retrouvés, 1 à vérifier" in out
    assert LeakMatching.objects.get(breach=breach).counts["match"] == 3


def test_wrong_arguments_are_refused_with_a_reason(files: Callable[..., tuple[Path, Path]], tmp_path: Path) -> None:
    patients, leak = files()
    with pytest.raises(CommandError, match="PATIENTS_FILE LEAK_FILE"):
        run("match", str(leak), "--output", str(tmp_path / "m.csv"))
    with pytest.raises(CommandError, match="introuvable"):
        run("match", str(patients), str(tmp_path / "absent.csv"), "--output", str(tmp_path / "m.csv"))
    image = tmp_path / "image.csv"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(CommandError, match="image PNG"):
        run("match", str(patients), str(image), "--output", str(tmp_path / "m.csv"))
