"""Every CSV and XLSX Vigie writes goes through ``vigie.common.spreadsheets``: hostile values fed through each
export come out neutralised (a leading apostrophe), never as a cell starting with ``= + - @``, tab or CR.

The exports: the breach register (CSV, XLSX), the record of processing (XLSX), a campaign's ledger and its
import errors (CSV), the manifest of a letter batch that goes to the mail house (CSV), the import report's rows.
A last test keeps new exports honest: no module writes CSV or XLSX except through the one writer.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vigie.accounts.models import Organisation, User
from vigie.breaches.models import Breach
from vigie.breaches.tests.test_register import add_breach
from vigie.campaigns import exports, letters, services
from vigie.campaigns.importing import ImportReport, RowError
from vigie.campaigns.models import LetterBatch
from vigie.common.spreadsheets import FORMULA_TRIGGERS
from vigie.compliance import documents as compliance_documents
from vigie.compliance.models import ProcessingActivity
from vigie.compliance.services import record_snapshot

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example","X")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]


def unsafe(cells: Iterable[Any]) -> list[str]:
    return [cell for cell in cells if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS)]


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";") for cell in row]


def xlsx_cells(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        xml = "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    texts = re.findall(r"<t(?: [^>]*)?>(.*?)</t>", xml, re.S)
    return [
        text.replace("&amp;", "&").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">") for text in texts
    ]


def test_the_register_in_csv_and_xlsx(owner_client: Client, org: Organisation) -> None:
    for value in HOSTILE:
        add_breach(org, title=value, description=value)
    for fmt, cells in (("csv", lambda c: csv_cells(c.decode("utf-8"))), ("xlsx", xlsx_cells)):
        content = owner_client.get(reverse("breaches:register_export", args=[org.pk, fmt])).content
        found = cells(content)
        assert unsafe(found) == [], fmt
        assert "'" + HOSTILE[0] in found and "'\tTAB" in found, fmt


def test_the_record_of_processing_in_xlsx(org: Organisation) -> None:
    for value in HOSTILE:
        ProcessingActivity.objects.create(
            organisation=org, name=value, purposes=value, legal_basis=value, retention=value, recipients=value
        )
    org.name = HOSTILE[0]
    org.save()
    found = xlsx_cells(compliance_documents.record_xlsx(org, None, record_snapshot(org)))
    assert unsafe(found) == []
    assert "'" + HOSTILE[0] in found and "'@SUM(A1:A2)" in found


@pytest.fixture
def hostile_campaign(breach: Breach, write_list: Callable[..., Path], owner: User, settings: Any) -> Any:
    """A campaign whose persons' names and addresses are the hostile values, sent by letter."""
    lines = [
        f"{value}Nom{n};{value}Prénom;F;12/03/1970;;{value} rue des Lilas;75011;Paris;santé"
        for n, value in enumerate(HOSTILE)
    ]
    campaign, _report = services.import_path(breach, write_list(lines=lines))
    services.start_campaign(campaign, by=owner)
    return campaign


def test_the_ledger_and_the_letters_manifest(hostile_campaign: Any) -> None:
    ledger = csv_cells("".join(exports.ledger_csv(hostile_campaign)))
    assert unsafe(ledger) == []
    assert any(cell.startswith("'=HYPERLINK") for cell in ledger)
    batch = LetterBatch.objects.filter(campaign=hostile_campaign).first()
    assert batch is not None
    manifest = csv_cells(letters.read_file(batch.manifest_path).decode("utf-8"))
    assert unsafe(manifest) == []
    assert any(cell.startswith("'=HYPERLINK") or cell.startswith("'+cmd") for cell in manifest), manifest


def test_the_import_errors_and_the_report_rows(hostile_campaign: Any) -> None:
    hostile_campaign.import_report = {"errors": [{"line": 2, "column": value, "reason": value} for value in HOSTILE]}
    found = csv_cells(exports.errors_csv(hostile_campaign))
    assert unsafe(found) == [] and "'-2+3" in found
    report = ImportReport(errors=[RowError(2, value, value) for value in HOSTILE], merged=[(2, 3, HOSTILE[0])])
    assert unsafe(cell for row in report.as_rows() for cell in row) == []


def test_no_module_writes_csv_or_xlsx_but_through_the_one_writer() -> None:
    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|xlsxwriter\.Workbook\(|openpyxl")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path.name != "spreadsheets.py" and writers.search(path.read_text("utf-8"))
    ]
    assert offenders == []
