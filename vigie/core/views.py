"""The pages that gather every app: the chooser of organisations and an organisation's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect

from vigie.accounts import services
from vigie.accounts.models import Membership, Role
from vigie.accounts.scoping import org_view
from vigie.accounts.web import HtmxRequest, OrgRequest, render_page
from vigie.breaches.models import Status

from .dashboard import open_breaches


@login_required
def home(request: HtmxRequest) -> HttpResponse:
    """Straight to the organisation when there is one; a chooser when there are several (a DPO firm)."""
    memberships = list(
        Membership.objects.for_user(request.user)  # type: ignore[arg-type]
        .annotate(
            open_breaches=Count("organisation__breaches", filter=~Q(organisation__breaches__status=Status.CLOSED))
        )
        .order_by("organisation__name")
    )
    if not memberships:
        return redirect("accounts:organisation_create")
    if len(memberships) == 1:
        return redirect("core:dashboard", memberships[0].organisation_id)
    return render_page(request, "core/home.html", {"memberships": memberships})


@org_view(Role.READONLY)
def dashboard(request: OrgRequest) -> HttpResponse:
    org = request.org
    context = {
        "open_breaches": open_breaches(org),
        "members_count": org.memberships.count(),
        "identity_missing": [
            str(org._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            for name in ("siret", "address", "dpo_email", "legal_rep_name")
            if not getattr(org, name)
        ],
        "previous_sign_in": services.previous_sign_in(request.user),
    }
    return render_page(request, "core/dashboard.html", context)
