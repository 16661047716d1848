"""Errors of the API as RFC 9457 problem details (``application/problem+json``), in the request's language.

``type`` is a URN naming the kind of problem (``urn:vigie:problem:validation``), ``title`` says it in a few
words, ``detail`` says what happened this time, ``instance`` is the path requested. Validation problems list
each field with its message in ``errors``. French or English follows ``Accept-Language`` (Django's locale
middleware), French by default.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, Field

MEDIA_TYPE = "application/problem+json"

TITLES: dict[str, tuple[int, Promise]] = {
    "bad-request": (400, gettext_lazy("Malformed request")),
    "unauthorized": (401, gettext_lazy("Authentication required")),
    "forbidden": (403, gettext_lazy("Not allowed")),
    "read-only-token": (403, gettext_lazy("Read-only token")),
    "not-found": (404, gettext_lazy("Not found")),
    "method-not-allowed": (405, gettext_lazy("Method not allowed")),
    "conflict": (409, gettext_lazy("Not possible in the current state")),
    "too-large": (413, gettext_lazy("Request too large")),
    "validation": (422, gettext_lazy("Invalid data")),
    "rate-limited": (429, gettext_lazy("Too many requests")),
    "server-error": (500, gettext_lazy("Internal error")),
}


class FieldError(BaseModel):
    field: str = Field(description="The field at fault, as a dotted path (empty: the request as a whole).")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(examples=["urn:vigie:problem:not-found"])
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[FieldError] = Field(default_factory=list)


class ApiProblem(Exception):
    """Raise to answer with a problem: ``ApiProblem("conflict", detail=...)``."""

    def __init__(self, code: str, detail: str = "", *, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(code, detail)
        self.code, self.detail, self.errors, self.headers = code, detail, errors or [], headers or {}


def problem_response(
    request: HttpRequest,
    code: str,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    status, title = TITLES[code]
    body: dict[str, Any] = {
        "type": f"urn:vigie:problem:{code}",
        "title": str(title),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "errors": errors or [],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=MEDIA_TYPE)
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def django_errors(error: DjangoValidationError) -> list[dict[str, str]]:
    """A service's ``ValidationError`` as field errors (field ``""`` for the errors of the whole request)."""
    if hasattr(error, "error_dict"):
        return [
            {"field": "" if name == "__all__" else name, "message": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in error.messages]


# Pydantic's messages are in English only: the usual ones get a translated message, the others a general one.
def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("enum", "literal_error"):
        values = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        return _("Not one of the allowed values: %(values)s.") % {"values": ", ".join(values)}
    if kind.startswith(("int_", "float_")) or kind in (
        "greater_than_equal",
        "less_than_equal",
        "greater_than",
        "less_than",
    ):
        if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            bound = next(iter(context.values()), "")
            return _("Out of bounds (limit: %(bound)s).") % {"bound": bound}
        return _("A number is expected.")
    if kind.startswith("bool"):
        return _("true or false is expected.")
    if kind.startswith(("datetime", "timezone")):
        return _("A date and time with its offset is expected, e.g. 2026-03-28T09:15:00+01:00.")
    if kind.startswith("string_too_long"):
        return _("Too long (at most %(n)s characters).") % {"n": context.get("max_length", "")}
    if kind.startswith("string"):
        return _("Text is expected.")
    if kind.startswith(("list", "too_")):
        return _("A list is expected.")
    if kind.startswith(("dict", "model")):
        return _("An object is expected.")
    if kind == "value_error":
        return str(context.get("error", "")) or _("Invalid value.")
    return _("Invalid value.")


def pydantic_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        # Ninja prefixes the place of the value (body, query, path) and the parameter's name: drop them.
        if location and location[0] in ("body", "query", "path", "header", "form", "file"):
            location = location[2:] if len(location) > 2 else location[1:]
        out.append({"field": ".".join(location), "message": _pydantic_message(error)})
    return out
