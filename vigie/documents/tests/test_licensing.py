"""Every conditional sentence of a document is licensed by a recorded fact or action: for each one, the facts that
produce it and the facts that must suppress it, as a table."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from vigie.documents.render import render

from .builders import AWARE, MISDIRECTED, RANSOMWARE, SCENARIOS, dossier
from .pdftext import normalise

DONE = (AWARE + timedelta(hours=20)).isoformat()


def merged(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        elif value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def make(change: dict[str, Any]) -> dict[str, Any]:
    """A dossier: the lab ransomware (or ``scenario``) with ``facts`` patched (None removes a fact), then the
    ``done`` formalities, ``breach``, ``organisation``, ``details`` and ``decision`` given."""
    change = dict(change)
    facts = merged(SCENARIOS[change.pop("scenario", "ransomware")], change.pop("facts", {}))
    done = {oid: {"done_at": DONE, "reference": "R-42"} for oid in change.pop("done", [])}
    data = dossier(facts, done=done, breach=change.pop("breach", None), organisation=change.pop("organisation", None))
    data["details"] = change.pop("details", {})
    data["decision"].update(change.pop("decision", {}))
    data["assessment"].update(change.pop("assessment", {}))
    assert not change, change
    return data


def text_of(kind: str, data: dict[str, Any]) -> str:
    return normalise(render(kind, data, "txt").decode())


ROWS: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    # (what, document, sentence, facts that produce it, facts that suppress it)
    ("restoration from backups", "letter", "grâce à nos copies de sauvegarde",
     {"facts": {"availability": {"backup": True, "restored_within_hours": 36}}},
     {"facts": {"availability": {"backup": True, "restored_within_hours": None}}}),
    ("data available again", "letter", "Elles sont de nouveau disponibles",
     {"facts": {"availability": {"restored_within_hours": 2}}},
     {"facts": {"availability": {"restored_within_hours": None}}}),
    ("data copied", "letter", "Des données ont été copiées",
     {"facts": {"confidentiality": {"exfiltration": "confirmed"}}},
     {"facts": {"confidentiality": {"exfiltration": "likely"}}}),
    ("data published", "letter", "a été publiée sur internet",
     {"facts": {"confidentiality": {"published": True}}},
     {"facts": {"confidentiality": {"published": False}}}),
    ("files blocked by the ransomware", "letter", "Ce virus a bloqué nos fichiers",
     {"facts": {"nature": {"types": ["confidentiality", "availability"]}}},
     {"facts": {"nature": {"types": ["confidentiality"]}}}),
    ("care delayed", "letter", "ont pu être retardés",
     {"facts": {"availability": {"impact_on_care": True}}},
     {"facts": {"availability": {"impact_on_care": False}}}),
    ("CNIL notified", "letter", "Nous avons prévenu la CNIL", {"done": ["notify_cnil"]}, {}),
    ("CNIL being notified", "letter", "Nous prévenons la CNIL", {}, {"done": ["notify_cnil"]}),
    ("complaint filed", "letter", "Nous avons porté plainte", {"done": ["police_complaint"]}, {}),
    ("confirmed breach", "cnil-initial", "Violation avérée.",
     {"facts": {"nature": {"certainty": "confirmed"}}}, {"facts": {"nature": {"certainty": "suspected"}}}),
    ("breach not recorded as confirmed", "cnil-initial", "Violation suspectée.",
     {"facts": {"nature": {"certainty": None}}}, {"facts": {"nature": {"certainty": "confirmed"}}}),
    ("persons informed (CNIL)", "cnil-initial", "Oui, les personnes ont été informées", {"done": ["inform_persons"]}, {}),
    ("persons informed (Ordre)", "ordre", "Les personnes concernées ont été informées le", {"done": ["inform_persons"]}, {}),
    ("persons to be informed", "cnil-initial", "Non, mais elles le seront", {}, {"done": ["inform_persons"]}),
    ("informing not determined yet", "cnil-initial", "Non déterminé pour le moment",
     {"scenario": "processor", "facts": {"nature": {"certainty": "suspected"}}},
     {"scenario": "processor", "facts": {"nature": {"certainty": "confirmed"}}}),
    ("ARS informed, with its date", "cnil-initial", "Signalement de l'incident à l'ARS (CERT Santé) le 3 mars 2026",
     {"done": ["ars_cert_sante"]}, {}),
    ("no other body informed", "cnil-initial", "Aucun à ce jour", {}, {"done": ["ars_cert_sante"]}),
    ("copy of the message sent", "cnil-initial", "Copie du message adressé aux personnes", {"done": ["inform_persons"]}, {}),
    ("complete notification", "cnil-initial", "Notification complète",
     {"facts": {"nature": {"certainty": "confirmed", "ongoing": False}, "persons": {"count_is_estimate": False},
                "confidentiality": {"exfiltration": "confirmed"}},
      "breach": {"ended_at": (AWARE - timedelta(hours=1)).isoformat()}},
     {}),
    ("extortion, ransom recorded", "complaint", "une rançon ayant été exigée",
     {"details": {"ransom_amount": "2 bitcoins"}}, {}),
    ("endangering care", "complaint", "323-4-2",
     {"facts": {"availability": {"impact_on_care": True}}}, {"facts": {"availability": {"impact_on_care": False}}}),
    ("disclosure of published data", "complaint", "226-22",
     {"facts": {"confidentiality": {"published": True}}}, {"facts": {"confidentiality": {"published": False}}}),
    ("fraudulent collection", "complaint", "226-18",
     {"facts": {"confidentiality": {"exfiltration": "confirmed"}}},
     {"facts": {"confidentiality": {"exfiltration": "excluded", "published": False}}}),
    ("theft of a device", "complaint", "Vol : C. pén., art. 311-1", {"scenario": "stolen_laptop"}, {}),
    ("complaint receipt enclosed", "insurer", "Récépissé de dépôt de plainte", {"done": ["police_complaint"]}, {}),
    ("CNIL receipt enclosed", "insurer", "Copie de la notification à la CNIL", {"done": ["notify_cnil"]}, {}),
    ("fellow member of the Ordre", "ordre", "salutations confraternelles",
     {"organisation": {"legal_representative": {"name": "Claire Martin", "ordre_member": True}}}, {}),
    ("not a member of the Ordre", "ordre", "salutations distinguées",
     {}, {"organisation": {"legal_representative": {"name": "Claire Martin", "ordre_member": True}}}),
    ("letter to the parent of a minor", "letter-parent", "les données de votre enfant", {}, {}),
    ("the child's data", "letter-parent", "Le nom et le prénom de votre enfant", {}, {}),
    ("RPPS of the practitioner", "ordre", "RPPS n° 10101234567",
     {"organisation": {"legal_representative": {"name": "Claire Martin", "rpps": "10101234567"}}}, {}),
    ("no SIREN", "cnil-initial", "Pas de SIREN", {"organisation": {"no_siren": True, "siret": ""}}, {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "sentence", "produce", "suppress"),
    [pytest.param(kind, sentence, produce, suppress, id=what) for what, kind, sentence, produce, suppress in ROWS],
)
def test_a_sentence_appears_only_when_its_fact_is_recorded(
    kind: str, sentence: str, produce: dict[str, Any], suppress: dict[str, Any]
) -> None:
    assert sentence in text_of(kind, make(produce))
    if produce != suppress:
        assert sentence not in text_of(kind, make(suppress))


def test_an_adults_letter_never_speaks_of_a_child() -> None:
    data = make({"scenario": "stolen_laptop"})
    assert "votre enfant" not in text_of("letter", data) and "votre enfant" in text_of("letter-parent", data)


def test_no_letter_admits_a_breach_of_medical_secrecy() -> None:
    text = text_of("letter", make({"scenario": "misdirected"}))
    assert "Le secret médical qui protège ces informations a donc pu être compromis" in text
    assert "pas été respecté" not in text
    for kind in ("cnil-initial", "complaint", "register-extract", "ordre"):
        assert "pas été respecté" not in text_of(kind, make({})), kind


def test_a_ransomware_complaint_never_names_theft() -> None:
    for facts in ({}, {"confidentiality": {"exfiltration": "confirmed"}}, {"availability": {"impact_on_care": True}}):
        assert "311-1" not in text_of("complaint", make({"facts": facts}))


def test_the_users_notes_reach_a_patient_only_quoted_as_theirs() -> None:
    notes = "Serveur isolé ; mots de passe changés"
    for kind in ("letter", "letter-parent", "email", "public-notice"):
        text = text_of(kind, make({"breach": {"measures_taken": notes, "measures_planned": ""}}))
        assert f"Notre équipe a noté les mesures prises : « {notes} »" in text, kind
        assert text.count(notes) == text.count(f"« {notes} »"), kind


# The severity declared to the CNIL, for each decision and each severity axis of the assessment.
SEVERITIES = [
    # notify the CNIL, inform the persons, severity axis → declared
    (True, True, "maximum", "Maximale"),
    (True, True, "significant", "Importante"),
    (True, True, "limited", "Importante"),  # the persons are told: never below « importante »
    (True, False, "maximum", "Importante"),  # notified, not told: never « maximale »
    (True, False, "limited", "Limitée"),
    (True, False, "negligible", "Limitée"),
    (False, False, "maximum", "Négligeable"),
    (True, True, None, "Importante"),  # an assessment made before the axes existed
    (True, False, None, "Limitée"),
]


@pytest.mark.parametrize(("notify", "inform", "axis", "declared"), SEVERITIES)
def test_the_severity_declared_to_the_cnil_follows_the_decision(
    notify: bool, inform: bool, axis: str | None, declared: str
) -> None:
    data = make({"decision": {"notify_authority": notify, "notify_data_subjects": inform}})
    if axis:
        data["assessment"]["axes"] = {"likelihood": "significant", "severity": axis, "event": "confidentiality"}
    else:
        data["assessment"].pop("axes", None)
    text = text_of("cnil-initial", data)
    assert f"Gravité : {declared}." in text
    others = {"Négligeable", "Limitée", "Importante", "Maximale"} - {declared}
    assert not any(f"Gravité : {other}" in text for other in others)


def test_the_misdirected_email_scenario_is_the_one_the_secrecy_row_uses() -> None:
    # Guard for the table above: the scenario must stay an accidental disclosure of health data.
    assert MISDIRECTED["nature"]["malicious"] is False and "health" in MISDIRECTED["data"]["categories"]
    assert RANSOMWARE["nature"]["origin"] == "ransomware"


def test_only_a_letter_points_to_the_address_at_its_top() -> None:
    data = make({})
    assert "l'adresse en haut de cette lettre" in text_of("letter", data)
    for kind in ("email", "email-parent", "public-notice"):
        text = text_of(kind, data)
        assert "en haut de cette lettre" not in text and "par courrier au 12 rue des Tilleuls, 69003 Lyon" in text, kind
