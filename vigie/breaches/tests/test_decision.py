"""The decision page: the core's result, the ENISA gauge, the obligations with their countdowns."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from vigie.breaches import services
from vigie.breaches.models import Breach, Status
from vigie.breaches.tests.helpers import declare_ransomware
from vigie.risk import parse_facts


def detail_url(breach: Breach, **query: str) -> str:
    url = reverse("breaches:detail", args=[breach.organisation_id, breach.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_gp_ransomware_with_exfiltration_requires_notifying_cnil_and_informing_patients(org, owner) -> None:
    breach = declare_ransomware(org, owner)

    assert breach.status == Status.ASSESSED
    assert breach.notify_authority is True
    assert breach.notify_data_subjects is True
    rows = {row.id: row for row in breach.obligation_rows()}
    assert rows["notify_cnil"].status == "required"
    assert rows["notify_cnil"].due == breach.cnil_deadline
    assert rows["inform_persons"].status == "required"


def test_to_facts_of_a_complete_breach_is_valid_input_for_the_core(org, owner) -> None:
    breach = declare_ransomware(
        org,
        owner,
        occurred_at=timezone.now() - timedelta(days=1),
        protection="none",
        identifiability="direct",
        published=False,
        recipient="malicious",
        recovered_or_deleted=False,
        backup=True,
        restored_within_hours=30.5,
        permanent_loss=False,
        impact_on_care=True,
        high_risk_neutralised=False,
        individual_contact_disproportionate=False,
        ongoing=False,
    )

    facts = parse_facts(breach.to_facts())

    assert facts.persons.count == 1200
    assert facts.availability.restored_within_hours == 30.5
    assert facts.controller.kind == "cabinet_medical"


def test_to_facts_carries_the_facts_of_schema_v2(org, owner) -> None:
    detected = timezone.now() - timedelta(hours=30)
    informed = timezone.now() - timedelta(hours=7)
    breach = declare_ransomware(
        org,
        owner,
        incident_detected_at=detected,
        processor_informed_at=informed,
        certainty="suspected",
        special_extent="highly_sensitive",
        media=["server", "backup_media"],
        protection="hashed_salted",
        key_compromised=False,
        already_public=False,
        recipient="untrusted",
        recipient_bound_by_secrecy=True,
        accessed=False,
    )

    facts = parse_facts(breach.to_facts())

    assert facts.incident_detected_at == detected
    assert facts.processor_informed_at == informed
    assert facts.nature.certainty == "suspected"
    assert facts.data.special_extent == "highly_sensitive"
    assert facts.data.media == ("server", "backup_media")
    assert (facts.data.key_compromised, facts.data.already_public) == (False, False)
    assert facts.confidentiality.recipient_bound_by_secrecy is True
    assert facts.confidentiality.accessed is False


def test_unknown_v2_facts_are_left_out_for_the_core_to_read_prudently(org, owner) -> None:
    facts = declare_ransomware(org, owner).to_facts()

    assert "incident_detected_at" not in facts and "processor_informed_at" not in facts
    assert set(facts["data"]) == {"categories"}
    assert "certainty" not in facts["nature"]
    assert "accessed" not in facts["confidentiality"]


def test_every_choice_of_the_model_is_a_value_of_the_facts_schema() -> None:
    from vigie import risk
    from vigie.breaches import models

    pairs = [
        (models.Origin, risk.ORIGINS),
        (models.BreachType, risk.BREACH_TYPES),
        (models.DataCategory, risk.DATA_CATEGORIES),
        (models.Protection, risk.PROTECTIONS),
        (models.Identifiability, risk.IDENTIFIABILITY_LEVELS),
        (models.PersonCategory, risk.PERSON_CATEGORIES),
        (models.Exfiltration, risk.EXFILTRATION_STATES),
        (models.Recipient, risk.RECIPIENTS),
        (models.ActingAs, risk.CONTROLLER_ROLES),
        (models.Certainty, risk.CERTAINTIES),
        (models.SpecialExtent, risk.SPECIAL_EXTENTS),
        (models.Medium, risk.MEDIA),
    ]
    for choices, values in pairs:
        assert tuple(choices.values) == values, choices


def test_decision_page_shows_the_sentence_the_gauge_the_reasons_and_live_countdowns(owner_client, org, owner) -> None:
    breach = declare_ransomware(org, owner, hours_ago=60)

    page = owner_client.get(detail_url(breach)).content.decode()

    assert "Vous devez notifier la CNIL avant le" in page
    assert "informer chaque patient concerné" in page
    assert 'class="gauge"' in page
    assert "SE = DPC × EI + CB" in page
    assert "augmente le risque" in page
    assert "RGPD art. 33(1)" in page
    assert 'data-deadline="' in page
    assert 'data-late="en retard de"' in page
    assert 'data-units="j,h,min,s"' in page
    # 12 hours left: amber, and the remaining time rendered by the server too.
    assert 'class="countdown amber"' in page
    assert "\u00a0h " in page
    assert "style=" not in page


def test_countdown_turns_red_under_six_hours_and_late_after(owner_client, org, owner) -> None:
    soon = declare_ransomware(org, owner, hours_ago=68)
    late = declare_ransomware(org, owner, hours_ago=75)

    assert 'class="countdown red"' in owner_client.get(detail_url(soon)).content.decode()
    page = owner_client.get(detail_url(late)).content.decode()
    assert 'class="countdown late"' in page
    assert "en retard de 03\u00a0h" in page


def test_decision_page_without_enough_facts_lists_what_is_missing(owner_client, org, owner) -> None:
    breach = services.declare_breach(org, by=owner, title="Clé USB perdue", became_aware_at=timezone.now())

    page = owner_client.get(detail_url(breach)).content.decode()

    assert breach.assessment is None
    assert "La décision n’est pas encore disponible" in page or "La décision n'est pas encore disponible" in page
    assert "nombre de personnes concernées" in page


def test_tabs_are_served_whole_and_as_a_partial_for_htmx(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner)

    whole = owner_client.get(detail_url(breach, onglet="faits"))
    partial = owner_client.get(detail_url(breach, onglet="faits"), HTTP_HX_TARGET="tab", **htmx_headers)

    assert whole.status_code == partial.status_code == 200
    assert "<html" in whole.content.decode()
    assert "<html" not in partial.content.decode()
    assert "Rançongiciel" in partial.content.decode()
    assert "1 200" in partial.content.decode() or "1200" in partial.content.decode()


def test_obligations_block_is_a_partial_for_htmx_and_a_redirect_otherwise(
    owner_client, org, owner, htmx_headers
) -> None:
    breach = declare_ransomware(org, owner)
    url = reverse("breaches:obligations", args=[org.pk, breach.pk])

    plain = owner_client.get(url)
    partial = owner_client.get(url, **htmx_headers)

    assert plain.status_code == 302
    assert partial.status_code == 200
    assert "Notifier la violation à la CNIL" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_list_shows_open_and_closed_breaches(owner_client, org, owner, htmx_headers) -> None:
    open_breach = declare_ransomware(org, owner)
    closed = declare_ransomware(org, owner)
    services.close_breach(closed, by=owner)

    for headers in ({}, htmx_headers):
        page = owner_client.get(reverse("breaches:list", args=[org.pk]), **headers).content.decode()
        assert open_breach.reference in page and closed.reference in page
        assert "Violations clôturées" in page
