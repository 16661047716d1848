"""Helpers of the accounts tests: codes of the authenticator app, and signing in for real."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import User
from vigie.conftest import PASSWORD


def code_of(device: TOTPDevice) -> str:
    """The code the person's phone shows right now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    right = int(code_of(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


@pytest.fixture
def sign_in_with_password() -> Callable[..., object]:
    def sign_in(client: Client, user: User, password: str = PASSWORD, **extra: object) -> object:
        return client.post(reverse("accounts:login"), {"username": user.email, "password": password}, **extra)

    return sign_in
