"""The breach register as a file: CSV for French Excel, XLSX, PDF. Generated documents are in French.

Every export honours the register's filters and is written to the access log (``register.export``): the
register holds health data, so who took a copy of it, when, matters.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils import timezone, translation

from vigie.accounts.models import Organisation
from vigie.audit.services import record
from vigie.common.spreadsheets import csv_writer, write_text
from vigie.common.spreadsheets import workbook as new_workbook
from vigie.common.typesetting import DEJAVU, compile_pdf
from vigie.risk.french import PARIS, integer

from .register import RegisterFilterForm, RegisterRow, filter_form, register_rows

TYPST_TEMPLATE = Path(__file__).parent / "templates" / "breaches" / "register.typ"
# DejaVu covers French, Greek and most symbols; when it is missing typst falls back on its embedded fonts.
# Spreadsheets run a cell that starts with one of these as a formula ("CSV injection", OWASP).

Cell = str | int | datetime | None


def paris(moment: datetime | None) -> str:
    """``JJ/MM/AAAA HH:MM`` in Paris time, or an empty string."""
    return "" if moment is None else moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def yes_no(value: bool | None, unknown: str = "") -> str:
    return unknown if value is None else ("Oui" if value else "Non")


def persons(row: RegisterRow) -> str:
    """« 4 800 (estimation) », with a narrow no-break space between thousands as French typography wants."""
    if row.persons_count is None:
        return "inconnu"
    count = integer(row.persons_count)
    return f"{count} (estimation)" if row.persons_count_is_estimate else count


# French headers and the value of each column, in order. Typed values (int, datetime) stay typed in XLSX.
COLUMNS: list[tuple[str, Callable[[RegisterRow], Cell]]] = [
    ("Référence", lambda r: r.reference),
    ("Titre", lambda r: r.title),
    ("Prise de connaissance", lambda r: r.became_aware_at),
    ("Origine", lambda r: r.origin_label),
    ("Personnes concernées", lambda r: r.persons_count),
    ("Nombre estimé", lambda r: yes_no(r.persons_count_is_estimate) if r.persons_count is not None else ""),
    ("Risque", lambda r: r.risk_label),
    ("Notification CNIL requise", lambda r: yes_no(r.cnil_required, "Non évaluée")),
    ("Échéance CNIL (72 h)", lambda r: r.cnil_deadline),
    ("Notifiée à la CNIL le", lambda r: r.cnil_notified_at),
    ("N° de récépissé CNIL", lambda r: r.cnil_receipt),
    ("En retard", lambda r: yes_no(r.late)),
    ("Motifs du retard", lambda r: r.cnil_delay_reasons),
    ("Information des personnes requise", lambda r: yes_no(r.persons_required, "Non évaluée")),
    ("Personnes informées le", lambda r: r.persons_informed_at),
    ("Statut", lambda r: r.status_label),
    ("Description", lambda r: r.description),
    ("Conséquences", lambda r: r.consequences),
    ("Mesures prises", lambda r: r.measures_taken),
]


def as_text(value: Cell) -> str:
    if isinstance(value, datetime):
        return paris(value)
    return "" if value is None else str(value)


def to_csv(rows: list[RegisterRow]) -> bytes:
    """CSV as French Excel opens it with a double click: ``;``, UTF-8 with a byte-order mark, CRLF."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow([header for header, _ in COLUMNS])
    for row in rows:
        writer.writerow([as_text(value(row)) for _, value in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[RegisterRow], *, sheet: str = "Registre") -> bytes:
    """XLSX with a bold, frozen header. Text is written neutralised (``vigie.common.spreadsheets``): a value is never a formula."""
    output = io.BytesIO()
    workbook = new_workbook(output)
    worksheet = workbook.add_worksheet(sheet)
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm", "valign": "top"})
    text = workbook.add_format({"valign": "top"})
    widths = [len(header) for header, _ in COLUMNS]
    for col, (header, _) in enumerate(COLUMNS):
        write_text(worksheet, 0, col, header, bold)
    for line, row in enumerate(rows, start=1):
        for col, (_, value) in enumerate(COLUMNS):
            cell = value(row)
            if isinstance(cell, datetime):
                # Excel has no time zones: the Paris wall-clock time, as on the page.
                worksheet.write_datetime(line, col, cell.astimezone(PARIS).replace(tzinfo=None), when)
                widths[col] = max(widths[col], 16)
            elif isinstance(cell, int):
                worksheet.write_number(line, col, cell, text)
            elif cell:
                write_text(worksheet, line, col, cell, text)
                widths[col] = max(widths[col], min(len(cell), 60))
    for col, width in enumerate(widths):
        worksheet.set_column(col, col, width + 2)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    workbook.close()
    return output.getvalue()


def _pdf_row(row: RegisterRow) -> dict[str, str]:
    if row.cnil_notified_at is not None:
        cnil = f"Notifiée le {paris(row.cnil_notified_at)}"
        if row.cnil_receipt:
            cnil += f"\nRécépissé n° {row.cnil_receipt}"
    else:
        cnil = {None: "Non évaluée", True: "À notifier", False: "Non requise"}[row.cnil_required]
    if row.persons_informed_at is not None:
        informed = f"Le {paris(row.persons_informed_at)}"
    else:
        informed = {None: "Non évaluée", True: "À informer", False: "Non requise"}[row.persons_required]
    return {
        "reference": row.reference,
        "title": row.title,
        "description": row.description,
        "aware": paris(row.became_aware_at),
        "origin": row.origin_label,
        "persons": persons(row),
        "risk": row.risk_label,
        "cnil": cnil,
        "informed": informed,
        "status": row.status_label,
        "late": "En retard" if row.late else "",
    }


def to_pdf(rows: list[RegisterRow], *, organisation: str, selection: str, now: datetime) -> bytes:
    """A landscape A4 table. The values go to typst as JSON data (``sys.inputs``), never spliced into the
    markup, so a title such as ``#import`` or ``$x$`` prints as written."""
    data = {
        "organisation": organisation,
        "extracted_at": now.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M"),
        "selection": selection,
        "count": len(rows),
        "rows": [_pdf_row(row) for row in rows],
    }
    return compile_pdf(TYPST_TEMPLATE, {"data": json.dumps(data, ensure_ascii=False)}, fonts=DEJAVU)


def describe_filters(form: RegisterFilterForm, filters: Mapping[str, Any]) -> str:
    """The filters in words, for the PDF: « Année : 2024 ; Origine : Rançongiciel »."""
    parts = []
    for name, value in filters.items():
        field = form.fields[name]
        label = dict(getattr(field, "choices", [])).get(value, value)
        parts.append(f"{field.label}\u202f: {label}")
    return " ; ".join(parts) if parts else "toutes les violations"


@dataclass(frozen=True, slots=True)
class Export:
    content: bytes
    content_type: str
    filename: str


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export_register(org: Organisation, fmt: str, params: Mapping[str, Any], *, request: HttpRequest) -> Export:
    """The organisation's filtered register as ``fmt`` (csv, xlsx or pdf), recorded in the access log."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    now = timezone.now()
    with translation.override("fr"):
        form = filter_form(org, params)
        filters = form.filters()
        rows = register_rows(org, filters, now=now)
        if fmt == "csv":
            content = to_csv(rows)
        elif fmt == "xlsx":
            content = to_xlsx(rows)
        else:
            content = to_pdf(rows, organisation=org.name, selection=describe_filters(form, filters), now=now)
    record(
        "register.export",
        organisation=org,
        request=request,
        detail={"format": fmt, "filters": {key: str(value) for key, value in filters.items()}, "rows": len(rows)},
    )
    return Export(content, FORMATS[fmt], f"registre.{fmt}")
