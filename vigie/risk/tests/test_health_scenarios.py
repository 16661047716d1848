"""French health scenarios: what a practice, a lab, a clinic or a vendor must do after a breach."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest

from vigie.risk import assess, parse_facts
from vigie.risk.tests.builders import facts_dict


def with_(base: dict[str, Any], **parts: Any) -> dict[str, Any]:
    out = {**base}
    for key, value in parts.items():
        out[key] = {**base.get(key, {}), **value}
    return out


GP_RANSOMWARE = facts_dict(
    controller={"kind": "cabinet_medical", "cyber_insurance": False},
    nature={"types": ["confidentiality", "availability", "integrity"], "origin": "ransomware", "malicious": True},
    data={"categories": ["identity", "contact", "national_id", "health"], "protection": "none"},
    persons={"count": 1800, "categories": ["patients"]},
    confidentiality={"exfiltration": "confirmed", "recipient": "malicious"},
    availability={"backup": True, "restored_within_hours": 30, "impact_on_care": True},
)
LAB_PUBLISHED = facts_dict(
    controller={"kind": "laboratoire"},
    nature={"types": ["confidentiality"], "origin": "processor_incident", "malicious": True},
    data={
        "categories": ["identity", "contact", "birth_date", "national_id", "health", "genetic"],
        "identifiability": "direct",
    },
    persons={"count": 491840, "count_is_estimate": True, "categories": ["patients"]},
    confidentiality={"exfiltration": "confirmed", "published": True, "recipient": "unknown"},
)
LAB_RESULT_MISDIRECTED = facts_dict(
    controller={"kind": "laboratoire"},
    nature={"types": ["confidentiality"], "origin": "misdirected_email", "malicious": False},
    data={"categories": ["identity", "health"]},
    persons={"count": 1, "categories": ["patients"]},
    confidentiality={"recipient": "untrusted"},
)
ENCRYPTED_LAPTOP = facts_dict(
    nature={"types": ["confidentiality", "availability"], "origin": "stolen_device", "malicious": True},
    data={"categories": ["identity", "health"], "protection": "encrypted", "identifiability": "direct"},
    persons={"count": 900, "categories": ["patients"]},
    confidentiality={"recipient": "unknown"},
    availability={"backup": True, "permanent_loss": False},
)
PRESCRIPTION_PAD = facts_dict(
    nature={"types": ["confidentiality"], "origin": "lost_paper", "malicious": False},
    data={"categories": ["identity", "health"], "protection": "none"},
    persons={"count": 25, "categories": ["patients"]},
)
CLINIC_RANSOMWARE = facts_dict(
    controller={"kind": "etablissement_sante", "cyber_insurance": True},
    nature={"types": ["availability", "integrity"], "origin": "ransomware", "malicious": True},
    persons={"count": 40000, "categories": ["patients"]},
    confidentiality={"exfiltration": "unknown"},
    availability={"backup": True, "restored_within_hours": 60, "impact_on_care": True},
)
NIS2_HOSPITAL = with_(CLINIC_RANSOMWARE, controller={"nis2_entity": True, "cyber_insurance": False})
VENDOR = facts_dict(
    controller={"kind": "other", "role": "processor"},
    nature={"types": ["confidentiality"], "origin": "hacking", "malicious": True},
    persons={"count": 250000, "categories": ["patients"]},
    confidentiality={"exfiltration": "likely", "recipient": "malicious"},
)
SHORT_OUTAGE = facts_dict(
    nature={"types": ["availability"], "origin": "system_failure", "malicious": False},
    confidentiality={"exfiltration": "excluded"},
    availability={"restored_within_hours": 1, "permanent_loss": False, "impact_on_care": False},
)


SCENARIOS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "gp_ransomware_with_exfiltration_requires_informing_each_patient",
        GP_RANSOMWARE,
        {
            "risk": "high",
            "notify_authority": True,
            "notify_data_subjects": True,
            "channel": "individual",
            "register": "required",
            "notify_cnil": "required",
            "inform_persons": "required",
            "police_complaint": "recommended",
            "ars_cert_sante": "recommended",
            "ordre": "recommended",
            "cybermalveillance": "recommended",
            "insurer": "not_applicable",
            "nis2_early_warning": "not_applicable",
            "processor_to_controller": "not_applicable",
        },
    ),
    (
        "lab_data_published_online_is_very_high_and_every_patient_is_told",
        LAB_PUBLISHED,
        {
            "risk": "high",
            "level": "very_high",
            "score": 5.0,
            "notify_data_subjects": True,
            "channel": "individual",
            "ars_cert_sante": "required",
            "ordre": "recommended",
        },
    ),
    (
        "one_lab_result_emailed_to_another_patient_is_notified",
        LAB_RESULT_MISDIRECTED,
        {
            "notify_authority": True,
            "notify_cnil": "required",
            "police_complaint": "not_applicable",
            "ars_cert_sante": "not_applicable",
            "cybermalveillance": "not_applicable",
        },
    ),
    (
        "lab_result_deleted_by_its_recipient_is_still_a_risk_but_not_high",
        with_(LAB_RESULT_MISDIRECTED, confidentiality={"recovered_or_deleted": True}),
        {"risk": "risk", "notify_authority": True, "notify_data_subjects": False, "inform_persons": "not_applicable"},
    ),
    (
        "stolen_gp_laptop_encrypted_with_key_safe_is_only_recorded",
        ENCRYPTED_LAPTOP,
        {
            "risk": "unlikely",
            "notify_authority": False,
            "notify_data_subjects": False,
            "register": "required",
            "notify_cnil": "not_applicable",
            "police_complaint": "recommended",
            "ars_cert_sante": "not_applicable",
        },
    ),
    (
        "stolen_gp_laptop_whose_key_was_compromised_is_high",
        with_(ENCRYPTED_LAPTOP, data={"protection": "encrypted_key_compromised"}),
        {"risk": "high", "notify_data_subjects": True, "exceptions": ()},
    ),
    (
        "lost_prescription_pad_with_patients_names_is_told_to_patients",
        PRESCRIPTION_PAD,
        {
            "notify_authority": True,
            "notify_data_subjects": True,
            "police_complaint": "not_applicable",
            "ars_cert_sante": "not_applicable",
            "ordre": "recommended",
            "cybermalveillance": "not_applicable",
        },
    ),
    (
        "insured_clinic_must_file_a_complaint_within_72_hours",
        CLINIC_RANSOMWARE,
        {
            "risk": "high",
            "police_complaint": "required",
            "police_complaint_due_hours": 72,
            "insurer": "recommended",
            "ars_cert_sante": "required",
            "ordre": "not_applicable",
        },
    ),
    (
        "nis2_hospital_sends_an_early_warning_within_24_hours",
        NIS2_HOSPITAL,
        {
            "nis2_early_warning": "required",
            "nis2_early_warning_due_hours": 24,
            "notify_cnil_due_hours": 72,
            "police_complaint": "recommended",
        },
    ),
    (
        "software_vendor_alerts_its_controller_and_leaves_notification_to_it",
        VENDOR,
        {
            "notify_authority": True,
            "processor_to_controller": "required",
            "notify_cnil": "not_applicable",
            "inform_persons": "not_applicable",
            "register": "required",
        },
    ),
    (
        "disproportionate_effort_turns_to_a_public_communication",
        with_(LAB_PUBLISHED, mitigation={"individual_contact_disproportionate": True}),
        {"notify_data_subjects": True, "channel": "public", "exceptions": ("c",), "inform_persons": "required"},
    ),
    (
        "neutralised_high_risk_lifts_the_duty_to_inform",
        with_(GP_RANSOMWARE, mitigation={"high_risk_neutralised": True}),
        {
            "risk": "high",
            "notify_authority": True,
            "notify_data_subjects": False,
            "channel": None,
            "exceptions": ("b",),
            "inform_persons": "not_applicable",
        },
    ),
    (
        "encrypted_hospital_data_unavailable_for_care_still_requires_informing_patients",
        with_(CLINIC_RANSOMWARE, data={"protection": "encrypted"}, confidentiality={"exfiltration": "excluded"}),
        {"risk": "high", "notify_data_subjects": True, "exceptions": (), "inform_persons": "required"},
    ),
    (
        "possible_exfiltration_of_ordinary_data_is_notified_but_not_high",
        facts_dict(
            controller={"kind": "other"},
            nature={"types": ["availability"], "origin": "ransomware", "malicious": True},
            data={"categories": ["identity", "contact"]},
            persons={"count": 5000, "categories": ["clients"]},
            availability={"backup": True, "restored_within_hours": 2},
        ),
        {"risk": "risk", "notify_authority": True, "notify_data_subjects": False},
    ),
    (
        "hospital_records_down_six_hours_are_presumed_to_disrupt_care",
        facts_dict(
            controller={"kind": "etablissement_sante"},
            nature={"types": ["availability"], "origin": "system_failure", "malicious": False},
            availability={"restored_within_hours": 6},
        ),
        {"risk": "high", "notify_data_subjects": True, "ars_cert_sante": "required"},
    ),
    (
        "one_hour_outage_without_effect_is_only_recorded",
        SHORT_OUTAGE,
        {"risk": "unlikely", "notify_authority": False, "ars_cert_sante": "recommended"},
    ),
]


@pytest.mark.parametrize(("facts", "expected"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_health_scenario(facts: dict[str, Any], expected: dict[str, Any]) -> None:
    parsed = parse_facts(facts)
    result = assess(parsed)
    aware = parsed.became_aware_at.astimezone(UTC)

    for key, value in expected.items():
        if key == "risk":
            assert result.risk == value
        elif key == "level":
            assert result.severity.level == value
        elif key == "score":
            assert result.severity.score == value
        elif key == "channel":
            assert result.data_subjects_channel == value
        elif key == "exceptions":
            assert result.exceptions == value
        elif key in ("notify_authority", "notify_data_subjects"):
            assert getattr(result, key) is value
        elif key.endswith("_due_hours"):
            due = result.obligation(key.removesuffix("_due_hours")).due
            assert due is not None
            assert due.astimezone(UTC) - aware == timedelta(hours=value)
        else:
            assert result.obligation(key).status == value, key


def test_an_exception_is_named_in_the_reasons() -> None:
    result = assess(parse_facts(with_(GP_RANSOMWARE, mitigation={"high_risk_neutralised": True})))

    assert "exception_34_3_b" in [reason.factor for reason in result.reasons]
    assert "34(3)(b)" in result.obligation("inform_persons").why


def test_enisa_disagreement_is_said_and_edpb_prevails() -> None:
    # Readable identity data of many people on a stolen laptop: ENISA scores it low, the EDPB reads it high.
    facts = facts_dict(
        controller={"kind": "other"},
        nature={"types": ["confidentiality"], "origin": "stolen_device", "malicious": True},
        data={"categories": ["identity", "contact"], "protection": "none", "identifiability": "direct"},
        persons={"count": 100000, "categories": ["clients"]},
    )
    result = assess(parse_facts(facts))

    assert result.severity.level == "low"
    assert result.risk == "high"
    disagreement = next(reason for reason in result.reasons if reason.factor == "enisa_vs_edpb")
    assert disagreement.effect == "raises"
    assert "CEPD" in disagreement.text


def test_unknown_exfiltration_after_an_attack_is_a_stated_prudent_assumption() -> None:
    result = assess(parse_facts(CLINIC_RANSOMWARE))

    assert any("exfiltration" in sentence for sentence in result.prudent_assumptions)


def test_processor_why_says_the_controller_notifies() -> None:
    result = assess(parse_facts(VENDOR))

    assert "responsable de traitement" in result.obligation("notify_cnil").why
    assert result.decision.startswith("Décision\u00a0: alerter sans délai le responsable de traitement")


def test_late_notification_asks_for_the_reasons_of_the_delay() -> None:
    parsed = parse_facts(GP_RANSOMWARE)
    result = assess(parsed, now=parsed.became_aware_at + timedelta(hours=73))

    assert result.late_notification is True
    assert result.obligation("notify_cnil").overdue is True
    assert "motifs du retard" in result.obligation("notify_cnil").why
    assert result.obligation("register").overdue is False


def test_within_the_deadline_nothing_is_late() -> None:
    parsed = parse_facts(GP_RANSOMWARE)
    result = assess(parsed, now=parsed.became_aware_at + timedelta(hours=71))

    assert result.late_notification is False
    assert not any(obligation.overdue for obligation in result.obligations)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        assess(parse_facts(GP_RANSOMWARE), now=parse_facts(GP_RANSOMWARE).became_aware_at.replace(tzinfo=None))
