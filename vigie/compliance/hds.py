"""The ANS list of HDS-certified hosts: reading the published file, searching it, checking a processor against it.

The ANS publishes the list as a table on esante.gouv.fr; the administrator exports it as CSV or XLSX and imports
it with ``vigie hds import FILE`` (or the import page). The exact column names of the official table were not
verified, so the reader accepts several spellings of each column (accents, case and punctuation ignored) and
refuses a file that lacks a required one, naming it. Expected columns (one header row, any order):

================================  ============================================================  ==========
Column                            Also accepted                                                 Required
================================  ============================================================  ==========
Raison sociale                    Nom, Hébergeur, Nom de l'hébergeur, Société, Dénomination     yes
SIREN                             N° SIREN, Numéro SIREN, SIRET (its first 9 digits are used)   no
Périmètre                         Périmètre de certification, Périmètre du certificat           see below
Activités                         Activités certifiées, Activités HDS                           see below
Organisme certificateur           Certificateur, Organisme de certification                     yes
Date de début                     Date de certification, Date de délivrance, Début de validité  no
Date de fin                       Date d'expiration, Fin de validité, Date de fin de validité   yes
Référentiel                       Version du référentiel, Version                               no
================================  ============================================================  ==========

"Activités" or "Périmètre" must be present. Activities are the six of art. R.1111-9 CSP, written as numbers
("1, 2, 5", "1 à 6", "3-6"); without them the scope is read: "hébergeur d'infrastructure physique" means
activities 1–2, "hébergeur infogéreur" 3–6. Dates as JJ/MM/AAAA, AAAA-MM-JJ or spreadsheet dates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.common.limits import LimitExceeded, check, check_xlsx
from vigie.common.limits import current as upload_limits

from .models import HdsHost, HdsImport, Processor

ACTIVITIES: dict[int, str | Promise] = {
    1: gettext_lazy("Provision and maintenance of the physical sites"),
    2: gettext_lazy("Provision and maintenance of the hardware infrastructure"),
    3: gettext_lazy("Provision and maintenance of the virtual infrastructure"),
    4: gettext_lazy("Provision and maintenance of the application hosting platform"),
    5: gettext_lazy("Administration and operation of the information system"),
    6: gettext_lazy("Backup of health data"),
}
EXPIRY_WARNING_DAYS = 90
ACCEPTED_EXTENSIONS = {".csv", ".txt", ".xlsx", ".xls", ".ods"}
MAX_ERRORS_SHOWN = 8


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # as written in the documentation and in error messages (the file's own language: French)
    aliases: tuple[str, ...]
    required: bool


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Raison sociale",
        ("nom", "hebergeur", "nom de l hebergeur", "societe", "denomination", "entreprise", "nom de la societe"),
        True,
    ),
    Column("siren", "SIREN", ("n siren", "no siren", "numero siren", "siret", "n siret", "numero siret"), False),
    Column(
        "scope", "Périmètre", ("perimetre de certification", "perimetre du certificat", "type de certificat"), False
    ),
    Column("activities", "Activités", ("activites certifiees", "activites hds", "activites couvertes"), False),
    Column(
        "certifier",
        "Organisme certificateur",
        ("certificateur", "organisme de certification", "organisme"),
        True,
    ),
    Column(
        "valid_from",
        "Date de début",
        ("date de certification", "date de delivrance", "debut de validite", "date de debut de validite", "valide du"),
        False,
    ),
    Column(
        "valid_until",
        "Date de fin",
        ("date d expiration", "fin de validite", "date de fin de validite", "valide jusqu au", "date d echeance"),
        True,
    ),
    Column("referential", "Référentiel", ("version du referentiel", "version"), False),
)


class HdsFileError(ValueError):
    """The file cannot be imported; the message says why, for the person who chose it."""


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: « Date d'expiration » → ``date d expiration``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


LEGAL_FORMS = {"sa", "sas", "sasu", "sarl", "eurl", "sca", "se", "snc", "gie", "scop", "group", "groupe"}


def search_key(name: str) -> str:
    """A company name reduced for comparison: normalised, legal forms dropped (« OVH SAS » → ``ovh``)."""
    return " ".join(word for word in normalise(name).split() if word not in LEGAL_FORMS)


def _siren(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[:9] if len(digits) in (9, 14) else ""


def parse_activities(activities: str, scope: str = "") -> list[int]:
    """``"1 à 6"`` → [1…6]; ``"1, 2, 5"`` → [1, 2, 5]; without numbers, the scope's words decide."""
    found: set[int] = set()
    for start, end in re.findall(r"\b([1-6])\s*(?:-|–|à|a|au|to)\s*([1-6])\b", activities.lower()):
        found.update(range(int(start), int(end) + 1))
    found.update(int(digit) for digit in re.findall(r"\b[1-6]\b", normalise(activities)))
    if not found:
        words = normalise(f"{activities} {scope}")
        if "infrastructure physique" in words:
            found.update((1, 2))
        if "infogere" in words or "infogerance" in words:
            found.update((3, 4, 5, 6))
    return sorted(found)


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def parse_date(value: Any) -> date | None:
    """A date from a spreadsheet cell or text; None for an empty cell; ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):  # a spreadsheet serial number
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value).strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(content: bytes, filename: str) -> list[list[Any]]:
    """The rows of a CSV or spreadsheet file, refusing any other kind of file."""
    extension = PurePath(filename).suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise HdsFileError(
            _("This file is neither a CSV file nor an XLSX workbook: export the ANS list as CSV or XLSX.")
        )
    limits = upload_limits()
    try:
        check("table_bytes", len(content), limits)
        if content.startswith(b"PK\x03\x04"):
            check_xlsx(content, limits)  # before calamine, which holds the whole sheet
    except LimitExceeded as error:
        if error.limit == "zip_broken":
            cause = error.__cause__ or error
            raise HdsFileError(_("This workbook cannot be read (%(error)s).") % {"error": cause}) from None
        raise HdsFileError(str(error)) from None
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
            return [list(row) for row in workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)]
        except Exception as error:  # calamine raises several kinds of errors for a damaged file
            raise HdsFileError(_("This workbook cannot be read (%(error)s).") % {"error": error}) from error
    if b"\x00" in content[:4096] or content.startswith(b"%PDF"):
        raise HdsFileError(
            _("This file is neither a CSV file nor an XLSX workbook: export the ANS list as CSV or XLSX.")
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count)
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            check("columns", len(row), limits)
            rows.append(row)
            check("rows", len(rows), limits)
    except LimitExceeded as error:
        raise HdsFileError(str(error)) from None
    except csv.Error as error:
        raise HdsFileError(_("This file cannot be read (%(error)s).") % {"error": error}) from None
    return rows


def _header_map(header: list[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = normalise(_cell(cell))
        for column in COLUMNS:
            if column.key not in positions and (name == normalise(column.label) or name in column.aliases):
                positions[column.key] = index
    return positions


def _quoted(labels: Iterable[str]) -> str:
    return ", ".join(f"« {label} »" for label in labels)


@dataclass
class ParsedHost:
    name: str
    siren: str = ""
    scope: str = ""
    activities: list[int] = field(default_factory=list)
    certifier: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    referential: str = ""


def parse_hosts(content: bytes, filename: str) -> list[ParsedHost]:
    """The certificates listed in the file, or :class:`HdsFileError` with a message naming what is wrong."""
    rows = read_table(content, filename)
    # The header is the first row that names the company column (an export may start with a title line).
    header_index = next(
        (i for i, row in enumerate(rows[:10]) if "name" in _header_map(row)),
        next((i for i, row in enumerate(rows) if any(_cell(c) for c in row)), None),
    )
    if header_index is None:
        raise HdsFileError(_("The file is empty."))
    positions = _header_map(rows[header_index])
    missing = [column.label for column in COLUMNS if column.required and column.key not in positions]
    if "activities" not in positions and "scope" not in positions:
        missing.append("Activités")
    if missing:
        raise HdsFileError(
            _("Missing columns: %(missing)s. Expected columns: %(expected)s (see the documentation).")
            % {"missing": _quoted(missing), "expected": _quoted(column.label for column in COLUMNS)}
        )

    def get(row: list[Any], key: str) -> Any:
        index = positions.get(key)
        return row[index] if index is not None and index < len(row) else None

    hosts: list[ParsedHost] = []
    errors: list[str] = []
    for line, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        name = _cell(get(row, "name"))
        if not name:
            continue
        dates: dict[str, date | None] = {}
        for key in ("valid_from", "valid_until"):
            try:
                dates[key] = parse_date(get(row, key))
            except ValueError as error:
                errors.append(_("line %(line)s: date « %(value)s » not understood") % {"line": line, "value": error})
        scope = _cell(get(row, "scope"))
        hosts.append(
            ParsedHost(
                name=name[:300],
                siren=_siren(_cell(get(row, "siren"))),
                scope=scope[:300],
                activities=parse_activities(_cell(get(row, "activities")), scope),
                certifier=_cell(get(row, "certifier"))[:200],
                valid_from=dates.get("valid_from"),
                valid_until=dates.get("valid_until"),
                referential=_cell(get(row, "referential"))[:100],
            )
        )
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN]) + (" …" if len(errors) > MAX_ERRORS_SHOWN else "")
        raise HdsFileError(_("Some dates cannot be read: %(errors)s.") % {"errors": shown})
    if not hosts:
        raise HdsFileError(_("The file has the expected columns but lists no host."))
    return hosts


@transaction.atomic
def import_hosts(content: bytes, filename: str) -> HdsImport:
    """Replace the list of certified hosts by the file's content, all or nothing."""
    hosts = parse_hosts(content, filename)
    source = HdsImport.objects.create(
        filename=PurePath(filename).name[:255], sha256=hashlib.sha256(content).hexdigest(), rows=len(hosts)
    )
    HdsHost.objects.exclude(source=source).delete()
    HdsImport.objects.exclude(pk=source.pk).delete()
    HdsHost.objects.bulk_create(
        HdsHost(source=source, search_name=search_key(host.name), **host.__dict__) for host in hosts
    )
    return source


def current_import() -> HdsImport | None:
    return HdsImport.objects.first()


def search(query: str, *, limit: int = 50) -> list[HdsHost]:
    """Certificates whose SIREN (9 digits, or a SIRET) or name matches the query."""
    query = query.strip()
    siren = _siren(query)
    if siren:
        return list(HdsHost.objects.filter(siren=siren)[:limit])
    words = search_key(query).split()
    if not words:
        return []
    hosts = HdsHost.objects.all()
    for word in words:
        hosts = hosts.filter(search_name__contains=word)
    return list(hosts[:limit])


@dataclass(frozen=True)
class Certificate:
    """What the list says of one host: its certificates merged (the valid ones, or else the latest)."""

    hosts: list[HdsHost]
    activities: list[int]
    valid_until: date | None
    certifier: str
    valid: bool


def certificate_of(processor: Processor, today: date) -> Certificate | None:
    """The processor's certificate in the ANS list, found by SIREN, else by name; None when absent."""
    rows: list[HdsHost] = []
    if processor.siren:
        rows = list(HdsHost.objects.filter(siren=processor.siren))
    if not rows:
        rows = list(HdsHost.objects.filter(search_name=search_key(processor.name)))
    if not rows:
        return None
    valid = [row for row in rows if row.valid_until is None or row.valid_until >= today]
    chosen = valid or sorted(rows, key=lambda row: row.valid_until or date.min, reverse=True)[:1]
    activities = sorted({activity for row in chosen for activity in row.activities})
    ends = [row.valid_until for row in chosen if row.valid_until is not None]
    return Certificate(
        hosts=rows,
        activities=activities,
        valid_until=min(ends) if valid and ends else (max(ends) if ends else None),
        certifier=", ".join(sorted({row.certifier for row in chosen if row.certifier})),
        valid=bool(valid),
    )


@dataclass(frozen=True)
class Finding:
    """Something to fix about a processor. ``level``: "danger" (unlawful as it stands), "warn" or "info"."""

    code: str
    level: str
    message: str


# Clauses that art. 28(3) GDPR requires in the contract, plus the breach alert of art. 33(2).
CLAUSES: dict[str, str | Promise] = {
    "instructions": gettext_lazy("Acts only on the controller's documented instructions (art. 28(3)(a))"),
    "confidentiality": gettext_lazy("Its staff are bound to confidentiality (art. 28(3)(b))"),
    "security": gettext_lazy("Takes the security measures of art. 32 (art. 28(3)(c))"),
    "subprocessors": gettext_lazy("Uses sub-processors only with prior authorisation (art. 28(3)(d))"),
    "rights": gettext_lazy("Helps the controller answer the persons' requests (art. 28(3)(e))"),
    "assistance": gettext_lazy("Helps with security, breach notification and impact assessments (art. 28(3)(f))"),
    "breach_alert": gettext_lazy("Alerts the controller of any breach without undue delay (art. 33(2))"),
    "end": gettext_lazy("Deletes or returns the data at the end of the contract (art. 28(3)(g))"),
    "audits": gettext_lazy("Provides the information needed and allows audits (art. 28(3)(h))"),
    "location": gettext_lazy("States where the data is kept and any transfer outside the EU (chapter V)"),
}


def check_processor(processor: Processor, today: date, *, list_imported: bool | None = None) -> list[Finding]:
    """What is missing or wrong about one processor: the art. 28 contract, and for a host of health data its
    HDS certificate (CSP L.1111-8) — absent from the ANS list, expired, expiring, or not covering an activity."""
    findings: list[Finding] = []
    if processor.contract_signed_on is None:
        findings.append(Finding("no_contract", "warn", _("No contract recorded (GDPR art. 28).")))
    missing = [label for key, label in CLAUSES.items() if key not in processor.clauses]
    if missing:
        findings.append(
            Finding(
                "missing_clauses",
                "warn",
                _("%(count)s clause(s) of art. 28 not confirmed in the contract.") % {"count": len(missing)},
            )
        )
    if processor.outside_eu:
        findings.append(
            Finding(
                "outside_eu",
                "danger" if processor.hosts_health_data else "warn",
                _("Data kept or accessible outside the EU: check the transfer safeguards (HDS v2 requires the EEA)."),
            )
        )
    if not processor.hosts_health_data:
        return findings

    if list_imported is None:
        list_imported = HdsImport.objects.exists()
    certificate = certificate_of(processor, today) if list_imported else None
    if list_imported and certificate is None:
        findings.append(
            Finding(
                "absent",
                "danger",
                _("Hosts health data but is absent from the ANS list of certified hosts (CSP L.1111-8)."),
            )
        )
    if not list_imported:
        findings.append(
            Finding(
                "no_list", "info", _("The ANS list of certified hosts has not been imported: it cannot be checked.")
            )
        )
    # The list is authoritative; without it (or when absent from it), the certificate the processor declared.
    activities = certificate.activities if certificate else processor.certificate_activities
    valid_until = certificate.valid_until if certificate else processor.certificate_valid_until
    if certificate is None and not processor.certificate_valid_until and not processor.certificate_activities:
        findings.append(Finding("no_certificate", "warn", _("No HDS certificate recorded for this host.")))
    elif valid_until is not None and valid_until < today:
        findings.append(
            Finding(
                "expired",
                "danger",
                _("The HDS certificate expired on %(date)s.") % {"date": valid_until.strftime("%d/%m/%Y")},
            )
        )
    elif valid_until is not None and valid_until <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        findings.append(
            Finding(
                "expiring",
                "warn",
                _("The HDS certificate expires on %(date)s.") % {"date": valid_until.strftime("%d/%m/%Y")},
            )
        )
    uncovered = sorted(set(processor.hds_activities) - set(activities))
    if uncovered and (certificate is not None or processor.certificate_activities):
        findings.append(
            Finding(
                "not_covered",
                "danger",
                _("Activities performed but not covered by the certificate: %(activities)s.")
                % {"activities": ", ".join(str(number) for number in uncovered)},
            )
        )
    return findings
