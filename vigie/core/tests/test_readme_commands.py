"""The README's table of commands says what the commands take: every option it shows exists, and every option a
command requires is shown (``vigie campaign ledger`` refuses to run without ``--output``)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from vigie.risk import cli as risk_cli

README = Path(__file__).resolve().parents[3] / "README.md"


def _snippets() -> list[str]:
    table = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `vigie ")]
    assert len(table) >= 10
    return [snippet for line in table for snippet in re.findall(r"`(vigie [^`]+)`", line.split(" | ")[0])]


def _parser(words: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The argparse parser of ``vigie WORDS…`` (down to the sub-command), and the words that named it."""
    name = words[0]
    if name == "assess":
        return risk_cli._parser("en"), ["assess"]
    parser = load_command_class(get_commands()[name], name).create_parser("vigie", name)
    used = [name]
    for word in words[1:]:
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        choices = {key: sub for action in subparsers for key, sub in action.choices.items()}
        # « start|pause|resume » names several sub-commands: the first stands for them.
        first = word.split("|")[0].replace("\\", "")
        if first not in choices:
            break
        parser, used = choices[first], [*used, word]
    return parser, used


@pytest.mark.parametrize("snippet", _snippets())
def test_each_command_of_the_readme_table_matches_its_parser(snippet: str) -> None:
    words = snippet.split()[1:]
    parser, _used = _parser(words)
    known = {option for action in parser._actions for option in action.option_strings}
    shown = set(re.findall(r"--[a-z][a-z-]*", snippet))
    assert shown <= known, f"{snippet}: unknown {sorted(shown - known)}"
    required = {
        max(action.option_strings, key=len) for action in parser._actions if action.required and action.option_strings
    }
    assert required <= shown, f"{snippet}: missing required {sorted(required - shown)}"
