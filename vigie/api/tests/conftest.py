"""Fixtures of the API tests: tokens, a client that sends them, a breach with facts, a small patient list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.api.models import Scope
from vigie.api.tokens import create_token
from vigie.breaches import services as breach_services
from vigie.breaches.models import Breach

CSV_HEADER = "Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville"


def patients_csv(n: int) -> bytes:
    lines = [
        f"Nom{i:04d}x;Prénom{i};F;12/03/1970;patient{i}@exemple-patient.fr;{i} rue des Lilas;75011;Paris"
        for i in range(1, n + 1)
    ]
    return ("\n".join([CSV_HEADER, *lines]) + "\n").encode("utf-8")


class ApiClient:
    """A test client that sends a bearer token (and a language when asked)."""

    def __init__(self, client: Client, raw: str) -> None:
        self.client, self.raw = client, raw

    def headers(self, language: str | None = None) -> dict[str, str]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"}
        if language:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        return headers

    def get(self, url: str, *, language: str | None = None, **params: Any) -> Any:
        return self.client.get(url, params, **self.headers(language))

    def send(self, method: str, url: str, body: Any = None, *, language: str | None = None) -> Any:
        return getattr(self.client, method)(url, body or {}, content_type="application/json", **self.headers(language))

    def post(self, url: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("post", url, body, **kwargs)


@pytest.fixture
def make_token() -> Callable[..., tuple[Any, str]]:
    def make(org: Organisation, user: User, scope: str = Scope.WRITE, **extra: Any) -> tuple[Any, str]:
        extra.setdefault("expires_at", timezone.now() + timedelta(days=30))
        return create_token(org, user=user, by=None, name=extra.pop("name", "Script"), scope=scope, **extra)

    return make


@pytest.fixture
def api(client: Client, org: Organisation, owner: User, make_token: Callable[..., tuple[Any, str]]) -> ApiClient:
    """The owner's write token on the organisation."""
    _token, raw = make_token(org, owner)
    return ApiClient(client, raw)


@pytest.fixture
def api_as(client: Client, make_token: Callable[..., tuple[Any, str]]) -> Callable[..., ApiClient]:
    def make(org: Organisation, user: User, scope: str = Scope.WRITE) -> ApiClient:
        return ApiClient(Client(), make_token(org, user, scope)[1])

    return make


@pytest.fixture
def assessed_breach(org: Organisation, owner: User) -> Breach:
    return breach_services.declare_breach(
        org,
        by=owner,
        title="Rançongiciel au cabinet",
        became_aware_at=timezone.now() - timedelta(hours=10),
        breach_types=["confidentiality", "availability"],
        origin="ransomware",
        malicious=True,
        data_categories=["identity", "health"],
        persons_count=240,
        person_categories=["patients"],
        description="Le serveur du cabinet a été chiffré.",
    )
