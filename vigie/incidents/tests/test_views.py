"""The processor's incident page, the controller's alert, the portfolio; and who may see what."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.breaches.models import Breach
from vigie.breaches.services import declare_breach
from vigie.incidents.models import Incident, IncidentController
from vigie.incidents.services import acknowledge
from vigie.incidents.splitting import split_file

pytestmark = pytest.mark.django_db

HEADER = "Labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def owner_of(number: int) -> User:
    return User.objects.get(email=f"owner@lab{number}.example")


def link_of(incident: Incident, org: Organisation) -> IncidentController:
    return incident.controllers.get(organisation=org)


@pytest.fixture
def split(incident: Incident, tmp_path: Path) -> Any:
    rows = [f"LAB{n % 3 + 1};Secretnom{n:03d};Prénom{n};F;12/03/1970;p{n}@exemple-patient.fr;1 rue A;75011;Paris"
            for n in range(1, 10)]  # fmt: skip
    path = tmp_path / "fuite.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return split_file(incident, path, key_column="Labo", by=None)


def test_the_processor_sees_each_controllers_progress_and_no_patient(
    client: Client, signed_in, incident, vendor, vendor_user, labs, split
) -> None:
    acknowledge(link_of(incident, labs[0]), by=owner_of(1))
    signed_in(client, vendor_user)
    response = client.get(reverse("incidents:detail", args=[vendor.pk, incident.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for lab in labs:
        assert lab.name in page
    assert page.count("0 sur 3") == 3  # persons informed, x of y, for each lab
    assert "pas encore" in page  # two labs have not acknowledged
    assert "secretnom" not in page.lower() and "exemple-patient" not in page
    assert "fuite.csv" in page


def test_a_controller_cannot_open_the_processors_incident_page(client, signed_in, incident, labs) -> None:
    signed_in(client, owner_of(1))
    assert client.get(reverse("incidents:detail", args=[labs[0].pk, incident.pk])).status_code == 404


def test_a_controller_cannot_open_another_controllers_alert(client, signed_in, incident, labs) -> None:
    signed_in(client, owner_of(1))
    other = link_of(incident, labs[1])
    url = reverse("incidents:acknowledge", args=[labs[0].pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get(reverse("incidents:acknowledge", args=[labs[1].pk, other.pk])).status_code == 404
    assert IncidentController.objects.get(pk=other.pk).acknowledged_at is None


def test_the_processor_cannot_open_a_controllers_alert_or_breach(
    client, signed_in, incident, vendor, vendor_user, labs
) -> None:
    signed_in(client, vendor_user)
    link = link_of(incident, labs[0])
    assert client.post(reverse("incidents:acknowledge", args=[vendor.pk, link.pk])).status_code == 404
    assert client.get(reverse("breaches:detail", args=[labs[0].pk, link.breach_id])).status_code == 404
    assert client.get(reverse("breaches:detail", args=[vendor.pk, link.breach_id])).status_code == 404
    assert IncidentController.objects.get(pk=link.pk).acknowledged_at is None


def test_the_controller_acknowledges_from_its_breach(client, signed_in, incident, labs) -> None:
    signed_in(client, owner_of(1))
    link = link_of(incident, labs[0])
    breach_url = reverse("breaches:detail", args=[labs[0].pk, link.breach_id])
    page = client.get(breach_url).content.decode()
    ack_url = reverse("incidents:acknowledge", args=[labs[0].pk, link.pk])
    assert ack_url in page and "Éditeur LaboSoft" in page
    response = client.post(ack_url, {"aware_at": ""})
    assert response.status_code == 302 and response["Location"] == breach_url
    link.refresh_from_db()
    assert link.acknowledged_at is not None
    assert Breach.objects.get(pk=link.breach_id).became_aware_at == link.acknowledged_at
    assert ack_url not in client.get(breach_url).content.decode()


def test_a_readonly_member_cannot_acknowledge(client, signed_in, incident, labs) -> None:
    signed_in(client, User.objects.get(email="reader@lab1.example"))
    link = link_of(incident, labs[0])
    url = reverse("incidents:acknowledge", args=[labs[0].pk, link.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"aware_at": ""}).status_code == 403
    assert IncidentController.objects.get(pk=link.pk).acknowledged_at is None


def test_an_awareness_in_the_future_is_refused(client, signed_in, incident, labs) -> None:
    signed_in(client, owner_of(1))
    link = link_of(incident, labs[0])
    later = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("incidents:acknowledge", args=[labs[0].pk, link.pk]), {"aware_at": later})
    assert response.status_code == 200
    assert IncidentController.objects.get(pk=link.pk).acknowledged_at is None


def test_the_index_lists_alerts_received_and_incidents_declared(
    client, signed_in, incident, vendor, vendor_user, labs
) -> None:
    signed_in(client, owner_of(2))
    page = client.get(reverse("incidents:index", args=[labs[1].pk])).content.decode()
    assert reverse("incidents:acknowledge", args=[labs[1].pk, link_of(incident, labs[1]).pk]) in page
    assert "Laboratoire n° 1" not in page and "Laboratoire n° 3" not in page
    signed_in(client, vendor_user)
    page = client.get(reverse("incidents:index", args=[vendor.pk])).content.decode()
    assert reverse("incidents:detail", args=[vendor.pk, incident.pk]) in page


# --- The portfolio --------------------------------------------------------------------------------------------


@pytest.fixture
def dpo_firm_user(labs: list[Organisation], make_user: Any) -> User:
    """A DPO of a firm serving labs 1 and 2, not 3."""
    user = make_user(email="dpo@cabinet-conseil.example")
    for lab in labs[:2]:
        Membership.objects.create(user=user, organisation=lab, role=Role.DPO)
    return user


def test_the_portfolio_lists_every_open_obligation_of_every_organisation_by_deadline(
    client, signed_in, incident, labs, dpo_firm_user, facts
) -> None:
    acknowledge(link_of(incident, labs[1]), by=None, aware_at=timezone.now() - timedelta(hours=70))
    older = declare_breach(labs[0], by=None, title="Clé USB perdue", became_aware_at=timezone.now() - timedelta(hours=60),
                           **{k: facts[k] for k in ("breach_types", "data_categories", "persons_count")},
                           origin="lost_device")  # fmt: skip
    signed_in(client, dpo_firm_user)
    response = client.get(reverse("portfolio:index"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {row.organisation.pk for row in rows} == {labs[0].pk, labs[1].pk}
    dues = [row.due for row in rows if row.due is not None]
    assert dues == sorted(dues)
    assert rows[0].breach == link_of(incident, labs[1]).breach and rows[0].obligation == "notify_cnil"
    page = response.content.decode()
    assert reverse("breaches:detail", args=[labs[0].pk, older.pk]) in page
    assert "Laboratoire n° 3" not in page
    assert 'class="countdown' in page


def test_the_portfolio_filters_by_organisation_obligation_and_overdue(
    client, signed_in, incident, labs, dpo_firm_user
) -> None:
    acknowledge(link_of(incident, labs[1]), by=None, aware_at=timezone.now() - timedelta(hours=80))
    signed_in(client, dpo_firm_user)
    url = reverse("portfolio:index")
    only = client.get(url, {"organisation": labs[0].pk}).context["rows"]
    assert only and {row.organisation.pk for row in only} == {labs[0].pk}
    cnil = client.get(url, {"obligation": "notify_cnil"}).context["rows"]
    assert len(cnil) == 2 and {row.obligation for row in cnil} == {"notify_cnil"}
    late = client.get(url, {"overdue": "1"}).context["rows"]
    assert late and {row.organisation.pk for row in late} == {labs[1].pk}
    assert all(row.overdue(timezone.now()) for row in late)
    # An organisation the user is not a member of gives nothing, not its rows.
    assert client.get(url, {"organisation": labs[2].pk}).context["rows"] == []


def test_the_portfolio_needs_a_signed_in_user(client) -> None:
    response = client.get(reverse("portfolio:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_incident_journal_reads_in_the_language_of_the_screen(
    client: Client, signed_in, incident, vendor, vendor_user, labs
) -> None:
    from django.conf import settings

    acknowledge(link_of(incident, labs[0]), by=owner_of(1))
    signed_in(client, vendor_user)
    url = reverse("incidents:detail", args=[vendor.pk, incident.pk])

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(url).content.decode()

    assert "Incident declared for 3 controllers." in english
    assert "Alert sent to Laboratoire n° 2 (2 recipients)." in english
    assert "Laboratoire n° 1 acknowledged the alert." in english
    assert "Incident déclaré" not in english
    from django.utils.html import escape

    recorded = incident.events.get(kind="acknowledged").summary
    assert escape(recorded) in french and recorded != "Laboratoire n° 1 acknowledged the alert."
