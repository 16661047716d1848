"""The processor's notice to each controller and its own summary, as PDFs: what they say, and who may have them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from vigie.accounts.models import User
from vigie.incidents.models import Incident
from vigie.incidents.services import acknowledge, acknowledge_url

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def owner_of(number: int) -> User:
    return User.objects.get(email=f"owner@lab{number}.example")


def test_the_controller_downloads_the_processors_notice_from_its_alert(
    client: Client, signed_in, incident: Incident, vendor, labs
) -> None:
    link = incident.controllers.get(organisation=labs[0])
    signed_in(client, owner_of(1))
    page = client.get(reverse("incidents:acknowledge", args=[labs[0].pk, link.pk])).content.decode()
    url = reverse("incidents:notice_pdf", args=[labs[0].pk, link.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "Éditeur LaboSoft" in text and "Laboratoire n° 1" in text and "LAB1" in text
    assert "Faille LaboSoft" in text and "Faille du logiciel de laboratoire" in text
    assert "72 heures" in text and "Notifier la CNIL" in text
    assert acknowledge_url(link).replace(" ", "") in text.replace(" ", "")
    assert "Laboratoire n° 2" not in text


def test_a_controller_cannot_download_another_controllers_notice(
    client: Client, signed_in, incident: Incident, vendor, labs
) -> None:
    other = incident.controllers.get(organisation=labs[1])
    signed_in(client, owner_of(1))
    assert client.get(reverse("incidents:notice_pdf", args=[labs[0].pk, other.pk])).status_code == 404
    assert client.get(reverse("incidents:notice_pdf", args=[labs[1].pk, other.pk])).status_code == 404
    # Nor the processor's copies, nor its summary.
    args = [labs[0].pk, incident.pk, labs[1].pk]
    assert client.get(reverse("incidents:processor_notice_pdf", args=args)).status_code == 404
    assert client.get(reverse("incidents:summary_pdf", args=[labs[0].pk, incident.pk])).status_code == 404


def test_the_processor_downloads_each_notice_and_its_summary_without_patients(
    client: Client, signed_in, incident: Incident, vendor, vendor_user, labs
) -> None:
    acknowledge(incident.controllers.get(organisation=labs[0]), by=owner_of(1))
    signed_in(client, vendor_user)
    page = client.get(reverse("incidents:detail", args=[vendor.pk, incident.pk])).content.decode()
    notice_url = reverse("incidents:processor_notice_pdf", args=[vendor.pk, incident.pk, labs[1].pk])
    summary_url = reverse("incidents:summary_pdf", args=[vendor.pk, incident.pk])
    assert notice_url in page and summary_url in page
    notice = text_of(client.get(notice_url).content)
    assert "Laboratoire n° 2" in notice and "LAB2" in notice and "Éditeur LaboSoft" in notice
    summary = text_of(client.get(summary_url).content)
    for number, lab in enumerate(labs, start=1):
        assert lab.name in summary and f"LAB{number}" in summary
    assert summary.count("pas encore") == 2  # two labs have not acknowledged
    assert summary.count("0 sur 0") == 3  # persons informed, of none imported yet
    assert "Notification à la CNIL" in summary
    # A controller's notice at another processor is not the processor's to open.
    assert client.get(reverse("incidents:processor_notice_pdf", args=[vendor.pk, incident.pk + 1, labs[1].pk])
                      ).status_code == 404  # fmt: skip


def test_the_summary_names_no_patient(
    client: Client, signed_in, incident, vendor, vendor_user, tmp_path, settings
) -> None:
    from vigie.incidents.splitting import split_file

    settings.MEDIA_ROOT = tmp_path / "media"
    header = "Labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville"
    rows = [f"LAB{n % 3 + 1};Secretnom{n:03d};Prénom{n};F;12/03/1970;p{n}@exemple-patient.fr;1 rue A;75011;Paris"
            for n in range(1, 7)]  # fmt: skip
    path = tmp_path / "fuite.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    split_file(incident, path, key_column="Labo", by=None)
    signed_in(client, vendor_user)
    summary: Any = text_of(client.get(reverse("incidents:summary_pdf", args=[vendor.pk, incident.pk])).content)
    assert summary.count("0 sur 2") == 3
    assert "secretnom" not in summary.lower() and "exemple-patient" not in summary
