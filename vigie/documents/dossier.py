"""The breach dossier: one JSON object holding everything known about a breach and its organisation.

Every document is a pure function of a dossier (``vigie.documents.render``), so that a document can be made
again from an export (``vigie breach export ID > dossier.json`` then ``vigie document letter dossier.json``),
tested without a database, and never reads anything that is not in the dossier. :func:`build_dossier` is the
only function of this app that reads the breach's rows; :func:`validate_dossier` checks a dossier against
``schema/dossier.schema.json`` (and its ``facts`` against the decision core's own contract).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator, FormatChecker

from vigie.risk import FactsError, parse_facts

if TYPE_CHECKING:
    from vigie.breaches.models import Breach

SCHEMA_PATH = Path(__file__).parent / "schema" / "dossier.schema.json"
VERSION = 1


@dataclass(frozen=True)
class Problem:
    """One fault of a dossier: where (JSON path such as ``timeline[2].at``, ``""`` for the root) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(racine)'}: {self.message}"


class DossierError(ValueError):
    """The dossier does not follow the schema; ``problems`` lists every fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


_formats = FormatChecker(formats=())


@_formats.checks("date-time", raises=ValueError)
def _is_moment(value: object) -> bool:
    # ISO 8601 with an offset: a moment without one is ambiguous by an hour or two.
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value).tzinfo is not None


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_formats)


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_dossier(data: Any) -> list[Problem]:
    """Every problem of ``data`` as a dossier, sorted by path; an empty list means it is valid."""
    problems = {Problem(_path(error.absolute_path), error.message) for error in _validator().iter_errors(data)}
    if isinstance(data, dict) and isinstance(data.get("facts"), dict):
        try:
            parse_facts(data["facts"])
        except FactsError as error:
            problems.update(
                Problem(_path(["facts"]) + (f".{p.path}" if p.path else ""), p.message) for p in error.problems
            )
    if isinstance(data, dict):
        logo = data.get("organisation", {}).get("logo_png") if isinstance(data.get("organisation"), dict) else None
        if isinstance(logo, str) and logo:
            try:
                base64.b64decode(logo, validate=True)
            except ValueError:
                problems.add(Problem("organisation.logo_png", "not valid base64"))
    return sorted(problems, key=lambda problem: (problem.path, problem.message))


def checked(data: Any) -> dict[str, Any]:
    """``data`` if it is a valid dossier, else ``DossierError``."""
    problems = validate_dossier(data)
    if problems:
        raise DossierError(problems)
    return data


def _iso(moment: datetime | None) -> str | None:
    from django.utils import timezone

    return None if moment is None else timezone.localtime(moment).isoformat()


def build_dossier(breach: Breach, *, now: datetime | None = None) -> dict[str, Any]:
    """The dossier of ``breach``: organisation, facts, narrative, decision, obligations, journal, own texts.

    The only place where the documents read database rows. ``now`` is the date printed on the documents.
    """
    from django.utils import timezone

    from .models import IncidentDetails, Letterhead, LetterTemplate

    now = now or timezone.now()
    org = breach.organisation
    organisation: dict[str, Any] = {
        "name": org.name,
        "kind": org.kind,
        "profession": org.profession,
        "siret": org.siret,
        "finess": org.finess,
        "address": org.address,
        "postcode": org.postcode,
        "city": org.city,
        "phone": org.phone,
        "email": org.email,
        "website": org.website,
        "cyber_insurance": org.cyber_insurance,
        "nis2_entity": org.nis2_entity,
        "dpo": {"name": org.dpo_name, "email": org.dpo_email, "phone": org.dpo_phone, "civility": org.dpo_civility},
        "siren": org.siren,
        "no_siren": org.no_siren,
        "legal_representative": {
            "name": org.legal_rep_name,
            "civility": org.legal_rep_civility,
            "function": org.legal_rep_function,
            "email": org.legal_rep_email,
            "phone": org.legal_rep_phone,
            "rpps": org.legal_rep_rpps,
            "ordre_member": org.legal_rep_ordre_member,
        },
        "contact": {
            "name": org.contact_name,
            "civility": org.contact_civility,
            "function": org.contact_function,
            "phone": org.contact_phone,
            "email": org.contact_email,
        },
    }
    letterhead = Letterhead.objects.filter(organisation=org).first()
    if letterhead is not None and letterhead.logo:
        organisation["logo_png"] = base64.b64encode(bytes(letterhead.logo)).decode("ascii")

    obligations = []
    # Generated documents are in French whatever the language of the screen.
    for row in breach.obligation_rows("fr"):
        state = row.state
        obligations.append(
            {
                "id": row.id,
                "title": row.title,
                "status": row.status,
                "due": _iso(row.due),
                "basis": row.basis,
                "why": row.why,
                "overruled": row.overruled,
                "done_at": _iso(state.done_at) if state else None,
                "done_by": str(state.done_by) if state and state.done_by else "",
                "reference": state.reference if state else "",
                "note": state.note if state else "",
                "delay_reasons": state.delay_reasons if state else "",
            }
        )
    assessment = breach.assessment
    channel = (assessment or {}).get("data_subjects_channel")
    details = IncidentDetails.objects.filter(breach=breach).first()
    return {
        "version": VERSION,
        "generated_at": _iso(now),
        "organisation": organisation,
        "breach": {
            "id": breach.pk,
            "reference": breach.reference,
            "title": breach.title,
            "status": breach.status,
            "became_aware_at": _iso(breach.became_aware_at),
            "awareness_note": breach.awareness_note,
            "occurred_at": _iso(breach.occurred_at),
            "ended_at": _iso(breach.ended_at),
            "ongoing": breach.ongoing,
            "records_count": breach.records_count,
            "processor_name": breach.processor_name,
            "description": breach.description,
            "consequences": breach.consequences,
            "measures_taken": breach.measures_taken,
            "measures_planned": breach.measures_planned,
        },
        "facts": breach.to_facts(),
        "assessment": assessment,
        "decision": {
            "notify_authority": bool(breach.notify_authority),
            "notify_data_subjects": bool(breach.notify_data_subjects),
            "data_subjects_channel": (channel or "individual") if breach.notify_data_subjects else None,
            "overruled": breach.is_overridden,
            "justification": breach.override_justification,
        },
        "obligations": obligations,
        "timeline": [
            {"at": _iso(event.at), "kind": event.kind, "summary": event.summary, "author": str(event.author or "")}
            for event in breach.events.select_related("author")
        ],
        "templates": LetterTemplate.objects.latest_bodies(org),
        "details": details.as_dossier() if details else {},
        "information": _information(breach),
    }


def _information(breach: Breach) -> dict[str, Any]:
    """How many persons each channel reached, as the apps that inform persons count them: each app whose
    ``AppConfig`` has a ``persons_informed(breach)`` method (the campaigns) adds its counts by channel. The
    documents do not know the campaigns; the CNIL form asks by which means the persons were told."""
    from django.apps import apps

    channels: dict[str, int] = {}
    for config in apps.get_app_configs():
        informed = getattr(config, "persons_informed", None)
        if callable(informed):
            for channel, count in informed(breach).items():
                channels[channel] = channels.get(channel, 0) + count
    return {"channels": channels}
