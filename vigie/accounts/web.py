"""The request every view receives, and how a view answers it: one module for every app.

``HtmxRequest`` is any request (django-htmx's middleware sets ``request.htmx``), ``AuthenticatedRequest`` one behind
``login_required``; ``OrgRequest`` is the request of
an organisation's page, as :func:`vigie.accounts.scoping.org_view` hands it to the view: signed in (``user``), a
member (``membership``) of the organisation of the URL (``org``) with at least the role asked.

A page's template marks its live parts as named partials (``{% partialdef members inline %}``) that an htmx
request targeting that element gets alone (:func:`render_page`); any other request gets the whole page.

After a successful POST there is one behaviour, :func:`after_post`: a plain request is redirected
(POST/redirect/GET); an htmx request gets an ``HX-Location`` that loads the next page whole (the follow-up
request targets nothing, so no partial is chosen) and swaps its element ``#target`` (``main`` by default: the
page's content) for the one on screen, and the address bar shows the next page. The page and its fragments cannot
drift apart, whichever way a template draws its partials. Only signing in or out reloads everything
(:func:`full_redirect`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase, HttpResponseRedirectBase
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from .models import Membership, Organisation, User


class HtmxRequest(HttpRequest):
    """A request seen through django-htmx's middleware."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request behind ``login_required``: the user is signed in, never the anonymous user."""

    user: User


class OrgRequest(AuthenticatedRequest):
    """A request to an organisation's page, once ``org_view`` has checked it."""

    org: Organisation
    membership: Membership


def render_page(request: HtmxRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """Render ``template``, or only its partial named after the element htmx targets, if it has one."""
    target = request.htmx.target if request.htmx else None
    if target:
        try:
            get_template(f"{template}#{target}")
        except TemplateDoesNotExist:
            pass
        else:
            template = f"{template}#{target}"
    return render(request, template, context, status=status)


def after_post(request: HtmxRequest, url: str, *, target: str = "main") -> HttpResponse:
    """The answer to a successful POST: PRG for plain requests; for htmx, the page at ``url`` loaded whole and its
    element ``#target`` swapped in place of the one on screen."""
    if request.htmx:
        return HttpResponseLocation(
            url, target=f"#{target}", select=f"#{target}", swap="outerHTML", headers={"HX-Target": ""}
        )
    return redirect(url)


def full_redirect(request: HtmxRequest, url: str) -> HttpResponse:
    """A redirect that reloads the whole page even under htmx: used when signing in or out changes everything."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def htmx_redirects(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Make the redirects of a view that knows nothing of htmx (Django's own auth views) work under htmx."""

    @wraps(view)
    def wrapper(request: HtmxRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if request.htmx and isinstance(response, HttpResponseRedirectBase):
            return HttpResponseClientRedirect(response.url)
        return response

    return wrapper
