"""The interface speaks French first: every English msgid in the code must have a French translation.

For each app, the catalogue is regenerated from the current code in a scratch copy (so a string added without
running ``makemessages`` is caught too), then ``msgfmt --statistics`` must report no untranslated and no fuzzy
entry.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VIGIE = Path(__file__).resolve().parents[2]
APPS = sorted(
    path.parent.name
    for path in VIGIE.glob("*/apps.py")
    if any("gettext" in p.read_text() for p in path.parent.rglob("*.py") if "tests" not in p.parts)
    or any(path.parent.rglob("templates/**/*.html"))
)


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.mark.parametrize("app", APPS)
def test_every_message_of_the_app_is_translated_into_french(app: str, tmp_path: Path) -> None:
    source = VIGIE / app
    assert (source / "locale/fr/LC_MESSAGES/django.po").exists(), f"vigie/{app} has no French catalogue"
    scratch = tmp_path / app
    shutil.copytree(source, scratch, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "migrations"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-obsolete", "-v", "0"],
        cwd=scratch,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "vigie.settings", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(VIGIE.parent)},
    )
    stats = _statistics(scratch / "locale/fr/LC_MESSAGES/django.po")
    assert "untranslated" not in stats and "fuzzy" not in stats, f"vigie/{app}: {stats.strip()}"


def test_english_is_the_source_language_of_the_code() -> None:
    """Msgids are English: a French msgid would leave the English interface in French."""
    french = re.compile(r"[àâçéèêëîïôûùüÿœ]", re.IGNORECASE)
    offenders = []
    for app in APPS:
        po = VIGIE / app / "locale/fr/LC_MESSAGES/django.po"
        for match in re.finditer(r'^msgid "(.+)"$', po.read_text(), re.MULTILINE):
            if french.search(match.group(1)):
                offenders.append(f"{app}: {match.group(1)}")
    assert not offenders, "\n".join(offenders)


def _entries(po: Path) -> dict[tuple[str, str], str]:
    """(context, msgid) → msgstr of a catalogue, for single-line entries and their continuations."""
    entries: dict[tuple[str, str], str] = {}
    blocks = po.read_text().split("\n\n")
    for block in blocks:
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line)
            if match:
                current = match.group(1).replace("[0]", "")
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            entries[(fields.get("msgctxt", ""), fields["msgid"])] = fields.get("msgstr", "")
    return entries


def test_a_message_shared_by_two_apps_has_one_translation() -> None:
    """Django merges the apps' catalogues and the first app wins: two translations of one msgid would show
    one app's wording in the other's pages. Give such messages a context (pgettext) or the same translation."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    conflicts = []
    for app in APPS:
        for key, translation in _entries(VIGIE / app / "locale/fr/LC_MESSAGES/django.po").items():
            if key in seen and seen[key][1] != translation:
                conflicts.append(f"{key[1]!r}: {seen[key][0]} says {seen[key][1]!r}, {app} says {translation!r}")
            seen.setdefault(key, (app, translation))
    assert not conflicts, "\n".join(conflicts)
