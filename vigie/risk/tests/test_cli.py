"""``vigie assess``: JSON and French text on standard output, problems on standard error with status 2."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vigie.risk import assess, parse_facts
from vigie.risk.cli import main
from vigie.risk.tests.builders import facts_dict

ROOT = Path(__file__).resolve().parents[3]
NOW = "2025-01-15T10:00:00+01:00"
GP_RANSOMWARE = facts_dict(
    nature={"types": ["confidentiality", "availability"], "origin": "ransomware", "malicious": True},
    confidentiality={"exfiltration": "confirmed", "recipient": "malicious"},
)


def flat(text: str) -> str:
    """The report without its line wrapping."""
    return re.sub(r"\n +", " ", text)


def write(tmp_path: Path, data: Any, name: str = "facts.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_json_output_is_the_assessment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main([write(tmp_path, GP_RANSOMWARE), "--now", NOW, "--format", "json"])
    out, err = capsys.readouterr()

    assert (status, err) == (0, "")
    expected = assess(
        parse_facts(GP_RANSOMWARE), now=parse_facts({**GP_RANSOMWARE, "became_aware_at": NOW}).became_aware_at
    )
    assert json.loads(out) == json.loads(json.dumps(expected.to_dict()))
    assert json.loads(out)["notify_data_subjects"] is True


def test_json_is_the_default_when_stdout_is_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([write(tmp_path, GP_RANSOMWARE), "--now", NOW]) == 0
    assert json.loads(capsys.readouterr().out)["risk"] == "high"


def test_text_output_starts_with_the_french_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main([write(tmp_path, GP_RANSOMWARE), "--now", NOW, "--format", "text"])
    out = flat(capsys.readouterr().out)

    assert status == 0
    assert out.startswith("Décision\u00a0: notifier la CNIL et informer chaque personne concernée.")
    assert "SE = DPC × EI + CB = 4 × 1 + 1 = 5" in out
    assert "Échéance\u00a0: jeudi 16 janvier 2025 à 08 h 40 (heure de Paris), il reste 22 heures et 40 minutes." in out
    assert "Raisons" in out


def test_text_output_counts_the_delay_once_late(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([write(tmp_path, GP_RANSOMWARE), "--now", "2025-01-17T09:41:00+01:00", "--format", "text"])
    out = flat(capsys.readouterr().out)

    assert "en retard de 1 jour, 1 heure et 1 minute." in out
    assert "motifs du retard" in out


def test_facts_can_come_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(GP_RANSOMWARE)))

    assert main(["-", "--now", NOW, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["notify_authority"] is True


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        (facts_dict(nature={"origin": "ransomeware"}), [], "nature.origin: 'ransomeware' is not one of ["),
        (facts_dict(persons={"count": -1}), [], "persons.count: -1 is less than the minimum of 0"),
        (facts_dict(data={"colour": "red"}), [], "data.colour: unknown key"),
        ('{"became_aware_at": "2025-01-13T08:40:00+01:00",\n  "nature": }', [], "invalid JSON at line 2, column 13"),
        ("[1, 2]", [], ": expected a JSON object, got an array"),
        (GP_RANSOMWARE, ["--now", "demain"], "--now: Invalid isoformat string"),
        (GP_RANSOMWARE, ["--now", "2025-01-15T10:00:00"], "--now: '2025-01-15T10:00:00' has no UTC offset"),
        (GP_RANSOMWARE, ["--format", "pdf"], "arguments: argument --format: invalid choice"),
    ],
)
def test_invalid_input_exits_2_with_one_line_per_problem_and_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, args: list[str], expected: str
) -> None:
    status = main([write(tmp_path, content), *args])
    out, err = capsys.readouterr()

    assert status == 2
    assert out == ""
    assert any(expected in line for line in err.splitlines()), err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "absent.json"

    assert main([str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{missing}: cannot read the file")


def test_module_run_refuses_an_invalid_file(tmp_path: Path) -> None:
    path = write(tmp_path, facts_dict(nature={"origin": "ransomeware"}, persons={"count": -5}))
    run = subprocess.run(
        [sys.executable, "-m", "vigie.risk", "assess", path, "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        line for line in run.stderr.splitlines() if line.startswith(("nature.origin: ", "persons.count: "))
    ]
    assert len(run.stderr.splitlines()) == 2


def test_the_core_and_its_command_load_no_django() -> None:
    # The pure packages: the decision core, identity normalisation and the leak-matching core.
    code = (
        "import sys, vigie.risk, vigie.risk.cli, vigie.identity, vigie.linkage; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)

    assert run.stdout.strip() == "False"


def test_english_output_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main([write(tmp_path, GP_RANSOMWARE), "--now", NOW, "--format", "text", "--lang", "en"])
    out = flat(capsys.readouterr().out)

    assert status == 0
    assert out.startswith("Decision: notify the CNIL and inform each person concerned.")
    assert "Due: Thursday 16 January 2025 at 08:40 (Paris time), 22 hours and 40 minutes left." in out
    assert "Likelihood significant × severity maximum (loss of the data or of access to them)." in out
    assert "Décision" not in out


def test_english_json_renders_the_texts_in_english_and_keeps_the_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([write(tmp_path, GP_RANSOMWARE), "--now", NOW, "--format", "json", "--lang", "en"]) == 0
    out = json.loads(capsys.readouterr().out)

    assert out["decision"].startswith("Decision:")
    assert out["obligations"][0]["title"] == "Record the breach in the breach register"
    assert out["i18n"]["decision"]["id"] == "decision.individual"
    assert (out["axes"]["likelihood"], out["axes"]["severity"]) == ("significant", "maximum")


def test_help_documents_the_facts_of_schema_v2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out

    for fact in ("incident_detected_at", "processor_informed_at", "nature.certainty", "data.media",
                 "data.special_extent", "data.key_compromised", "confidentiality.accessed",
                 "confidentiality.recipient_bound_by_secrecy", "--lang"):  # fmt: skip
        assert fact in out


def test_help_is_in_english_with_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "--help"]) == 0
    out = capsys.readouterr().out

    assert "Assess a personal-data breach" in out
    assert "recipient bound by professional secrecy" in out
    assert "Évaluer" not in out
