"""The patient poster (A4, A3) and the public notice its QR code opens."""

from __future__ import annotations

import io
import string

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from vigie.audit.models import AuditEvent
from vigie.compliance import documents, services
from vigie.compliance.models import ComplianceProfile, new_public_token

from .test_record import pdf_text

URLSAFE = string.ascii_letters + string.digits + "-_"


def test_each_organisation_gets_its_own_unguessable_token(gp, make_org) -> None:
    first = services.profile_for(gp)
    second = services.profile_for(make_org())
    assert len(first.public_token) >= 16 and first.public_token != second.public_token
    assert str(gp.pk) != first.public_token
    assert first.notice_url == f"{settings.SITE_URL}/public/{first.public_token}/"


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_poster_is_one_page_with_retention_rights_and_the_cnil(gp, paper) -> None:
    notice = documents.build_notice(gp, services.profile_for(gp))
    content = documents.poster_pdf(notice, paper=paper)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) * 25.4 / 72
    assert round(width_mm) == {"a4": 210, "a3": 297}[paper]
    text = pdf_text(content)
    for expected in (
        "Cabinet du Dr Martin",
        "Vos données personnelles",
        "20 ans après la dernière consultation",
        "28 ans",
        "10 ans après le décès",
        "Accès à votre dossier",
        "8 jours",
        "2 mois",
        "Rectification",
        "Effacement",
        "Opposition",
        "Portabilité",
        "Limitation",
        "3 place de Fontenoy",
        "www.cnil.fr",
        "Claire Martin",
        notice["url"],
    ):
        assert expected in text, expected
    assert "Gestion du personnel" not in text  # not a processing of patients' data


@pytest.mark.parametrize("key", ["centre", "laboratoire", "clinique"])
def test_the_poster_fits_one_page_for_every_template(make_org, key) -> None:
    org = make_org(address="1 place de la Mairie", email="accueil@example.fr")
    services.apply_template(org, key, by=None)
    content = documents.poster_pdf(documents.build_notice(org, services.profile_for(org)))
    assert len(PdfReader(io.BytesIO(content)).pages) == 1


def test_the_qr_code_encodes_the_public_notice_address(gp, monkeypatch) -> None:
    captured = {}

    def fake_compile(template, inputs, **kwargs):
        captured.update(inputs)
        return b"%PDF"

    monkeypatch.setattr(documents, "compile_pdf", fake_compile)
    profile = services.profile_for(gp)
    documents.poster_pdf(documents.build_notice(gp, profile))
    assert captured["qr"] == documents.qr_svg(settings.SITE_URL + f"/public/{profile.public_token}/")
    assert captured["qr"].startswith("<svg")


def test_hostile_values_print_as_written_on_the_poster(gp) -> None:
    gp.name = "Cabinet #set text(red) $x$ *y* <script>alert(1)</script> 🩺"
    gp.save()
    text = pdf_text(documents.poster_pdf(documents.build_notice(gp, services.profile_for(gp))))
    assert "#set text(red) $x$ *y* <script>alert(1)</script>" in text


def test_the_poster_page_previews_the_notice(owner_client, gp, htmx_headers) -> None:
    url = reverse("compliance:poster", args=[gp.pk])
    for headers in ({}, htmx_headers):
        page = owner_client.get(url, **headers)
        assert page.status_code == 200
        assert "3 place de Fontenoy" in page.content.decode()


def test_generating_the_poster_downloads_it_and_records_when(owner_client, gp, htmx_headers) -> None:
    url = reverse("compliance:poster", args=[gp.pk])
    response = owner_client.post(url, {"format": "a3"}, **htmx_headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="affiche-a3.pdf"'
    assert ComplianceProfile.objects.get(organisation=gp).poster_generated_at is not None
    assert AuditEvent.objects.filter(action="compliance.poster", organisation=gp).exists()
    assert owner_client.post(url, {"format": "letter"})["Content-Disposition"].endswith('affiche-a4.pdf"')


def test_the_public_notice_needs_no_sign_in_and_shows_only_that_organisation(client, gp, make_org) -> None:
    other = make_org("Laboratoire Voisin")
    services.apply_template(other, "laboratoire", by=None)
    services.profile_for(other)
    response = client.get(services.profile_for(gp).notice_path)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cabinet du Dr Martin" in body and "Laboratoire Voisin" not in body
    assert "Examens de biologie" not in body
    assert "20 ans après la dernière consultation" in body and "3 place de Fontenoy" in body
    assert "Gestion du personnel" not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Nothing of the application around it: no menu, no organisation switcher, no sign-in link.
    assert "mainnav" not in body and "/connexion" not in body and 'class="topbar"' not in body


def test_the_public_notice_answers_htmx_requests_the_same(client, gp, htmx_headers) -> None:
    response = client.get(services.profile_for(gp).notice_path, **htmx_headers)
    assert response.status_code == 200 and "Cabinet du Dr Martin" in response.content.decode()


def test_an_unknown_token_is_a_404(client, gp) -> None:
    services.profile_for(gp)
    assert client.get("/public/not-a-real-token-at-all/").status_code == 404
    assert client.get(f"/public/{gp.pk}/").status_code == 404


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_notice_is_a_french_page_for_patients_even_with_debug_on(client, gp, settings, debug) -> None:
    settings.DEBUG = debug
    response = client.get("/public/not-a-real-token-at-all/")
    body = response.content.decode()
    assert response.status_code == 404 and response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Page introuvable" in body and "code QR" in body
    assert "Traceback" not in body and "URLconf" not in body and "Django" not in body


def test_the_public_notice_is_rate_limited_per_ip_with_a_french_page(client, gp, settings) -> None:
    settings.VIGIE_NOTICE_RATE = 3
    path = services.profile_for(gp).notice_path
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(path)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert "Trop de demandes" in limited.content.decode() and "Cabinet du Dr Martin" not in limited.content.decode()
    # Trying tokens counts too, and another address is not slowed down.
    assert client.get("/public/guess-one-token-here/").status_code == 429
    assert client.get(path, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_public_token_carries_at_least_128_bits() -> None:
    tokens = {new_public_token() for _ in range(200)}
    assert len(tokens) == 200
    # url-safe base64: 6 bits a character, 22 characters ≥ 128 bits.
    assert all(len(token) >= 22 and set(token) <= set(URLSAFE) for token in tokens)


def test_the_poster_command_writes_a_pdf(gp, tmp_path) -> None:
    path = tmp_path / "affiche.pdf"
    call_command("compliance", "poster", str(gp.pk), "--output", str(path), "--format", "a3")
    assert "Vos données personnelles" in pdf_text(path.read_bytes())
    assert ComplianceProfile.objects.get(organisation=gp).poster_generated_at is not None


def test_the_record_command_writes_pdf_and_xlsx(gp, tmp_path) -> None:
    call_command("compliance", "record", str(gp.pk), "--output", str(tmp_path / "registre.pdf"))
    assert "20 ans" in pdf_text((tmp_path / "registre.pdf").read_bytes())
    call_command("compliance", "record", str(gp.pk), "--output", str(tmp_path / "registre.xlsx"))
    assert (tmp_path / "registre.xlsx").read_bytes().startswith(b"PK")


def test_the_commands_refuse_an_unknown_organisation_or_format(gp, tmp_path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Aucune organisation"):
        call_command("compliance", "poster", "999999", "--output", str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="pdf"):
        call_command("compliance", "record", str(gp.pk), "--output", str(tmp_path / "a.docx"))
