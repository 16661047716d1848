"""The public patient notice: the page the poster's QR code opens. No sign-in, nothing but that notice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .documents import build_notice
from .models import ComplianceProfile
from .services import last_version


def notice(request: HttpRequest, token: str) -> HttpResponse:
    profile = get_object_or_404(ComplianceProfile.objects.select_related("organisation"), public_token=token)
    org = profile.organisation
    version = last_version(org)
    context = {"notice": build_notice(org, profile, updated=version.created_at if version else None)}
    response = render(request, "compliance/notice.html", context)
    # The notice is for the practice's patients, not for search engines listing every practice using Vigie.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
