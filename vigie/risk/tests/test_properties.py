"""Properties over generated facts: the output contract always holds, and a worse breach is never milder."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.risk import (
    AXIS_LEVELS,
    BREACH_TYPES,
    CERTAINTIES,
    CONTROLLER_KINDS,
    CONTROLLER_ROLES,
    DATA_CATEGORIES,
    EXFILTRATION_STATES,
    IDENTIFIABILITY_LEVELS,
    MEDIA,
    OBLIGATION_IDS,
    ORIGINS,
    PERSON_CATEGORIES,
    PROTECTIONS,
    RECIPIENTS,
    SPECIAL_EXTENTS,
    Assessment,
    assess,
    localise,
    matrix,
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
            optional={
                "malicious": st.booleans(),
                "ongoing": st.booleans(),
                "certainty": st.sampled_from(CERTAINTIES),
            },
        ),
        "data": st.fixed_dictionaries(
            {"categories": subset(DATA_CATEGORIES, 1)},
            optional={
                "protection": st.sampled_from(PROTECTIONS),
                "identifiability": st.sampled_from(IDENTIFIABILITY_LEVELS),
                "special_extent": st.sampled_from(SPECIAL_EXTENTS),
                "key_compromised": st.booleans(),
                "already_public": st.booleans(),
                "media": subset(MEDIA),
            },
        ),
        "persons": st.fixed_dictionaries(
            {"count": st.integers(0, 2_000_000)},
            optional={"count_is_estimate": st.booleans(), "categories": subset(PERSON_CATEGORIES)},
        ),
    },
    optional={
        "occurred_at": instants,
        "incident_detected_at": instants,
        "processor_informed_at": instants,
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
            recipient_bound_by_secrecy=st.booleans(),
            accessed=st.booleans(),
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
    assert out["version"] == 2
    assert out["axes"]["likelihood"] in AXIS_LEVELS and out["axes"]["severity"] in AXIS_LEVELS
    assert out["events"]
    for event in out["events"]:
        assert event["risk"] == matrix(event["likelihood"], event["severity"])
    assert out["risk"] == max((event["risk"] for event in out["events"]), key=RISK_ORDER.index)
    assert {"event": out["axes"]["event"], "likelihood": out["axes"]["likelihood"],
            "severity": out["axes"]["severity"], "risk": out["risk"]} in out["events"]  # fmt: skip
    assert isinstance(out["enisa"]["agrees"], bool)
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
        assert obligation["status"] != "required" or obligation["id"] != "police_complaint"
        assert obligation["i18n"]["title"]["id"] == f"obligation.{obligation['id']}.title"
        assert obligation["due"] is None or datetime.fromisoformat(obligation["due"]).utcoffset() is not None
        assert isinstance(obligation["overdue"], bool)
    assert out["reasons"]
    for reason in out["reasons"]:
        assert set(reason) >= {"factor", "effect", "text", "basis"}
        assert reason["effect"] in ("raises", "lowers") and reason["text"] and reason["basis"]
        assert reason["axis"] in ("likelihood", "severity", None)
        assert reason["i18n"]["text"]["id"] and reason["i18n"]["basis"]["id"]
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
    assert render(result, "en").startswith("Decision")
    # Stored as JSON, rendered in English later, the texts follow; the decision itself does not move.
    english = localise(out, "en")
    assert english is not None
    check_contract(english)
    assert english["decision"].startswith("Decision") and english["risk"] == out["risk"]
    assert json.loads(json.dumps(result.to_dict("en")))["reasons"] == english["reasons"]


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


def changed(data: dict[str, Any], part: str, key: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.setdefault(part, {})[key] = value
    return out


# Each mitigating fact of issue 13 point 1 (and its aggravating counterpart) against the fact left unknown.
MITIGATIONS = [
    ("confidentiality", "recipient_bound_by_secrecy", True),
    ("confidentiality", "accessed", False),
    ("confidentiality", "recovered_or_deleted", True),
    ("data", "already_public", True),
    ("data", "key_compromised", False),
    ("data", "special_extent", "minor"),
    ("availability", "backup", True),
]
AGGRAVATIONS = [
    ("confidentiality", "accessed", True),
    ("data", "key_compromised", True),
    ("data", "special_extent", "highly_sensitive"),
    ("nature", "ongoing", True),
    ("persons", "categories", ["minors", "vulnerable"]),
]


def unknown(data: dict[str, Any], part: str, key: str) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.get(part, {}).pop(key, None)
    return out


@SETTINGS
@given(facts_dicts, st.sampled_from(MITIGATIONS))
def test_a_mitigation_never_raises_the_risk(data: dict[str, Any], mitigation: tuple[str, str, Any]) -> None:
    part, key, value = mitigation
    base = unknown(data, part, key)

    at_least_as_harsh(assess(parse_facts(base)), assess(parse_facts(changed(base, part, key, value))))


@SETTINGS
@given(facts_dicts, st.sampled_from(AGGRAVATIONS))
def test_an_aggravating_fact_never_lowers_the_risk(data: dict[str, Any], aggravation: tuple[str, str, Any]) -> None:
    part, key, value = aggravation
    base = unknown(data, part, key)
    if part == "persons":
        base["persons"].pop("categories", None)

    at_least_as_harsh(assess(parse_facts(changed(base, part, key, value))), assess(parse_facts(base)))


@SETTINGS
@given(facts_dicts)
def test_unprotected_data_is_never_judged_milder_than_encrypted_data(data: dict[str, Any]) -> None:
    at_least_as_harsh(assess(parse_facts(protected(data, "none"))), assess(parse_facts(protected(data, "encrypted"))))


@SETTINGS
@given(facts_dicts)
def test_encryption_never_makes_a_breach_harsher(data: dict[str, Any]) -> None:
    at_least_as_harsh(assess(parse_facts(data)), assess(parse_facts(protected(data, "encrypted"))))
