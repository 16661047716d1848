"""The ANS list of HDS-certified hosts: import (CSV, XLSX), refusals, search, and the processor checks.

The sample files are made by ``conftest.py`` for these tests: fictitious companies, no official data.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from vigie.compliance import hds
from vigie.compliance.models import HdsHost, HdsImport, Processor

from .conftest import HEADER, TODAY, sample_csv, sample_xlsx

pytestmark = pytest.mark.django_db


def test_importing_the_csv_list(hds_csv) -> None:
    source = hds.import_hosts(hds_csv, "liste-hds.csv")
    assert source.rows == 3 and HdsHost.objects.count() == 3
    host = HdsHost.objects.get(siren="123456789")
    assert host.name == "Nuage Santé SAS" and host.activities == [3, 4, 5, 6] and host.certifier == "Certif Exemple"
    assert host.valid_until == TODAY + timedelta(days=700)
    assert HdsHost.objects.get(siren="987654321").activities == [1, 2]
    assert HdsHost.objects.get(siren="111222333").activities == [1, 2, 3, 4, 5, 6]


def test_importing_the_xlsx_list_with_a_title_line_and_real_dates(hds_xlsx) -> None:
    hds.import_hosts(hds_xlsx, "liste-hds.xlsx")
    host = HdsHost.objects.get(siren="987654321")
    assert host.valid_until == TODAY - timedelta(days=10) and host.scope == "Hébergeur d'infrastructure physique"


def test_a_new_import_replaces_the_list(hds_csv) -> None:
    hds.import_hosts(hds_csv, "a.csv")
    hds.import_hosts(sample_csv(sample_rows_one()), "b.csv")
    assert HdsHost.objects.count() == 1 and HdsImport.objects.get().filename == "b.csv"


def sample_rows_one() -> list[list[str]]:
    return [["Seul Hébergeur", "222333444", "", "5", "X", "01/01/2024", "01/01/2099"]]


def test_columns_are_matched_whatever_their_accents_case_and_variant() -> None:
    header = ["NOM DE L'HEBERGEUR", "N° SIRET", "Activites certifiees", "Certificateur", "Date d'expiration"]
    content = sample_csv([["Hôte", "12345678900012", "Activités 1 à 6", "X", "2099-12-31"]], header)
    hds.import_hosts(content.replace(b";", b","), "export.csv")
    host = HdsHost.objects.get()
    assert (
        host.siren == "123456789" and host.activities == [1, 2, 3, 4, 5, 6] and host.valid_until == date(2099, 12, 31)
    )


def test_a_file_without_the_expected_columns_is_refused_naming_them() -> None:
    content = sample_csv([["Hôte", "X"]], ["Raison sociale", "Commentaire"])
    with pytest.raises(hds.HdsFileError) as refused:
        hds.import_hosts(content, "liste.csv")
    message = str(refused.value)
    assert message.startswith("Colonnes manquantes")
    assert "« Organisme certificateur »" in message and "« Date de fin »" in message and "« Activités »" in message
    assert "« Raison sociale »" not in message.split(".")[0]
    assert not HdsImport.objects.exists()


def test_a_file_of_another_type_is_refused() -> None:
    with pytest.raises(hds.HdsFileError, match="ni un CSV"):
        hds.import_hosts(b"%PDF-1.7 ...", "liste.pdf")
    with pytest.raises(hds.HdsFileError, match="ni un CSV"):
        hds.import_hosts(b"%PDF-1.7 \x00\x01", "liste.csv")
    with pytest.raises(hds.HdsFileError, match="ne peut pas être lu"):
        hds.import_hosts(b"PK\x03\x04 broken", "liste.xlsx")


def test_unreadable_dates_are_refused_with_their_line() -> None:
    rows = [["Hôte", "123456789", "", "1", "X", "", "demain"]]
    with pytest.raises(hds.HdsFileError, match="ligne 2"):
        hds.import_hosts(sample_csv(rows), "liste.csv")


def test_searching_by_name_or_siren(hds_csv) -> None:
    hds.import_hosts(hds_csv, "liste.csv")
    assert [h.name for h in hds.search("nuage sante")] == ["Nuage Santé SAS"]
    assert [h.name for h in hds.search("NUAGE")] == ["Nuage Santé SAS"]
    assert [h.name for h in hds.search("987 654 321")] == ["Datacentre Exemple"]
    assert [h.name for h in hds.search("98765432100015")] == ["Datacentre Exemple"]
    assert hds.search("inconnu") == [] and hds.search("  ") == []


def make_processor(org, **extra) -> Processor:
    values = {
        "name": "Nuage Santé",
        "hosts_health_data": True,
        "hds_activities": [5, 6],
        "contract_signed_on": date(2024, 1, 1),
        "clauses": list(hds.CLAUSES),
    }
    values.update(extra)
    return Processor.objects.create(organisation=org, **values)


def codes(processor: Processor, today: date = TODAY) -> list[str]:
    return [finding.code for finding in hds.check_processor(processor, today)]


def test_a_certified_host_covering_its_activities_raises_nothing(gp, hds_csv) -> None:
    hds.import_hosts(hds_csv, "liste.csv")
    assert codes(make_processor(gp)) == []  # found by name, « SAS » aside
    assert codes(make_processor(gp, name="Autre nom", siren="123456789")) == []  # found by SIREN


def test_a_host_absent_from_the_list_is_flagged(gp, hds_csv) -> None:
    hds.import_hosts(hds_csv, "liste.csv")
    assert "absent" in codes(make_processor(gp, name="Hébergeur Inconnu"))
    assert codes(make_processor(gp, name="Hébergeur Inconnu", hosts_health_data=False)) == []


def test_an_expired_certificate_is_flagged(gp, hds_csv) -> None:
    hds.import_hosts(hds_csv, "liste.csv")
    assert "expired" in codes(make_processor(gp, name="Datacentre Exemple", hds_activities=[1]))


def test_a_certificate_expiring_within_90_days_is_flagged(gp, hds_csv) -> None:
    hds.import_hosts(hds_csv, "liste.csv")
    assert codes(make_processor(gp, siren="111222333", name="x")) == ["expiring"]


def test_an_activity_not_covered_by_the_certificate_is_flagged(gp, hds_csv) -> None:
    hds.import_hosts(hds_csv, "liste.csv")
    findings = hds.check_processor(make_processor(gp, hds_activities=[1, 5]), TODAY)
    assert [f.code for f in findings] == ["not_covered"]
    assert findings[0].message.endswith(": 1.")


def test_without_the_list_the_declared_certificate_is_checked(gp) -> None:
    processor = make_processor(
        gp, certificate_activities=[5], certificate_valid_until=TODAY - timedelta(days=1), hds_activities=[5, 6]
    )
    assert codes(processor) == ["no_list", "expired", "not_covered"]
    assert codes(make_processor(gp, name="Sans certificat")) == ["no_list", "no_certificate"]


def test_missing_contract_clauses_and_transfers_are_flagged(gp) -> None:
    processor = make_processor(
        gp, hosts_health_data=False, contract_signed_on=None, clauses=["security"], outside_eu=True
    )
    assert codes(processor) == ["no_contract", "missing_clauses", "outside_eu"]


def test_the_processor_pages(owner_client, gp, hds_csv, htmx_headers) -> None:
    hds.import_hosts(hds_csv, "liste.csv")
    new = reverse("compliance:processor_new", args=[gp.pk])
    assert owner_client.get(new).status_code == 200
    assert owner_client.get(new, HTTP_HX_TARGET="processor-form", **htmx_headers).status_code == 200
    data = {
        "name": "Hébergeur Inconnu",
        "siren": "444 555 666",
        "hosts_health_data": "on",
        "hds_activities": ["5"],
        "clauses": ["security"],
    }
    response = owner_client.post(new, data, **htmx_headers)
    processor = Processor.objects.for_org(gp).get()
    processor_url = json.loads(response["HX-Location"])["path"]
    assert processor_url == reverse("compliance:processor", args=[gp.pk, processor.pk])
    assert processor.siren == "444555666" and processor.hds_activities == [5]
    page = owner_client.get(processor_url).content.decode()
    assert "absent de la liste" in page
    listing = owner_client.get(reverse("compliance:processors", args=[gp.pk]), **htmx_headers).content.decode()
    assert "Hébergeur Inconnu" in listing and "absent de la liste" in listing
    bad = owner_client.post(
        processor_url, {"name": "x", "siren": "12"}, HTTP_HX_TARGET="processor-form", **htmx_headers
    )
    assert "9 chiffres" in bad.content.decode()
    gone = owner_client.post(reverse("compliance:processor_delete", args=[gp.pk, processor.pk]))
    assert gone.status_code == 302 and not Processor.objects.exists()


def test_the_search_page(owner_client, gp, hds_csv, htmx_headers) -> None:
    url = reverse("compliance:hds_search", args=[gp.pk])
    assert "pas encore été importée" in owner_client.get(url).content.decode()
    hds.import_hosts(hds_csv, "liste.csv")
    page = owner_client.get(url, {"q": "datacentre"}).content.decode()
    assert "Datacentre Exemple" in page and "Expiré" in page
    fragment = owner_client.get(url, {"q": "123456789"}, HTTP_HX_TARGET="results", **htmx_headers).content.decode()
    assert "Nuage Santé SAS" in fragment and "<html" not in fragment


def test_only_the_administrator_of_the_installation_imports_the_list(
    owner_client, gp, owner, hds_xlsx, htmx_headers
) -> None:
    url = reverse("compliance:hds_import", args=[gp.pk])
    assert owner_client.get(url).status_code == 403
    owner.is_staff = True
    owner.save()
    assert "Raison sociale" in owner_client.get(url).content.decode()
    refused = owner_client.post(
        url, {"file": SimpleUploadedFile("liste.pdf", b"%PDF")}, HTTP_HX_TARGET="import-form", **htmx_headers
    )
    assert refused.status_code == 200 and "ni un CSV" in refused.content.decode()
    response = owner_client.post(url, {"file": SimpleUploadedFile("liste.xlsx", hds_xlsx)}, **htmx_headers)
    assert json.loads(response["HX-Location"])["path"] == reverse("compliance:hds_search", args=[gp.pk])
    assert HdsHost.objects.count() == 3
    plain = owner_client.post(url, {"file": SimpleUploadedFile("liste.csv", sample_csv())})
    assert plain.status_code == 302


def test_the_hds_commands(tmp_path, capsys) -> None:
    with pytest.raises(CommandError, match="pas encore été importée"):
        call_command("hds", "check", "nuage")
    path = tmp_path / "liste.xlsx"
    path.write_bytes(sample_xlsx())
    call_command("hds", "import", str(path))
    assert "3 certificat(s)" in capsys.readouterr().out
    call_command("hds", "check", "123456789")
    out = capsys.readouterr().out
    assert "Nuage Santé SAS" in out and "activités 3, 4, 5, 6" in out and "valide jusqu'au" in out
    call_command("hds", "check", "Datacentre")
    assert "EXPIRÉ" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Aucun hébergeur"):
        call_command("hds", "check", "Personne")
    bad = tmp_path / "liste.csv"
    bad.write_bytes(sample_csv([["x"]], ["Nom"]))
    with pytest.raises(CommandError, match="Colonnes manquantes"):
        call_command("hds", "import", str(bad))


def test_the_documented_columns_are_those_of_the_sample_files() -> None:
    labels = [column.label for column in hds.COLUMNS]
    assert all(name in labels for name in HEADER)
