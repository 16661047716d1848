"""Outbound HTTP for webhooks, guarded against server-side request forgery (SSRF).

A webhook URL is typed by a user, so Vigie must not become a way to reach what only the server can reach (a
database port, a cloud metadata service at 169.254.169.254, the admin page of a router). Before each delivery:

1. the URL must be ``https`` (``http`` only where ``VIGIE_WEBHOOK_ALLOW_HTTP`` allows it), without user or
   password;
2. the host name is resolved, and **every** address it resolves to must be a public one: no private, loopback,
   link-local, shared (CGNAT), multicast, reserved or unspecified address, IPv4-mapped IPv6 included, unless its
   network is listed in ``VIGIE_WEBHOOK_ALLOWED_NETWORKS`` (e.g. ``127.0.0.1/32`` in tests);
3. the connection goes to the address that was checked (pinned), so a DNS answer that changes between the check
   and the connection ("DNS rebinding") cannot send it elsewhere; TLS still verifies the certificate for the
   host name;
4. redirects are never followed (``http.client`` does not follow them; a 3xx counts as a failed delivery).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
EXCERPT = 300


class Refused(Exception):
    """The URL or its address is not one Vigie may call; the message says why, in the active language."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection is pinned to


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str
    duration_ms: int


@lru_cache(maxsize=8)
def _allowed_networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def is_forbidden(address: IPAddress) -> bool:
    """True for any address that is not plainly public, unless an allowed network contains it."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks(tuple(settings.VIGIE_WEBHOOK_ALLOWED_NETWORKS))):
        return False
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of a URL Vigie may post to, or :class:`Refused`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(_("The address is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if settings.VIGIE_WEBHOOK_ALLOW_HTTP else ("https",)
    if scheme not in allowed:
        raise Refused(_("The address must start with https://."))
    if parts.username or parts.password:
        raise Refused(_("The address must not hold a user name or password."))
    if not parts.hostname:
        raise Refused(_("The address has no host name."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def resolve(url: str) -> Target:
    """Check the URL and resolve its host; every address must be allowed, the first one is pinned."""
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(_("The host name does not resolve.")) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise Refused(_("The host name does not resolve."))
    forbidden = [address for address in addresses if is_forbidden(address)]
    if forbidden:
        raise Refused(
            _("The address %(address)s is a private, local or reserved one: Vigie does not call it.")
            % {"address": forbidden[0]}
        )
    return Target(scheme, host, port, path, str(addresses[0]))


def _connect(address: str, port: int, timeout: float) -> socket.socket:
    """A socket connected to ``address`` itself: no name resolution happens here (a second lookup could answer
    something else)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except OSError:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = _connect(self._address, self.port, self.timeout)  # type: ignore[arg-type]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        raw = _connect(self._address, self.port, self.timeout)  # type: ignore[arg-type]
        # The certificate is checked against the host name of the URL, not the address.
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None) -> Answer:
    """POST ``body`` to ``url`` after the checks above; :class:`Refused` or ``OSError`` when it cannot."""
    target = resolve(url)
    timeout = settings.VIGIE_WEBHOOK_TIMEOUT if timeout is None else timeout
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT).decode("utf-8", errors="replace")
        return Answer(response.status, excerpt, int((time.monotonic() - started) * 1000))
    except http.client.HTTPException as error:
        raise OSError(f"invalid HTTP answer: {error}" if str(error) else "invalid HTTP answer") from None
    finally:
        connection.close()
