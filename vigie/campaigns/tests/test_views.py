"""The campaign pages, plainly and with htmx: upload, mapping, live progress, actions, persons, proof, purge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import Role
from vigie.audit.models import AuditEvent
from vigie.breaches import services as breach_services
from vigie.breaches.tests.helpers import declare_ransomware
from vigie.campaigns import services
from vigie.campaigns.models import Campaign, CampaignStatus, State
from vigie.campaigns.tests.conftest import HEADER, person_line

pytestmark = pytest.mark.django_db


def _csv(n: int = 3, extra: list[str] | None = None) -> bytes:
    rows = [person_line(i) for i in range(1, n + 1)] + (extra or [])
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _upload(client, org, breach, content: bytes, name: str = "patients.csv", **headers):
    url = reverse("campaigns:new", args=[org.pk, breach.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, **headers)


@pytest.mark.parametrize("htmx", [False, True])
def test_the_breach_campaigns_page_offers_the_import(owner_client, org, breach, htmx, htmx_headers) -> None:
    response = owner_client.get(reverse("campaigns:index", args=[org.pk, breach.pk]), **(htmx_headers if htmx else {}))
    assert response.status_code == 200
    assert reverse("campaigns:new", args=[org.pk, breach.pk]) in response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_uploading_a_list_leads_to_the_guessed_column_mapping(owner_client, org, breach, htmx, htmx_headers) -> None:
    response = _upload(owner_client, org, breach, _csv(), **(htmx_headers if htmx else {}))
    campaign = Campaign.objects.get()
    mapping_url = reverse("campaigns:mapping", args=[org.pk, campaign.pk])
    assert (response.headers.get("HX-Location", "") if htmx else response.url).find(mapping_url) >= 0
    page = owner_client.get(mapping_url).content.decode()
    assert '<option value="Courriel" selected>' in page
    assert campaign.mapping["email"] == "Courriel"
    assert b"patient1" not in services.upload_path(campaign).read_bytes()  # encrypted on arrival


def test_a_file_of_the_wrong_type_is_refused_with_a_french_reason(owner_client, org, breach) -> None:
    response = _upload(owner_client, org, breach, b"%PDF-1.7 ...", name="liste.pdf")
    assert response.status_code == 400
    assert "CSV ou XLSX" in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("liste.xls", b"\xd0\xcf\x11\xe0 old Excel"), ("liste.xlsx", b"Nom;Prenom\n"), ("liste.csv", b"PK\x03\x04zip")],
)
def test_a_file_whose_content_or_extension_the_reader_cannot_take_is_refused(
    owner_client, org, breach, name, content
) -> None:
    response = _upload(owner_client, org, breach, content, name=name)
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_a_fhir_bundle_is_accepted(owner_client, org, breach) -> None:
    bundle = (Path(__file__).parent / "data" / "fr_core_bundle.json").read_bytes()
    response = _upload(owner_client, org, breach, bundle, name="patients.json")
    assert response.status_code == 302
    assert Campaign.objects.get().import_report["sniffed"]["format"] == "fhir"


def test_a_file_too_large_is_refused(owner_client, org, breach, monkeypatch) -> None:
    monkeypatch.setattr(services.imports, "_max_bytes", lambda: 100)
    response = _upload(owner_client, org, breach, _csv(10))
    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode()


def test_confirming_the_mapping_imports_and_shows_the_report_with_line_numbers(owner_client, org, breach) -> None:
    _upload(owner_client, org, breach, _csv(3, extra=["Durand;Luc;M;31/02/1990;luc@example.fr;;;;"]))
    campaign = Campaign.objects.get()
    url = reverse("campaigns:mapping", args=[org.pk, campaign.pk])
    form = {name: value for name, value in campaign.mapping.items()}
    response = owner_client.post(url, form)
    campaign.refresh_from_db()
    assert response.status_code == 302 and campaign.status == CampaignStatus.READY
    page = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk])).content.decode()
    assert '<td class="num">5</td>' in page  # the invalid person is on line 5 (header = 1)
    assert "31/02/1990" not in page  # the report keeps no value of the file
    errors = owner_client.get(reverse("campaigns:errors_csv", args=[org.pk, campaign.pk])).content.decode()
    assert errors.splitlines()[1].startswith("5;")


@pytest.mark.parametrize("htmx", [False, True])
def test_the_campaign_page_shows_live_progress(owner_client, org, imported, htmx, htmx_headers) -> None:
    campaign = imported(3)
    headers = {**htmx_headers, "HTTP_HX_TARGET": "progress"} if htmx else {}
    response = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk]), **headers)
    body = response.content.decode()
    assert response.status_code == 200 and "<progress" in body
    assert ("<h1>" in body) is not htmx
    partial = owner_client.get(reverse("campaigns:progress", args=[org.pk, campaign.pk]), **headers)
    assert partial.status_code == 200 and "<progress" in partial.content.decode()


def test_a_running_campaign_page_polls_its_progress(owner_client, org, imported) -> None:
    campaign = imported(3)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
    body = owner_client.get(reverse("campaigns:progress", args=[org.pk, campaign.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in body


@pytest.mark.parametrize("htmx", [False, True])
def test_start_pause_and_resume_buttons(smtp, owner_client, org, imported, htmx, htmx_headers) -> None:
    campaign = imported(2)
    headers = htmx_headers if htmx else {}
    response = owner_client.post(reverse("campaigns:start", args=[org.pk, campaign.pk]), **headers)
    assert response.status_code == 200 if htmx else 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE and len(smtp.messages) == 2
    owner_client.post(reverse("campaigns:pause", args=[org.pk, campaign.pk]), **headers)  # refused: not running
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE


def test_a_member_cannot_start_a_campaign(client, signed_in, make_member, org, imported) -> None:
    campaign = imported(1)
    status = campaign.status
    signed_in(client, make_member(org, Role.MEMBER))
    assert client.post(reverse("campaigns:start", args=[org.pk, campaign.pk])).status_code == 403
    assert client.get(reverse("campaigns:persons", args=[org.pk, campaign.pk])).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == status and campaign.started_at is None


def test_the_channel_rules_form_changes_the_rules(owner_client, org, imported) -> None:
    campaign = imported(1)
    owner_client.post(reverse("campaigns:rules", args=[org.pk, campaign.pk]), {"order": "letter,email", "rate": "3"})
    campaign.refresh_from_db()
    assert campaign.channel_rules == {"order": ["letter", "email"]} and campaign.rate_limit == 3


def test_an_empty_rate_means_the_installations_setting_which_the_form_shows(
    owner_client, org, imported, settings
) -> None:
    settings.VIGIE_CAMPAIGN_RATE = 40
    campaign = imported(1)
    campaign.rate_limit = 3
    campaign.save()
    url = reverse("campaigns:rules", args=[org.pk, campaign.pk])
    owner_client.post(url, {"order": "email,letter", "rate": ""})
    campaign.refresh_from_db()
    assert campaign.rate_limit == 0  # the installation's setting
    page = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk])).content.decode()
    field = re.search(r'<input[^>]*name="rate"[^>]*>', page)
    assert field is not None and 'placeholder="40"' in field.group() and "value=" not in field.group()
    assert "(40 par seconde)" in page


@pytest.mark.parametrize("htmx", [False, True])
def test_viewing_the_persons_is_recorded_in_the_audit_log(owner_client, org, imported, htmx, htmx_headers) -> None:
    campaign = imported(3)
    response = owner_client.get(
        reverse("campaigns:persons", args=[org.pk, campaign.pk]), **(htmx_headers if htmx else {})
    )
    assert response.status_code == 200
    assert "Prénom1 NOM00001X" in response.content.decode()
    assert AuditEvent.objects.filter(action="campaign.persons_viewed", object_id=str(campaign.pk)).count() == 1


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_the_proof_ledger_exports_are_recorded(smtp, owner_client, org, imported, owner, fmt) -> None:
    campaign = imported(2)
    services.start_campaign(campaign, by=owner)
    response = owner_client.get(reverse("campaigns:ledger", args=[org.pk, campaign.pk, fmt]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "Prénom1 NOM00001X" in text and "250 2.0.0 Ok: queued as TEST" in text
    else:
        assert body.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="campaign.ledger_export", detail__format=fmt).exists()


def test_letters_can_be_downloaded_for_the_mail_house(owner_client, org, imported, owner) -> None:
    campaign = imported(2, email=False)
    services.start_campaign(campaign, by=owner)
    pdf = owner_client.get(reverse("campaigns:letter_file", args=[org.pk, campaign.pk, 1, "pdf"]))
    manifest = owner_client.get(reverse("campaigns:letter_file", args=[org.pk, campaign.pk, 1, "manifeste"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "NOM00002X" in b"".join(manifest.streaming_content).decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="campaign.letters_downloaded").count() == 2


def test_the_purge_button_erases_the_persons(smtp, owner_client, org, imported, owner) -> None:
    campaign = imported(2)
    services.start_campaign(campaign, by=owner)
    owner_client.post(reverse("campaigns:purge", args=[org.pk, campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PURGED
    assert campaign.recipients.filter(state=State.SENT).count() == 2
    assert not campaign.recipients.exclude(payload=b"").exists()


def test_the_breach_page_links_to_its_campaigns_when_the_persons_must_be_informed(owner_client, org, owner) -> None:
    ransomware = declare_ransomware(org, owner)
    lost = breach_services.declare_breach(org, by=owner, title="Clé USB perdue", became_aware_at=timezone.now())
    campaigns = reverse("campaigns:index", args=[org.pk, ransomware.pk])
    page = owner_client.get(reverse("breaches:detail", args=[org.pk, ransomware.pk])).content.decode()
    assert f'href="{campaigns}"' in page and "Informer les personnes une par une" in page
    page = owner_client.get(reverse("breaches:detail", args=[org.pk, lost.pk])).content.decode()
    assert "Informer les personnes une par une" not in page  # not assessed yet: nothing says so
