"""API tokens: created (shown once), checked on every request, revoked. One function per state change, each
owning its transaction and writing its line in the access log.

- ``create_token(org, *, user, by, name, scope, expires_at) -> (ApiToken, str)``
- ``revoke_token(token, *, by) -> ApiToken``
- ``authenticate(raw, *, now=None) -> ApiToken | None``
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.audit.services import record

from .models import ApiToken, Scope

TOKEN_PREFIX = "vigie_"  # noqa: S105 (the prefix every token starts with, not a secret)
# last_used_at is written at most this often per token: a busy script must not cost one write per request.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_VALIDITY = timedelta(days=366)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _membership(user: User, org: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=org, user__is_active=True).first()


def create_token(
    org: Organisation,
    *,
    user: User,
    by: User | None,
    name: str,
    scope: str = Scope.READ,
    expires_at: datetime | None,
) -> tuple[ApiToken, str]:
    """A new token of ``user`` in ``org``; return the row and the token itself, which is never shown again.

    ``by`` is who asks: the user themself (the page), or ``None`` for the server's operator (``vigie api token
    create``). A write token needs a member who may write (not read-only); the token never gives more than the
    member's role. ``expires_at`` is required from the page (at most a year); the operator may omit it.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, to recognise it later.")})
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Unknown scope.")})
    membership = _membership(user, org)
    if membership is None:
        raise ValidationError(_("This person is not a member of the organisation."))
    if by is not None and by.pk != user.pk:
        raise PermissionDenied
    if scope == Scope.WRITE and not membership.has_role(Role.MEMBER):
        raise ValidationError({"scope": _("A read-only member can only have read tokens.")})
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    if by is not None and (expires_at is None or expires_at > now + MAX_VALIDITY):
        raise ValidationError({"expires_at": _("A token is valid for one year at most.")})
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=org, user=user, name=name[:100], scope=scope, prefix=prefix, token_hash=_digest(raw),
            created_by=by, expires_at=expires_at,
        )  # fmt: skip
        record("api.token_created", actor=by or user, organisation=org, obj=token,
               detail={"name": token.name, "scope": scope, "user": user.email, "by": "operator" if by is None else "user"})  # fmt: skip
    return token, raw


def revoke_token(token: ApiToken, *, by: User | None) -> ApiToken:
    """Revoke a token at once. Its own user may revoke it, and so may an owner of the organisation."""
    if by is not None and by.pk != token.user_id:
        membership = _membership(by, token.organisation)
        if membership is None or not membership.has_role(Role.OWNER):
            raise PermissionDenied
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        if updated:
            record("api.token_revoked", actor=by, organisation=token.organisation, obj=token,
                   detail={"name": token.name})  # fmt: skip
    token.refresh_from_db()
    return token


def authenticate(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The usable token ``raw`` is, with its member still in the organisation; ``None`` otherwise.

    Looked up by its prefix, then compared in constant time. Notes the time of use (to the minute).
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 120:
        return None
    prefix, _sep, rest = raw[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not rest:
        return None
    token = ApiToken.objects.select_related("organisation", "user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.token_hash, _digest(raw)):
        return None
    now = now or timezone.now()
    if not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
