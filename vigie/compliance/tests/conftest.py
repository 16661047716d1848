"""Fixtures of the prevention tests: a GP practice with its record, and small ANS lists made for the tests.

The HDS sample files are invented for the tests (fictitious companies and SIRENs): no official data.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
import xlsxwriter

from vigie.accounts.models import Organisation
from vigie.compliance import services

TODAY = date.today()
HEADER = [
    "Raison sociale",
    "SIREN",
    "Périmètre",
    "Activités",
    "Organisme certificateur",
    "Date de début",
    "Date de fin",
]


def sample_rows(today: date = TODAY) -> list[list[str]]:
    fr = "%d/%m/%Y"
    return [
        [
            "Nuage Santé SAS",
            "123 456 789",
            "Hébergeur infogéreur",
            "3, 4, 5, 6",
            "Certif Exemple",
            (today - timedelta(days=400)).strftime(fr),
            (today + timedelta(days=700)).strftime(fr),
        ],
        [
            "Datacentre Exemple",
            "987654321",
            "Hébergeur d'infrastructure physique",
            "1 à 2",
            "Audit Fictif",
            (today - timedelta(days=1200)).strftime(fr),
            (today - timedelta(days=10)).strftime(fr),
        ],
        [
            "Bientôt Expiré SARL",
            "111222333",
            "",
            "1-6",
            "Certif Exemple",
            (today - timedelta(days=1000)).strftime(fr),
            (today + timedelta(days=30)).strftime(fr),
        ],
    ]


def sample_csv(rows: list[list[str]] | None = None, header: list[str] = HEADER) -> bytes:
    lines = [";".join(header)] + [";".join(row) for row in (rows or sample_rows())]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def sample_xlsx(rows: list[list[str]] | None = None, header: list[str] = HEADER) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet("Liste")
    sheet.write_string(0, 0, "Liste des hébergeurs certifiés (exemple de test)")
    for col, name in enumerate(header):
        sheet.write_string(2, col, name)
    when = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for line, row in enumerate(rows or sample_rows(), start=3):
        for col, value in enumerate(row):
            if col >= 5 and value:
                day, month, year = (int(part) for part in value.split("/"))
                sheet.write_datetime(line, col, datetime(year, month, day), when)
            else:
                sheet.write_string(line, col, value)
    workbook.close()
    return output.getvalue()


@pytest.fixture
def hds_csv() -> bytes:
    return sample_csv()


@pytest.fixture
def hds_xlsx() -> bytes:
    return sample_xlsx()


@pytest.fixture
def gp(org: Organisation) -> Organisation:
    """The owner's GP practice, with its address, and its record started from the GP template."""
    org.address = "12 rue des Lilas"
    org.postcode = "69003"
    org.city = "Lyon"
    org.email = "contact@cabinet-martin.fr"
    org.dpo_name = "Claire Martin"
    org.save()
    services.apply_template(org, "cabinet", by=None)
    return org
