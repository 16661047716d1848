"""Signing in and out: password, then always a second factor (authenticator app, or a single-use recovery code).

A password alone opens only these pages; :class:`~vigie.accounts.middleware.SecondFactorRequiredMiddleware` sends
a half-signed-in person here from anywhere else. Five wrong passwords for one address from one network address
lock it for a while (django-axes, ``accounts/locked_out.html``); wrong codes slow the device down (django-otp).
"""

from __future__ import annotations

from base64 import b32encode, b64encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import CodeForm, RecoveryCodeForm, SignInForm
from .web import HtmxRequest, full_redirect, htmx_redirects, render_page

# Where an earlier version kept freshly generated codes in clear; only ever removed now (see ``recovery_codes``).
RECOVERY_CODES_SESSION_KEY = "vigie_recovery_codes"


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address of the request if it stays on this site, else ``""``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def has_authenticator(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@sensitive_post_parameters("password")
@never_cache
def login(request: HtmxRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.user.is_authenticated and request.user.is_verified():  # type: ignore[attr-defined]  # django_otp
        return HttpResponseRedirect(next_url or reverse("core:home"))  # a URL, never a view name
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        step = "accounts:otp_verify" if has_authenticator(user) else "accounts:otp_setup"
        return full_redirect(request, with_next(step, next_url))
    return render_page(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout(request: HtmxRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You are signed out."))
    return full_redirect(request, reverse("accounts:login"))


@login_required
@never_cache
def otp_verify(request: HtmxRequest) -> HttpResponse:
    """Second step of signing in: the six-digit code of the authenticator app."""
    next_url = safe_next(request)
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(next_url or reverse("core:home"))  # a URL, never a view name
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(with_next("accounts:otp_setup", next_url))
    form = CodeForm(device, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.complete_sign_in(request, device)
        return full_redirect(request, next_url or reverse("core:home"))
    return render_page(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
@never_cache
def otp_recovery(request: HtmxRequest) -> HttpResponse:
    """Second step of signing in without the phone: one of the single-use recovery codes."""
    next_url = safe_next(request)
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(next_url or reverse("core:home"))  # a URL, never a view name
    device = services.recovery_device(request.user)  # type: ignore[arg-type]
    form = RecoveryCodeForm(device, data=request.POST if request.method == "POST" else None)
    if form.is_valid() and device is not None:
        services.complete_sign_in(request, device)
        left = device.token_set.count()
        messages.warning(
            request,
            ngettext(
                "You signed in with a recovery code; %(left)d code is left. If your phone is lost, set up "
                "the second factor again on a new phone: the old one will stop working.",
                "You signed in with a recovery code; %(left)d codes are left. If your phone is lost, set up "
                "the second factor again on a new phone: the old one will stop working.",
                left,
            )
            % {"left": left},
        )
        return full_redirect(request, next_url or reverse("core:home"))
    return render_page(request, "accounts/otp_recovery.html", {"form": form, "next": next_url})


@login_required
@never_cache
def otp_setup(request: HtmxRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), then confirm with a first code.

    Allowed with a password alone only to someone who has no authenticator yet; replacing an existing one needs
    the second factor first, or a stolen password would be enough to take the account over.
    """
    user = request.user
    next_url = safe_next(request)
    replacing = has_authenticator(user)
    if replacing and not user.is_verified():  # type: ignore[union-attr]
        return redirect(with_next("accounts:otp_verify", next_url))
    device = services.pending_totp_device(user)  # type: ignore[arg-type]
    form = CodeForm(device, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = services.confirm_totp_device(device, request=request)
        return _show_new_codes(request, codes, next_url)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "replacing": replacing,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2, dark="#1d2433"),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render_page(request, "accounts/otp_setup.html", context)


@login_required
@never_cache
def recovery_codes(request: HtmxRequest) -> HttpResponse:
    """How many recovery codes are left, and a button to make new ones (shown once, in the answer to that POST)."""
    next_url = safe_next(request)
    request.session.pop(RECOVERY_CODES_SESSION_KEY, None)  # a session from before codes stopped being kept in it
    if request.method == "POST":
        if "regenerate" in request.POST:
            codes = services.regenerate_recovery_codes(request.user, request=request)  # type: ignore[arg-type]
            return _show_new_codes(request, codes, next_url)
        return full_redirect(request, next_url or reverse("core:home"))
    device = services.recovery_device(request.user)  # type: ignore[arg-type]
    context: dict[str, Any] = {"codes": [], "next": next_url, "left": device.token_set.count() if device else 0}
    return render_page(request, "accounts/recovery_codes.html", context)


def _show_new_codes(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    """The answer to the POST that made ``codes``: they exist only in this response (and in the .txt link inside
    it, a ``data:`` address), never in the session or the database, where only their keyed hashes are kept. A
    reload cannot show them again; losing them means making new ones."""
    context: dict[str, Any] = {"codes": [f"{code[:4]}-{code[4:]}" for code in codes], "next": next_url}
    text = render_to_string("accounts/recovery_codes.txt", context, request=request)
    context["download_href"] = "data:text/plain;charset=utf-8;base64," + b64encode(text.encode()).decode()
    return render(request, "accounts/recovery_codes.html", context)


# --- Forgotten password: Django's views, our templates, links built from SITE_URL --------------------------------


@method_decorator(htmx_redirects, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        # The public address, not the Host header of the request, which a proxy may have rewritten.
        return {"site_url": settings.SITE_URL}


@method_decorator(htmx_redirects, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_was_reset(form.user, request=self.request)
        return response


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
