"""Organisations: the way in, creating one, its dashboard and its legal identity; the switcher of DPO firms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import Membership, Organisation, Role
from vigie.accounts.validators import compact, siret_ok
from vigie.audit.models import AuditEvent
from vigie.breaches.models import Breach, Status

HOME = reverse("core:home")


def _breach(org, **extra) -> Breach:
    extra.setdefault("became_aware_at", timezone.now() - timedelta(hours=5))
    extra.setdefault("reference", "2026-001")
    extra.setdefault("title", "Clé USB")
    return Breach.objects.create(organisation=org, **extra)


# --- Home -------------------------------------------------------------------------------------------------------


def test_home_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_home_opens_the_only_organisation(owner_client, org):
    assert owner_client.get(HOME).url == reverse("core:dashboard", args=[org.pk])


def test_home_without_organisation_offers_to_create_one(client, make_user, signed_in):
    signed_in(client, make_user())
    assert client.get(HOME).url == reverse("accounts:organisation_create")


def test_home_lets_a_dpo_firm_choose_among_its_organisations(owner_client, org, owner, make_org, htmx_headers):
    lab = make_org("Laboratoire Bio-Est", kind="laboratoire")
    Membership.objects.create(user=owner, organisation=lab, role=Role.DPO)
    _breach(lab)
    _breach(lab, reference="2026-002", status=Status.CLOSED)
    for headers in ({}, htmx_headers):
        response = owner_client.get(HOME, **headers)
        assert response.status_code == 200
        assert "Cabinet du Dr Martin" in response.text and "Laboratoire Bio-Est" in response.text
    rows = {m.organisation.name: m.open_breaches for m in response.context["memberships"]}
    assert rows == {"Cabinet du Dr Martin": 0, "Laboratoire Bio-Est": 1}


def test_the_switcher_lists_every_organisation_of_the_user_and_no_other(owner_client, org, owner, make_org):
    lab = make_org("Laboratoire Bio-Est")
    Membership.objects.create(user=owner, organisation=lab, role=Role.DPO)
    make_org("Pharmacie des Autres")
    response = owner_client.get(reverse("core:dashboard", args=[org.pk]))
    switcher = response.text.split('class="org-switcher"', 1)[1].split("</details>", 1)[0]
    assert reverse("core:dashboard", args=[lab.pk]) in switcher
    assert f'href="{reverse("core:dashboard", args=[org.pk])}" aria-current="true"' in switcher
    assert "Pharmacie des Autres" not in response.text


# --- Creating ---------------------------------------------------------------------------------------------------


def test_creating_an_organisation_makes_its_creator_the_owner(client, make_user, signed_in, htmx_headers):
    user = make_user()
    signed_in(client, user)
    url = reverse("accounts:organisation_create")
    for headers in ({}, htmx_headers):
        assert client.get(url, **headers).status_code == 200
    response = client.post(url, {"name": "", "kind": "pharmacie"})
    assert "Ce champ est obligatoire" in response.text

    response = client.post(url, {"name": "Pharmacie du Port", "kind": "pharmacie", "profession": "pharmaciens"})
    org = Organisation.objects.get(name="Pharmacie du Port")
    assert response.url == reverse("accounts:organisation", args=[org.pk])
    assert Membership.objects.get(organisation=org).user == user
    assert Membership.objects.get(organisation=org).role == Role.OWNER
    assert AuditEvent.objects.filter(action="organisation.created", organisation=org, actor=user).exists()


def test_creating_an_organisation_under_htmx(client, make_user, signed_in, htmx_headers):
    signed_in(client, make_user())
    url = reverse("accounts:organisation_create")
    response = client.post(url, {"name": "", "kind": "other"}, HTTP_HX_TARGET="organisation-form", **htmx_headers)
    assert response.text.lstrip().startswith('<form id="organisation-form"')
    response = client.post(url, {"name": "Centre de santé Nord", "kind": "centre_sante"}, **htmx_headers)
    org = Organisation.objects.get(name="Centre de santé Nord")
    assert response["HX-Redirect"] == reverse("accounts:organisation", args=[org.pk])


# --- Dashboard --------------------------------------------------------------------------------------------------


def test_the_dashboard_shows_open_breaches_with_their_next_deadline(owner_client, org, htmx_headers):
    aware = timezone.now() - timedelta(hours=5)
    _breach(org, reference="2026-001", title="Clé USB perdue", became_aware_at=aware)
    _breach(org, reference="2026-000", title="Vieille affaire", status=Status.CLOSED)
    for headers in ({}, htmx_headers):
        response = owner_client.get(reverse("core:dashboard", args=[org.pk]), **headers)
        assert response.status_code == 200
        assert "Clé USB perdue" in response.text
        assert "Vieille affaire" not in response.text
        assert "Notification à la CNIL" in response.text
    (row,) = response.context["open_breaches"]
    assert row.deadline == aware + timedelta(hours=72)
    assert 'class="countdown' in response.text


def test_the_dashboard_follows_the_assessment_and_skips_what_is_done(owner_client, org):
    due_soon = timezone.now() + timedelta(hours=10)
    due_later = timezone.now() + timedelta(hours=40)
    breach = _breach(
        org,
        status=Status.ASSESSED,
        assessment={
            "obligations": [
                {"id": "register", "title": "Inscrire au registre", "status": "required", "due": None},
                {
                    "id": "ars_cert_sante",
                    "title": "Signaler à l’ARS",
                    "status": "required",
                    "due": due_soon.isoformat(),
                },
                {"id": "notify_cnil", "title": "Notifier la CNIL", "status": "required", "due": due_later.isoformat()},
                {
                    "id": "insurer",
                    "title": "Prévenir l’assureur",
                    "status": "not_applicable",
                    "due": due_soon.isoformat(),
                },
            ]
        },
    )
    url = reverse("core:dashboard", args=[org.pk])
    (row,) = owner_client.get(url).context["open_breaches"]
    assert (row.due, row.deadline) == ("Signaler à l’ARS", due_soon)

    breach.obligation_states.create(obligation="ars_cert_sante", done_at=timezone.now())
    (row,) = owner_client.get(url).context["open_breaches"]
    assert (row.due, row.deadline) == ("Notifier la CNIL", due_later)


def test_a_read_only_member_sees_the_dashboard_but_not_the_button_to_declare(client, org, make_member, signed_in):
    signed_in(client, make_member(org, Role.READONLY))
    response = client.get(reverse("core:dashboard", args=[org.pk]))
    assert response.status_code == 200
    assert "Modifier les informations" not in response.text


def test_the_dashboard_tells_the_owner_what_identity_is_missing(owner_client, org):
    response = owner_client.get(reverse("core:dashboard", args=[org.pk]))
    assert "Informations manquantes" in response.text
    assert "SIRET" in response.text


# --- Settings (legal identity) -----------------------------------------------------------------------------------


VALID = {
    "name": "Cabinet du Dr Martin",
    "kind": "cabinet_medical",
    "profession": "medecins",
    "siret": "732 829 320 00074",
    "finess": "",
    "address": "3 rue des Lilas",
    "postcode": "67000",
    "city": "Strasbourg",
    "phone": "03 88 00 00 00",
    "email": "contact@cabinet-martin.fr",
    "website": "",
    "dpo_name": "Claire Martin",
    "dpo_email": "dpo@cabinet-martin.fr",
    "dpo_phone": "",
    "cyber_insurance": "on",
}


def test_an_owner_edits_the_legal_identity(owner_client, org, htmx_headers):
    url = reverse("accounts:organisation", args=[org.pk])
    for headers in ({}, htmx_headers):
        assert owner_client.get(url, **headers).status_code == 200
    response = owner_client.post(url, VALID)
    assert response.url == url
    org.refresh_from_db()
    assert (org.siret, org.city, org.cyber_insurance, org.nis2_entity) == ("73282932000074", "Strasbourg", True, False)
    event = AuditEvent.objects.get(action="organisation.updated")
    assert "siret" in event.detail["fields"] and "name" not in event.detail["fields"]

    response = owner_client.post(url, {**VALID, "city": "Colmar"}, **htmx_headers)
    assert "HX-Location" in response


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "7328293200007", "14 chiffres"),
        ("siret", "73282932000075", "n’est pas valable"),
        ("finess", "67078000", "9 caractères"),
        ("postcode", "6700", "5 chiffres"),
        ("dpo_email", "dpo-at-cabinet", "adresse"),
    ],
)
def test_a_wrong_identifier_is_refused_next_to_its_field(owner_client, org, field, value, message, htmx_headers):
    url = reverse("accounts:organisation", args=[org.pk])
    response = owner_client.post(url, {**VALID, field: value}, HTTP_HX_TARGET="organisation-form", **htmx_headers)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="organisation-form"')
    assert message in response.text
    assert f'value="{value}"' in response.text  # nothing typed is lost
    assert 'value="Strasbourg"' in response.text
    org.refresh_from_db()
    assert org.city == ""


def test_siret_and_finess_checks():
    assert siret_ok("73282932000074")
    assert not siret_ok("73282932000075")
    assert siret_ok("35600000049837")  # La Poste: digits add up to a multiple of 5
    assert compact(" 2a0 000 001 ") == "2A0000001"


def test_the_siren_comes_from_the_siret_and_the_legal_representative_is_kept(owner_client, org):
    url = reverse("accounts:organisation", args=[org.pk])
    representative = {
        "legal_rep_civility": "mme",
        "legal_rep_name": "Claire Martin",
        "legal_rep_function": "médecin titulaire",
        "legal_rep_rpps": "101 0123 4567",
        "legal_rep_ordre_member": "on",
        "contact_civility": "m",
        "contact_name": "Paul Riou",
        "contact_function": "secrétaire médical",
        "contact_phone": "03 88 00 00 02",
        "dpo_civility": "mme",
    }
    assert owner_client.post(url, {**VALID, **representative}).status_code == 302
    org.refresh_from_db()
    assert org.siren == "732829320" and not org.no_siren
    assert (org.legal_rep_name, org.legal_rep_rpps, org.legal_rep_ordre_member) == (
        "Claire Martin",
        "10101234567",
        True,
    )
    assert (org.contact_name, org.contact_function, org.dpo_civility) == ("Paul Riou", "secrétaire médical", "mme")
    page = owner_client.get(url).text
    assert page.index("Représentant légal") < page.index("Personne à contacter")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"siren": "412356784"}, "neuf premiers chiffres du SIRET"),
        ({"siren": "73282932"}, "9 chiffres"),
        ({"siret": "", "siren": "732829321"}, "n’est pas valable"),
        ({"no_siren": "on"}, "Décochez cette case"),
        ({"legal_rep_rpps": "1010123456"}, "11 chiffres"),
    ],
)
def test_siren_and_rpps_are_checked(owner_client, org, changes, message, htmx_headers):
    url = reverse("accounts:organisation", args=[org.pk])
    response = owner_client.post(url, {**VALID, **changes}, HTTP_HX_TARGET="organisation-form", **htmx_headers)
    assert response.status_code == 200 and message in response.text
    org.refresh_from_db()
    assert org.city == ""


def test_an_organisation_without_siren_says_so(owner_client, org):
    url = reverse("accounts:organisation", args=[org.pk])
    assert owner_client.post(url, {**VALID, "siret": "", "no_siren": "on"}).status_code == 302
    org.refresh_from_db()
    assert org.no_siren and org.siren == ""
