"""French health scenarios: what a practice, a lab, a clinic or a vendor must do after a breach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
        "lost_prescription_pad_with_patients_names_is_notified_but_not_high",
        PRESCRIPTION_PAD,
        {
            "risk": "risk",
            "likelihood": "limited",
            "severity": "significant",
            "notify_authority": True,
            "notify_data_subjects": False,
            "police_complaint": "not_applicable",
            "ars_cert_sante": "not_applicable",
            "ordre": "recommended",
            "cybermalveillance": "not_applicable",
        },
    ),
    (
        "stolen_prescription_pad_is_high",
        with_(PRESCRIPTION_PAD, nature={"origin": "stolen_paper", "malicious": True}),
        {"risk": "high", "notify_data_subjects": True, "police_complaint": "recommended"},
    ),
    (
        "insured_clinic_files_its_complaint_within_72_hours_to_keep_its_cover",
        CLINIC_RANSOMWARE,
        {
            "risk": "high",
            "police_complaint": "recommended",
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
            "register": "recommended",
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
        {"risk": "unlikely", "notify_authority": False, "ars_cert_sante": "not_applicable"},
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
        elif key in ("likelihood", "severity"):
            assert getattr(result.axes, key) == value
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


def test_enisa_disagreement_is_said_and_why_and_the_two_axes_prevail() -> None:
    # Readable identity data of many people on a stolen laptop: ENISA scores it low, the two axes read it high.
    facts = facts_dict(
        controller={"kind": "other"},
        nature={"types": ["confidentiality"], "origin": "stolen_device", "malicious": True},
        data={"categories": ["identity", "contact", "birth_date"], "protection": "none", "identifiability": "direct"},
        persons={"count": 100000, "categories": ["clients"]},
    )
    result = assess(parse_facts(facts))

    assert result.severity.level == "low"
    assert result.risk == "high"
    assert result.enisa_agrees is False
    disagreement = next(reason for reason in result.reasons if reason.factor == "enisa_vs_edpb")
    assert disagreement.effect == "raises"
    assert "« risque improbable »" in disagreement.text.replace("\u00a0", " ")
    assert "le vol du support" in disagreement.text and "le nombre de personnes" in disagreement.text


def test_enisa_harsher_than_the_decision_names_the_mitigations_it_ignores() -> None:
    # A list with one dietary mention e-mailed to a few people: ENISA counts health data at its maximum.
    facts = facts_dict(
        controller={"kind": "other"},
        nature={"types": ["confidentiality"], "origin": "misdirected_email", "malicious": False},
        data={"categories": ["identity", "contact", "health"], "special_extent": "minor"},
        persons={"count": 15, "categories": ["clients"]},
        confidentiality={"recipient": "untrusted", "recovered_or_deleted": True},
    )
    result = assess(parse_facts(facts))

    assert (result.risk, result.severity.level, result.enisa_agrees) == ("unlikely", "very_high", False)
    disagreement = next(reason for reason in result.reasons if reason.factor == "enisa_vs_edpb")
    assert disagreement.effect == "lowers"
    assert "ne mesure pas la vraisemblance" in disagreement.text


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


# --- The two axes -----------------------------------------------------------------------------------------------

LAB_RESULT_TO_ANOTHER_PATIENT = facts_dict(
    controller={"kind": "laboratoire"},
    nature={"types": ["confidentiality"], "origin": "misdirected_email", "malicious": False},
    data={"categories": ["identity", "health"], "media": ["email"]},
    persons={"count": 1, "categories": ["patients"]},
    confidentiality={"recipient": "untrusted"},
)


@pytest.mark.parametrize(
    ("change", "likelihood", "risk"),
    [
        ({}, "limited", "risk"),
        ({"confidentiality": {"accessed": True}}, "significant", "high"),
        ({"confidentiality": {"accessed": False}}, "negligible", "unlikely"),
        ({"confidentiality": {"recipient": "trusted", "recipient_bound_by_secrecy": True}}, "negligible", "unlikely"),
        (
            {"confidentiality": {"recipient_bound_by_secrecy": True, "recovered_or_deleted": True, "accessed": True}},
            "negligible",
            "unlikely",
        ),
        # Deleted by a patient who read it: the copy is gone, not what was read.
        ({"confidentiality": {"recovered_or_deleted": True, "accessed": True}}, "limited", "risk"),
        ({"data": {"already_public": True}}, "negligible", "unlikely"),
        ({"data": {"protection": "encrypted"}}, "negligible", "unlikely"),
        ({"data": {"protection": "encrypted", "key_compromised": True}}, "limited", "risk"),
    ],
)
def test_mitigating_facts_lower_the_likelihood_and_aggravating_ones_raise_it(
    change: dict[str, Any], likelihood: str, risk: str
) -> None:
    result = assess(parse_facts(with_(LAB_RESULT_TO_ANOTHER_PATIENT, **change)))

    assert (result.axes.event, result.axes.likelihood, result.risk) == ("confidentiality", likelihood, risk)


@pytest.mark.parametrize(
    ("extent", "severity", "risk"),
    [("minor", "limited", "risk"), (None, "significant", "risk"), ("highly_sensitive", "maximum", "high")],
)
def test_the_extent_of_sensitive_data_sets_the_severity(extent: str | None, severity: str, risk: str) -> None:
    data = {"special_extent": extent} if extent else {}
    result = assess(parse_facts(with_(LAB_RESULT_TO_ANOTHER_PATIENT, data=data)))

    # Patients of a lab: never below "limited", being the lab's patient already says something about health.
    assert (result.axes.severity, result.risk) == (severity, risk)


def test_salted_hashes_are_unintelligible_only_when_the_salt_is_known_to_be_safe() -> None:
    base = facts_dict(
        controller={"kind": "other"},
        nature={"types": ["confidentiality"], "origin": "hacking", "malicious": True},
        data={"categories": ["credentials", "contact"], "protection": "hashed_salted", "identifiability": "direct"},
        persons={"count": 4000, "categories": ["clients"]},
        confidentiality={"exfiltration": "confirmed", "recipient": "malicious"},
    )

    safe = assess(parse_facts(with_(base, data={"key_compromised": False})))
    unknown = assess(parse_facts(base))
    leaked = assess(parse_facts(with_(base, data={"key_compromised": True})))

    assert safe.risk == "unlikely" and safe.exceptions == ("a",)
    assert RISKS.index(unknown.risk) >= RISKS.index("risk")
    assert leaked.risk == "high"
    assert any("sel" in sentence for sentence in unknown.prudent_assumptions)


RISKS = ("unlikely", "risk", "high")


def test_each_reason_says_which_event_and_axis_it_moves() -> None:
    result = assess(parse_facts(GP_RANSOMWARE))

    moved = {(reason.event, reason.axis) for reason in result.reasons if reason.axis}
    assert ("confidentiality", "likelihood") in moved and ("confidentiality", "severity") in moved
    assert ("availability", "likelihood") in moved and ("availability", "severity") in moved
    matrix = [reason for reason in result.reasons if reason.factor == "matrix"]
    assert [reason.event for reason in matrix] == [event.event for event in result.events]


def test_the_risk_is_that_of_the_worst_feared_event_on_the_matrix() -> None:
    from vigie.risk import MATRIX, matrix

    result = assess(parse_facts(CLINIC_RANSOMWARE))

    assert [row[0] for row in MATRIX] == ["unlikely", "unlikely", "risk", "risk"]
    assert all(cell == "unlikely" for cell in MATRIX[0])
    for event in result.events:
        assert event.risk == matrix(event.likelihood, event.severity)
    assert result.risk == max((event.risk for event in result.events), key=RISKS.index)
    assert (result.axes.likelihood, result.axes.severity, result.axes.event) == ("maximum", "maximum", "availability")


def test_a_suspected_breach_is_assessed_as_established_and_says_so() -> None:
    established = assess(parse_facts(GP_RANSOMWARE))
    suspected = assess(parse_facts(with_(GP_RANSOMWARE, nature={"certainty": "suspected"})))

    assert (suspected.risk, suspected.notify_authority) == (established.risk, established.notify_authority)
    assert any("suspectée" in sentence for sentence in suspected.prudent_assumptions)


# --- French clocks and conditions ---------------------------------------------------------------------------------


def test_the_insurance_complaint_clock_runs_from_the_detection_of_the_attack() -> None:
    facts = with_(CLINIC_RANSOMWARE)
    facts["incident_detected_at"] = "2025-01-12T23:10:00+01:00"
    parsed = parse_facts(facts)
    result = assess(parsed, now=parsed.became_aware_at + timedelta(hours=71))

    complaint = result.obligation("police_complaint")
    assert complaint.status == "recommended"
    assert complaint.clock == "incident_detected_at"
    assert complaint.due is not None
    assert complaint.due.astimezone(UTC) - datetime(2025, 1, 12, 22, 10, tzinfo=UTC) == timedelta(hours=72)
    # 71 hours after awareness is already past 72 hours after detection: late, and it says the cover is at stake.
    assert complaint.overdue is True
    assert "l'indemnisation peut être compromise" in complaint.why
    assert "condition de garantie, non une obligation légale" in complaint.why
    assert result.obligation("notify_cnil").overdue is False


def test_a_complaint_is_recommended_but_never_required() -> None:
    for facts in (CLINIC_RANSOMWARE, GP_RANSOMWARE, VENDOR, NIS2_HOSPITAL):
        assert assess(parse_facts(facts)).obligation("police_complaint").status in ("recommended", "not_applicable")


def test_an_uninsured_attack_has_no_insurance_clock() -> None:
    result = assess(parse_facts(with_(CLINIC_RANSOMWARE, controller={"cyber_insurance": False})))

    assert result.obligation("police_complaint").status == "recommended"
    assert result.obligation("police_complaint").due is None
    assert result.obligation("insurer").status == "not_applicable"


def test_the_ars_report_runs_from_detection_without_delay() -> None:
    facts = with_(CLINIC_RANSOMWARE)
    facts["incident_detected_at"] = "2025-01-12T23:10:00+01:00"
    ars = assess(parse_facts(facts)).obligation("ars_cert_sante")

    assert ars.status == "required"
    assert ars.due is None
    assert "dimanche 12 janvier 2025 à 23 h 10" in ars.why


def test_a_paper_only_breach_is_not_an_it_incident_for_the_ars_or_nis2() -> None:
    facts = with_(NIS2_HOSPITAL, data={"media": ["paper"]}, nature={"origin": "stolen_paper"})
    result = assess(parse_facts(facts))

    assert result.obligation("ars_cert_sante").status == "not_applicable"
    assert result.obligation("nis2_early_warning").status == "not_applicable"
    assert result.obligation("police_complaint").due is None


def test_nis2_early_warning_says_the_french_transposition_governs() -> None:
    warning = assess(parse_facts(NIS2_HOSPITAL)).obligation("nis2_early_warning")

    assert warning.status == "required"
    assert "transposition" in warning.why and "transposition" in warning.basis


def test_a_processor_alerts_each_controller_and_keeps_the_register_as_advice() -> None:
    result = assess(parse_facts(VENDOR))

    assert "chaque responsable de traitement" in result.obligation("processor_to_controller").why
    assert result.obligation("register").status == "recommended"
    assert "celui du responsable de traitement" in result.obligation("register").why
