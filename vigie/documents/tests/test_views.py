"""The Documents tab, previews, downloads, the CNIL copy assistant, own texts and the letterhead logo."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from vigie.accounts.models import Role
from vigie.audit.models import AuditEvent
from vigie.breaches.models import EventKind
from vigie.documents.models import Letterhead, LetterTemplate

from .conftest import declare
from .pdftext import pdf_text


def url(name: str, *args: object) -> str:
    return reverse(f"documents:{name}", args=args)


@pytest.mark.parametrize("htmx", [False, True])
def test_documents_tab_lists_every_document_with_its_status_and_readability(
    owner_client, breach, htmx, htmx_headers
) -> None:
    response = owner_client.get(url("index", breach.organisation_id, breach.pk), **(htmx_headers if htmx else {}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Notification initiale à la CNIL" in body and "Lettre aux personnes concernées" in body
    assert "facile" in body  # the letter's readability band
    assert ("<html" in body) is not htmx


@pytest.mark.parametrize("htmx", [False, True])
def test_preview_shows_the_first_page_or_the_text(owner_client, breach, htmx, htmx_headers) -> None:
    headers = htmx_headers if htmx else {}
    letter = owner_client.get(url("preview", breach.organisation_id, breach.pk, "letter"), **headers).content.decode()
    assert url("preview_png", breach.organisation_id, breach.pk, "letter") in letter
    sms = owner_client.get(url("preview", breach.organisation_id, breach.pk, "sms"), **headers).content.decode()
    assert 'data-copy="#sms-text"' in sms and "segment" in sms
    email = owner_client.get(url("preview", breach.organisation_id, breach.pk, "email"), **headers).content.decode()
    assert "Ne donnez jamais vos codes" in email


def test_preview_png_is_an_image_of_page_one(owner_client, breach) -> None:
    response = owner_client.get(url("preview_png", breach.organisation_id, breach.pk, "cnil-initial"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert owner_client.get(url("preview_png", breach.organisation_id, breach.pk, "sms")).status_code == 404
    assert owner_client.get(url("preview", breach.organisation_id, breach.pk, "nope")).status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_download_generates_the_document_and_journals_it(owner_client, breach, htmx, htmx_headers) -> None:
    response = owner_client.get(
        url("download", breach.organisation_id, breach.pk, "letter", "pdf"), **(htmx_headers if htmx else {})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"] and "Cabinet du Dr Martin" in pdf_text(response.content)
    event = breach.events.filter(kind=EventKind.DOCUMENT_GENERATED).get()
    assert event.data["kind"] == "letter" and event.data["format"] == "pdf"
    assert AuditEvent.objects.filter(action="document.generated").exists()
    docx = owner_client.get(url("download", breach.organisation_id, breach.pk, "letter", "docx"))
    assert docx["Content-Disposition"].startswith("attachment") and docx.content.startswith(b"PK")
    index = owner_client.get(url("index", breach.organisation_id, breach.pk)).content.decode()
    assert "Généré" in index


def test_download_of_a_missing_format_is_404(owner_client, breach) -> None:
    assert owner_client.get(url("download", breach.organisation_id, breach.pk, "sms", "pdf")).status_code == 404


def test_readonly_member_sees_but_cannot_generate(client, signed_in, make_member, breach) -> None:
    reader = make_member(breach.organisation, Role.READONLY)
    signed_in(client, reader)
    assert client.get(url("index", breach.organisation_id, breach.pk)).status_code == 200
    assert client.get(url("download", breach.organisation_id, breach.pk, "letter", "pdf")).status_code == 403


def test_draft_breach_says_the_documents_are_not_ready(owner_client, org, owner) -> None:
    from vigie.breaches import services

    draft = services.declare_breach(
        org, by=owner, title="Brouillon", became_aware_at=timezone.now() - timedelta(hours=1)
    )
    body = owner_client.get(url("index", org.pk, draft.pk)).content.decode()
    assert "documents:preview" not in body and url("cnil_assistant", org.pk, draft.pk) not in body
    assert owner_client.get(url("download", org.pk, draft.pk, "letter", "pdf")).status_code == 404


def test_cnil_assistant_links_the_teleservice_and_copies_dates_as_its_form_wants(owner_client, breach) -> None:
    from django.utils import timezone

    body = owner_client.get(url("cnil_assistant", breach.organisation_id, breach.pk)).content.decode()
    assert 'href="https://notifications.cnil.fr/notifications/index"' in body
    aware = timezone.localtime(breach.became_aware_at)
    assert f'<code id="f-awareness-date">{aware:%d/%m/%Y}</code>' in body
    assert f'<code id="f-awareness-time">{aware:%H:%M}</code>' in body
    assert 'data-copy="#f-awareness-date"' in body and 'data-copy="#f-awareness-time"' in body


@pytest.mark.parametrize("htmx", [False, True])
def test_cnil_assistant_shows_each_field_with_a_copy_button(owner_client, breach, htmx, htmx_headers) -> None:
    headers = htmx_headers if htmx else {}
    response = owner_client.get(url("cnil_assistant", breach.organisation_id, breach.pk), **headers)
    body = response.content.decode()
    assert response.status_code == 200
    if not htmx:
        assert body.index("1. Type de notification") < body.index("2. Organisme") < body.index("3. Représentant légal")
        assert body.index("3. Représentant légal") < body.index("16. Autres démarches")
        assert 'data-copy="#f-nature"' in body and 'id="f-nature"' in body and "data-copied=" in body
    assert 'name="reference"' in body


@pytest.mark.parametrize("htmx", [False, True])
def test_recording_the_cnil_receipt_closes_the_obligation(owner_client, breach, htmx, htmx_headers) -> None:
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = owner_client.post(
        url("cnil_assistant", breach.organisation_id, breach.pk),
        {"reference": "CNIL-NOTIF-1", "done_at": now},
        **(htmx_headers if htmx else {}),
    )
    assert response.status_code == 200 if htmx else 302
    row = breach.obligation("notify_cnil")
    assert row.done and row.state.reference == "CNIL-NOTIF-1"


def test_late_receipt_asks_for_the_reasons_for_the_delay(owner_client, org, owner) -> None:
    late = declare(org, owner, hours_ago=80)
    page = owner_client.get(url("cnil_assistant", org.pk, late.pk)).content.decode()
    assert 'name="delay_reasons"' in page and "Motifs du retard" in page
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    refused = owner_client.post(url("cnil_assistant", org.pk, late.pk), {"reference": "R-1", "done_at": now})
    assert refused.status_code == 200 and not late.obligation("notify_cnil").done
    owner_client.post(
        url("cnil_assistant", org.pk, late.pk),
        {"reference": "R-1", "done_at": now, "delay_reasons": "Journaux tardifs."},
    )
    assert late.obligation("notify_cnil").state.delay_reasons == "Journaux tardifs."


def test_member_cannot_record_the_receipt(client, signed_in, make_member, breach) -> None:
    signed_in(client, make_member(breach.organisation, Role.MEMBER))
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url("cnil_assistant", breach.organisation_id, breach.pk), {"reference": "X", "done_at": now})
    assert response.status_code == 404 and not breach.obligation("notify_cnil").done


@pytest.mark.parametrize("htmx", [False, True])
def test_cybermalveillance_checklist_has_the_facts_to_copy(owner_client, breach, htmx, htmx_headers) -> None:
    body = owner_client.get(
        url("cybermalveillance", breach.organisation_id, breach.pk), **(htmx_headers if htmx else {})
    ).content.decode()
    assert 'data-copy="#cm_what"' in body and "Rançongiciel" in body and "17Cyber" in body


@pytest.mark.parametrize("htmx", [False, True])
def test_templates_page_lists_the_editable_texts(owner_client, org, htmx, htmx_headers) -> None:
    body = owner_client.get(url("templates", org.pk), **(htmx_headers if htmx else {})).content.decode()
    assert url("template_edit", org.pk, "letter") in body and url("template_edit", org.pk, "sms") in body


def test_template_editor_previews_and_saves_versions(owner_client, org, breach) -> None:
    page = owner_client.get(url("template_edit", org.pk, "letter")).content.decode()
    assert "Que s&#x27;est-il passé ?" in page and "facile" in page  # the default text and its readability
    body = "Madame, Monsieur,\n\nLe {{ breach.date }}, {{ organisation.name }} a subi un incident.\n\n{{ advice }}"
    preview = owner_client.post(
        url("template_edit", org.pk, "letter"), {"body": body}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "a subi un incident" in preview and "Cabinet du Dr Martin" in preview and "<html" not in preview
    assert not LetterTemplate.objects.exists()
    saved = owner_client.post(url("template_edit", org.pk, "letter"), {"body": body, "save": "1"})
    assert saved.status_code == 302
    owner_client.post(
        url("template_edit", org.pk, "letter"), {"body": body + "\n\nMerci.", "save": "1"}, HTTP_HX_REQUEST="true"
    )
    assert list(LetterTemplate.objects.for_org(org).values_list("version", flat=True).order_by("version")) == [1, 2]
    assert "Merci." in pdf_text(owner_client.get(url("download", org.pk, breach.pk, "letter", "pdf")).content)


def test_template_with_an_unknown_placeholder_is_refused(owner_client, org) -> None:
    response = owner_client.post(url("template_edit", org.pk, "sms"), {"body": "{{ breach.__class__ }}", "save": "1"})
    assert response.status_code == 200 and "breach.__class__" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_member_cannot_edit_texts(client, signed_in, make_member, org) -> None:
    signed_in(client, make_member(org, Role.MEMBER))
    assert client.get(url("template_edit", org.pk, "letter")).status_code == 403
    assert client.get(url("template_edit", org.pk, "cnil-initial")).status_code in (403, 404)


def _image(fmt: str = "PNG", size: tuple[int, int] = (1600, 600)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    buffer.seek(0)
    buffer.name = f"logo.{fmt.lower()}"
    return buffer


@pytest.mark.parametrize("htmx", [False, True])
def test_logo_upload_is_re_encoded_and_shown_on_documents(owner_client, org, breach, htmx, htmx_headers) -> None:
    assert owner_client.get(url("letterhead", org.pk), **(htmx_headers if htmx else {})).status_code == 200
    response = owner_client.post(url("letterhead", org.pk), {"logo": _image("JPEG")}, **(htmx_headers if htmx else {}))
    assert response.status_code in (200, 302)
    stored = Image.open(io.BytesIO(bytes(Letterhead.objects.get(organisation=org).logo)))
    assert stored.format == "PNG" and stored.width <= 800 and stored.height <= 400
    assert owner_client.get(url("logo", org.pk))["Content-Type"] == "image/png"
    assert b"/Image" in owner_client.get(url("download", org.pk, breach.pk, "letter", "pdf")).content


def test_a_file_that_is_not_an_image_or_too_large_is_refused(owner_client, org) -> None:
    fake = io.BytesIO(b"<svg onload=alert(1)>")
    fake.name = "logo.png"
    body = owner_client.post(url("letterhead", org.pk), {"logo": fake}).content.decode()
    assert "PNG" in body and not Letterhead.objects.exists()
    big = io.BytesIO(b"\x89PNG" + b"0" * (1024 * 1024 + 1))
    big.name = "big.png"
    body = owner_client.post(url("letterhead", org.pk), {"logo": big}).content.decode()
    assert "1" in body and not Letterhead.objects.exists()


def test_logo_can_be_removed(owner_client, org) -> None:
    owner_client.post(url("letterhead", org.pk), {"logo": _image()})
    assert owner_client.post(url("letterhead_remove", org.pk)).status_code == 302
    assert owner_client.get(url("logo", org.pk)).status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_incident_details_are_recorded_on_the_documents_page_and_reach_the_complaint(
    owner_client, breach, owner, htmx, htmx_headers
) -> None:
    from vigie.documents.models import IncidentDetails

    org_id = breach.organisation_id
    page = owner_client.get(url("index", org_id, breach.pk)).content.decode()
    assert 'id="incident-details"' in page and 'name="ransom_note"' in page
    posted = {"group_name": "Nébula", "attacker_ips": "203.0.113.45, 02 h 13 UTC", "ransom_paid": "false"}
    response = owner_client.post(url("details", org_id, breach.pk), posted, **(htmx_headers if htmx else {}))
    assert response.status_code == (200 if htmx else 302)
    details = IncidentDetails.objects.get(breach=breach)
    assert (details.group_name, details.ransom_paid, details.cert_support) == ("Nébula", False, None)
    event = breach.events.get(kind=EventKind.DETAILS_RECORDED)
    assert "nom du groupe" in event.summary and event.author == owner
    assert AuditEvent.objects.filter(action="document.details_saved").exists()
    complaint = owner_client.get(url("download", org_id, breach.pk, "complaint", "txt")).content.decode()
    assert "Nébula" in complaint and "203.0.113.45" in complaint and "Rançon payée" in complaint


def test_incident_details_beyond_their_limit_are_refused_and_nothing_is_lost(owner_client, breach) -> None:
    from vigie.documents.models import IncidentDetails

    response = owner_client.post(
        url("details", breach.organisation_id, breach.pk), {"group_name": "x" * 201, "scope": "Site de Lyon"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Site de Lyon" in body and 'id="incident-details"' in body
    assert not IncidentDetails.objects.filter(breach=breach).exists()


def test_a_read_only_member_cannot_record_incident_details(client, breach, make_member, signed_in) -> None:
    reader = make_member(breach.organisation, Role.READONLY)
    signed_in(client, reader)
    response = client.post(url("details", breach.organisation_id, breach.pk), {"group_name": "Nébula"})
    assert response.status_code in (403, 404)


def test_letters_to_parents_are_offered_only_when_minors_are_concerned(owner_client, org, owner) -> None:
    adults = declare(org, owner, person_categories=["patients"])
    children = declare(org, owner, person_categories=["patients", "minors"])
    assert "Lettre aux parents" not in owner_client.get(url("index", org.pk, adults.pk)).content.decode()
    page = owner_client.get(url("index", org.pk, children.pk)).content.decode()
    assert "Lettre aux parents" in page and "Courriel aux parents" in page
