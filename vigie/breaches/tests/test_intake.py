"""The guided intake: declaring in a minute, one question per step, saved as it goes, resumable."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from vigie.accounts.models import Role
from vigie.breaches import intake, services
from vigie.breaches.models import Breach, EventKind, Status


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def step_url(breach: Breach, slug: str) -> str:
    return reverse("breaches:intake", args=[breach.organisation_id, breach.pk, slug])


ANSWERS = {
    "evenement": {
        "title": "Rançongiciel sur le serveur",
        "description": "Les fichiers du serveur sont chiffrés, une demande de rançon s'affiche.",
        "origin": "ransomware",
        "malicious": "yes",
        "ongoing": "no",
        "ended_at": "",
        "acting_as": "controller",
    },
    "types": {"breach_types": ["confidentiality", "availability"]},
    "donnees": {"data_categories": ["identity", "health"], "records_count": ""},
    "protection": {"protection": "none", "identifiability": ""},
    "personnes": {"persons_count": "1200", "persons_count_is_estimate": "yes", "person_categories": ["patients"]},
    "confidentialite": {"exfiltration": "confirmed", "published": "unknown", "recipient": "malicious",
                        "recovered_or_deleted": "no"},
    "disponibilite": {"backup": "yes", "restored_within_hours": "", "permanent_loss": "no", "impact_on_care": "yes"},
    "attenuation": {"high_risk_neutralised": "no", "individual_contact_disproportionate": "no"},
    "recit": {"consequences": "Divulgation du secret médical.", "measures_taken": "Serveur isolé.",
              "measures_planned": "", "processor_name": ""},
}  # fmt: skip


def test_declaring_takes_a_title_and_the_moment_of_awareness_and_starts_the_clock(owner_client, org) -> None:
    aware = timezone.now() - timedelta(hours=2)
    response = owner_client.post(
        reverse("breaches:new", args=[org.pk]),
        {"title": "Rançongiciel", "became_aware_at": local(aware), "awareness_note": "Écran de rançon"},
    )

    breach = Breach.objects.get(organisation=org)
    assert response.status_code == 302
    assert response["Location"] == step_url(breach, "evenement")
    assert breach.reference == f"{timezone.localtime(aware).year}-001"
    assert breach.status == Status.DRAFT
    assert breach.cnil_deadline == aware.replace(second=0, microsecond=0) + timedelta(hours=72)
    assert breach.events.get().kind == EventKind.DECLARED


def test_declaring_with_htmx_redirects_the_browser_to_the_first_question(owner_client, org, htmx_headers) -> None:
    response = owner_client.post(
        reverse("breaches:new", args=[org.pk]),
        {"title": "Courriel mal adressé", "became_aware_at": local(timezone.now())},
        **htmx_headers,
    )

    breach = Breach.objects.get(organisation=org)
    assert json.loads(response["HX-Location"])["path"] == step_url(breach, "evenement")


def test_declaring_refuses_awareness_in_the_future_and_keeps_what_was_typed(owner_client, org, htmx_headers) -> None:
    tomorrow = local(timezone.now() + timedelta(days=1))
    for headers in ({}, htmx_headers):
        response = owner_client.post(
            reverse("breaches:new", args=[org.pk]),
            {"title": "Ordinateur volé", "became_aware_at": tomorrow, "awareness_note": "Signalé par la secrétaire"},
            **headers,
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Ce moment est dans le futur." in page
        assert 'value="Ordinateur volé"' in page
        assert "Signalé par la secrétaire" in page
        assert f'value="{tomorrow}"' in page
    assert not Breach.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_intake_end_to_end_reaches_the_decision(owner_client, org, owner, htmx_headers, htmx) -> None:
    headers = htmx_headers if htmx else {}
    breach = services.declare_breach(
        org, by=owner, title="Incident", became_aware_at=timezone.now() - timedelta(hours=3)
    )
    slug = "evenement"
    visited = []
    while True:
        get = owner_client.get(step_url(breach, slug), **({**headers, "HTTP_HX_TARGET": "intake"} if htmx else {}))
        assert get.status_code == 200
        assert ("<html" in get.content.decode()) is not htmx
        visited.append(slug)
        response = owner_client.post(step_url(breach, slug), ANSWERS[slug], **headers)
        breach.refresh_from_db()
        if htmx:
            assert response.status_code == 200
            location = json.loads(response["HX-Location"])
            if location["target"] == "#main":  # the decision: the whole page's content
                assert location["path"] == reverse("breaches:detail", args=[org.pk, breach.pk])
                break
            assert location["target"] == "#intake"
            next_url = location["path"]
        else:
            assert response.status_code == 302, response.content.decode()[:2000]
            next_url = response["Location"]
            if next_url == reverse("breaches:detail", args=[org.pk, breach.pk]):
                break
        slug = next_url.rstrip("/").rsplit("/", 1)[1]

    assert visited == [step.slug for step in intake.STEPS if step.slug != "prise-de-connaissance"]
    assert intake.is_finished(breach)
    assert breach.status == Status.ASSESSED
    assert breach.notify_authority is True and breach.notify_data_subjects is True
    assert breach.persons_count == 1200 and breach.published is None and breach.recovered_or_deleted is False
    assert breach.events.filter(kind=EventKind.FACTS_CHANGED).count() == len(visited)
    page = owner_client.get(reverse("breaches:detail", args=[org.pk, breach.pk])).content.decode()
    assert "Vous devez notifier la CNIL" in page


def test_questions_that_do_not_apply_are_skipped(owner_client, org, owner) -> None:
    breach = services.declare_breach(org, by=owner, title="Panne", became_aware_at=timezone.now())
    owner_client.post(step_url(breach, "types"), {"breach_types": ["availability"]})
    breach.refresh_from_db()

    assert [s.slug for s in intake.steps_for(breach)].count("confidentialite") == 0
    response = owner_client.post(step_url(breach, "personnes"), {"persons_count": "30"})
    assert response["Location"] == step_url(breach, "disponibilite")
    skipped = owner_client.get(step_url(breach, "confidentialite"))
    assert skipped.status_code == 302 and "/questionnaire/" in skipped["Location"]


def test_intake_is_resumable_where_it_was_left(owner_client, org, owner) -> None:
    breach = services.declare_breach(org, by=owner, title="Vol", became_aware_at=timezone.now())
    owner_client.post(step_url(breach, "evenement"), ANSWERS["evenement"])
    owner_client.post(step_url(breach, "types"), ANSWERS["types"])
    breach.refresh_from_db()

    assert intake.resume_step(breach).slug == "donnees"
    # Revising an earlier answer does not move the intake back.
    owner_client.post(step_url(breach, "evenement"), {**ANSWERS["evenement"], "title": "Vol d'ordinateur"})
    breach.refresh_from_db()
    assert breach.title == "Vol d'ordinateur"
    assert intake.resume_step(breach).slug == "donnees"
    page = owner_client.get(reverse("breaches:detail", args=[org.pk, breach.pk])).content.decode()
    assert step_url(breach, "donnees") in page


def test_a_step_shows_saved_answers_and_unknown_is_always_possible(owner_client, org, owner) -> None:
    breach = services.declare_breach(org, by=owner, title="Vol", became_aware_at=timezone.now(), malicious=True)
    page = owner_client.get(step_url(breach, "evenement")).content.decode()

    assert 'name="malicious" value="yes" id="id_malicious_0" checked' in page
    assert "Je ne sais pas" in page
    page = owner_client.get(step_url(breach, "protection")).content.decode()
    assert "Je ne sais pas" in page


@pytest.mark.parametrize(
    ("slug", "data", "field_error"),
    [
        ("personnes", {"persons_count": "-3", "person_categories": ["patients"]}, "ne peut pas être négatif"),
        ("evenement", {**ANSWERS["evenement"], "origin": "aliens"}, "Sélectionnez un choix valide"),
        ("types", {"breach_types": ["confidentiality", "teleportation"]}, "Sélectionnez un choix valide"),
        ("evenement", {**ANSWERS["evenement"], "malicious": "maybe"}, "Sélectionnez un choix valide"),
        ("prise-de-connaissance", {"became_aware_at": "2999-01-01T10:00", "awareness_note": "Appel du laboratoire"},
         "Ce moment est dans le futur."),
    ],
)  # fmt: skip
def test_invalid_answers_are_refused_in_french_and_nothing_typed_is_lost(
    owner_client, org, owner, htmx_headers, slug, data, field_error
) -> None:
    breach = services.declare_breach(org, by=owner, title="Vol", became_aware_at=timezone.now())
    before = list(Breach.objects.filter(pk=breach.pk).values())
    for headers in ({}, htmx_headers):
        response = owner_client.post(step_url(breach, slug), data, **headers)
        page = response.content.decode()
        assert response.status_code == 200
        assert field_error in page
        assert 'class="field has-error"' in page
        for value in data.values():
            if isinstance(value, str) and value and value not in ("maybe", "aliens", "-3"):
                assert escape(value) in page
    assert list(Breach.objects.filter(pk=breach.pk).values()) == before


def test_after_declaring_the_first_question_asks_when_the_breach_started(owner_client, org, owner) -> None:
    aware = timezone.now() - timedelta(hours=5)
    response = owner_client.post(
        reverse("breaches:new", args=[org.pk]), {"title": "Vol", "became_aware_at": local(aware)}
    )
    breach = Breach.objects.get(title="Vol")
    page = owner_client.get(response["Location"]).content.decode()
    assert 'name="occurred_at"' in page and "Quand la violation elle-même a-t-elle commencé" in page
    started = aware - timedelta(days=2)
    owner_client.post(step_url(breach, "evenement"), {**ANSWERS["evenement"], "occurred_at": local(started)})
    breach.refresh_from_db()
    assert breach.occurred_at == started.replace(second=0, microsecond=0)


def test_breach_cannot_have_started_after_awareness(owner_client, org, owner) -> None:
    aware = timezone.now() - timedelta(hours=5)
    breach = services.declare_breach(org, by=owner, title="Vol", became_aware_at=aware)

    response = owner_client.post(
        step_url(breach, "evenement"), {**ANSWERS["evenement"], "occurred_at": local(aware + timedelta(hours=1))}
    )

    assert "La violation ne peut pas avoir commencé après votre prise de connaissance." in response.content.decode()


def test_unknown_step_is_not_found_and_readonly_members_cannot_answer(
    client, org, owner, make_member, signed_in
) -> None:
    breach = services.declare_breach(org, by=owner, title="Vol", became_aware_at=timezone.now())
    reader = make_member(org, Role.READONLY)
    signed_in(client, reader)

    assert client.get(step_url(breach, "types")).status_code == 403
    signed_in(client, owner)
    assert client.get(step_url(breach, "nimporte-quoi")).status_code == 404


def test_the_decision_is_offered_as_soon_as_the_minimum_facts_exist(owner_client, org, owner) -> None:
    breach = services.declare_breach(
        org,
        by=owner,
        title="Vol",
        became_aware_at=timezone.now(),
        breach_types=["confidentiality"],
        origin="stolen_device",
        data_categories=["health"],
    )
    assert "Voir la décision maintenant" not in owner_client.get(step_url(breach, "personnes")).content.decode()

    owner_client.post(step_url(breach, "personnes"), {"persons_count": "12"})

    breach.refresh_from_db()
    assert breach.assessment is not None
    assert "Voir la décision maintenant" in owner_client.get(step_url(breach, "confidentialite")).content.decode()


def test_hours_accept_a_decimal_comma_and_refuse_a_negative_duration(owner_client, org, owner) -> None:
    breach = services.declare_breach(
        org, by=owner, title="Panne", became_aware_at=timezone.now(), breach_types=["availability"]
    )

    refused = owner_client.post(step_url(breach, "disponibilite"), {"restored_within_hours": "-2", "backup": "yes"})
    assert "Une durée ne peut pas être négative." in refused.content.decode()
    owner_client.post(step_url(breach, "disponibilite"), {"restored_within_hours": "1,5", "backup": "yes"})
    breach.refresh_from_db()
    assert breach.restored_within_hours == 1.5 and breach.backup is True


def test_the_intake_asks_the_facts_of_schema_v2_and_the_core_reads_them(owner_client, org, owner) -> None:
    breach = services.declare_breach(
        org, by=owner, title="Rançongiciel", became_aware_at=timezone.now() - timedelta(hours=3)
    )
    detected = timezone.now() - timedelta(hours=9)
    owner_client.post(
        step_url(breach, "prise-de-connaissance"),
        {"became_aware_at": local(breach.became_aware_at), "awareness_note": "", "incident_detected_at": local(detected),
         "processor_informed_at": ""},
    )  # fmt: skip
    owner_client.post(step_url(breach, "evenement"), {**ANSWERS["evenement"], "certainty": "suspected"})
    owner_client.post(step_url(breach, "types"), ANSWERS["types"])
    owner_client.post(
        step_url(breach, "donnees"),
        {"data_categories": ["identity", "health"], "special_extent": "highly_sensitive", "media": ["server", "paper"]},
    )
    owner_client.post(step_url(breach, "protection"), {"protection": "encrypted", "key_compromised": "yes",
                                                       "identifiability": "", "already_public": "no"})  # fmt: skip
    owner_client.post(step_url(breach, "personnes"), ANSWERS["personnes"])
    owner_client.post(step_url(breach, "confidentialite"), {**ANSWERS["confidentialite"], "accessed": "yes",
                                                            "recipient_bound_by_secrecy": "no"})  # fmt: skip

    breach.refresh_from_db()
    assert timezone.localtime(breach.incident_detected_at).strftime("%Y-%m-%dT%H:%M") == local(detected)
    assert (breach.certainty, breach.special_extent, breach.media) == (
        "suspected",
        "highly_sensitive",
        ["server", "paper"],
    )
    assert (breach.key_compromised, breach.already_public, breach.accessed) == (True, False, True)
    assert breach.recipient_bound_by_secrecy is False
    facts = breach.to_facts()
    assert facts["incident_detected_at"] and facts["nature"]["certainty"] == "suspected"
    assert breach.assessment is not None and breach.assessment["risk"] == "high"
    assert breach.assessment["axes"]["severity"] == "maximum"


def test_the_v2_questions_offer_i_dont_know(owner_client, org, owner) -> None:
    breach = services.declare_breach(org, by=owner, title="Perte", became_aware_at=timezone.now() - timedelta(hours=1))

    page = owner_client.get(step_url(breach, "protection")).content.decode()

    # Unknown facts stay unknown: the "I don't know" answer is the one checked.
    assert 'name="key_compromised" value="unknown" id="id_key_compromised_2" checked' in page
    assert 'name="already_public" value="unknown" id="id_already_public_2" checked' in page
