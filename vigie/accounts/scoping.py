"""Tenant isolation, written once.

Every URL that shows or changes an organisation's data has the organisation in its path
(``/organisations/<org_id>/…``) and its view is wrapped in :func:`org_view`. The decorator looks the
organisation up *through the signed-in user's memberships* — so an organisation the user does not belong to
is a plain 404, indistinguishable from one that does not exist — then checks the role, and hands the view
``request.org`` and ``request.membership`` (an :class:`~vigie.accounts.web.OrgRequest`). Views fetch rows with
``Model.objects.for_org(request.org)`` (:class:`OrgQuerySet`) or one row with :func:`get_for_org`, never with a
bare ``objects.get(pk=…)``.

``vigie/accounts/tests/test_isolation.py`` requests every URL pattern of the project as a member of another
organisation and fails on anything but 403/404, so a new URL is covered without anyone remembering to.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Self, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from .models import Membership, Organisation, Role
from .web import OrgRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

_M = TypeVar("_M", bound=models.Model)
_P = ParamSpec("_P")
_R = TypeVar("_R", bound=HttpResponseBase)


class OrgQuerySet(models.QuerySet[_M]):
    """Query vocabulary shared by every model that belongs to an organisation."""

    #: The lookup from the model to its organisation, e.g. ``"breach__organisation"`` for a child row.
    org_path = "organisation"

    def for_org(self, org: Organisation) -> Self:
        return self.filter(**{self.org_path: org})


def membership_for(user: User | AnonymousUser, org_id: int) -> Membership:
    """The user's membership of organisation ``org_id``, or 404 — never a hint that the organisation exists."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Membership.objects.select_related("organisation").get(user=user, organisation_id=org_id)
    except Membership.DoesNotExist:
        raise Http404 from None


def org_view(
    minimum_role: str = Role.READONLY,
) -> Callable[[Callable[Concatenate[OrgRequest, _P], _R]], Callable[..., _R]]:
    """Decorate a view whose URL carries ``org_id``: sign-in required, membership required, role checked.

    The view receives an :class:`~vigie.accounts.web.OrgRequest` (``request.org``, ``request.membership``) and
    the remaining URL arguments.
    """

    def decorator(view: Callable[Concatenate[OrgRequest, _P], _R]) -> Callable[..., _R]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_id: int, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            membership = membership_for(request.user, org_id)
            if not membership.has_role(minimum_role):
                raise PermissionDenied
            scoped = cast(OrgRequest, request)
            scoped.org = membership.organisation
            scoped.membership = membership
            return view(scoped, *args, **kwargs)

        return wrapper

    return decorator


def get_for_org(rows: OrgQuerySet[_M], org: Organisation, pk: int) -> _M:
    """The row ``pk`` of ``rows`` that belongs to ``org``, or 404: a row of another organisation is not found
    either, never a hint that it exists."""
    row = rows.for_org(org).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def user_organisations(user: User) -> models.QuerySet[Organisation]:
    """Organisations the user belongs to, for the organisation switcher."""
    return Organisation.objects.filter(memberships__user=user).order_by("name")


__all__ = ["OrgQuerySet", "get_for_org", "membership_for", "org_view", "user_organisations"]
