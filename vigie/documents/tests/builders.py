"""Dossiers for tests, built without a database: facts → the real decision core → a dossier."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from vigie.risk import assess, parse_facts

AWARE = datetime.fromisoformat("2026-03-02T09:15:00+01:00")

ORGANISATION: dict[str, Any] = {
    "name": "Cabinet médical des Tilleuls",
    "kind": "cabinet_medical",
    "profession": "medecins",
    "siret": "12345678900012",
    "finess": "",
    "address": "12 rue des Tilleuls",
    "postcode": "69003",
    "city": "Lyon",
    "phone": "04 78 00 00 00",
    "email": "contact@tilleuls.example",
    "website": "",
    "cyber_insurance": False,
    "nis2_entity": False,
    "dpo": {"name": "Dr Claire Martin", "email": "dpo@tilleuls.example", "phone": "04 78 00 00 01"},
}

RANSOMWARE: dict[str, Any] = {
    "controller": {"kind": "laboratoire", "role": "controller", "cyber_insurance": True},
    "nature": {"types": ["confidentiality", "availability", "integrity"], "origin": "ransomware", "malicious": True},
    "data": {"categories": ["identity", "contact", "birth_date", "health", "national_id"], "protection": "none",
             "identifiability": "direct"},
    "persons": {"count": 4800, "count_is_estimate": True, "categories": ["patients"]},
    "confidentiality": {"exfiltration": "confirmed", "published": True, "recipient": "malicious"},
    "availability": {"backup": True, "restored_within_hours": 36, "impact_on_care": True},
}  # fmt: skip
PORTAL: dict[str, Any] = {
    "controller": {"kind": "laboratoire", "role": "controller"},
    "nature": {"types": ["confidentiality"], "origin": "credential_stuffing", "malicious": True},
    "data": {"categories": ["identity", "contact", "health", "credentials", "financial"], "identifiability": "direct"},
    "persons": {"count": 312, "categories": ["patients"]},
    "confidentiality": {"exfiltration": "likely"},
}
MISDIRECTED: dict[str, Any] = {
    "controller": {"kind": "cabinet_medical"},
    "nature": {"types": ["confidentiality"], "origin": "misdirected_email", "malicious": False},
    "data": {"categories": ["identity", "health"], "identifiability": "direct"},
    "persons": {"count": 1, "categories": ["patients"]},
    "confidentiality": {"recipient": "trusted", "recovered_or_deleted": True},
}
STOLEN_LAPTOP: dict[str, Any] = {
    "controller": {"kind": "centre_sante"},
    "nature": {"types": ["confidentiality"], "origin": "stolen_device", "malicious": True},
    "data": {"categories": ["identity", "birth_date", "health", "payment_card"], "protection": "none"},
    "persons": {"count": 60000, "count_is_estimate": True, "categories": ["patients", "minors"]},
    "mitigation": {"individual_contact_disproportionate": True},
}
PROCESSOR: dict[str, Any] = {
    "controller": {"kind": "other", "role": "processor"},
    "nature": {"types": ["availability"], "origin": "system_failure", "malicious": False},
    "data": {"categories": ["identity", "health"], "protection": "encrypted"},
    "persons": {"count": 20, "categories": ["patients"]},
    "availability": {"backup": True, "restored_within_hours": 2},
}
SCENARIOS = {
    "ransomware": RANSOMWARE,
    "portal": PORTAL,
    "misdirected": MISDIRECTED,
    "stolen_laptop": STOLEN_LAPTOP,
    "processor": PROCESSOR,
}


def dossier(
    facts: dict[str, Any] | None = None,
    *,
    organisation: dict[str, Any] | None = None,
    breach: dict[str, Any] | None = None,
    done: dict[str, dict[str, Any]] | None = None,
    generated_at: datetime | None = None,
    templates: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A valid dossier: ``facts`` (default: the lab ransomware) assessed by the real core at awareness + 30 h."""
    facts = copy.deepcopy(facts or RANSOMWARE)
    facts["became_aware_at"] = AWARE.isoformat()
    facts.setdefault("occurred_at", (AWARE - timedelta(hours=10)).isoformat())
    result = assess(parse_facts(facts), now=AWARE + timedelta(hours=30)).to_dict()
    obligations = []
    for item in result["obligations"]:
        state = (done or {}).get(item["id"], {})
        obligations.append(
            {key: item[key] for key in ("id", "title", "status", "due", "basis", "why")}
            | {"overruled": False, "done_at": state.get("done_at"), "done_by": "Claire Martin",
               "reference": state.get("reference", ""), "note": state.get("note", ""),
               "delay_reasons": state.get("delay_reasons", "")}
        )  # fmt: skip
    org = copy.deepcopy(ORGANISATION) | (organisation or {})
    return {
        "version": 1,
        "generated_at": (generated_at or AWARE + timedelta(hours=30)).isoformat(),
        "organisation": org,
        "breach": {
            "id": 1,
            "reference": "2026-004",
            "title": "Rançongiciel sur le serveur de résultats",
            "status": "assessed",
            "became_aware_at": AWARE.isoformat(),
            "awareness_note": "Écran de rançon à l'ouverture du cabinet.",
            "occurred_at": facts["occurred_at"],
            "ended_at": None,
            "ongoing": False,
            "records_count": 20000,
            "processor_name": "",
            "description": "Chiffrement du serveur ; l'attaquant revendique la copie de comptes rendus.",
            "consequences": "Risque d'hameçonnage ciblé et d'usurpation d'identité.",
            "measures_taken": "Serveur isolé ; restauration depuis la sauvegarde hors ligne ; mots de passe changés",
            "measures_planned": "Double authentification pour tous les comptes",
        }
        | (breach or {}),
        "facts": facts,
        "assessment": result,
        "decision": {
            "notify_authority": result["notify_authority"],
            "notify_data_subjects": result["notify_data_subjects"],
            "data_subjects_channel": result["data_subjects_channel"],
            "overruled": False,
            "justification": "",
        },
        "obligations": obligations,
        "timeline": [
            {"at": AWARE.isoformat(), "kind": "declared", "summary": "Violation déclarée.", "author": "Claire Martin"},
            {
                "at": (AWARE + timedelta(hours=1)).isoformat(),
                "kind": "assessed",
                "summary": "Évaluée : risque élevé.",
                "author": "",
            },
        ],  # fmt: skip
        "templates": templates or {},
    }
