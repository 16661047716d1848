"""The command line's language: ``VIGIE_LANGUAGE`` (fr by default, or en) for every ``vigie`` command's messages;
the JSON output keeps its keys whatever the language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigie.cli import main


def vigie(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["vigie", *args])
    return capsys.readouterr().out


def test_a_command_speaks_french_by_default_and_english_when_asked(db, settings, capsys) -> None:
    assert vigie(capsys, "breach", "list") == "Aucune violation.\n"

    settings.VIGIE_LANGUAGE = "en"
    assert vigie(capsys, "breach", "list") == "No breach.\n"
    assert vigie(capsys, "org", "list") == (
        "No organisation yet. Create one with: vigie org create NAME --kind KIND --owner EMAIL\n"
    )


def test_the_json_output_keeps_its_keys_in_english_and_in_french(org, settings, capsys) -> None:
    french = json.loads(vigie(capsys, "org", "list", "--json"))
    settings.VIGIE_LANGUAGE = "en"
    english = json.loads(vigie(capsys, "org", "list", "--json"))

    assert english == french
    assert set(english[0]) == {"id", "name", "kind", "siret", "finess", "members", "created_at"}


def test_the_table_headings_follow_the_language(org, settings, capsys) -> None:
    assert vigie(capsys, "org", "list").splitlines()[0].split() == ["N°", "Nom", "Type", "SIRET", "Membres"]
    settings.VIGIE_LANGUAGE = "en"
    assert vigie(capsys, "org", "list").splitlines()[0].split() == ["ID", "Name", "Kind", "SIRET", "Members"]


@pytest.mark.parametrize(
    ("language", "message"),
    [(None, "Lecture impossible : "), ("fr", "Lecture impossible : "), ("en", "Cannot read: ")],
)
def test_the_environment_variable_sets_the_language_of_the_vigie_command(
    tmp_path: Path, language: str | None, message: str
) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "VIGIE_LANGUAGE"}
    environment.update(VIGIE_DATA_DIR=str(tmp_path), **({"VIGIE_LANGUAGE": language} if language else {}))
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "vigie.cli", "document", "letter", str(tmp_path / "absent.json"), "-o", "x.pdf"],
        env=environment, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert done.returncode == 2
    assert done.stderr.startswith("CommandError: " + message), done.stderr


def test_an_unknown_language_is_refused_at_start(tmp_path: Path) -> None:
    environment = {**os.environ, "VIGIE_DATA_DIR": str(tmp_path), "VIGIE_LANGUAGE": "de"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "vigie.cli", "check"], env=environment, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip

    assert done.returncode != 0
    assert "VIGIE_LANGUAGE must be one of fr, en, not 'de'." in done.stderr
