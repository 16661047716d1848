"""Who calls the API: a bearer token (``Authorization: Bearer vigie_…``), its member, its organisation.

Every request is checked in this order: the token (usable, its member still in the organisation), the scope
(a read token may only read), then the rate (``VIGIE_API_RATE`` requests per minute per token, counted in
Django's cache). The request then carries ``org``, ``membership``, ``user`` and ``api_token``, as a page's request
carries them after ``org_view``, and the access log names the token of each entry written for it.

The session cookie plays no part: a browser signed in to Vigie cannot call the API by being tricked into it.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from vigie.accounts.models import Membership

from .models import ApiToken
from .problems import ApiProblem
from .tokens import authenticate

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
WINDOW = 60  # seconds


def check_rate(token: ApiToken, *, now: float | None = None) -> None:
    """Count one request of ``token`` in the current minute; :class:`ApiProblem` ``rate-limited`` past the limit."""
    limit = settings.VIGIE_API_RATE
    if limit <= 0:
        return
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    key = f"vigie:api-rate:{token.prefix}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > limit:
        wait = max(1, int((window + 1) * WINDOW - now))
        raise ApiProblem(
            "rate-limited",
            _("At most %(limit)d requests per minute for one token: try again in %(wait)d seconds.")
            % {"limit": limit, "wait": wait},
            headers={"Retry-After": str(wait)},
        )


class TokenAuth(HttpBearer):
    """The API's only way in."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate(token)
        if found is None:
            return None
        membership = (
            Membership.objects.select_related("organisation")
            .filter(user=found.user, organisation=found.organisation)
            .first()
        )
        if membership is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ApiProblem("read-only-token", _("This token may only read: create a write token to change data."))
        check_rate(found)
        from .v1.common import check_query

        check_query(request)
        request.org = membership.organisation  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found
