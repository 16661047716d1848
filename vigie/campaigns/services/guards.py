"""What every verb of the package checks: the user's role (none for the command line and the workers), and no
e-mail address kept in a text that is stored."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied

from vigie.accounts.models import User

from ..models import Campaign


def _require(user: User | None, campaign: Campaign, role: str) -> None:
    if user is None:
        return  # the command line and the worker act with the operator's authority
    membership = user.memberships.filter(organisation_id=campaign.breach.organisation_id).first()
    if membership is None or not membership.has_role(role):
        raise PermissionDenied


_EMAIL = re.compile(r"[^\s<>\"';,]+@[^\s<>\"';,]+")


def _scrub(text: str) -> str:
    return _EMAIL.sub("[adresse effacée]", text)
