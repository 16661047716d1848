"""Fixtures shared by every app's tests: small factories, and clients signed in with a second factor."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import Membership, Organisation, OrganisationKind, Role, User

_counter = itertools.count(1)


def _one_request_at_a_time_on_a_shared_connection() -> None:
    """Make the live server answer one request at a time when its threads share the test's SQLite connection.

    The SQLite test database lives in memory, so pytest-django hands the server's threads the test's own
    connection. Two requests of the browser answered at once then run in one connection, and one request's
    transaction becomes a savepoint inside the other's: the locks and ``BEGIN IMMEDIATE`` that keep, for
    example, the access log numbered one after the other no longer separate them, and both number their
    entry alike. A real server never shares a connection between threads (and PostgreSQL tests keep the
    threaded server), so this serialises only what the test set-up itself shares.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test import testcases

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            if self.connections_override:
                application = _serialised(application)
            super().set_app(application)

    class LiveServerThread(testcases.LiveServerThread):
        server_class = OneRequestAtATime

    testcases.LiveServerThread = LiveServerThread  # pytest-django reads it from here


def _serialised(application: Callable[..., Any]) -> Callable[..., Any]:
    import threading

    lock = threading.Lock()

    def serialised(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with lock:  # the whole answer, body and close (request_finished) included, under the lock
            result = application(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    return serialised


_one_request_at_a_time_on_a_shared_connection()

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: the rate limits count in it (per IP, per token)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _own_media(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test keeps its files (encrypted lists, letters, receipts) in a folder of its own, never under var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(email: str | None = None, *, password: str = PASSWORD, with_device: bool = True, **extra: Any) -> User:
        user = User.objects.create_user(email or f"user{next(_counter)}@example.fr", password, **extra)
        if with_device:
            TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
        return user

    return make


@pytest.fixture
def make_org(db: None) -> Callable[..., Organisation]:
    def make(name: str | None = None, **extra: Any) -> Organisation:
        extra.setdefault("kind", OrganisationKind.CABINET_MEDICAL)
        extra.setdefault("profession", "medecins")
        extra.setdefault("dpo_email", "dpo@example.fr")
        return Organisation.objects.create(name=name or f"Cabinet n° {next(_counter)}", **extra)

    return make


@pytest.fixture
def make_member(make_user: Callable[..., User]) -> Callable[..., User]:
    def make(org: Organisation, role: str = Role.OWNER, **user_extra: Any) -> User:
        user = make_user(**user_extra)
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return make


def sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in on ``client`` with a verified second factor, as after a real TOTP check."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[Client, User], Client]:
    return sign_in


@pytest.fixture
def org(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("Cabinet du Dr Martin")


@pytest.fixture
def owner(org: Organisation, make_member: Callable[..., User]) -> User:
    return make_member(org, Role.OWNER, full_name="Claire Martin")


@pytest.fixture
def owner_client(client: Client, owner: User) -> Client:
    return sign_in(client, owner)


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def an_hour_ago() -> Any:
    return timezone.now() - timedelta(hours=1)


# --- Browser tests: Playwright driving Debian's Chromium (no browser download) ------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (make install installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's synchronous API runs an event loop in this thread; the ORM calls the tests make between
    # browser steps are synchronous and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()
