"""The EDPB and WP250 reference cases (copied from the shared domain cases) give the expected outcomes."""

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


SHARED = Path(__file__).resolve().parents[4] / "shared"


def test_bundled_schema_and_cases_match_the_shared_contract() -> None:
    """The project carries copies so that it is self-contained; they must not drift from ``../shared``."""
    contract = SHARED / "contracts" / "breach-facts.schema.json"
    assert contract.exists(), f"the shared contracts are expected beside the project, at {SHARED}"
    bundled = Path(__file__).resolve().parents[1] / "schema" / "breach-facts.schema.json"
    assert json.loads(bundled.read_text()) == json.loads(contract.read_text())
    for shared_case in (SHARED / "domain" / "cases").glob("*.json"):
        copy = Path(__file__).parent / "cases" / shared_case.name
        assert copy.exists() and json.loads(copy.read_text()) == json.loads(shared_case.read_text()), shared_case.name
