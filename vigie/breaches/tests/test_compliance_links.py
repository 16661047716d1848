"""Prevention and breach handling linked: the intake pre-filled from the record of processing, and the decision
page pointing to the last security self-assessment."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import Role
from vigie.breaches import services
from vigie.breaches.models import Breach, EventKind
from vigie.breaches.tests.helpers import declare_ransomware
from vigie.compliance.models import Assessment, ProcessingActivity


def activity(org, name: str, categories: list[str], persons: int | None = None) -> ProcessingActivity:
    return ProcessingActivity.objects.create(
        organisation=org,
        name=name,
        purposes="Suivi des patients",
        legal_basis="Art. 9(2)(h) RGPD",
        retention="20 ans",
        data_categories=categories,
        estimated_persons=persons,
    )


def prefill_url(breach: Breach) -> str:
    return reverse("breaches:intake_prefill", args=[breach.organisation_id, breach.pk])


def data_step_url(breach: Breach) -> str:
    return reverse("breaches:intake", args=[breach.organisation_id, breach.pk, "donnees"])


@pytest.fixture
def breach(org, owner) -> Breach:
    # Only identity ticked so far, the number of persons not known yet.
    return declare_ransomware(
        org, owner, data_categories=["identity"], persons_count=None, persons_count_is_estimate=None
    )


@pytest.fixture
def patient_file(org) -> ProcessingActivity:
    return activity(org, "Dossier patient", ["identity", "national_id", "health"], persons=3000)


@pytest.fixture
def appointments(org) -> ProcessingActivity:
    return activity(org, "Prise de rendez-vous", ["identity", "contact"], persons=5000)


def test_prefill_adds_the_activities_categories_to_those_already_ticked(owner_client, breach, patient_file) -> None:
    response = owner_client.post(prefill_url(breach), {"activities": [patient_file.pk]})

    assert response.status_code == 302
    assert response["Location"] == data_step_url(breach)
    breach.refresh_from_db()
    assert breach.data_categories == ["identity", "national_id", "health"]
    page = owner_client.get(response["Location"]).content.decode()
    assert re.search(r'<input[^>]*name="data_categories" value="health"[^>]*checked', page)
    assert "Pré-rempli à partir du registre des traitements." in page
    assert "Catégories de données ajoutées : Numéro de sécurité sociale (NIR) ou INS\xa0; Données de santé." in page
    assert "environ 3\xa0000 (estimation)" in page


def test_prefill_with_htmx_refills_the_question_in_place_with_a_note(
    owner_client, breach, patient_file, appointments, htmx_headers
) -> None:
    response = owner_client.post(
        prefill_url(breach), {"activities": [patient_file.pk, appointments.pk]}, **htmx_headers
    )

    assert response.status_code == 200
    assert json.loads(response["HX-Location"]) == {
        "path": data_step_url(breach),
        "target": "#intake",
        "select": "#intake",
        "swap": "outerHTML",
        "headers": {"HX-Target": ""},
    }
    breach.refresh_from_db()
    assert breach.data_categories == ["identity", "contact", "national_id", "health"]
    partial = owner_client.get(data_step_url(breach), HTTP_HX_TARGET="intake", **htmx_headers).content.decode()
    assert "<html" not in partial
    assert "Pré-rempli à partir du registre des traitements." in partial
    assert "Personnes concernées : environ 5\xa0000 (estimation)." in partial


def test_prefill_sets_the_persons_estimate_only_when_it_is_unknown(org, owner, breach, patient_file) -> None:
    known = declare_ransomware(org, owner, persons_count=40, persons_count_is_estimate=False)

    services.prefill_from_record(breach, by=owner, activity_ids=[patient_file.pk])
    services.prefill_from_record(known, by=owner, activity_ids=[patient_file.pk])

    breach.refresh_from_db()
    known.refresh_from_db()
    assert (breach.persons_count, breach.persons_count_is_estimate) == (3000, True)
    assert (known.persons_count, known.persons_count_is_estimate) == (40, False)


def test_prefill_is_journalled_with_the_activities_used_and_reassesses(owner, breach, patient_file) -> None:
    changed = services.prefill_from_record(breach, by=owner, activity_ids=[patient_file.pk])

    assert set(changed) == {"data_categories", "persons_count", "persons_count_is_estimate"}
    source, facts = breach.events.filter(kind=EventKind.FACTS_CHANGED).order_by("at", "pk")
    assert source.data["activities"] == [{"id": patient_file.pk, "name": "Dossier patient"}]
    assert source.summary == "Faits pré-remplis à partir du registre des traitements : «\xa0Dossier patient\xa0»."
    assert source.author == owner
    assert set(facts.data["changes"]) == {"data_categories", "persons_count", "persons_count_is_estimate"}
    breach.refresh_from_db()
    assert breach.assessment is not None
    assert breach.events.filter(kind=EventKind.ASSESSED).exists()


def test_prefill_that_adds_nothing_writes_nothing(owner, org, breach) -> None:
    same = activity(org, "Annuaire", ["identity"])

    assert services.prefill_from_record(breach, by=owner, activity_ids=[same.pk]) == []
    assert not breach.events.filter(kind=EventKind.FACTS_CHANGED).exists()


def test_prefill_ignores_activities_of_another_organisation(
    owner_client, owner, breach, patient_file, make_org, htmx_headers
) -> None:
    other = activity(make_org("Laboratoire voisin"), "Résultats d'analyses", ["genetic"], persons=90000)

    assert services.prefill_from_record(breach, by=owner, activity_ids=[other.pk]) == []
    for headers in ({}, htmx_headers):
        owner_client.post(prefill_url(breach), {"activities": [other.pk, patient_file.pk]}, **headers)

    breach.refresh_from_db()
    assert "genetic" not in breach.data_categories
    assert breach.persons_count == 3000
    assert "Résultats" not in str(list(breach.events.values_list("summary", "data")))


def test_prefill_is_forbidden_to_read_only_members(
    client, org, breach, patient_file, make_member, signed_in, htmx_headers
) -> None:
    reader = signed_in(client, make_member(org, Role.READONLY))

    for headers in ({}, htmx_headers):
        assert reader.post(prefill_url(breach), {"activities": [patient_file.pk]}, **headers).status_code == 403
    breach.refresh_from_db()
    assert breach.data_categories == ["identity"]


def test_prefill_without_a_choice_asks_to_tick_activities(owner_client, breach, patient_file, htmx_headers) -> None:
    for headers in ({}, htmx_headers):
        owner_client.post(prefill_url(breach), {}, **headers)
        page = owner_client.get(data_step_url(breach), HTTP_HX_TARGET="intake", **headers).content.decode()
        assert "Cochez les traitements du registre" in page
    assert owner_client.get(prefill_url(breach)).status_code == 405


def test_the_data_question_offers_the_activities_of_the_record(
    owner_client, breach, patient_file, appointments, htmx_headers
) -> None:
    for headers in ({}, {**htmx_headers, "HTTP_HX_TARGET": "intake"}):
        page = owner_client.get(data_step_url(breach), **headers).content.decode()
        assert "<details" in page
        assert "Pré-remplir à partir du registre des traitements" in page
        assert f'name="activities" value="{patient_file.pk}"' in page
        assert "Prise de rendez-vous" in page
        assert prefill_url(breach) in page
    other_step = reverse("breaches:intake", args=[breach.organisation_id, breach.pk, "protection"])
    assert "Pré-remplir" not in owner_client.get(other_step).content.decode()


def test_the_data_question_points_to_the_record_when_it_is_empty(owner_client, org, breach, htmx_headers) -> None:
    for headers in ({}, {**htmx_headers, "HTTP_HX_TARGET": "intake"}):
        page = owner_client.get(data_step_url(breach), **headers).content.decode()
        assert "<details" not in page
        assert reverse("compliance:record", args=[org.pk]) in page
        assert "registre des traitements" in page


def detail_url(breach: Breach) -> str:
    return reverse("breaches:detail", args=[breach.organisation_id, breach.pk])


def test_the_decision_links_to_the_last_security_self_assessment(owner_client, org, breach, htmx_headers) -> None:
    Assessment.objects.create(organisation=org, completed_at=timezone.now(), overall=41, scores={"access": 41})
    last = Assessment.objects.create(organisation=org, completed_at=timezone.now(), overall=68, scores={"access": 68})
    Assessment.objects.create(organisation=org, answers={"mssante": "no"})  # a draft does not count

    for headers in ({}, {**htmx_headers, "HTTP_HX_TARGET": "tab"}):
        page = owner_client.get(detail_url(breach), **headers).content.decode()
        assert "Dernière auto-évaluation de la sécurité" in page
        assert "score global 68" in page
        assert reverse("compliance:assessment_result", args=[org.pk, last.pk]) in page


def test_the_decision_invites_to_a_self_assessment_when_there_is_none(
    owner_client, org, breach, make_org, htmx_headers
) -> None:
    Assessment.objects.create(organisation=make_org(), completed_at=timezone.now(), overall=90)

    for headers in ({}, {**htmx_headers, "HTTP_HX_TARGET": "tab"}):
        page = owner_client.get(detail_url(breach), **headers).content.decode()
        assert "Dernière auto-évaluation de la sécurité" in page
        assert "score global" not in page
        assert reverse("compliance:assessments", args=[org.pk]) in page
        assert reverse("compliance:assessment_start", args=[org.pk]) in page
