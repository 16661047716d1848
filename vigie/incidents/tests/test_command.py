"""``vigie incident create | import | status``: the shapes the issue fixes, and the rows of nobody never dropped."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigie.accounts.models import Organisation, User
from vigie.breaches.models import Breach, EventKind
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient
from vigie.incidents.models import Incident, IncidentEventKind, Split
from vigie.incidents.services import acknowledge
from vigie.incidents.services import progress as services_progress
from vigie.incidents.splitting import read_unassigned

pytestmark = pytest.mark.django_db

HEADER = "Labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville"


def run(*args: str) -> str:
    out = StringIO()
    call_command("incident", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def facts_file(tmp_path: Path, facts: dict[str, Any]) -> Path:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    return path


def person(n: int, lab: str) -> str:
    return f"{lab};Nom{n:04d}x;Prénom{n};F;12/03/1970;patient{n}@exemple-patient.fr;{n} rue des Lilas;75011;Paris"


@pytest.fixture
def leaked(tmp_path: Path) -> Path:
    rows = [
        person(1, "LAB1"),  # line 2
        person(2, "lab2"),  # line 3: the code's case does not matter
        person(3, "LAB3"),  # line 4
        person(4, "LAB9"),  # line 5: no such controller
        person(5, " LAB1 "),  # line 6
        "LAB2;;;F;;;;;",  # line 7: no name, refused by the reader, reported with its line
        person(1, "LAB2"),  # line 8: the same person at another lab is informed by that lab too
        person(1, "LAB1"),  # line 9: a duplicate within LAB1, merged
        person(6, ""),  # line 10: no code at all
    ]
    path = tmp_path / "fuite.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def create(facts_file: Path, vendor: Organisation, labs: list[Organisation]) -> dict[str, Any]:
    args = ["create", "--processor", str(vendor.pk), "--facts", str(facts_file), "--title", "Faille LaboSoft"]
    for number, lab in enumerate(labs, start=1):
        args += ["--controller", f"{lab.pk}:LAB{number}"]
    return json.loads(run(*args, "--json"))


def test_create_prints_the_incident_and_each_controllers_breach(facts_file, vendor, labs, mailoutbox) -> None:
    out = create(facts_file, vendor, labs)
    incident = Incident.objects.get()
    assert out["incident"] == incident.pk
    assert out["breaches"] == [
        {"organisation": link.organisation_id, "breach": link.breach_id, "code": link.code}
        for link in incident.controllers.order_by("pk")
    ]
    assert [item["organisation"] for item in out["breaches"]] == [lab.pk for lab in labs]
    assert [item["code"] for item in out["breaches"]] == ["LAB1", "LAB2", "LAB3"]
    assert {Breach.objects.get(pk=item["breach"]).organisation_id for item in out["breaches"]} == {
        lab.pk for lab in labs
    }
    assert len(mailoutbox) == 3


@pytest.mark.parametrize(
    ("controller", "message"),
    [("12", "ORG_ID:CODE attendu"), ("999999:X", "Aucune organisation n° 999999."), ("1:", "ORG_ID:CODE attendu")],
)
def test_create_refuses_a_malformed_controller(facts_file, vendor, controller, message) -> None:
    with pytest.raises(CommandError, match=message):
        run("create", "--processor", str(vendor.pk), "--controller", controller, "--facts", str(facts_file),
            "--title", "T")  # fmt: skip
    assert not Incident.objects.exists()


def test_create_refuses_wrong_facts_naming_them(tmp_path, vendor, labs) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"persons_count": -3, "origin": "ransomware"}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"persons_count: attendu : un nombre entier, zéro ou plus"):
        run("create", "--processor", str(vendor.pk), "--controller", f"{labs[0].pk}:A", "--facts", str(path),
            "--title", "T")  # fmt: skip
    assert not Incident.objects.exists()


def test_import_splits_the_file_into_each_controllers_campaign(facts_file, vendor, labs, leaked) -> None:
    incident_id = create(facts_file, vendor, labs)["incident"]
    out = json.loads(run("import", str(incident_id), str(leaked), "--key", "Labo", "--json"))
    lab1, lab2, lab3 = (str(lab.pk) for lab in labs)
    assert out["assigned"] == {lab1: 3, lab2: 3, lab3: 1}
    assert out["unassigned"] == 2
    campaigns = {org: Campaign.objects.get(pk=pk) for org, pk in out["campaigns"].items()}
    assert set(campaigns) == {lab1, lab2, lab3}
    for org, campaign in campaigns.items():
        assert campaign.breach.organisation_id == int(org)
        assert campaign.status == CampaignStatus.READY
    # Lines are those of the processor's file; the duplicate within LAB1 is merged, the person at two labs is in both.
    assert sorted(Recipient.objects.filter(campaign=campaigns[lab1]).values_list("line", flat=True)) == [2, 6]
    assert sorted(Recipient.objects.filter(campaign=campaigns[lab2]).values_list("line", flat=True)) == [3, 8]
    assert sorted(Recipient.objects.filter(campaign=campaigns[lab3]).values_list("line", flat=True)) == [4]
    assert out["stored"] == {lab1: 2, lab2: 2, lab3: 1}
    assert out["errors"] == [{"line": 7, "column": "Nom", "reason": "nom absent", "organisation": labs[1].pk}]
    assert out["unassigned_rows"] == [
        {"line": 5, "column": "Labo", "reason": "code « LAB9 » : aucun responsable de traitement de l'incident"},
        {"line": 10, "column": "Labo", "reason": "code absent"},
    ]
    # Every row is somewhere: in a campaign's report, or kept with the split.
    reports = sum(campaign.import_report["rows"] for campaign in campaigns.values())
    assert reports + out["unassigned"] == 9
    kept = read_unassigned(Split.objects.get()).decode().splitlines()
    assert kept[0] == "ligne;" + HEADER
    assert [row.split(";")[:2] for row in kept[1:]] == [["5", "LAB9"], ["10", ""]]


def test_the_unassigned_rows_are_kept_encrypted(facts_file, vendor, labs, leaked, settings) -> None:
    incident_id = create(facts_file, vendor, labs)["incident"]
    run("import", str(incident_id), str(leaked), "--key", "Labo", "--json")
    stored = list(Path(settings.MEDIA_ROOT).rglob("*.enc"))
    assert len(stored) == 1
    assert b"Nom0004x" not in stored[0].read_bytes()
    assert b"Nom0004x" in read_unassigned(Split.objects.get())


def test_import_journals_on_both_sides(facts_file, vendor, labs, leaked) -> None:
    incident_id = create(facts_file, vendor, labs)["incident"]
    run("import", str(incident_id), str(leaked), "--key", "Labo", "--json")
    incident = Incident.objects.get(pk=incident_id)
    event = incident.events.get(kind=IncidentEventKind.SPLIT_IMPORTED)
    assert event.data["unassigned"] == 2 and event.data["rows"] == 9
    assert event.summary == (
        "Fichier divulgué fuite.csv réparti selon la colonne Labo : 9 lignes, dont 7 pour 3 responsables de "
        "traitement sur Vigie et 2 sans responsable de traitement."
    )
    for link in incident.controllers.all():
        received = link.breach.events.get(kind=EventKind.PERSONS_RECEIVED)
        assert received.data["incident"] == incident_id


def test_import_refuses_an_unknown_key_column(facts_file, vendor, labs, leaked) -> None:
    incident_id = create(facts_file, vendor, labs)["incident"]
    with pytest.raises(CommandError, match="Colonne introuvable dans le fichier : « FINESS »."):
        run("import", str(incident_id), str(leaked), "--key", "FINESS", "--json")
    assert not Campaign.objects.exists() and not Split.objects.exists()


def test_import_of_an_unknown_incident_is_refused(leaked) -> None:
    with pytest.raises(CommandError, match="Aucun incident n° 4242."):
        run("import", "4242", str(leaked), "--key", "Labo")


def test_status_gives_each_controllers_progress(facts_file, vendor, labs, leaked) -> None:
    incident_id = create(facts_file, vendor, labs)["incident"]
    run("import", str(incident_id), str(leaked), "--key", "Labo", "--json")
    link = Incident.objects.get(pk=incident_id).controllers.get(organisation=labs[0])
    acknowledge(link, by=User.objects.get(email="owner@lab1.example"))
    out = json.loads(run("status", str(incident_id), "--json"))
    assert out["incident"] == incident_id
    rows = {row["organisation"]: row for row in out["controllers"]}
    assert list(rows) == [lab.pk for lab in labs]
    first = rows[labs[0].pk]
    assert first["breach"] == link.breach_id
    assert first["acknowledged_at"] is not None and rows[labs[1].pk]["acknowledged_at"] is None
    assert first["cnil"]["required"] is True and first["cnil"]["notified"] is False
    assert first["persons"] == {"informed": 0, "total": 2}
    assert rows[labs[2].pk]["persons"] == {"informed": 0, "total": 1}
    text = run("status", str(incident_id))
    assert "Laboratoire n° 1 (LAB1)" in text and "0 personne(s) informée(s) sur 2" in text


def test_vigie_demo_adds_a_vendor_three_labs_and_their_incident_once() -> None:
    with pytest.raises(CommandError, match="vigie demo"):
        run("demo")
    call_command("demo", stdout=StringIO())
    # « vigie demo » adds the incident itself; « vigie incident demo » then adds nothing.
    assert "existe déjà" in run("demo")
    incident = Incident.objects.get()
    assert incident.processor.name.startswith("LaboSoft")
    rows = {row.code: row for row in services_progress(incident)}
    assert set(rows) == {"ARMOR", "REMPARTS", "EMERAUDE"}
    assert rows["ARMOR"].acknowledged_at is not None and rows["REMPARTS"].acknowledged_at is None
    assert {code: row.persons_total for code, row in rows.items()} == {"ARMOR": 10, "REMPARTS": 8, "EMERAUDE": 10}
    assert Split.objects.get().counts["unassigned"] == 2
    outside = incident.external_controllers.get()
    assert outside.code == "ODET" and outside.alert_status == "not_delivered"  # the demo sends no e-mail
    assert Split.objects.get().counts["external"] == {str(outside.pk): 3}
    assert "existe déjà" in run("demo")
    assert Incident.objects.count() == 1 and Split.objects.count() == 1
