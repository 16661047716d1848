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


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run from the command line closes the database connections when it ends (Django's
    ``run_from_argv``); in-process, that would close the test's own transaction on PostgreSQL."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


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


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (None, ["    start               Démarrer l'envoi.", "    recover             Relancer les envois interrompus (exécuteur tué)."]),
        ("en", ["    start               Start sending.", "    recover             Restart the interrupted sendings (killed worker)."]),
    ],
)  # fmt: skip
def test_the_help_of_a_command_follows_the_environment_variable(
    tmp_path: Path, language: str | None, lines: list[str]
) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "VIGIE_LANGUAGE"}
    environment.update(
        VIGIE_DATA_DIR=str(tmp_path), COLUMNS="100", **({"VIGIE_LANGUAGE": language} if language else {})
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "vigie.cli", "campaign", "--help"],
        env=environment, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    for line in lines:
        assert line in done.stdout.splitlines()


def _help_texts(command: str) -> dict[str, str]:
    """Every help text of a command (its description, each argument's and each subcommand's, at any depth),
    by where it is, leaving out the options Django gives every command."""
    import argparse

    from django.core.management import get_commands, load_command_class
    from django.core.management.base import BaseCommand

    django_options = {action.dest for action in BaseCommand().create_parser("vigie", "x")._actions}
    texts: dict[str, str] = {}

    def walk(parser: argparse.ArgumentParser, where: str) -> None:
        if parser.description:
            texts[where] = str(parser.description)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    texts[f"{where} {choice.dest}"] = str(choice.help)
                for name, sub in action.choices.items():
                    walk(sub, f"{where} {name}")
            elif action.help and action.help != argparse.SUPPRESS and action.dest not in django_options:
                texts[f"{where} {action.dest}"] = str(action.help)

    walk(load_command_class(get_commands()[command], command).create_parser("vigie", command), command)
    return texts


VIGIE_COMMANDS = ["api", "audit", "breach", "campaign", "compliance", "demo", "document", "hds", "incident", "leak", "org", "serve", "worker"]  # fmt: skip


@pytest.mark.parametrize("command", VIGIE_COMMANDS)
def test_every_help_text_of_vigie_commands_is_in_english_and_in_french(command: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        english = _help_texts(command)
    with translation.override("fr"):
        french = _help_texts(command)

    assert english.keys() == french.keys()
    assert len(english) > 1
    same = {where: text for where, text in english.items() if french[where] == text}
    assert same == ({"leak match files": "[PATIENTS_FILE] LEAK_FILE"} if command == "leak" else {})
