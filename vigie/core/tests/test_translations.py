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
