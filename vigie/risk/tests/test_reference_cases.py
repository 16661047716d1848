"""The public corpus and Vigie's own French scenarios give the expected outcomes.

``cases/`` holds one file per case: its source (document, section, case or example number, how it was read), a
short summary in our words, the facts (``breach-facts.schema.json``) and the outcome the source gives. The
project owns its schema and its cases: a clone needs nothing beside it. The corpus is complete: every case of
EDPB Guidelines 01/2021, every example of the annex of EDPB Guidelines 9/2022 (ex-WP250 Annex B), the CNIL's
published positions we encode, and a French scenario for each French rule.
"""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest

from vigie.risk import assess, parse_facts

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def _ids(prefix: str) -> set[str]:
    return {path.stem for path in CASES if path.stem.startswith(prefix)}


def test_the_corpus_holds_every_case_of_01_2021_and_every_example_of_annex_b() -> None:
    cases = {load(path)["source"].get("case") for path in CASES if path.stem.startswith("EDPB-01-2021-")}
    examples = {load(path)["source"].get("example") for path in CASES if path.stem.startswith("WP250-annexB-")}
    examples |= {int(stem.split("-")[3]) for stem in _ids("WP250-annexB-ex-")}

    assert cases == set(range(1, 19))
    assert examples == set(range(1, 11))
    assert len(_ids("CNIL-")) >= 3
    assert len(_ids("FR-")) >= 10


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_every_case_names_its_source_and_summarises_it(path: Path) -> None:
    case = load(path)

    assert case["id"] == path.stem
    assert case["source"]["document"]
    assert len(case["summary"]) > 60
    assert case["reasoning"]
    assert set(case["expected"]) <= {"notify_authority", "notify_data_subjects", "risk", "likelihood", "severity"}
    assert "notify_authority" in case["expected"]


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_reference_case_reaches_the_expected_outcome(path: Path) -> None:
    case = load(path)
    facts = parse_facts(case["facts"])
    result = assess(facts)
    expected = case["expected"]

    assert result.notify_authority is expected["notify_authority"]
    if "notify_data_subjects" in expected:
        assert result.notify_data_subjects is expected["notify_data_subjects"]
    if "risk" in expected:
        assert result.risk == expected["risk"]
    for axis in ("likelihood", "severity"):
        if axis in expected:
            assert getattr(result.axes, axis) == expected[axis]
    for oid, status in case.get("expected_obligations", {}).items():
        assert result.obligation(oid).status == status, oid
    for oid, clock in case.get("expected_due", {}).items():
        due = result.obligation(oid).due
        if clock is None:
            assert due is None, oid
            continue
        start = facts.incident_detected_at if clock["from"] == "incident_detected_at" else facts.became_aware_at
        assert start is not None and due is not None, oid
        assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=clock["hours"]), oid
        assert result.obligation(oid).clock == clock["from"], oid


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_reference_case_explains_itself_on_both_axes(path: Path) -> None:
    result = assess(parse_facts(load(path)["facts"]))

    assert result.events
    assert {reason.axis for reason in result.reasons} >= {"likelihood", "severity"}
    assert all(reason.basis for reason in result.reasons)
    assert result.obligation("register").status in ("required", "recommended")
    if result.risk == "unlikely":
        assert result.obligation("notify_cnil").why.startswith("Un risque pour les personnes est improbable")
