"""A password alone never opens Vigie: signed-in users without a verified second factor are sent to it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

# URL names reachable with a password but no second factor yet.
OPEN_WITHOUT_SECOND_FACTOR = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:otp_verify",
        "accounts:otp_setup",
        "accounts:otp_recovery",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:invitation_accept",
        "set_language",
        "public",
    }
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():  # type: ignore[attr-defined]  # django_otp adds it
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            name = match.view_name
            # The API never uses the session (a token signs each request): a half-signed-in browser changes nothing.
            if name not in OPEN_WITHOUT_SECOND_FACTOR and not name.startswith(("public:", "api-v1:")):
                from django_otp import user_has_device

                target = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
                return redirect(target)
        return self.get_response(request)
