"""Campaigns and documents through the API: the same services as the pages, every read of personal data logged."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from vigie.audit.models import AuditEvent
from vigie.breaches.models import EventKind
from vigie.campaigns.models import Campaign, CampaignStatus
from vigie.documents.models import LetterTemplate

from .conftest import patients_csv


def _upload(api, breach, content: bytes, name: str = "patients.csv"):
    return api.client.post(
        f"/api/v1/breaches/{breach.pk}/campaigns/", {"file": SimpleUploadedFile(name, content)}, **api.headers()
    )


def test_a_campaign_from_upload_to_purge(api, assessed_breach, owner) -> None:
    uploaded = _upload(api, assessed_breach, patients_csv(3))
    assert uploaded.status_code == 201, uploaded.content
    campaign_id = uploaded.json()["id"]
    assert uploaded.json()["status"] == "draft"
    assert uploaded.json()["import_report"]["sniffed"]["mapping"]["email"] == "Courriel"
    base = f"/api/v1/campaigns/{campaign_id}"

    imported = api.post(f"{base}/import/", {})
    assert imported.status_code == 202
    assert imported.json()["status"] == "ready" and imported.json()["persons_count"] == 3
    again = api.post(f"{base}/import/", {})
    assert again.status_code == 409 and again.json()["detail"] == "La liste a déjà été importée."

    first = api.get(f"{base}/persons/", limit=2).json()
    assert [person["line"] for person in first["items"]] == [2, 3]
    assert first["items"][0]["email"] == "patient1@exemple-patient.fr"
    rest = api.get(f"{base}/persons/", limit=2, cursor=first["next_cursor"]).json()
    assert [person["line"] for person in rest["items"]] == [4] and rest["next_cursor"] is None
    viewed = AuditEvent.objects.filter(action="campaign.persons_viewed")
    assert viewed.count() == 2 and all(event.actor == owner and "api_token" in event.detail for event in viewed)

    assert api.send("put", f"{base}/rules/", {"order": ["letter"], "rate": 0}).json()["channel_rules"] == {
        "order": ["letter"]
    }
    started = api.post(f"{base}/start/")
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "done"  # the letters are produced at once by the immediate backend
    assert started.json()["progress"]["counts"]["letters"] == 3 and started.json()["progress"]["percent"] == 100.0
    assert api.post(f"{base}/pause/").status_code == 409

    letters = api.get(f"{base}/letters/1/", file="pdf")
    assert letters.status_code == 200 and letters.content.startswith(b"%PDF")
    manifest = api.get(f"{base}/letters/1/", file="manifest")
    assert manifest["Content-Type"] == "text/csv; charset=utf-8" and "NOM0001X" in manifest.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="campaign.letters_downloaded").count() == 2
    assert api.get(f"{base}/letters/2/").status_code == 404

    ledger = api.get(f"{base}/ledger/", format="csv")
    assert ledger.status_code == 200 and ledger["Cache-Control"] == "private, no-store"
    assert b"".join(ledger.streaming_content).count(b"\n") >= 4
    assert AuditEvent.objects.get(action="campaign.ledger_export").detail["format"] == "csv"

    purged = api.post(f"{base}/purge/")
    assert purged.json()["purged"] == 3 and purged.json()["campaign"]["status"] == "purged"
    assert api.get(f"{base}/persons/").json()["items"][0]["name"] == ""
    assert [c["id"] for c in api.get(f"/api/v1/breaches/{assessed_breach.pk}/campaigns/").json()] == [campaign_id]


def test_an_upload_of_the_wrong_type_is_refused_with_a_reason(api, assessed_breach) -> None:
    answer = _upload(api, assessed_breach, b"%PDF-1.7 not a list", name="liste.pdf")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["message"].startswith("Type de fichier non pris en charge")
    assert not Campaign.objects.exists()


def test_a_mapping_to_a_column_the_file_lacks_is_refused(api, assessed_breach) -> None:
    campaign_id = _upload(api, assessed_breach, patients_csv(2)).json()["id"]
    answer = api.post(f"/api/v1/campaigns/{campaign_id}/import/", {"mapping": {"email": "Téléphone portable"}})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "mapping.email", "message": "Le fichier n’a pas cette colonne."}]
    assert Campaign.objects.get().status == CampaignStatus.DRAFT


def test_rendering_documents_is_journalled_and_logged(api, assessed_breach, owner) -> None:
    pdf = api.get(f"/api/v1/breaches/{assessed_breach.pk}/documents/cnil-initial/", format="pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "private, no-store"
    docx = api.get(f"/api/v1/breaches/{assessed_breach.pk}/documents/letter/", format="docx")
    assert zipfile.ZipFile(io.BytesIO(docx.content)).namelist()
    assert AuditEvent.objects.filter(action="document.generated", actor=owner).count() == 2
    assert assessed_breach.events.filter(kind=EventKind.DOCUMENT_GENERATED).count() == 2
    listed = {d["kind"]: d for d in api.get(f"/api/v1/breaches/{assessed_breach.pk}/documents/").json()["documents"]}
    assert listed["cnil-initial"]["status"] == "generated" and listed["complaint"]["status"] == "todo"
    missing = api.get(f"/api/v1/breaches/{assessed_breach.pk}/documents/sms/", format="pdf")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Ce document n’existe pas dans ce format (formats\u00a0: txt)."


def test_no_document_before_the_assessment(api) -> None:
    draft = api.post("/api/v1/breaches/", {"title": "Ordinateur volé", "became_aware_at": "2025-03-28T09:15:00+01:00"})
    answer = api.get(f"/api/v1/breaches/{draft.json()['id']}/documents/letter/", format="pdf")
    assert answer.status_code == 409
    assert api.get(f"/api/v1/breaches/{draft.json()['id']}/documents/").json()["ready"] is False


def test_the_organisations_letter_text_is_versioned(api, org) -> None:
    default = api.get("/api/v1/letter-templates/letter/").json()
    assert default["version"] == 0 and default["body"]
    unknown = api.send("put", "/api/v1/letter-templates/letter/", {"body": "Bonjour {{ numero_de_carte }}"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "body"
    saved = api.send(
        "put", "/api/v1/letter-templates/letter/", {"body": "Madame, Monsieur,\n\n{{ organisation.name }}"}
    )
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert LetterTemplate.objects.get(organisation=org).body == "Madame, Monsieur,\n\n{{ organisation.name }}"


def test_the_letterhead_logo_is_replaced_and_removed(api, org) -> None:
    from PIL import Image

    from vigie.documents.models import Letterhead

    image = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(image, format="JPEG")
    url = "/api/v1/letterhead/logo/"
    saved = api.client.post(url, {"file": SimpleUploadedFile("logo.jpg", image.getvalue())}, **api.headers())
    assert saved.status_code == 200 and saved.json() == {"has_logo": True}
    assert bytes(Letterhead.objects.get(organisation=org).logo).startswith(b"\x89PNG")  # re-encoded
    refused = api.client.post(url, {"file": SimpleUploadedFile("logo.png", b"GIF89a not an image")}, **api.headers())
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "file"
    assert api.send("delete", url).json() == {"has_logo": False}
    assert not Letterhead.objects.get(organisation=org).logo


def test_without_a_mail_server_the_api_starts_only_a_rehearsal(api, assessed_breach, settings) -> None:
    settings.VIGIE_CAMPAIGN_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    campaign_id = _upload(api, assessed_breach, patients_csv(2)).json()["id"]
    base = f"/api/v1/campaigns/{campaign_id}"
    api.post(f"{base}/import/", {})
    refused = api.post(f"{base}/start/")
    assert refused.status_code in (400, 409, 422), refused.content
    assert "Aucun serveur de messagerie" in refused.content.decode()
    assert Campaign.objects.get(pk=campaign_id).status == CampaignStatus.READY
    rehearsal = api.post(f"{base}/start/?rehearsal=true")
    assert rehearsal.status_code == 200, rehearsal.content
    body = rehearsal.json()
    assert body["rehearsal"] is True and body["progress"]["counts"]["sent"] == 0
    assert body["progress"]["counts"]["rehearsed"] == 2
