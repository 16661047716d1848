from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path: Path) -> Path:
    """Each test its own checkpoint file, never the one of the development installation."""
    settings.VIGIE_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.VIGIE_AUDIT_CHECKPOINT_FILE
