"""Register exports: CSV for French Excel, XLSX, PDF; filters honoured, hostile values harmless, access logged."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from vigie.accounts.models import Organisation, Role, User
from vigie.audit.models import AuditEvent
from vigie.common.spreadsheets import neutralise

from .test_register import add_breach

PARIS = ZoneInfo("Europe/Paris")
AWARE = datetime(2024, 3, 4, 9, 5, tzinfo=PARIS)
HOSTILE = [
    '=HYPERLINK("http://evil.example","clic")',
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(A1:A2)",
    '#import "x.typ": * $x^2$ *gras* _souligné_ <script>alert(1)</script> \\ ] [ // pas un commentaire',
    "Fuite 😷 données « santé » — 50 €",  # an emoji that DejaVu Sans draws: the PDF has no emoji font
    "Très long " + "abcdefghij" * 49,  # 500 characters: longer than a title may be, so also a description
]


def add_hostile(org: Organisation, count: int = len(HOSTILE), **extra: object) -> None:
    """Breaches whose title (at most 200 characters) and description are the hostile values."""
    for n in range(count):
        value = HOSTILE[n % len(HOSTILE)]
        add_breach(org, title=value[:200], description=value, aware=AWARE + timedelta(minutes=n), **extra)


def export(client: Client, org: Organisation, fmt: str, **params: str) -> bytes:
    response = client.get(reverse("breaches:register_export", args=[org.pk, fmt]), params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"] == f'attachment; filename="registre.{fmt}"'
    return response.content


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def two_breaches(org: Organisation) -> Organisation:
    add_breach(
        org,
        title="Rançongiciel au laboratoire",
        aware=AWARE,
        notified_at=AWARE + timedelta(hours=20),
        receipt="CNIL-2024-0042",
        persons_count=1200,
    )
    add_breach(org, title="Dossier papier perdu", aware=AWARE.replace(year=2025), origin="lost_paper", status="closed")
    return org


# --- CSV ---------------------------------------------------------------------------------------------------


def test_csv_is_for_french_excel(owner_client: Client, two_breaches: Organisation) -> None:
    content = export(owner_client, two_breaches, "csv")
    assert content.startswith("\ufeff".encode())
    header, *rows = csv_rows(content)
    assert header[:5] == ["Référence", "Titre", "Prise de connaissance", "Origine", "Personnes concernées"]
    assert "N° de récépissé CNIL" in header and "Notifiée à la CNIL le" in header
    lab = next(row for row in rows if row[1] == "Rançongiciel au laboratoire")
    assert lab[2] == "04/03/2024 09:05"  # Paris time, JJ/MM/AAAA HH:MM
    assert lab[header.index("Notifiée à la CNIL le")] == "05/03/2024 05:05"
    assert lab[header.index("N° de récépissé CNIL")] == "CNIL-2024-0042"
    assert lab[header.index("Origine")] == "Rançongiciel"  # labels in French, whatever the user's language
    assert b"\r\n" in content and content.count(b";") >= len(header) - 1


def test_csv_honours_the_register_filters(owner_client: Client, two_breaches: Organisation) -> None:
    _, *rows = csv_rows(export(owner_client, two_breaches, "csv", status="closed"))
    assert [row[1] for row in rows] == ["Dossier papier perdu"]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise("Sans danger = ok") == "Sans danger = ok"


def test_csv_neutralises_hostile_values(owner_client: Client, org: Organisation) -> None:
    add_hostile(org)
    header, *rows = csv_rows(export(owner_client, org, "csv"))
    descriptions = {row[header.index("Description")] for row in rows}
    assert "'" + HOSTILE[0] in descriptions and "'+33 6 12 34 56 78" in descriptions and "'-2+3" in descriptions
    assert "'@SUM(A1:A2)" in descriptions and set(HOSTILE[4:]) <= descriptions
    assert "'@SUM(A1:A2)" in {row[1] for row in rows}


# --- XLSX --------------------------------------------------------------------------------------------------


def test_xlsx_has_the_values_as_text_and_never_a_formula(owner_client: Client, org: Organisation) -> None:
    add_hostile(org, receipt="CNIL-7")
    with zipfile.ZipFile(io.BytesIO(export(owner_client, org, "xlsx"))) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "Référence" in strings and "Prise de connaissance" in strings and "CNIL-7" in strings
    assert '<t>\'=HYPERLINK("http://evil.example","clic")</t>' in strings  # text, and neutralised if re-saved as CSV
    assert "Fuite 😷 données « santé » — 50 €" in strings
    assert "<f>" not in sheet and "<f " not in sheet
    assert '<pane ySplit="1"' in sheet and 'state="frozen"' in sheet  # the header stays in view


# --- PDF ---------------------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_lists_the_breaches_with_organisation_date_and_page_numbers(
    owner_client: Client, two_breaches: Organisation
) -> None:
    content = export(owner_client, two_breaches, "pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Rançongiciel au laboratoire" in text and "Dossier papier perdu" in text
    assert two_breaches.name in text
    assert "Registre des violations de données personnelles" in text
    assert re.search(r"Extrait le \d\d/\d\d/\d{4} à \d\d:\d\d", text)
    assert "Page 1 / 1" in text
    assert "CNIL-2024-0042" in text


def test_pdf_prints_hostile_values_verbatim_over_several_pages(owner_client: Client, org: Organisation) -> None:
    org.name = "Cabinet #1 $x$ *Dr* <b>"
    org.save()
    add_hostile(org, 30)
    content = export(owner_client, org, "pdf")
    pages = PdfReader(io.BytesIO(content)).pages
    text = re.sub(r"\s+", "", pdf_text(content))  # the table wraps long cells over several lines
    for title in HOSTILE:
        assert re.sub(r"\s+", "", title) in text, title
    assert "Cabinet#1$x$*Dr*<b>" in text
    assert len(pages) > 1
    assert f"Page {len(pages)} / {len(pages)}" in pages[-1].extract_text()


def test_pdf_of_an_empty_selection_says_so(owner_client: Client, two_breaches: Organisation) -> None:
    text = pdf_text(export(owner_client, two_breaches, "pdf", q="introuvable"))
    assert "Aucune violation ne correspond à cette sélection." in text
    assert re.search(r"Rechercher\s: introuvable", text)  # the selection, with French spacing


# --- Access ------------------------------------------------------------------------------------------------


def test_every_export_is_recorded_in_the_access_log(
    owner_client: Client, owner: User, two_breaches: Organisation
) -> None:
    export(owner_client, two_breaches, "csv", origin="lost_paper")
    event = AuditEvent.objects.get(action="register.export")
    assert (event.actor, event.organisation) == (owner, two_breaches)
    assert event.detail == {"format": "csv", "filters": {"origin": "lost_paper"}, "rows": 1}


def test_read_only_member_can_export(
    client: Client, two_breaches: Organisation, make_member: Callable[..., User], signed_in: Callable[..., Client]
) -> None:
    signed_in(client, make_member(two_breaches, Role.READONLY))
    assert export(client, two_breaches, "xlsx").startswith(b"PK")


def test_unknown_format_is_not_found(owner_client: Client, two_breaches: Organisation) -> None:
    response = owner_client.get(reverse("breaches:register_export", args=[two_breaches.pk, "docx"]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="register.export").exists()


def test_export_with_htmx_header_is_the_same_file(
    owner_client: Client, two_breaches: Organisation, htmx_headers: dict[str, str]
) -> None:
    url = reverse("breaches:register_export", args=[two_breaches.pk, "csv"])
    assert owner_client.get(url, **htmx_headers).content == owner_client.get(url).content
