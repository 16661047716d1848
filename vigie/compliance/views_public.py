"""The public patient notice: the page the poster's QR code opens. No sign-in, nothing but that notice.

A public page answers for itself: an unknown address gets the French "not found" page below (even with DEBUG
on, where Django would show its technical page), and one IP address opening too many notices in a minute gets a
French "too many requests" page (429), so that nobody can walk through tokens.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .documents import build_notice
from .models import ComplianceProfile
from .services import last_version

WINDOW = 60  # seconds


def _wait_if_too_many(request: HttpRequest, *, now: float | None = None) -> int:
    """Count one notice opened from this IP in the current minute; the seconds to wait past the limit, else 0."""
    limit = settings.VIGIE_NOTICE_RATE
    if limit <= 0:
        return 0
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    key = f"vigie:notice-rate:{request.META.get('REMOTE_ADDR', '')}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    return max(1, int((window + 1) * WINDOW - now)) if count > limit else 0


def _public(response: HttpResponse) -> HttpResponse:
    # The notice is for the practice's patients, not for search engines listing every practice using Vigie.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def notice(request: HttpRequest, token: str) -> HttpResponse:
    wait = _wait_if_too_many(request)
    if wait:
        response = render(request, "compliance/notice_limited.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return _public(response)
    profile = ComplianceProfile.objects.select_related("organisation").filter(public_token=token).first()
    if profile is None:
        return _public(render(request, "compliance/notice_missing.html", status=404))
    org = profile.organisation
    version = last_version(org)
    context = {"notice": build_notice(org, profile, updated=version.created_at if version else None)}
    return _public(render(request, "compliance/notice.html", context))
