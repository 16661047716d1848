"""The one place that talks to the list reader (``importing``): chunks of ``Person`` in, a report out.

The ``importing`` package reads, validates and de-duplicates a patient list without touching the database; this
module adapts its interface to what storing needs, so that a change there is a change here only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

MAX_STORED_ERRORS = 20_000


ProgressCallback = Callable[[int, int | None], None]


class Reading:
    """An import in progress: iterate ``chunks`` (lists of ``Person``), then read ``report``.

    Raises ``importing.ImportError_`` (a French reason) when the file cannot be read at all.
    """

    def __init__(self, path: Path | bytes, mapping: dict[str, Any] | None, progress: ProgressCallback | None) -> None:
        from .importing import Importer

        self._source = Importer(path, mapping or None, progress=progress)

    @property
    def chunks(self) -> Iterator[Sequence[Any]]:
        return iter(self._source)

    @property
    def report(self) -> Any:
        return self._source.report


def open_reading(
    path: Path | bytes, mapping: dict[str, Any] | None = None, *, progress: ProgressCallback | None = None
) -> Reading:
    return Reading(path, mapping, progress)


def guess(path: Path | bytes) -> dict[str, Any]:
    """The file's format, its columns and the guessed mapping, for the mapping step (a file, or its bytes)."""
    from .importing import FIELD_LABELS_FR, FIELDS, guess_mapping, sniff

    kind, headers = sniff(path)
    return {
        "format": kind,
        "headers": list(headers),
        "mapping": guess_mapping(list(headers)) if kind != "fhir" else {},
        "fields": [[name, FIELD_LABELS_FR.get(name, name)] for name in FIELDS],
    }


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


_QUOTED = re.compile(r"«[^»]*»")


def error_dict(error: Any, *, scrub: bool = True) -> dict[str, Any]:
    """A row error: physical line (header = 1), column, reason. Stored, the values quoted in the reason
    (« 31/02/1990 ») are removed: the report outlives the purge and must identify nobody."""
    reason = str(error.reason)
    if scrub:
        reason = _QUOTED.sub("«…»", reason)
    return {"line": int(error.line), "column": str(error.column or ""), "reason": reason}


def report_dict(report: Any, *, limit: int | None = MAX_STORED_ERRORS, scrub: bool = True) -> dict[str, Any]:
    """The validation report as JSON (stored: no value from the file, errors capped)."""
    errors = [error_dict(error, scrub=scrub) for error in report.errors]
    warnings = [error_dict(warning, scrub=scrub) for warning in getattr(report, "warnings", [])]
    data = {
        "rows": report.rows,
        "valid": report.valid,
        "invalid": report.invalid,
        "duplicates": report.duplicates,
        "merged": [list(item) for item in getattr(report, "merged", [])][:1000],
        "errors": errors if limit is None else errors[:limit],
        "errors_total": len(errors),
        # Every value changed or dropped, with its line (a refused e-mail, a postcode kept, a phone completed).
        "warnings": warnings if limit is None else warnings[:limit],
        "warnings_total": len(warnings),
        "mapping": _plain(getattr(report, "mapping", {})),
        "encoding": str(getattr(report, "encoding", "") or ""),
        "delimiter": str(getattr(report, "delimiter", "") or ""),
        "format": str(getattr(report, "format", "") or ""),
    }
    return data
