"""Pages of the API: a member's tokens, the organisation's webhooks and their delivery log, the documentation.

A token or a signing secret is shown once, in the answer to the POST that made it (never stored in clear, so
never shown again).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from vigie.accounts.models import Role
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import OrgRequest, after_post

from . import tokens as token_services
from . import webhooks as webhook_services
from .forms import TokenForm, WebhookForm, WebhookUpdateForm
from .models import ApiToken, EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .problems import problem_response

DELIVERIES_SHOWN = 100


def _tokens_context(request: OrgRequest, form: TokenForm, **extra: Any) -> dict[str, Any]:
    org = request.org
    mine = ApiToken.objects.for_org(org).filter(user=request.user)
    others = (
        ApiToken.objects.for_org(org).exclude(user=request.user).select_related("user")
        if request.membership.can_manage
        else ApiToken.objects.none()
    )
    return {"form": form, "mine": mine, "others": others, "now": timezone.now(), **extra}


@org_view(Role.READONLY)
def tokens(request: OrgRequest) -> HttpResponse:
    """The member's API tokens (an owner also sees the others'), and a form to create one."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = token_services.create_token(
                request.org, user=request.user, by=request.user, name=data["name"], scope=data["scope"],
                expires_at=timezone.now() + timedelta(days=data["days"]),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context = _tokens_context(request, TokenForm(), new_token=raw, created=token)
            response = render(request, "api/tokens.html", context, status=201)
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "api/tokens.html", _tokens_context(request, form), status=400 if form.errors else 200)


@require_POST
@org_view(Role.READONLY)
def token_revoke(request: OrgRequest, pk: int) -> HttpResponse:
    token = get_for_org(ApiToken.objects.all(), request.org, pk)
    token_services.revoke_token(token, by=request.user)
    messages.success(request, _("The token « %(name)s » is revoked.") % {"name": token.name})
    return after_post(request, reverse("api:tokens", args=[request.org.pk]))


def _endpoint(request: OrgRequest, pk: int) -> WebhookEndpoint:
    return get_for_org(WebhookEndpoint.objects.all(), request.org, pk)


def _list_context(request: OrgRequest, form: WebhookForm, **extra: Any) -> dict[str, Any]:
    endpoints = WebhookEndpoint.objects.for_org(request.org)
    labels = dict(EventType.choices)
    rows = [{"endpoint": e, "events": [labels.get(name, name) for name in e.events]} for e in endpoints]
    return {"form": form, "rows": rows, **extra}


@org_view(Role.OWNER)
def webhooks(request: OrgRequest) -> HttpResponse:
    """The organisation's webhooks, and a form to add one (its signing secret is shown once)."""
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhook_services.create_endpoint(request.org, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            response = render(request, "api/webhook_detail.html", _detail_context(endpoint, secret=secret), status=201)
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "api/webhooks.html", _list_context(request, form), status=400 if form.errors else 200)


def _detail_context(endpoint: WebhookEndpoint, form: WebhookUpdateForm | None = None, **extra: Any) -> dict[str, Any]:
    deliveries = list(
        WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")[:DELIVERIES_SHOWN]
    )
    tries: dict[int, list[WebhookAttempt]] = {}
    for attempt in WebhookAttempt.objects.filter(delivery__in=deliveries).order_by("number"):
        tries.setdefault(attempt.delivery_id, []).append(attempt)
    labels = dict(EventType.choices)
    form = form or WebhookUpdateForm(
        initial={"description": endpoint.description, "events": endpoint.events, "active": endpoint.active}
    )
    return {
        "endpoint": endpoint,
        "form": form,
        "deliveries": [
            {"delivery": d, "label": labels.get(d.event_type, d.event_type), "tries": tries.get(d.pk, [])}
            for d in deliveries
        ],
        **extra,
    }


@org_view(Role.OWNER)
def webhook_detail(request: OrgRequest, pk: int) -> HttpResponse:
    """One webhook: its settings and its delivery log, each try with its answer, and a replay button."""
    endpoint = _endpoint(request, pk)
    form = WebhookUpdateForm(request.POST or None) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            webhook_services.update_endpoint(endpoint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The webhook is saved."))
            return after_post(request, reverse("api:webhook_detail", args=[request.org.pk, endpoint.pk]))
    status = 400 if form is not None and form.errors else 200
    return render(request, "api/webhook_detail.html", _detail_context(endpoint, form), status=status)


@require_POST
@org_view(Role.OWNER)
def webhook_delete(request: OrgRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    webhook_services.delete_endpoint(endpoint, by=request.user)
    messages.success(request, _("The webhook is deleted."))
    return after_post(request, reverse("api:webhooks", args=[request.org.pk]))


@require_POST
@org_view(Role.OWNER)
def webhook_rotate(request: OrgRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    secret = webhook_services.rotate_secret(endpoint, by=request.user)
    response = render(request, "api/webhook_detail.html", _detail_context(endpoint, secret=secret))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@org_view(Role.OWNER)
def webhook_test(request: OrgRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    webhook_services.send_test(endpoint, by=request.user)
    messages.success(request, _("A test event is on its way; its delivery appears below."))
    return after_post(request, reverse("api:webhook_detail", args=[request.org.pk, endpoint.pk]))


@require_POST
@org_view(Role.OWNER)
def delivery_replay(request: OrgRequest, pk: int, delivery_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_pk)
    webhook_services.replay(delivery, by=request.user)
    messages.success(request, _("The event is sent again."))
    return after_post(request, reverse("api:webhook_detail", args=[request.org.pk, endpoint.pk]))


# --- Under /api/v1/ ----------------------------------------------------------------------------------------


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI on the schema: the copy django-ninja ships, started by our own script (no inline script)."""
    return render(request, "api/docs.html", {"schema_url": reverse("api-v1:openapi-json")})


@csrf_exempt  # like every route of the API: no cookie authenticates it, so no cross-site request can forge one
def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    return problem_response(request, "not-found", _("No such path in the API: see /api/v1/docs/."))
