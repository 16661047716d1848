"""The decision page: the core's result, the ENISA gauge, the obligations with their countdowns."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

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


def test_every_choice_of_the_facts_is_a_value_of_the_core_in_its_order() -> None:
    from vigie import risk
    from vigie.breaches import choices

    pairs = [
        (choices.Origin, risk.ORIGINS),
        (choices.BreachType, risk.BREACH_TYPES),
        (choices.DataCategory, risk.DATA_CATEGORIES),
        (choices.Protection, risk.PROTECTIONS),
        (choices.Identifiability, risk.IDENTIFIABILITY_LEVELS),
        (choices.PersonCategory, risk.PERSON_CATEGORIES),
        (choices.Exfiltration, risk.EXFILTRATION_STATES),
        (choices.DataRecipient, risk.RECIPIENTS),
        (choices.ActingAs, risk.CONTROLLER_ROLES),
        (choices.Certainty, risk.CERTAINTIES),
        (choices.SpecialExtent, risk.SPECIAL_EXTENTS),
        (choices.Medium, risk.MEDIA),
    ]
    for found, values in pairs:
        assert tuple(found.values) == values, found
    assert {found for found, _ in pairs} == {found for found, _ in choices.MIRRORS}
    assert choices.drifted() == []


def test_choices_that_drift_from_the_core_are_named(monkeypatch) -> None:
    from vigie.breaches import choices

    monkeypatch.setattr(choices, "MIRRORS", ((choices.Medium, (*choices.Medium.values, "carrier_pigeon")),))
    assert choices.drifted() == ["Medium"]


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
    assert "La décision n'est pas encore disponible" in page
    assert "nombre de personnes concernées" in page


def test_tabs_are_served_whole_and_as_a_partial_for_htmx(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner)

    whole = owner_client.get(detail_url(breach, onglet="faits"))
    partial = owner_client.get(detail_url(breach, onglet="faits"), HTTP_HX_TARGET="tab", **htmx_headers)

    assert whole.status_code == partial.status_code == 200
    assert "<html" in whole.content.decode()
    assert "<html" not in partial.content.decode()
    assert "Rançongiciel" in partial.content.decode()
    assert "<dt>Nombre de personnes concernées</dt><dd>1\u00a0200</dd>" in partial.content.decode()


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
    services.close_breach(
        closed, by=owner, justification="Fausse alerte confirmée par le prestataire, aucune donnée touchée."
    )

    for headers in ({}, htmx_headers):
        page = owner_client.get(reverse("breaches:list", args=[org.pk]), **headers).content.decode()
        assert open_breach.reference in page and closed.reference in page
        assert "Violations clôturées" in page


def english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_decision_page_shows_the_two_axes_and_the_matrix_with_each_event(owner_client, org, owner) -> None:
    breach = declare_ransomware(org, owner, backup=True, restored_within_hours=2, impact_on_care=False)

    page = owner_client.get(detail_url(breach)).content.decode()

    assert breach.assessment is not None
    axes = breach.assessment["axes"]
    assert (axes["event"], axes["likelihood"], axes["severity"]) == ("confidentiality", "maximum", "significant")
    assert "Vraisemblance <strong>maximale</strong> × gravité <strong>importante</strong>" in page
    assert '<table class="matrix">' in page
    assert page.count('<td class="cell-') == 16
    assert page.count("deciding") == 1
    assert '<td class="cell-high deciding"' in page
    assert "Accès illégitime aux données\u00a0: vraisemblance maximale × gravité importante" in page
    assert "augmente la vraisemblance" in page and "augmente la gravité" in page


def test_decision_page_says_when_the_enisa_score_disagrees_and_why(owner_client, org, owner) -> None:
    # A short outage restored from backup at a GP practice: ENISA counts health data, the two axes see no harm.
    breach = declare_ransomware(
        org,
        owner,
        breach_types=["availability"],
        exfiltration="excluded",
        backup=True,
        restored_within_hours=1,
        impact_on_care=False,
    )

    page = owner_client.get(detail_url(breach)).content.decode()

    assert breach.assessment is not None and breach.assessment["risk"] == "unlikely"
    assert breach.assessment["enisa"]["agrees"] is False
    assert "Le score ENISA ne concorde pas avec la décision." in page
    assert "ne mesure pas la vraisemblance" in page


def test_the_english_interface_shows_reasons_obligations_and_axes_in_english(owner_client, org, owner) -> None:
    breach = declare_ransomware(org, owner)

    page = english(owner_client).get(detail_url(breach)).content.decode()

    assert "Notify the breach to the CNIL" in page
    assert "Inform the persons concerned" in page
    assert "The breach is likely to result in a high risk" in page
    assert "Likelihood <strong>" in page
    assert "raises the likelihood" in page
    assert "Unlawful access to the data" in page
    for french in ("Notifier la violation à la CNIL", "Les données sont entre les mains", "vraisemblance maximale"):
        assert french not in page
    # The record stays in French.
    assert breach.assessment is not None
    assert breach.assessment["obligations"][1]["title"] == "Notifier la violation à la CNIL"


def test_an_assessment_stored_before_the_two_axes_still_renders(owner_client, org, owner) -> None:
    breach = declare_ransomware(org, owner)
    legacy = {
        "risk": "high",
        "severity": {"dpc": 4, "ei": 1.0, "cb": 1.0, "score": 5.0, "level": "very_high", "explanation": ["DPC 4 : ancien."]},
        "notify_authority": True,
        "notify_data_subjects": True,
        "data_subjects_channel": "individual",
        "obligations": [
            {"id": "register", "title": "Inscrire la violation au registre des violations", "status": "required",
             "due": None, "basis": "RGPD art. 33(5)", "why": "Ancienne explication du registre.", "overdue": False},
            {"id": "notify_cnil", "title": "Notifier la violation à la CNIL", "status": "required",
             "due": breach.cnil_deadline.isoformat() if breach.cnil_deadline else None, "basis": "RGPD art. 33(1)",
             "why": "Ancienne explication CNIL.", "overdue": False},
        ],
        "reasons": [{"factor": "publication", "effect": "raises", "text": "Une ancienne raison.", "basis": "CEPD"}],
        "exceptions": [],
        "prudent_assumptions": [],
        "decision": "Décision : notifier la CNIL et informer chaque personne concernée.",
    }  # fmt: skip
    Breach.objects.filter(pk=breach.pk).update(assessment=legacy)

    french_page = owner_client.get(detail_url(breach)).content.decode()
    english_page = english(owner_client).get(detail_url(breach)).content.decode()

    assert "Une ancienne raison." in french_page and "Ancienne explication CNIL." in french_page
    assert '<table class="matrix">' not in french_page
    assert "Notify the breach to the CNIL" in english_page  # titles follow from the obligation id
    assert "Une ancienne raison." in english_page  # an old reason keeps its recorded wording


def test_the_journal_records_french_and_shows_the_language_of_the_screen(owner_client, org, owner) -> None:
    from vigie.breaches.models import EventKind

    breach = declare_ransomware(org, owner)
    with translation.override("en"):  # the DPO works in English: the record is written in French all the same
        services.mark_obligation_done(breach, "notify_cnil", by=owner, done_at=timezone.now(), reference="CNIL-1")

    event = breach.events.get(kind=EventKind.OBLIGATION_DONE)
    assert event.summary.startswith("« Notifier la violation à la CNIL » fait le")
    assert "Notify the breach" not in event.summary
    url = detail_url(breach, onglet="chronologie")
    assert "Notify the breach to the CNIL” done on" in english(owner_client).get(url).content.decode()


def test_the_dossier_for_documents_stays_in_french_under_the_english_interface(org, owner) -> None:
    from vigie.documents.dossier import build_dossier

    breach = declare_ransomware(org, owner)
    with translation.override("en"):
        dossier = build_dossier(breach)

    titles = {item["id"]: item["title"] for item in dossier["obligations"]}
    assert titles["notify_cnil"] == "Notifier la violation à la CNIL"
    assert dossier["assessment"]["decision"].startswith("Décision")
