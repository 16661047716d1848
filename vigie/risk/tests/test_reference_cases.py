"""The EDPB and WP250 reference cases give the expected outcomes.

The project owns its facts schema and its cases (``vigie/risk/schema``, ``cases/``): a clone needs nothing beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigie.risk import assess, parse_facts

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def test_every_shared_case_is_here() -> None:
    assert len(CASES) == 14


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_reference_case_reaches_the_expected_notifications(path: Path) -> None:
    case = load(path)
    result = assess(parse_facts(case["facts"]))

    assert result.notify_authority is case["expected"]["notify_authority"]
    assert result.notify_data_subjects is case["expected"]["notify_data_subjects"]
    for oid, status in case.get("expected_obligations", {}).items():
        assert result.obligation(oid).status == status, oid


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_reference_case_explains_itself(path: Path) -> None:
    result = assess(parse_facts(load(path)["facts"]))

    assert result.reasons
    assert result.obligation("register").status == "required"
    if result.risk == "unlikely":
        assert result.obligation("notify_cnil").why.startswith("Un risque pour les personnes est improbable")

