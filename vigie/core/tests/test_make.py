"""The two set-up commands of the README: ``make run`` installs only what running needs and honours its settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(target: str) -> str:
    """What ``make TARGET`` would run from nothing (``-B``: every prerequisite out of date), without running it."""
    # Not as a sub-make of `make test`: that one would announce the directories it enters and leaves.
    env = {key: value for key, value in os.environ.items() if key not in {"MAKELEVEL", "MAKEFLAGS", "MFLAGS"}}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "--dry-run", "--always-make", "--no-print-directory", target],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_installs_only_what_running_needs() -> None:
    plan = planned("run")
    assert "-r requirements.txt" in plan
    assert "requirements-dev.txt" not in plan  # pytest, playwright, mypy… belong to `make test`
    assert "chromium" not in plan and "poppler" not in plan
    assert plan.rstrip().splitlines()[-1].endswith("vigie serve")


def test_make_test_installs_the_test_tools_and_the_browser() -> None:
    plan = planned("test")
    assert "-r requirements-dev.txt" in plan
    assert "chromium" in plan and "poppler-utils" in plan


def test_port_and_data_dir_reach_the_settings_that_serve_and_demo_read(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update(PORT="9125", VIGIE_DATA_DIR=str(tmp_path / "data"), VIGIE_ENV="development")
    env.pop("SITE_URL", None)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'vigie.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SERVE_PORT, s.SITE_URL, s.DATABASES['default']['NAME'], sep='\\n')"
    )
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["9125", "http://127.0.0.1:9125", str(tmp_path / "data" / "vigie.sqlite3")]
