"""Organisations, their settings and members; invitations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import services
from .forms import InviteForm, NewAccountForm, OrganisationCreateForm, OrganisationForm, RoleForm
from .models import ROLE_RANK, Invitation, Role, User
from .scoping import org_view
from .signin import with_next
from .web import HtmxRequest, OrgRequest, after_post, full_redirect, render_page


@login_required
def organisation_create(request: HtmxRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None)
    if form.is_valid():
        org = services.create_organisation(owner=request.user, by=request.user, request=request, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(
            request, _("The organisation is created. Complete its details: they appear on the notifications.")
        )
        # A whole new page: the menu and the organisation switcher change too.
        return full_redirect(request, reverse("accounts:organisation", args=[org.pk]))
    return render_page(request, "accounts/organisation_create.html", {"form": form})


@org_view(Role.OWNER)
def organisation(request: OrgRequest) -> HttpResponse:
    """The organisation's legal identity. Owners only."""
    org = request.org
    # The form works on its own copy, so that a refused value never shows up elsewhere on the page.
    form = OrganisationForm(request.POST or None, instance=type(org).objects.get(pk=org.pk))
    if form.is_valid():
        # Every field, not only ``changed_data``: a value the form derives (the SIREN from the SIRET) counts too;
        # the service saves and logs only what differs.
        services.update_organisation(
            org, {name: form.cleaned_data[name] for name in form.Meta.fields}, by=request.user, request=request
        )
        messages.success(request, _("The organisation's details are saved."))
        return after_post(request, reverse("accounts:organisation", args=[org.pk]))
    return render_page(request, "accounts/organisation.html", {"form": form})


# --- Members ---------------------------------------------------------------------------------------------------


def _members_page(
    request: OrgRequest, *, invite_form: InviteForm | None = None, errors: dict[int, str] | None = None
) -> HttpResponse:
    org = request.org
    can_manage = request.membership.can_manage
    rank = Case(*(When(role=role, then=Value(-n)) for role, n in ROLE_RANK.items()), output_field=IntegerField())
    memberships = list(org.memberships.select_related("user").annotate(rank=rank).order_by("rank", "user__email"))
    for m in memberships:
        m.error = (errors or {}).get(m.pk, "")  # type: ignore[attr-defined]
    context: dict[str, Any] = {"memberships": memberships, "role_choices": Role.choices}
    if can_manage:
        context["invitations"] = org.invitations.pending().select_related("invited_by").order_by("email")
        context["invite_form"] = invite_form or InviteForm(org)
    return render_page(request, "accounts/members.html", context)


@org_view(Role.READONLY)
def members(request: OrgRequest) -> HttpResponse:
    """Everyone sees who belongs to the organisation; owners also invite (POST here)."""
    if request.method != "POST":
        return _members_page(request)
    if not request.membership.can_manage:
        raise PermissionDenied
    org = request.org
    form = InviteForm(org, request.POST)
    if not form.is_valid():
        return _members_page(request, invite_form=form)
    sent = services.invite(org, by=request.user, request=request, **form.cleaned_data)
    if sent.delivered:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": sent.invitation.email})
    else:
        messages.warning(
            request,
            _(
                "The invitation e-mail to %(email)s could not be sent. Give the person this link yourself, "
                "it is valid for 7 days: %(url)s"
            )
            % {"email": sent.invitation.email, "url": sent.url},
        )
    return after_post(request, reverse("accounts:members", args=[org.pk]), target="members")


@require_POST
@org_view(Role.OWNER)
def member_role(request: OrgRequest, membership_id: int) -> HttpResponse:
    org = request.org
    membership = get_object_or_404(org.memberships.select_related("user"), pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, errors={membership.pk: _("Choose one of the roles.")})
    try:
        services.change_role(membership, form.cleaned_data["role"], by=request.user, request=request)
    except services.LastOwnerError:
        return _members_page(
            request, errors={membership.pk: _("The organisation needs at least one owner: name another one first.")}
        )
    messages.success(request, _("The role of %(name)s is changed.") % {"name": membership.user})
    return after_post(request, reverse("accounts:members", args=[org.pk]), target="members")


@require_POST
@org_view(Role.OWNER)
def member_remove(request: OrgRequest, membership_id: int) -> HttpResponse:
    org = request.org
    membership = get_object_or_404(org.memberships.select_related("user"), pk=membership_id)
    try:
        services.remove_member(membership, by=request.user, request=request)
    except services.LastOwnerError:
        return _members_page(
            request,
            errors={membership.pk: _("The organisation needs at least one owner: name another one before leaving.")},
        )
    messages.success(request, _("%(name)s no longer belongs to the organisation.") % {"name": membership.user})
    if membership.user_id == request.user.pk:
        return full_redirect(request, reverse("core:home"))
    return after_post(request, reverse("accounts:members", args=[org.pk]), target="members")


@require_POST
@org_view(Role.OWNER)
def invitation_cancel(request: OrgRequest, invitation_id: int) -> HttpResponse:
    org = request.org
    invitation = get_object_or_404(org.invitations.pending(), pk=invitation_id)
    services.cancel_invitation(invitation, by=request.user, request=request)
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return after_post(request, reverse("accounts:members", args=[org.pk]), target="members")


# --- Accepting an invitation -----------------------------------------------------------------------------------


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def invitation_accept(request: HtmxRequest, token: str) -> HttpResponse:
    """The link of the invitation e-mail: join with one's account, or create it (then set up the second factor)."""
    invitation = Invitation.objects.for_token(token).select_related("organisation", "invited_by").first()
    if invitation is None or not invitation.is_usable:
        status = 404 if invitation is None else 410
        return render_page(request, "accounts/invitation_accept.html", {"state": "unusable"}, status=status)
    here = request.get_full_path()
    user = request.user
    context: dict[str, Any] = {"invitation": invitation, "here": here}
    if user.is_authenticated and user.email.lower() != invitation.email.lower():
        return render_page(request, "accounts/invitation_accept.html", {**context, "state": "other_account"})
    try:
        if User.objects.filter(email__iexact=invitation.email).exists():
            return _join_with_account(request, invitation, context)
        return _join_with_new_account(request, invitation, context)
    except services.InvitationUnusable:  # used by a simultaneous request
        return render_page(request, "accounts/invitation_accept.html", {"state": "unusable"}, status=410)


def _join_with_account(request: HtmxRequest, invitation: Invitation, context: dict[str, Any]) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        context.update(state="sign_in", login_url=with_next("accounts:login", context["here"]))
    elif not user.is_verified():  # type: ignore[attr-defined]  # django_otp
        context.update(state="verify", verify_url=with_next("accounts:otp_verify", context["here"]))
    elif request.method == "POST":
        services.accept_invitation(invitation, user, request=request)
        messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organisation})
        return full_redirect(request, reverse("core:dashboard", args=[invitation.organisation_id]))
    else:
        context.update(state="join")
    return render_page(request, "accounts/invitation_accept.html", context)


def _join_with_new_account(request: HtmxRequest, invitation: Invitation, context: dict[str, Any]) -> HttpResponse:
    form = NewAccountForm(invitation.email, request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = services.accept_invitation_with_new_account(
            invitation,
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["new_password1"],
            request=request,
        )
        # Signed in with the password just chosen; the middleware now requires setting up the second factor.
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        dashboard = reverse("core:dashboard", args=[invitation.organisation_id])
        return full_redirect(request, with_next("accounts:otp_setup", dashboard))
    context.update(state="create", form=form)
    return render_page(request, "accounts/invitation_accept.html", context)
