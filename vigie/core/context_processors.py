from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def vigie(request: HttpRequest) -> dict[str, Any]:
    """The current organisation and membership (set by ``org_view``) and the user's other organisations."""
    context: dict[str, Any] = {
        "org": getattr(request, "org", None),
        "membership": getattr(request, "membership", None),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "is_verified", lambda: False)():
        from vigie.accounts.scoping import user_organisations

        context["my_organisations"] = user_organisations(user)
    return context
