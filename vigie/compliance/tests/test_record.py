"""The record of processing activities: templates, editing, versions, exports, the breach pre-fill."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from vigie.accounts.models import Role
from vigie.compliance import services
from vigie.compliance.models import ProcessingActivity, RecordVersion
from vigie.compliance.record_templates import TEMPLATES, template_for_kind


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.key)
def test_every_template_fills_activities_with_purposes_bases_and_retention(template, make_org) -> None:
    org = make_org()
    added = services.apply_template(org, template.key, by=None)
    assert len(added) >= 5
    for activity in added:
        assert activity.purposes and activity.legal_basis and activity.retention
        assert "RGPD" in activity.legal_basis
    assert any(activity.concerns_patients is False for activity in added)  # staff management
    assert any("20 ans" in activity.retention for activity in added)


def test_the_gp_template_holds_the_cnil_retention_periods(make_org) -> None:
    org = make_org()
    services.apply_template(org, "cabinet", by=None)
    retention = {a.template_key: a.retention for a in ProcessingActivity.objects.for_org(org)}
    assert "20 ans" in retention["dossier-medical"] and "28 ans" in retention["dossier-medical"]
    assert "10 ans après le décès" in retention["dossier-medical"]
    assert "10 ans" in retention["comptabilite"]
    assert "3 mois" in retention["facturation"]


def test_the_template_proposed_follows_the_kind_of_structure() -> None:
    assert template_for_kind("cabinet_medical").key == "cabinet"
    assert template_for_kind("centre_sante").key == "centre"
    assert template_for_kind("laboratoire").key == "laboratoire"
    assert template_for_kind("etablissement_sante").key == "clinique"


def test_applying_a_template_twice_adds_nothing_the_second_time(gp) -> None:
    count = ProcessingActivity.objects.for_org(gp).count()
    assert services.apply_template(gp, "cabinet", by=None) == []
    assert ProcessingActivity.objects.for_org(gp).count() == count
    assert RecordVersion.objects.for_org(gp).count() == 1


def test_each_change_keeps_a_dated_version_of_the_whole_record(gp, owner) -> None:
    activity = ProcessingActivity.objects.for_org(gp).first()
    activity.retention = "Nouvelle durée"
    services.save_activity(activity, by=owner)
    services.delete_activity(ProcessingActivity.objects.for_org(gp).last(), by=owner)
    services.review_record(gp, by=owner)
    versions = list(RecordVersion.objects.for_org(gp).latest_first())
    assert [v.number for v in versions] == [4, 3, 2, 1]
    assert "supprimée" in versions[1].note and "modifiée" in versions[2].note
    assert versions[2].snapshot["activities"][0]["retention"] == "Nouvelle durée"
    assert versions[3].snapshot["activities"][0]["retention"] != "Nouvelle durée"
    assert versions[0].created_by == owner


def test_the_record_page_lists_the_activities(owner_client, gp, htmx_headers) -> None:
    url = reverse("compliance:record", args=[gp.pk])
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "Dossier médical et suivi des patients" in page.content.decode()
    fragment = owner_client.get(url, HTTP_HX_TARGET="activities", **htmx_headers)
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode() and "Prise de rendez-vous" in fragment.content.decode()


def test_an_empty_record_offers_the_template_of_its_kind(owner_client, org) -> None:
    page = owner_client.get(reverse("compliance:record", args=[org.pk])).content.decode()
    assert 'value="cabinet" selected' in page


def test_applying_a_template_from_the_page(owner_client, org, htmx_headers) -> None:
    url = reverse("compliance:record_template", args=[org.pk])
    response = owner_client.post(url, {"template": "laboratoire"})
    assert response.status_code == 302
    assert ProcessingActivity.objects.for_org(org).filter(template_key="dossier-biologie").exists()
    response = owner_client.post(url, {"template": "clinique"}, **htmx_headers)
    assert response.status_code == 200 and json.loads(response["HX-Location"])["path"].endswith("/conformite/registre/")


def test_editing_an_activity_saves_it_and_versions_the_record(owner_client, gp, htmx_headers) -> None:
    activity = ProcessingActivity.objects.for_org(gp).get(template_key="rendez-vous")
    url = reverse("compliance:activity", args=[gp.pk, activity.pk])
    assert owner_client.get(url).status_code == 200
    assert owner_client.get(url, HTTP_HX_TARGET="activity-form", **htmx_headers).status_code == 200
    data = {
        "name": "Rendez-vous en ligne",
        "purposes": "Gérer l'agenda",
        "legal_basis": "Art. 6.1.b RGPD",
        "data_categories": ["identity", "contact"],
        "person_categories": ["patients"],
        "retention": "3 mois",
        "estimated_persons": "1500",
        "concerns_patients": "on",
    }
    response = owner_client.post(url, data, **htmx_headers)
    assert response.status_code == 200 and json.loads(response["HX-Location"])["target"] == "#main"
    activity.refresh_from_db()
    assert activity.name == "Rendez-vous en ligne" and activity.estimated_persons == 1500
    assert RecordVersion.objects.for_org(gp).latest_first().first().note == "Activité « Rendez-vous en ligne » modifiée"


def test_an_invalid_activity_is_shown_again_with_its_errors(owner_client, gp, htmx_headers) -> None:
    url = reverse("compliance:activity_new", args=[gp.pk])
    response = owner_client.post(url, {"name": ""}, HTTP_HX_TARGET="activity-form", **htmx_headers)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() and "<html" not in response.content.decode()
    response = owner_client.post(
        url, {"name": "Site internet", "purposes": "Informer", "legal_basis": "6.1.f", "retention": "1 an"}
    )
    assert response.status_code == 302
    assert ProcessingActivity.objects.for_org(gp).filter(name="Site internet").exists()


def test_deleting_an_activity(owner_client, gp) -> None:
    activity = ProcessingActivity.objects.for_org(gp).last()
    response = owner_client.post(reverse("compliance:activity_delete", args=[gp.pk, activity.pk]))
    assert response.status_code == 302
    assert not ProcessingActivity.objects.filter(pk=activity.pk).exists()


def test_a_read_only_member_sees_the_record_but_cannot_change_it(client, signed_in, gp, make_member) -> None:
    signed_in(client, make_member(gp, Role.READONLY))
    activity = ProcessingActivity.objects.for_org(gp).first()
    before = list(ProcessingActivity.objects.for_org(gp).order_by("pk").values_list("pk", "name"))
    assert client.get(reverse("compliance:record", args=[gp.pk])).status_code == 200
    assert client.post(reverse("compliance:activity", args=[gp.pk, activity.pk]), {"name": "x"}).status_code == 403
    assert client.post(reverse("compliance:record_template", args=[gp.pk]), {"template": "cabinet"}).status_code == 403
    assert list(ProcessingActivity.objects.for_org(gp).order_by("pk").values_list("pk", "name")) == before


def test_the_pdf_export_states_purposes_retention_and_the_version(owner_client, gp) -> None:
    response = owner_client.get(reverse("compliance:record_export", args=[gp.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Registre des activités de traitement" in text
    assert "Cabinet du Dr Martin" in text
    assert "20 ans après la dernière consultation" in text
    assert "28 ans" in text and "10 ans après le décès" in text
    assert "Version 1 du" in text and "n° 1 du" in text


def test_the_xlsx_export_has_one_row_per_activity(owner_client, gp) -> None:
    response = owner_client.get(reverse("compliance:record_export", args=[gp.pk, "xlsx"]))
    assert response["Content-Disposition"].endswith('registre-des-traitements-v1.xlsx"')
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = workbook.get_sheet_by_name("Activités").to_python()
    assert rows[0][0] == "Activité de traitement"
    assert len(rows) - 1 == ProcessingActivity.objects.for_org(gp).count()
    assert any("20 ans" in str(cell) for row in rows for cell in row)


def test_a_past_version_can_be_exported_as_it_was(owner_client, gp, owner) -> None:
    activity = ProcessingActivity.objects.for_org(gp).get(template_key="comptabilite")
    activity.retention = "Durée changée depuis"
    services.save_activity(activity, by=owner)
    url = reverse("compliance:record_export", args=[gp.pk, "pdf"])
    old = pdf_text(owner_client.get(url + "?version=1").content)
    assert "Durée changée depuis" not in old and "L.123-22" in old
    assert "Durée changée depuis" in pdf_text(owner_client.get(url).content)
    assert owner_client.get(url + "?version=99").status_code == 404
    assert owner_client.get(reverse("compliance:record_export", args=[gp.pk, "doc"])).status_code == 404


def test_hostile_values_print_as_written_in_the_pdf(owner_client, gp) -> None:
    activity = ProcessingActivity.objects.for_org(gp).first()
    activity.name = '#import "x" $a$ *gras* <script> 🩺'
    activity.save()
    text = pdf_text(owner_client.get(reverse("compliance:record_export", args=[gp.pk, "pdf"])).content)
    assert '#import "x" $a$ *gras* <script>' in text


def test_categories_for_activities_uses_the_decision_core_vocabulary(gp) -> None:
    record = {a.template_key: a for a in ProcessingActivity.objects.for_org(gp)}
    record["dossier-medical"].estimated_persons = 2400
    record["dossier-medical"].save()
    record["rendez-vous"].estimated_persons = 900
    record["rendez-vous"].save()
    categories, persons = services.categories_for_activities(
        gp, [record["dossier-medical"].pk, record["rendez-vous"].pk]
    )
    assert categories == ["identity", "contact", "birth_date", "national_id", "professional", "health"]
    assert persons == 2400
    assert services.categories_for_activities(gp, []) == ([], None)


def test_categories_for_activities_ignores_another_organisations_activities(gp, make_org) -> None:
    other = make_org()
    services.apply_template(other, "cabinet", by=None)
    theirs = ProcessingActivity.objects.for_org(other).values_list("pk", flat=True)
    assert services.categories_for_activities(gp, theirs) == ([], None)


def test_the_prefill_fragment_suggests_categories(owner_client, gp, htmx_headers) -> None:
    activity = ProcessingActivity.objects.for_org(gp).get(template_key="facturation")
    url = reverse("compliance:prefill", args=[gp.pk])
    assert "activite" in owner_client.get(url).content.decode()
    response = owner_client.get(url, {"activite": [activity.pk, "x"]}, HTTP_HX_TARGET="prefill", **htmx_headers)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-category="financial"' in body and 'data-category="national_id"' in body


def test_a_new_organisation_is_offered_its_kinds_template_on_its_first_visit(owner_client, org) -> None:
    org.kind = "laboratoire"
    org.save()
    page = owner_client.get(reverse("compliance:index", args=[org.pk])).content.decode()
    assert "Remplir mon registre à partir de ce modèle" in page
    assert 'name="template" value="laboratoire"' in page
    response = owner_client.post(reverse("compliance:record_template", args=[org.pk]), {"template": "laboratoire"})
    assert response.status_code == 302
    assert ProcessingActivity.objects.for_org(org).filter(template_key="dossier-biologie").exists()
    # Once the record is started, the offer is gone.
    page = owner_client.get(reverse("compliance:index", args=[org.pk])).content.decode()
    assert 'name="template" value="laboratoire"' not in page


def test_the_template_offer_is_made_only_while_the_record_was_never_started(make_org, owner) -> None:
    org = make_org(kind="centre_sante")
    assert services.template_offer(org).key == "centre"
    added = services.fill_record_from_kind(org, by=owner)
    assert added and services.template_offer(org) is None
    for activity in added:
        services.delete_activity(activity, by=owner)
    # Emptied on purpose: no offer again, and filling from the kind adds nothing.
    assert services.template_offer(org) is None
    assert services.fill_record_from_kind(org, by=owner) == []
