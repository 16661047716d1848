"""The address of the person behind a request, through the reverse proxies the installation names.

Behind a proxy, ``REMOTE_ADDR`` is the proxy's address for everyone: the lockout would count every user's failures
together and the access log would name the proxy. ``X-Forwarded-For`` names the client, but anyone can send that
header, so it is believed only when ``REMOTE_ADDR`` is one of ``VIGIE_TRUSTED_PROXIES`` (addresses or networks),
and read from the right: each trusted proxy appends the address it saw, so the right-most address that is not a
trusted proxy is the first one no trusted hop vouches beyond, the client. What a client writes to the left of it
is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.VIGIE_TRUSTED_PROXIES))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51000"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or through trusted proxies the right-most untrusted hop of
    ``X-Forwarded-For``. ``None`` when there is no usable address."""
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(hop)
        if address is None:  # garbage a client wrote: stop at the last hop a trusted proxy vouched for
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
