"""The register of breaches (art. 33(5)), its exports, and the statistics page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from vigie.accounts.models import Role
from vigie.accounts.scoping import org_view
from vigie.accounts.web import HtmxRequest, OrgRequest
from vigie.audit.services import record

from .exports import FORMATS, export_register
from .register import register_page
from .stats import stats_page


def _fragment(request: HtmxRequest) -> bool:
    """An htmx swap wants the partial; a history restore after a cache miss wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _page(request: HtmxRequest, template: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, f"{template}#{partial}" if _fragment(request) else template, context)
    # The same URL answers a page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@org_view(Role.READONLY)
def register(request: OrgRequest) -> HttpResponse:
    context = register_page(request.org, request.GET)
    filters = {key: value[:100] for key, value in request.GET.items()}
    record("register.view", request=request, organisation=request.org, detail={"filters": filters})
    return _page(request, "breaches/register.html", "table", context)


@require_GET
@org_view(Role.READONLY)
def register_export(request: OrgRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    export = export_register(request.org, fmt, request.GET, request=request)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_GET
@org_view(Role.READONLY)
def stats(request: OrgRequest) -> HttpResponse:
    return _page(request, "breaches/stats.html", "figures", stats_page(request.org, request.GET))
