"""The client's address through the trusted reverse proxies only: for the lockout and the access log."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from vigie.accounts.net import client_ip
from vigie.audit.models import AuditEvent

PROXY = "10.0.0.5"


def ip_of(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not through a trusted proxy: the header is ignored
        (PROXY, "198.51.100.1", "198.51.100.1"),
        (PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # what the client wrote on the left is ignored
        (PROXY, "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two trusted hops
        (PROXY, "198.51.100.1:51000", "198.51.100.1"),
        (PROXY, "[2001:db8::1]:443", "2001:db8::1"),
        (PROXY, "not-an-address", PROXY),  # garbage: the last hop a trusted proxy vouched for
        (PROXY, "198.51.100.1, garbage", PROXY),
        (PROXY, "", PROXY),
        (PROXY, None, PROXY),
        ("::ffff:10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ("", None, None),
    ],
)
def test_the_client_is_the_right_most_untrusted_hop(settings, remote, forwarded, expected) -> None:
    settings.VIGIE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert ip_of(remote, forwarded) == expected


def test_without_trusted_proxies_the_header_is_never_believed(settings) -> None:
    settings.VIGIE_TRUSTED_PROXIES = []
    assert ip_of(PROXY, "198.51.100.1") == PROXY


@pytest.mark.django_db
def test_the_access_log_names_the_client_not_the_proxy(owner_client, org, settings) -> None:
    from django.urls import reverse

    settings.VIGIE_TRUSTED_PROXIES = [PROXY]
    owner_client.get(
        reverse("breaches:register", args=[org.pk]), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20"
    )
    event = AuditEvent.objects.filter(action="register.view").last()
    assert event is not None and event.ip_address == "203.0.113.20"
