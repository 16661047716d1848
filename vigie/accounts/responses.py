"""How the accounts views answer plain and htmx requests.

A page's template marks its live parts as named partials whose name is also the id of their element
(``{% partialdef members inline %}<section id="members">…``). An htmx request that targets that element gets the
partial alone; any other request gets the whole page. After a successful POST, a plain request is redirected
(POST/redirect/GET) and an htmx request gets an ``HX-Location`` that fetches the next page and swaps the same
element, so that the page and its fragments cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation


def render_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """Render ``template``, or only its partial named after the element htmx targets, if it has one."""
    target = request.htmx.target if request.htmx else None  # type: ignore[attr-defined]
    if target:
        try:
            get_template(f"{template}#{target}")
        except TemplateDoesNotExist:
            pass
        else:
            template = f"{template}#{target}"
    return render(request, template, context, status=status)


def redirect_after_post(request: HttpRequest, url: str, *, target: str = "main") -> HttpResponse:
    """PRG for plain requests; for htmx, load ``url`` and swap its element ``#target`` in place."""
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseLocation(url, target=f"#{target}", select=f"#{target}", swap="outerHTML")
    return redirect(url)


def full_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that reloads the whole page even under htmx: used when signing in or out changes everything."""
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return redirect(url)


def htmx_redirects(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make the redirects of a view that knows nothing of htmx (Django's own auth views) work under htmx."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.htmx and isinstance(response, HttpResponseRedirectBase):  # type: ignore[attr-defined]
            return HttpResponseClientRedirect(response.url)
        return response

    return wrapper
