"""Every change to accounts, second factors, organisations and memberships: one named function each, owning its
transaction and writing its line in the access log."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import django_otp
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.audit.models import AuditEvent
from vigie.audit.services import record

from .models import Invitation, Membership, Organisation, Role, User, hash_token, new_invitation_token

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_SALT = "vigie.accounts.recovery-code"  # also in migration 0003, which hashed the codes kept in clear
TOTP_DEVICE_NAME = "Application"
RECOVERY_DEVICE_NAME = "Codes de secours"


class MembershipError(Exception):
    """A change of members that would leave the organisation in a state it must never be in."""


class LastOwnerError(MembershipError):
    """The organisation would be left without an owner, and nobody could manage it any more."""


class InvitationUnusable(Exception):
    """The invitation was already used or has expired."""


class SecondFactorThrottled(Exception):
    """Too many wrong codes in a row: the device refuses any code until ``until``."""

    def __init__(self, until: datetime | None) -> None:
        super().__init__(until)
        self.until = until


# --- Second factor ---------------------------------------------------------------------------------------------


def pending_totp_device(user: User) -> TOTPDevice:
    """The authenticator app being enrolled (not yet confirmed by a first code), created on first call.

    Its secret stays the same until it is confirmed, so that reloading the page does not invalidate the QR code
    the person has already scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def check_code(device: Device, code: str) -> bool:
    """Check a code against one device, under django-otp's throttling.

    Each wrong code doubles the wait before the device accepts another one (1 s, 2 s, 4 s… per device, whoever
    tries), which makes guessing six digits hopeless. While the device waits, raise :class:`SecondFactorThrottled`
    without even looking at the code, so that a right guess during the wait teaches nothing.
    """
    with transaction.atomic():
        # Locked, so that two simultaneous guesses cannot both be checked before the failure count goes up.
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            raise SecondFactorThrottled((extra or {}).get("locked_until"))
        if isinstance(device, StaticDevice):
            code = _stored_recovery_code(device, code)
        return bool(device.verify_token(code))


def recovery_digest(code: str, secret: str | None = None) -> str:
    """What is kept of a recovery code: a hash keyed with the server's secret key, never the code itself.

    A copy of the database alone gives no code that works. 16 hexadecimal digits (64 bits) fit django-otp's
    token column; a code has 40 random bits, and guessing them offline needs the secret key too.
    """
    return salted_hmac(RECOVERY_CODE_SALT, code, secret=secret, algorithm="sha256").hexdigest()[:16]


def _stored_recovery_code(device: StaticDevice, code: str) -> str:
    """The stored form of ``code``: under the current secret key, or an old one still listed in
    ``SECRET_KEY_FALLBACKS`` (codes saved before a key rotation keep working until the fallback is removed)."""
    digests = [recovery_digest(code, str(secret)) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    found = device.token_set.filter(token__in=digests).values_list("token", flat=True).first()
    return str(found or digests[0])


def confirm_totp_device(device: TOTPDevice, *, request: HttpRequest) -> list[str]:
    """Make a freshly verified authenticator app the user's second factor; return new recovery codes.

    Any previous app is removed (a lost or replaced phone), and so are the previous recovery codes. The session
    moves to the new app; for someone enrolling their first app, this completes signing in.
    """
    user = device.user
    first_sign_in = not request.user.is_verified()  # type: ignore[union-attr]
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _replace_recovery_codes(user)
        record("user.second_factor_enrolled", actor=user, request=request)
    if first_sign_in:
        complete_sign_in(request, device)
    else:
        django_otp.login(request, device)
    return codes


def regenerate_recovery_codes(user: User, *, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with ten new ones; the old ones stop working at once."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record("user.recovery_codes_regenerated", actor=user, request=request)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_digest(code)) for code in codes)
    return codes  # shown once to the person; only their digests are kept


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def complete_sign_in(request: HttpRequest, device: Device) -> None:
    """Mark the session as verified by ``device`` (second factor passed) and log the sign-in.

    The session gets a new key here as well as after the password: a session identifier seen while only half
    signed in (on a shared computer, in a proxy log) never becomes a fully signed-in one.
    """
    request.session.cycle_key()
    django_otp.login(request, device)
    method = "recovery_code" if isinstance(device, StaticDevice) else "totp"
    detail: dict[str, Any] = {"second_factor": method}
    if isinstance(device, StaticDevice):
        detail["recovery_codes_left"] = device.token_set.count()
    record("user.signed_in", detail=detail, request=request)


def previous_sign_in(user: User) -> AuditEvent | None:
    """The access-log entry of the user's sign-in before the current one, if any."""
    return AuditEvent.objects.filter(actor=user, action="user.signed_in").order_by("-seq")[1:2].first()


def password_was_reset(user: User, *, request: HttpRequest | None = None) -> None:
    """After a new password chosen through the e-mailed link: lift the lockout of the address, and log it.

    Opening the link proves control of the mailbox, so the wrong passwords typed before no longer count.
    """
    axes_reset(username=user.email)
    record("user.password_reset", actor=user, request=request)


# --- Organisations ---------------------------------------------------------------------------------------------


def create_organisation(
    *, owner: User, by: User | None, request: HttpRequest | None = None, **fields: Any
) -> Organisation:
    """Create an organisation with ``owner`` as its first owner. ``by`` is who did it (``None``: an administrator
    at the command line)."""
    with transaction.atomic():
        org = Organisation.objects.create(**fields)
        Membership.objects.create(user=owner, organisation=org, role=Role.OWNER)
        record(
            "organisation.created",
            actor=by,
            organisation=org,
            obj=org,
            detail={"owner": owner.email},
            request=request,
        )
    return org


def update_organisation(
    org: Organisation, changes: dict[str, Any], *, by: User, request: HttpRequest | None = None
) -> Organisation:
    """Apply ``changes`` (field → new value) to the organisation's identity; log which fields changed."""
    changed = sorted(name for name, value in changes.items() if getattr(org, name) != value)
    if not changed:
        return org
    with transaction.atomic():
        for name in changed:
            setattr(org, name, changes[name])
        org.save(update_fields=changed)
        record("organisation.updated", actor=by, organisation=org, obj=org, detail={"fields": changed}, request=request)
    return org


# --- Members and invitations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    url: str
    delivered: bool


def invite(org: Organisation, *, email: str, role: str, by: User, request: HttpRequest | None = None) -> SentInvitation:
    """Invite ``email`` to join ``org`` with ``role``, replacing any pending invitation of the same address.

    The link's token exists only in the e-mail (and in the returned ``url``, for the inviter to pass on if the
    e-mail could not be sent); the database keeps its SHA-256.
    """
    email = email.strip().lower()
    token = new_invitation_token()
    with transaction.atomic():
        org.invitations.filter(email__iexact=email, accepted_at__isnull=True).delete()
        invitation = Invitation.objects.create(
            organisation=org, email=email, role=role, invited_by=by, token_hash=hash_token(token)
        )
        record(
            "member.invited",
            actor=by,
            organisation=org,
            obj=invitation,
            detail={"email": email, "role": role},
            request=request,
        )
    url = settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])
    return SentInvitation(invitation, url, _send_invitation(invitation, url))


def _send_invitation(invitation: Invitation, url: str) -> bool:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by,
        "role": invitation.get_role_display(),
        "url": url,
        "expires_at": invitation.expires_at,
        "site_url": settings.SITE_URL,
    }
    # The person invited has no account yet, so no language of their own: French, the language of the service.
    with translation.override("fr"):
        subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
        body = render_to_string("accounts/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the invitation e-mail to %s", invitation.email)
        return False
    return True


def accept_invitation(invitation: Invitation, user: User, *, request: HttpRequest | None = None) -> Membership:
    """``user`` (whose e-mail is the invited one) joins the organisation; the invitation is used up.

    Someone who already belongs to the organisation keeps their current role.
    """
    with transaction.atomic():
        invitation = _lock_usable(invitation)
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        _use(invitation, user, request)
    return membership


def accept_invitation_with_new_account(
    invitation: Invitation, *, full_name: str, password: str, request: HttpRequest | None = None
) -> User:
    """Create the account of the invited address with ``password`` and join the organisation."""
    with transaction.atomic():
        invitation = _lock_usable(invitation)
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
        Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
        _use(invitation, user, request)
    return user


def _lock_usable(invitation: Invitation) -> Invitation:
    # Locked, so that the same link opened twice at once cannot be used twice.
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationUnusable
    return invitation


def _use(invitation: Invitation, user: User, request: HttpRequest | None) -> None:
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(
        "invitation.accepted",
        actor=user,
        organisation=invitation.organisation,
        obj=invitation,
        detail={"email": invitation.email, "role": invitation.role},
        request=request,
    )


def cancel_invitation(invitation: Invitation, *, by: User, request: HttpRequest | None = None) -> None:
    """Withdraw a pending invitation: its link stops working."""
    with transaction.atomic():
        record(
            "invitation.cancelled",
            actor=by,
            organisation=invitation.organisation,
            obj=invitation,
            detail={"email": invitation.email},
            request=request,
        )
        invitation.delete()


def change_role(membership: Membership, role: str, *, by: User, request: HttpRequest | None = None) -> Membership:
    """Give a member another role. The last owner cannot be demoted (:class:`LastOwnerError`)."""
    with transaction.atomic():
        membership = _lock_members(membership)
        old = membership.role
        if old == role:
            return membership
        if old == Role.OWNER:
            _keep_an_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            "member.role_changed",
            actor=by,
            organisation=membership.organisation,
            obj=membership,
            detail={"email": membership.user.email, "from": old, "to": role},
            request=request,
        )
    return membership


def remove_member(membership: Membership, *, by: User, request: HttpRequest | None = None) -> None:
    """Remove someone from the organisation. The last owner cannot be removed (:class:`LastOwnerError`)."""
    with transaction.atomic():
        membership = _lock_members(membership)
        if membership.role == Role.OWNER:
            _keep_an_owner(membership)
        record(
            "member.removed",
            actor=by,
            organisation=membership.organisation,
            obj=membership,
            detail={"email": membership.user.email, "role": membership.role},
            request=request,
        )
        membership.delete()


def _lock_members(membership: Membership) -> Membership:
    # Lock every membership of the organisation: two owners demoting each other at the same moment must not
    # both succeed and leave nobody in charge.
    rows = Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id)
    list(rows.order_by("pk"))
    return Membership.objects.select_related("user", "organisation").get(pk=membership.pk)


def _keep_an_owner(membership: Membership) -> None:
    others = Membership.objects.owners().filter(organisation_id=membership.organisation_id).exclude(pk=membership.pk)
    if not others.exists():
        raise LastOwnerError
