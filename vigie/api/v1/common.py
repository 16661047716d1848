"""What every route of the API shares: the documented errors, the organisation's rows, roles, cursors, files."""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache
from typing import Annotated, Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query

from vigie.accounts.models import Organisation
from vigie.accounts.scoping import get_for_org
from vigie.accounts.web import OrgRequest
from vigie.breaches.models import Breach

from ..problems import ApiProblem, Problem

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
NO_STORE = "private, no-store"

_M = TypeVar("_M", bound=models.Model)

# Every operation may answer these; the OpenAPI schema says so, with ``application/problem+json``.
COMMON_ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: Problem, 413: Problem}


def answers(ok: dict[int, Any], *, write: bool = False) -> dict[int, Any]:
    return {**ok, **(WRITE_ERRORS if write else COMMON_ERRORS)}


def binary(content_types: list[str], description: str) -> dict[str, Any]:
    """``openapi_extra`` of an operation that answers a file."""
    schema = {"type": "string", "format": "binary"}
    return {
        "responses": {
            200: {"description": description, "content": {media: {"schema": schema} for media in content_types}}
        }
    }


def scoped(request: HttpRequest) -> OrgRequest:
    """The request as the token's authentication left it (``vigie.api.auth``): its organisation and membership."""
    return cast(OrgRequest, request)


def org(request: HttpRequest) -> Organisation:
    return scoped(request).org


def require(request: HttpRequest, role: str) -> None:
    """The role the same action needs in the pages (``org_view``), or 403."""
    if not scoped(request).membership.has_role(role):
        raise PermissionDenied


def get_breach(request: HttpRequest, breach_id: int) -> Breach:
    return get_for_org(Breach.objects.select_related("organisation"), org(request), breach_id)


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiProblem("bad-request", _("The cursor is not one this API gave.")) from None
    if not 1 <= value <= MAX_ID:
        raise ApiProblem("bad-request", _("The cursor is not one this API gave."))
    return value


Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=40, description="The next_cursor of the previous page.")]


def page(queryset: models.QuerySet[_M], cursor: str | None, limit: int) -> tuple[list[_M], str | None]:
    """One page of ``queryset`` in descending or ascending primary key, after the cursor's row."""
    after = decode_cursor(cursor)
    descending = queryset.query.order_by and str(queryset.query.order_by[0]).startswith("-")
    if after is not None:
        queryset = queryset.filter(pk__lt=after) if descending else queryset.filter(pk__gt=after)
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].pk) if more and rows else None)


def file_response(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = NO_STORE
    return response


@lru_cache(maxsize=1)
def _query_names() -> dict[tuple[str, str], frozenset[str]]:
    """(schema path, method) → the query parameters the operation declares, from the generated schema."""
    from . import api

    schema = api.get_openapi_schema()
    return {
        (path, method.upper()): frozenset(p["name"] for p in op.get("parameters", []) if p["in"] == "query")
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
    }


def check_query(request: HttpRequest) -> None:
    """Refuse a query parameter the operation does not know: a misspelt filter must not silently list all."""
    match = request.resolver_match
    if match is None or not request.GET:
        return
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    known = _query_names().get((path, request.method or "GET"))
    if known is None:
        return
    unknown = sorted(name for name in request.GET if name not in known)
    if unknown:
        raise ApiProblem(
            "validation",
            _("Some values are not valid."),
            errors=[{"field": name, "message": _("Unknown field.")} for name in unknown],
        )
