"""Parsing breach facts: schema validation with readable paths, dataclasses, round trip, vocabularies."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import vigie.risk as risk
from vigie.risk import FactsError, parse_facts
from vigie.risk.tests.builders import facts_dict
from vigie.risk.vocabulary import SCHEMA


def problems(data: Any) -> list[str]:
    with pytest.raises(FactsError) as caught:
        parse_facts(data)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        (facts_dict(nature={"colour": "red"}), "nature.colour", "unknown key"),
        (facts_dict(surname="x"), "surname", "unknown key"),
        (facts_dict(nature={"origin": "ransomeware"}), "nature.origin", "'ransomeware' is not one of"),
        (facts_dict(data={"categories": ["identity", "health", "healt"]}), "data.categories[2]", "'healt'"),
        (facts_dict(became_aware_at="2025-01-13T08:40:00"), "became_aware_at", "no UTC offset"),
        (facts_dict(occurred_at="13/01/2025"), "occurred_at", "not an ISO 8601 date-time"),
        (facts_dict(persons={"count": -3}), "persons.count", "-3 is less than the minimum of 0"),
        (facts_dict(persons={"count": 2.5}), "persons.count", "is not of type 'integer'"),
        (facts_dict(nature={"types": []}), "nature.types", "should be non-empty"),
        (facts_dict(availability={"restored_within_hours": -1}), "availability.restored_within_hours", "minimum"),
        (facts_dict(availability={"restored_within_hours": math.nan}), "availability.restored_within_hours", "finite"),
        (facts_dict(controller={"cyber_insurance": "yes"}), "controller.cyber_insurance", "is not of type 'boolean'"),
        (facts_dict(nature=None), "", "'nature' is a required property"),
    ],
)
def test_invalid_facts_name_the_path_of_each_problem(data: Any, path: str, fragment: str) -> None:
    found = problems(data)

    assert any(line.startswith(f"{path}: ") and fragment in line for line in found), found


def test_every_problem_is_reported_at_once() -> None:
    found = problems(facts_dict(nature={"origin": "nope", "extra": 1}, persons={"count": -1}))

    assert {line.split(":")[0] for line in found} == {"nature.origin", "nature.extra", "persons.count"}


def test_problem_prints_as_path_colon_message() -> None:
    with pytest.raises(FactsError) as caught:
        parse_facts(facts_dict(persons={"count": -1}))

    problem = caught.value.problems[0]
    assert (problem.path, str(problem)) == ("persons.count", f"persons.count: {problem.message}")


def test_a_non_object_is_refused_at_the_root() -> None:
    assert problems([1, 2]) == [": [1, 2] is not of type 'object'"]


def test_parsed_facts_are_frozen_dataclasses_with_unknowns_left_none() -> None:
    facts = parse_facts(facts_dict(controller=None, occurred_at="2025-01-12T23:00:00Z"))

    assert facts.controller.kind == "other" and facts.controller.role == "controller"
    assert facts.controller.cyber_insurance is None
    assert facts.confidentiality.exfiltration is None
    assert facts.availability.backup is None
    assert facts.persons.count_is_estimate is None
    assert facts.data.categories == ("identity", "health")
    assert facts.became_aware_at.utcoffset() == timedelta(hours=1)
    assert facts.occurred_at is not None and facts.occurred_at.utcoffset() == timedelta(0)
    with pytest.raises(AttributeError):
        facts.persons.count = 3


def test_facts_of_schema_v2_are_parsed() -> None:
    facts = parse_facts(
        facts_dict(
            incident_detected_at="2025-01-12T22:10:00+01:00",
            processor_informed_at="2025-01-13T08:00:00+01:00",
            nature={"certainty": "suspected"},
            data={
                "special_extent": "minor",
                "media": ["paper", "email"],
                "protection": "hashed_salted",
                "key_compromised": True,
                "already_public": False,
            },
            confidentiality={"recipient": "trusted", "recipient_bound_by_secrecy": True, "accessed": False},
        )
    )

    assert facts.incident_detected_at is not None and facts.incident_detected_at.hour == 22
    assert facts.processor_informed_at is not None
    assert facts.nature.certainty == "suspected"
    assert facts.data.media == ("paper", "email")
    assert (facts.data.special_extent, facts.data.key_compromised, facts.data.already_public) == ("minor", True, False)
    assert facts.confidentiality.recipient_bound_by_secrecy is True and facts.confidentiality.accessed is False
    assert parse_facts(facts.to_dict()) == facts


def test_a_facts_file_of_schema_v1_stays_valid_with_the_new_facts_unknown() -> None:
    facts = parse_facts(facts_dict())

    assert facts.incident_detected_at is None and facts.processor_informed_at is None
    assert facts.nature.certainty is None
    assert facts.data.media is None and facts.data.special_extent is None and facts.data.key_compromised is None
    assert facts.confidentiality.accessed is None and facts.confidentiality.recipient_bound_by_secrecy is None


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (facts_dict(incident_detected_at="2025-01-12T22:10:00"), "incident_detected_at"),
        (facts_dict(nature={"certainty": "maybe"}), "nature.certainty"),
        (facts_dict(data={"media": ["floppy"]}), "data.media[0]"),
        (facts_dict(data={"special_extent": "some"}), "data.special_extent"),
        (facts_dict(confidentiality={"accessed": "no"}), "confidentiality.accessed"),
    ],
)
def test_invalid_facts_of_schema_v2_are_refused(data: Any, path: str) -> None:
    assert any(line.startswith(f"{path}: ") for line in problems(data))


def test_empty_optional_categories_differ_from_unknown_ones() -> None:
    unknown = facts_dict()
    del unknown["persons"]["categories"]

    assert parse_facts(facts_dict(persons={"count": 3, "categories": []})).persons.categories == ()
    assert parse_facts(unknown).persons.categories is None


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "cases").glob("*.json")), ids=lambda p: p.stem)
def test_facts_round_trip_through_to_dict(path: Path) -> None:
    facts = parse_facts(json.loads(path.read_text(encoding="utf-8"))["facts"])

    assert parse_facts(facts.to_dict()) == facts
    assert json.loads(json.dumps(facts.to_dict())) == facts.to_dict()


@pytest.mark.parametrize(
    ("values", "labels"),
    [
        (risk.ORIGINS, risk.ORIGIN_LABELS_FR),
        (risk.DATA_CATEGORIES, risk.DATA_CATEGORY_LABELS_FR),
        (risk.PERSON_CATEGORIES, risk.PERSON_CATEGORY_LABELS_FR),
        (risk.CONTROLLER_KINDS, risk.CONTROLLER_KIND_LABELS_FR),
        (risk.CONTROLLER_ROLES, risk.CONTROLLER_ROLE_LABELS_FR),
        (risk.BREACH_TYPES, risk.BREACH_TYPE_LABELS_FR),
        (risk.PROTECTIONS, risk.PROTECTION_LABELS_FR),
        (risk.IDENTIFIABILITY_LEVELS, risk.IDENTIFIABILITY_LABELS_FR),
        (risk.EXFILTRATION_STATES, risk.EXFILTRATION_LABELS_FR),
        (risk.RECIPIENTS, risk.RECIPIENT_LABELS_FR),
        (risk.CERTAINTIES, risk.CERTAINTY_LABELS_FR),
        (risk.SPECIAL_EXTENTS, risk.SPECIAL_EXTENT_LABELS_FR),
        (risk.MEDIA, risk.MEDIUM_LABELS_FR),
        (risk.AXIS_LEVELS, risk.AXIS_LEVEL_LABELS_FR),
        (risk.RISK_LEVELS, risk.RISK_LABELS_FR),
        (risk.SEVERITY_LEVELS, risk.SEVERITY_LABELS_FR),
        (risk.STATUSES, risk.STATUS_LABELS_FR),
    ],
)
def test_every_value_has_one_french_label(values: tuple[str, ...], labels: dict[str, str]) -> None:
    assert tuple(labels) == values


def test_enumerations_come_from_the_schema() -> None:
    assert tuple(SCHEMA["properties"]["nature"]["properties"]["origin"]["enum"]) == risk.ORIGINS
    assert "ransomware" in risk.ORIGINS and "health" in risk.DATA_CATEGORIES
