"""Controllers not on Vigie: the alert as a PDF attached to an e-mail, what the mail server answered, their rows of
the leaked file kept for them, the processor's page, the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from vigie.audit.models import AuditEvent
from vigie.campaigns.tests.conftest import Sink, smtp  # noqa: F401 (the real SMTP server fixture)
from vigie.incidents.external import send_external_alert
from vigie.incidents.models import ExternalAlert, ExternalController, IncidentEvent, IncidentEventKind
from vigie.incidents.services import create_incident
from vigie.incidents.splitting import read_external, read_unassigned, split_file

pytestmark = pytest.mark.django_db

HEADER = "Labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mail_server(smtp: Sink, settings: Any) -> Sink:  # noqa: F811
    settings.EMAIL_BACKEND = SMTP_BACKEND
    return smtp


def text_of(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def declare(vendor, vendor_user, labs, facts, **extra: Any):
    return create_incident(
        vendor, controllers=[(labs[0], "LAB1")], facts=facts, title="Faille LaboSoft", by=vendor_user,
        external=[("Laboratoire du Port", "DPO@Port.example", "PORT")], **extra,
    )  # fmt: skip


def test_a_controller_not_on_vigie_gets_the_notice_as_a_pdf_by_e_mail(
    mail_server: Sink, vendor, vendor_user, labs, facts
) -> None:
    incident = declare(vendor, vendor_user, labs, facts)
    external = incident.external_controllers.get()
    assert (external.name, external.email, external.code) == ("Laboratoire du Port", "dpo@port.example", "PORT")
    assert external.alert_status == ExternalAlert.ACCEPTED and external.alert_sent_at is not None
    sent = [message for message in mail_server.messages if message["To"] == "dpo@port.example"]
    assert len(sent) == 1
    message = sent[0]
    assert "LaboSoft" in str(message["Subject"])
    assert message["Reply-To"] == "dpo@labosoft.example"
    parts = {part.get_content_type(): part for part in message.walk()}
    body = parts["text/plain"].get_payload(decode=True).decode()
    assert "Laboratoire du Port" in body and "PORT" in body
    pdf = parts["application/pdf"].get_payload(decode=True)
    text = text_of(pdf)
    assert "Éditeur LaboSoft" in text and "Laboratoire du Port" in text and "PORT" in text
    assert "Faille du logiciel de laboratoire" in text and "72 heures" in text
    assert "Laboratoire n° 1" not in text  # nothing of the other controllers
    event = IncidentEvent.objects.get(incident=incident, kind=IncidentEventKind.EXTERNAL_ALERT)
    assert "accepté par le serveur de messagerie" in event.summary
    assert event.data["status"] == "accepted"
    assert AuditEvent.objects.filter(action="incident.external_alert").count() == 1


def test_a_refusal_of_the_mail_server_is_recorded_as_a_failure_never_as_sent(
    mail_server: Sink, vendor, vendor_user, labs, facts
) -> None:
    mail_server.answers = ["250 OK", "554 5.7.1 Message refused by policy"]  # the lab's alert, then the external's
    incident = declare(vendor, vendor_user, labs, facts)
    external = incident.external_controllers.get()
    assert external.alert_status == ExternalAlert.FAILED
    assert external.alert_sent_at is None and external.alert_attempted_at is not None
    assert "554" in external.alert_error
    event = IncidentEvent.objects.get(incident=incident, kind=IncidentEventKind.EXTERNAL_ALERT)
    assert event.data["status"] == "failed" and "554" in event.summary
    # Sent again once the server accepts: journalled again, now accepted.
    again = send_external_alert(external, by=vendor_user)
    assert again.alert_status == ExternalAlert.ACCEPTED and again.alert_sent_at is not None and not again.alert_error
    kinds = list(IncidentEvent.objects.filter(incident=incident, kind=IncidentEventKind.EXTERNAL_ALERT)
                 .order_by("pk").values_list("data__status", flat=True))  # fmt: skip
    assert kinds == ["failed", "accepted"]


def test_an_unreachable_mail_server_is_a_failure(settings, vendor, vendor_user, labs, facts) -> None:
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    incident = create_incident(vendor, controllers=[], facts=facts, title="Faille", by=vendor_user,
                               external=[("Labo X", "dpo@x.example", "X")])  # fmt: skip
    external = incident.external_controllers.get()
    assert external.alert_status == ExternalAlert.FAILED and external.alert_sent_at is None
    assert external.alert_error


def test_without_a_mail_server_the_alert_is_not_sent_and_says_so(vendor, vendor_user, labs, facts, mailoutbox) -> None:
    incident = declare(vendor, vendor_user, labs, facts)  # pytest-django's in-memory backend: no mail server
    external = incident.external_controllers.get()
    assert external.alert_status == ExternalAlert.NOT_DELIVERED and external.alert_sent_at is None
    assert "dpo@port.example" not in [address for message in mailoutbox for address in message.to]


@pytest.mark.parametrize(
    ("external", "reason"),
    [
        ([("", "dpo@x.example", "X")], "son nom"),
        ([("Labo X", "pas une adresse", "X")], "n'est pas une adresse électronique"),
        ([("Labo X", "dpo@x.example", " ")], "son code"),
        ([("Labo X", "dpo@x.example", "lab1")], "deux responsables"),  # LAB1 is the lab's on Vigie
    ],
)
def test_a_wrong_controller_not_on_vigie_is_refused_and_nothing_is_created(
    vendor, vendor_user, labs, facts, external, reason
) -> None:
    with pytest.raises(ValidationError) as error:
        create_incident(vendor, controllers=[(labs[0], "LAB1")], facts=facts, title="Faille", by=vendor_user,
                        external=external)  # fmt: skip
    assert reason in " ".join(error.value.messages)
    assert not ExternalController.objects.exists()


def _leaked(tmp_path: Path) -> Path:
    codes = ("LAB1", "PORT", "port ", "NULLEPART")
    rows = [f"{codes[n % 4]};Secretnom{n:03d};Prénom{n};F;12/03/1970;p{n}@exemple-patient.fr;1 rue A;75011;Paris"
            for n in range(12)]  # fmt: skip
    path = tmp_path / "fuite.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_split_keeps_the_rows_of_a_controller_not_on_vigie_for_it(
    client: Client, signed_in, vendor, vendor_user, labs, facts, tmp_path
) -> None:
    incident = declare(vendor, vendor_user, labs, facts)
    external = incident.external_controllers.get()
    result = split_file(incident, _leaked(tmp_path), key_column="Labo", by=vendor_user)
    assert result.assigned == {labs[0].pk: 3}
    assert result.external == {external.pk: 6}  # « PORT » and « port » alike
    assert len(result.unassigned) == 3
    assert result.split.counts["external"] == {str(external.pk): 6}
    kept = read_external(result.split, external).decode()
    assert kept.count("Secretnom") == 6 and "NULLEPART" not in kept and "LAB1" not in kept
    assert "PORT" not in read_unassigned(result.split).decode().upper().replace("NULLEPART", "")
    # Encrypted at rest: the names are not in the file on disk.
    stored = next(Path(result.split.incident_id and tmp_path / "media").rglob("*external*"))
    assert b"Secretnom" not in stored.read_bytes()
    # The processor's page counts them and offers the CSV; the download is journalled.
    signed_in(client, vendor_user)
    page = client.get(reverse("incidents:detail", args=[vendor.pk, incident.pk])).content.decode()
    url = reverse("incidents:external_rows_csv", args=[vendor.pk, external.pk, result.split.pk])
    assert url in page and "hors Vigie" in page and "Secretnom" not in page
    response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("Secretnom") == 6
    assert AuditEvent.objects.filter(action="incident.external_rows_read").count() == 1


def test_the_processors_page_shows_the_alert_sent_or_its_failure(
    client: Client, signed_in, mail_server: Sink, vendor, vendor_user, labs, facts
) -> None:
    mail_server.answers = ["250 OK", "554 5.7.1 Message refused by policy"]
    incident = declare(vendor, vendor_user, labs, facts)
    external = incident.external_controllers.get()
    signed_in(client, vendor_user)
    url = reverse("incidents:detail", args=[vendor.pk, incident.pk])
    page = client.get(url).content.decode()
    section = page[page.index('id="external"') :]
    assert "Laboratoire du Port" in section and "hors Vigie" in section and "échec" in section.lower()
    resend = reverse("incidents:resend_external", args=[vendor.pk, external.pk])
    assert resend in section
    assert client.post(resend).status_code == 302
    page = client.get(url).content.decode()
    section = page[page.index('id="external"') :]
    assert "accepté par le serveur de messagerie" in section and resend not in section
    pdf = client.get(reverse("incidents:external_notice_pdf", args=[vendor.pk, external.pk]))
    assert pdf.status_code == 200 and "Laboratoire du Port" in text_of(pdf.content)


def test_controllers_never_reach_the_processors_controllers_not_on_vigie(
    client: Client, signed_in, vendor, vendor_user, labs, facts, tmp_path
) -> None:
    from vigie.accounts.models import User

    incident = declare(vendor, vendor_user, labs, facts)
    external = incident.external_controllers.get()
    split = split_file(incident, _leaked(tmp_path), key_column="Labo", by=vendor_user).split
    signed_in(client, User.objects.get(email="owner@lab1.example"))
    for org in (labs[0], vendor):
        for url in (
            reverse("incidents:external_notice_pdf", args=[org.pk, external.pk]),
            reverse("incidents:external_rows_csv", args=[org.pk, external.pk, split.pk]),
        ):
            assert client.get(url).status_code in (403, 404)
        assert client.post(reverse("incidents:resend_external", args=[org.pk, external.pk])).status_code in (403, 404)
    assert IncidentEvent.objects.filter(kind=IncidentEventKind.EXTERNAL_ALERT).count() == 1


def test_the_command_line_declares_controllers_not_on_vigie(mail_server: Sink, vendor, labs, facts, tmp_path) -> None:
    path = tmp_path / "faits.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    out = io.StringIO()
    call_command("incident", "create", "--processor", str(vendor.pk), "--controller", f"{labs[0].pk}:LAB1",
                 "--external", "Labo: du Port:dpo@port.example:PORT", "--external", "Biolab:contact@bio.example:B:2",
                 "--facts", str(path), "--title", "Faille", "--json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert [item["organisation"] for item in data["breaches"]] == [labs[0].pk]
    assert [(item["name"], item["email"], item["code"]) for item in data["external"]] == [
        ("Labo: du Port", "dpo@port.example", "PORT"), ("Biolab", "contact@bio.example", "B:2"),
    ]  # fmt: skip
    assert {item["alert"]["status"] for item in data["external"]} == {"accepted"}
    assert all(item["alert"]["sent_at"] for item in data["external"])
    status = io.StringIO()
    call_command("incident", "status", str(data["incident"]), "--json", stdout=status)
    assert [item["code"] for item in json.loads(status.getvalue())["external"]] == ["PORT", "B:2"]


def test_the_command_line_refuses_a_malformed_external(vendor, facts, tmp_path) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "faits.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    with pytest.raises(CommandError, match="NOM:COURRIEL:CODE"):
        call_command("incident", "create", "--processor", str(vendor.pk), "--external", "Labo sans adresse:X",
                     "--facts", str(path), "--title", "Faille")  # fmt: skip
