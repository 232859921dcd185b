"""Refuse webhook hosts on the internal network: loopback, private, link-local and reserved.

An admin registers a webhook URL, and the worker POSTs to it from inside the network, so an
unchecked URL lets the app probe or poke internal services (server-side request forgery): the
database's HTTP port, a cloud metadata address (169.254.169.254), an admin console on
localhost. The check runs twice: when the URL is registered, and before each delivery on the
addresses the name resolves to then, so a name that later points inside is refused too; and the
delivery's own connection is checked on the address it really opens (pinned_transport), so a
name that changes between the two lookups (DNS rebinding) is refused as well.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """Every address `host` resolves to now ([] when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def is_internal(address: str) -> bool:
    """Whether an IP address is loopback, private, link-local, reserved or multicast."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def internal_address(host: str, resolver: Resolver = resolve) -> str:
    """The first internal address `host` is or resolves to ('' when none is internal).

    A host that does not resolve is not refused here: the delivery then fails as unreachable,
    and the check runs again before every try.
    """
    name = host.strip("[]").rstrip(".").lower()
    if not name:
        return ""
    if name == "localhost" or name.endswith(".localhost"):
        return name
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
        addresses = [name]
    except ValueError:
        addresses = resolver(name)
    return next((a for a in addresses if is_internal(a)), "")


def refusal(host: str, resolver: Resolver = resolve) -> str:
    """Why a webhook may not go to `host` ('' when it may), naming the internal address."""
    found = internal_address(host, resolver)
    if not found:
        return ""
    shown = host if found == host.strip("[]").lower() else f"{host} ({found})"
    return (
        f"{shown} is an internal address (loopback, private, link-local or reserved); set"
        " [webhooks] allow_internal_addresses = true to allow it"
    )
