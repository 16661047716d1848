"""Shared types of the list reader: the fields a person can have and their French labels, the exception
raised when a file cannot be read at all, and the ``Person``, ``RowError`` and ``ImportReport`` records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from vigie.common.spreadsheets import neutralise

FIELDS = (
    "birth_name",
    "usage_name",
    "given_names",
    "sex",
    "birth_date",
    "nir",
    "email",
    "phone",
    "mobile",
    "address1",
    "address2",
    "address3",
    "address4",
    "postcode",
    "city",
    "country",
    "categories",
)
FIELD_LABELS_FR = {
    "birth_name": "Nom de naissance",
    "usage_name": "Nom d'usage",
    "given_names": "Prénom(s)",
    "sex": "Sexe",
    "birth_date": "Date de naissance",
    "nir": "NIR / n° de sécurité sociale / INS",
    "email": "Courriel",
    "phone": "Téléphone",
    "mobile": "Téléphone portable",
    "address1": "Adresse (ligne 1)",
    "address2": "Adresse (ligne 2)",
    "address3": "Adresse (ligne 3)",
    "address4": "Adresse (ligne 4)",
    "postcode": "Code postal",
    "city": "Commune",
    "country": "Pays",
    "categories": "Données concernées",
}
_ADDRESS_FIELDS = ("address1", "address2", "address3", "address4")


class ImportError_(Exception):  # noqa: N801 - the trailing underscore avoids shadowing the builtin
    """The file cannot be read at all; ``str(error)`` says why, in the active language, for the person importing it.

    ``message`` is an English msgid (``gettext_noop``) with ``%(name)s`` placeholders for ``values``: translated when
    shown (``str``), so that a stored reason can be written in French (``french``) and the same error shown in the
    reader's language. A message that is no msgid (a reason already translated) is shown as it is."""

    def __init__(self, message: str, values: dict[str, Any] | None = None) -> None:
        super().__init__(message, values or {})  # both in ``args``: the error survives pickling (worker processes)
        self.message = message
        self.values = values or {}

    def __str__(self) -> str:
        text = gettext(self.message) if settings.configured else self.message
        return text % self.values if self.values else text

    def french(self) -> str:
        """The reason in French, for a record (the failed import's report)."""
        with translation.override("fr"):
            return str(self)


@dataclass(frozen=True, slots=True)
class Person:
    """One valid, de-duplicated person of the list, normalised."""

    line: int  # physical line of the record's first line (header = 1); XLSX row; FHIR entry index + 1
    birth_name: str
    usage_name: str
    given_names: str
    sex: str  # "F" | "M" | ""
    birth_date: date | None
    nir: str  # 15 characters (13 + key) or ""
    email: str
    phone: str  # E.164 or ""
    address_lines: tuple[str, ...]  # NF Z10-011 block, recipient first; () when no usable address
    categories: tuple[str, ...]  # data-category ids of the decision core (health, national_id, …)
    identity_key: str  # "" when birth name, first given name or birth date is missing (never merged)


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem on one line: ``column`` is the source column (or ``""`` for the whole row)."""

    line: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """Counts and details of an import; complete once the chunks are exhausted."""

    rows: int = 0
    valid: int = 0
    invalid: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    merged: list[tuple[int, int, str]] = field(default_factory=list)  # (kept line, dropped line, why)
    amendments: dict[int, dict[str, Any]] = field(default_factory=dict)  # kept line → fields filled later
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str = ""
    delimiter: str | None = None
    format: str = ""

    def as_rows(self) -> list[tuple[int, str, str, str]]:
        """``(line, column, "erreur" | "avertissement" | "doublon", reason)`` sorted by line, for a report file.

        Cells that a spreadsheet would run as a formula (``= + - @``, tab, CR) are prefixed with an apostrophe.
        """
        rows = [(e.line, _safe(e.column), "erreur", _safe(e.reason)) for e in self.errors]
        rows += [(w.line, _safe(w.column), "avertissement", _safe(w.reason)) for w in self.warnings]
        rows += [(dropped, "", "doublon", _safe(why)) for _kept, dropped, why in self.merged]
        return sorted(rows, key=lambda row: row[0])


def _safe(text: str) -> str:
    return neutralise(text)
