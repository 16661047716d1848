"""Breach facts: the input of the assessment, validated against the bundled schema.

``parse_facts`` is the only way in: it checks a plain mapping (decoded JSON, or what ``to_facts()`` on the
Django side builds) against ``breach-facts.schema.json`` with JSON Schema draft 2020-12, then turns it into
frozen dataclasses. Unknown optional facts stay ``None``: the reasoning must see that they are unknown, to
take the prudent reading and say so. Only the schema's own defaults (controller kind and role) are filled in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from .vocabulary import SCHEMA

# RFC 3339 date-time (what JSON Schema's "date-time" format means), offset required.
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
_NAIVE = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?")

_format_checker = FormatChecker(formats=())


@_format_checker.checks("date-time")
def _is_datetime(value: object) -> bool:
    # jsonschema checks "date-time" only when an optional package is installed; we check it ourselves.
    if not isinstance(value, str):
        return True
    if not _RFC3339.fullmatch(value):
        return False
    try:
        parse_datetime(value)
    except ValueError:
        return False
    return True


_validator = Draft202012Validator(SCHEMA, format_checker=_format_checker)

# The optional moments of the facts, besides the awareness that starts the GDPR clock.
MOMENTS = ("occurred_at", "incident_detected_at", "processor_informed_at")


def parse_datetime(value: str) -> datetime:
    """An aware datetime from an ISO 8601 string; a string without a UTC offset is refused."""
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{value!r} has no UTC offset; write it like 2025-01-13T08:40:00+01:00")
    return parsed


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where (dotted JSON path, ``""`` for the root) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class FactsError(ValueError):
    """The input does not follow the breach-facts schema; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True, slots=True)
class Controller:
    """Who holds the data, and in which capacity (schema defaults: ``other``, ``controller``)."""

    kind: str = "other"
    role: str = "controller"
    cyber_insurance: bool | None = None
    nis2_entity: bool | None = None


@dataclass(frozen=True, slots=True)
class Nature:
    """What happened: the types of breach (C/I/A), its origin, and whether it was deliberate."""

    types: tuple[str, ...]
    origin: str
    malicious: bool | None = None
    ongoing: bool | None = None
    certainty: str | None = None  # confirmed | suspected (the CNIL form's « avérée » / « suspectée »)


@dataclass(frozen=True, slots=True)
class Data:
    """Which data were breached, where they were, and how they were protected."""

    categories: tuple[str, ...]
    protection: str | None = None
    identifiability: str | None = None
    special_extent: str | None = None  # minor | substantial | highly_sensitive
    key_compromised: bool | None = None
    already_public: bool | None = None
    media: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Persons:
    """The people concerned: how many (best estimate) and who."""

    count: int
    count_is_estimate: bool | None = None
    categories: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Confidentiality:
    """What is known about disclosure: exfiltration, publication, recipient, access, recovery."""

    exfiltration: str | None = None
    published: bool | None = None
    recipient: str | None = None
    recipient_bound_by_secrecy: bool | None = None
    accessed: bool | None = None
    recovered_or_deleted: bool | None = None


@dataclass(frozen=True, slots=True)
class Availability:
    """What is known about loss of access: backup, restoration time, permanence, effect on care."""

    backup: bool | None = None
    restored_within_hours: float | None = None
    permanent_loss: bool | None = None
    impact_on_care: bool | None = None


@dataclass(frozen=True, slots=True)
class Mitigation:
    """Facts bearing on the GDPR art. 34(3)(b) and (c) exceptions."""

    high_risk_neutralised: bool | None = None
    individual_contact_disproportionate: bool | None = None


@dataclass(frozen=True, slots=True)
class BreachFacts:
    """Everything the controller knows about one breach; the sole input of ``assess``."""

    became_aware_at: datetime
    nature: Nature
    data: Data
    persons: Persons
    occurred_at: datetime | None = None
    incident_detected_at: datetime | None = None
    processor_informed_at: datetime | None = None
    controller: Controller = Controller()
    confidentiality: Confidentiality = Confidentiality()
    availability: Availability = Availability()
    mitigation: Mitigation = Mitigation()

    def to_dict(self) -> dict[str, Any]:
        """The facts as schema-valid JSON data; ``parse_facts(facts.to_dict()) == facts``."""
        out: dict[str, Any] = {"became_aware_at": self.became_aware_at.isoformat()}
        for name in MOMENTS:
            moment = getattr(self, name)
            if moment is not None:
                out[name] = moment.isoformat()
        out["controller"] = _known(self.controller)
        out["nature"] = _known(self.nature)
        out["data"] = _known(self.data)
        out["persons"] = _known(self.persons)
        for name in ("confidentiality", "availability", "mitigation"):
            part = _known(getattr(self, name))
            if part:
                out[name] = part
        return out


def _known(part: Any) -> dict[str, Any]:
    """The fields of a facts part (a dataclass) that are known, tuples as lists."""
    out: dict[str, Any] = {}
    for field in fields(part):
        value = getattr(part, field.name)
        if value is not None:
            out[field.name] = list(value) if isinstance(value, tuple) else value
    return out


def parse_facts(data: Mapping[str, Any]) -> BreachFacts:
    """Validate ``data`` against the breach-facts schema and build ``BreachFacts``.

    Raises ``FactsError`` listing every problem (unknown keys, bad values, dates without an offset…).
    """
    problems = sorted(set(_problems(data)), key=lambda problem: (problem.path, problem.message))
    if problems:
        raise FactsError(problems)

    def part(name: str) -> dict[str, Any]:
        value: dict[str, Any] = data.get(name, {})
        return value

    def tupled(values: dict[str, Any], *names: str) -> dict[str, Any]:
        return {key: tuple(value) if key in names else value for key, value in values.items()}

    availability = part("availability")
    if "restored_within_hours" in availability:
        availability = {**availability, "restored_within_hours": float(availability["restored_within_hours"])}
    persons = tupled(part("persons"), "categories")
    persons["count"] = int(persons["count"])

    def moment(name: str) -> datetime | None:
        value = data.get(name)
        return None if value is None else parse_datetime(value)

    return BreachFacts(
        became_aware_at=parse_datetime(data["became_aware_at"]),
        occurred_at=moment("occurred_at"),
        incident_detected_at=moment("incident_detected_at"),
        processor_informed_at=moment("processor_informed_at"),
        controller=Controller(**part("controller")),
        nature=Nature(**tupled(part("nature"), "types")),
        data=Data(**tupled(part("data"), "categories", "media")),
        persons=Persons(**persons),
        confidentiality=Confidentiality(**part("confidentiality")),
        availability=Availability(**availability),
        mitigation=Mitigation(**part("mitigation")),
    )


def _problems(data: object) -> Iterator[Problem]:
    for error in _validator.iter_errors(data):
        yield from _explain(error)
    # JSON Schema lets NaN and infinity through "number" with a minimum; Python callers could pass them.
    availability = data.get("availability") if isinstance(data, Mapping) else None
    hours = availability.get("restored_within_hours") if isinstance(availability, Mapping) else None
    if isinstance(hours, float) and not math.isfinite(hours):
        yield Problem("availability.restored_within_hours", f"{hours!r} is not a finite number")


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


def _explain(error: ValidationError) -> Iterator[Problem]:
    """Problems for one validation error, worded more plainly where jsonschema's wording is obscure."""
    path = _dotted(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        for key in sorted(str(key) for key in set(error.instance) - set(allowed)):
            where = f"{path}.{key}" if path else str(key)
            yield Problem(where, f"unknown key (allowed: {', '.join(allowed)})")
    elif error.validator == "format" and error.validator_value == "date-time":
        value = error.instance
        if isinstance(value, str) and _NAIVE.fullmatch(value.strip()):
            message = f"{value!r} has no UTC offset; write it like 2025-01-13T08:40:00+01:00"
        else:
            message = f"{value!r} is not an ISO 8601 date-time with an offset (e.g. 2025-01-13T08:40:00+01:00)"
        yield Problem(path, message)
    else:
        yield Problem(path, error.message)
