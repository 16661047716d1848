"""Declaring an incident and splitting the leaked file from the processor's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.breaches.models import Breach
from vigie.campaigns.models import Campaign
from vigie.incidents.models import Incident, SplitUpload, UploadStatus
from vigie.incidents.uploads import upload_path

pytestmark = pytest.mark.django_db

HEADER = "Code labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Code postal;Ville"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member_of_two(vendor_user: User, labs: list[Organisation]) -> User:
    """The vendor's owner is also a member of labs 1 and 2 (it hosts their accounts), not of lab 3."""
    for lab in labs[:2]:
        Membership.objects.create(user=vendor_user, organisation=lab, role=Role.MEMBER)
    return vendor_user


def leaked(n: int = 12) -> bytes:
    codes = ("LAB1", "LAB2", "PORT", "AILLEURS")
    rows = [f"{codes[i % 4]};Secretnom{i};Anne;F;0{1 + i % 9}/03/1970;p{i}@exemple-patient.fr;56000;Vannes"
            for i in range(n)]  # fmt: skip
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def declare(client: Client, vendor: Organisation, labs: list[Organisation], **extra: str) -> Any:
    data = {
        "title": "Faille du portail", "description": "Exports de résultats téléchargés par un tiers.",
        "origin": "hacking", "malicious": "yes", "breach_types": ["confidentiality"],
        "data_categories": ["identity", "health"], "persons_count": "12", "person_categories": ["patients"],
        f"code_{labs[0].pk}": "LAB1", f"code_{labs[1].pk}": "LAB2",
        "external": "Laboratoire du Port ; dpo@port.example ; PORT", **extra,
    }  # fmt: skip
    return client.post(reverse("incidents:declare", args=[vendor.pk]), data)


def test_a_member_declares_then_uploads_chooses_the_column_previews_and_splits(
    client: Client, signed_in, vendor, labs, member_of_two, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    signed_in(client, member_of_two)
    page = client.get(reverse("incidents:declare", args=[vendor.pk])).content.decode()
    assert labs[0].name in page and labs[1].name in page and labs[2].name not in page
    response = declare(client, vendor, labs)
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "incidents:upload", args=[vendor.pk, incident.pk]
    )
    assert sorted(incident.controllers.values_list("code", flat=True)) == ["LAB1", "LAB2"]
    assert incident.external_controllers.get().email == "dpo@port.example"
    breach = Breach.objects.get(organisation=labs[0])
    assert breach.origin == "hacking" and breach.persons_count == 12 and "téléchargés" in breach.description
    assert incident.facts["malicious"] is True

    response = client.post(reverse("incidents:upload", args=[vendor.pk, incident.pk]),
                           {"file": SimpleUploadedFile("fuite.csv", leaked(), content_type="text/csv")})  # fmt: skip
    upload = SplitUpload.objects.get()
    assert response.status_code == 302 and upload.headers[0] == "Code labo"
    assert b"Secretnom" not in upload_path(upload).read_bytes()  # encrypted at rest
    url = reverse("incidents:upload_detail", args=[vendor.pk, upload.pk])
    assert 'value="Code labo"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as queued:  # counted in the background
        assert client.post(url, {"key_column": "Nom"}).status_code == 302  # a wrong column first: all unassigned
    assert len(queued) == 1 and SplitUpload.objects.get().preview["unassigned"] == 12
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"key_column": "Code labo", "action": "preview"})
    upload.refresh_from_db()
    assert upload.status == UploadStatus.READY and upload.preview["rows"] == 12 and upload.preview["unassigned"] == 3
    assert sorted(upload.preview["controllers"].values()) == [3, 3] and list(upload.preview["external"].values()) == [3]
    page = client.get(url).content.decode()
    assert "Laboratoire du Port" in page and "Secretnom" not in page
    assert not Campaign.objects.exists()  # nothing split before the confirmation

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert client.post(url, {"action": "confirm"}).status_code == 302
    assert len(queued) == 1  # the split runs in the background (the tests' task backend runs it at once)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DONE and upload.split is not None
    assert upload.split.counts["rows"] == 12 and upload.split.counts["unassigned"] == 3
    assert Campaign.objects.get(breach__organisation=labs[0]).persons_count == 3
    assert not upload_path(upload).exists()  # the uploaded copy is deleted once split
    assert "Suivre l'avancement" in client.get(url).content.decode()
    assert client.post(url, {"action": "confirm"}).status_code == 400  # not twice
    assert Campaign.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("fuite.pdf", b"%PDF-1.4 x", "type"),
        ("fuite.xlsx", b"Nom;Prenom\nA;B\n", "ne correspond pas"),
        ("fuite.csv", b"", "vide"),
    ],
)
def test_a_wrong_file_is_refused_with_a_reason(
    client: Client, signed_in, incident, vendor, vendor_user, name, content, reason
) -> None:
    signed_in(client, vendor_user)
    response = client.post(reverse("incidents:upload", args=[vendor.pk, incident.pk]),
                           {"file": SimpleUploadedFile(name, content)})  # fmt: skip
    assert response.status_code == 400 and reason in response.content.decode()
    assert not SplitUpload.objects.exists()


def test_a_file_over_the_limit_is_refused(client: Client, signed_in, incident, vendor, vendor_user, settings) -> None:
    settings.VIGIE_UPLOAD_LIMITS = {"rows": 5}
    signed_in(client, vendor_user)
    response = client.post(reverse("incidents:upload", args=[vendor.pk, incident.pk]),
                           {"file": SimpleUploadedFile("fuite.csv", leaked(12))})  # fmt: skip
    assert response.status_code == 400
    assert "la limite est de 5 lignes" in response.content.decode()  # the reader's own reason, naming the limit
    assert not SplitUpload.objects.exists()


def test_a_readonly_member_or_a_controller_cannot_declare_or_upload(
    client: Client, signed_in, incident, vendor, labs, make_member
) -> None:
    reader = make_member(vendor, Role.READONLY)
    signed_in(client, reader)
    assert client.get(reverse("incidents:declare", args=[vendor.pk])).status_code == 403
    assert client.post(reverse("incidents:upload", args=[vendor.pk, incident.pk])).status_code == 403
    signed_in(client, User.objects.get(email="owner@lab1.example"))
    assert client.get(reverse("incidents:upload", args=[labs[0].pk, incident.pk])).status_code == 404


def test_a_declaration_with_no_controller_is_refused(client: Client, signed_in, vendor, labs, member_of_two) -> None:
    signed_in(client, member_of_two)
    response = declare(client, vendor, labs, **{f"code_{labs[0].pk}": "", f"code_{labs[1].pk}": "", "external": ""})
    assert response.status_code == 400 and not Incident.objects.exists()


def test_the_count_runs_in_the_background_with_a_progress_bar_and_resumes_after_a_crash(  # type: ignore[no-untyped-def]
    client: Client, signed_in, incident, vendor, vendor_user, settings, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from vigie.incidents import uploads

    signed_in(client, vendor_user)
    upload = uploads.upload_leaked_file(incident, name="fuite.csv", data=leaked(45), by=vendor_user)
    url = reverse("incidents:upload_detail", args=[vendor.pk, upload.pk])
    progress_url = reverse("incidents:upload_progress", args=[vendor.pk, upload.pk])
    with django_capture_on_commit_callbacks(execute=False):  # queued, the worker not there yet
        assert client.post(url, {"key_column": "Code labo"}).status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.COUNTING and upload.preview == {"read": 0, "total": None}
    page = client.get(url).content.decode()
    assert 'id="progress-bar"' in page and progress_url in page and 'id="preview"' not in page
    assert 'value="confirm"' not in page
    monkeypatch.setattr(uploads, "COUNT_STEP", 20)

    def killed_after_25_rows(importer_cells: Any) -> Any:
        for n, item in enumerate(importer_cells, start=1):
            if n > 25:
                raise SystemExit("worker killed")
            yield item

    original_cells = uploads.Importer.cells
    monkeypatch.setattr(uploads.Importer, "cells", lambda self: killed_after_25_rows(original_cells(self)))
    with pytest.raises(SystemExit):
        uploads.run_count(upload.pk)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.COUNTING and upload.preview["read"] == 20  # its progress, recorded
    fragment = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "20 lignes lues" in fragment and "<progress" in fragment
    monkeypatch.undo()
    later = timezone.now() + timedelta(seconds=settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS + 1)
    assert uploads.recover_splits(now=later) == 1  # the watch queues the count again: it starts over
    upload.refresh_from_db()
    assert upload.status == UploadStatus.READY and upload.preview["rows"] == 45 and upload.preview["unassigned"] == 22
    response = client.get(f"{progress_url}?was=counting", headers={"HX-Request": "true"})
    assert response.status_code == 286 or response.headers.get("HX-Refresh") == "true"  # the page reloads itself
    page = client.get(url).content.decode()
    assert 'id="preview"' in page and 'id="progress-bar"' not in page
