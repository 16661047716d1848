"""Properties over generated facts: the output contract always holds, and a worse breach is never milder."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.risk import (
    BREACH_TYPES,
    CONTROLLER_KINDS,
    CONTROLLER_ROLES,
    DATA_CATEGORIES,
    EXFILTRATION_STATES,
    IDENTIFIABILITY_LEVELS,
    OBLIGATION_IDS,
    ORIGINS,
    PERSON_CATEGORIES,
    PROTECTIONS,
    RECIPIENTS,
    Assessment,
    assess,
    parse_facts,
)
from vigie.risk.french import PARIS
from vigie.risk.severity import level_for
from vigie.risk.text import render

SETTINGS = settings(max_examples=200, deadline=None)


def subset(values: tuple[str, ...], min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=min_size, unique=True)


def part(**optional: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=optional)


instants = st.datetimes(
    min_value=datetime(2018, 5, 25),
    max_value=datetime(2040, 1, 1),
    timezones=st.sampled_from([UTC, PARIS, timezone(timedelta(hours=-4))]),
).map(lambda moment: moment.isoformat())

facts_dicts = st.fixed_dictionaries(
    {
        "became_aware_at": instants,
        "nature": st.fixed_dictionaries(
            {"types": subset(BREACH_TYPES, 1), "origin": st.sampled_from(ORIGINS)},
            optional={"malicious": st.booleans(), "ongoing": st.booleans()},
        ),
        "data": st.fixed_dictionaries(
            {"categories": subset(DATA_CATEGORIES, 1)},
            optional={
                "protection": st.sampled_from(PROTECTIONS),
                "identifiability": st.sampled_from(IDENTIFIABILITY_LEVELS),
            },
        ),
        "persons": st.fixed_dictionaries(
            {"count": st.integers(0, 2_000_000)},
            optional={"count_is_estimate": st.booleans(), "categories": subset(PERSON_CATEGORIES)},
        ),
    },
    optional={
        "occurred_at": instants,
        "controller": part(
            kind=st.sampled_from(CONTROLLER_KINDS),
            role=st.sampled_from(CONTROLLER_ROLES),
            cyber_insurance=st.booleans(),
            nis2_entity=st.booleans(),
        ),
        "confidentiality": part(
            exfiltration=st.sampled_from(EXFILTRATION_STATES),
            published=st.booleans(),
            recipient=st.sampled_from(RECIPIENTS),
            recovered_or_deleted=st.booleans(),
        ),
        "availability": part(
            backup=st.booleans(),
            restored_within_hours=st.one_of(st.integers(0, 500), st.floats(0, 500, allow_nan=False)),
            permanent_loss=st.booleans(),
            impact_on_care=st.booleans(),
        ),
        "mitigation": part(high_risk_neutralised=st.booleans(), individual_contact_disproportionate=st.booleans()),
    },
)

RISK_ORDER = ("unlikely", "risk", "high")


def check_contract(out: dict[str, Any]) -> None:
    """The output contract of assessment-result.md, key by key."""
    assert out["risk"] in RISK_ORDER
    severity = out["severity"]
    assert severity["dpc"] in (1, 2, 3, 4)
    assert severity["ei"] in (0.25, 0.5, 0.75, 1.0)
    assert 0 <= severity["cb"] <= 2
    assert severity["score"] == severity["dpc"] * severity["ei"] + severity["cb"]
    assert severity["level"] == level_for(severity["score"])
    assert isinstance(out["notify_authority"], bool) and isinstance(out["notify_data_subjects"], bool)
    assert out["notify_authority"] == (out["risk"] != "unlikely")
    assert out["data_subjects_channel"] in (("individual", "public") if out["notify_data_subjects"] else (None,))
    assert [obligation["id"] for obligation in out["obligations"]] == list(OBLIGATION_IDS)
    for obligation in out["obligations"]:
        assert obligation["status"] in ("required", "recommended", "not_applicable")
        assert obligation["title"] and obligation["why"] and obligation["basis"]
        assert obligation["due"] is None or datetime.fromisoformat(obligation["due"]).utcoffset() is not None
        assert isinstance(obligation["overdue"], bool)
    assert out["reasons"]
    for reason in out["reasons"]:
        assert set(reason) >= {"factor", "effect", "text", "basis"}
        assert reason["effect"] in ("raises", "lowers") and reason["text"] and reason["basis"]
    assert set(out["exceptions"]) <= {"a", "b", "c"}


@SETTINGS
@given(facts_dicts)
def test_every_valid_input_yields_a_valid_output(data: dict[str, Any]) -> None:
    facts = parse_facts(data)
    result = assess(facts)
    out = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))

    check_contract(out)
    assert parse_facts(facts.to_dict()) == facts
    assert render(result).startswith("Décision")


def at_least_as_harsh(worse: Assessment, better: Assessment) -> None:
    assert RISK_ORDER.index(worse.risk) >= RISK_ORDER.index(better.risk)
    assert worse.notify_authority >= better.notify_authority
    assert worse.notify_data_subjects >= better.notify_data_subjects
    assert worse.severity.score >= better.severity.score


def worsened(data: dict[str, Any], change: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    if change == "category":
        if value not in out["data"]["categories"]:
            out["data"]["categories"].append(value)
    elif change == "persons":
        out["persons"]["count"] += value
    elif change == "published":
        out.setdefault("confidentiality", {})["published"] = True
    elif change == "exfiltration":
        out.setdefault("confidentiality", {})["exfiltration"] = "confirmed"
    return out


changes = st.one_of(
    st.tuples(st.just("category"), st.sampled_from(DATA_CATEGORIES)),
    st.tuples(st.just("persons"), st.integers(1, 1_000_000)),
    st.tuples(st.just("published"), st.none()),
    st.tuples(st.just("exfiltration"), st.none()),
)


@SETTINGS
@given(facts_dicts, changes)
def test_a_worse_breach_is_never_judged_milder(data: dict[str, Any], change: tuple[str, Any]) -> None:
    worse = worsened(data, *change)

    at_least_as_harsh(assess(parse_facts(worse)), assess(parse_facts(data)))


def protected(data: dict[str, Any], protection: str) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["data"]["protection"] = protection
    return out


@SETTINGS
@given(facts_dicts)
def test_unprotected_data_is_never_judged_milder_than_encrypted_data(data: dict[str, Any]) -> None:
    at_least_as_harsh(assess(parse_facts(protected(data, "none"))), assess(parse_facts(protected(data, "encrypted"))))


@SETTINGS
@given(facts_dicts)
def test_encryption_never_makes_a_breach_harsher(data: dict[str, Any]) -> None:
    at_least_as_harsh(assess(parse_facts(data)), assess(parse_facts(protected(data, "encrypted"))))
