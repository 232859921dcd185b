"""An httpx transport that checks the address it really connects to, closing DNS rebinding.

The webhook sender checks an endpoint's name before each try (address_guard), but httpx then
resolves the name again for its own connect, and a name with a short TTL can answer a public
address to the check and 127.0.0.1 to the connect. This transport does the one lookup itself,
refuses the connection when any address is internal, and connects to the addresses it vetted
(TLS still verifies the certificate against the name, and the Host header keeps it).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable

import httpcore
import httpx

from responders.outbox.address_guard import Resolver, is_internal, resolve


class InternalAddressRefused(httpcore.ConnectError):
    """The connection would have gone to an internal address: nothing was sent."""


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, opened only to addresses that are not internal."""

    def __init__(
        self, resolver: Resolver = resolve, internal: Callable[[str], bool] = is_internal
    ) -> None:
        self._resolver = resolver
        self._internal = internal
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve `host` once, refuse if any address is internal, connect to a vetted one."""
        addresses = self._resolver(host.strip("[]"))
        if not addresses:
            raise httpcore.ConnectError(f"{host} does not resolve")
        if found := next((a for a in addresses if self._internal(a)), ""):
            raise InternalAddressRefused(f"{host} resolved to the internal address {found}")
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return self._sockets.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = httpcore.ConnectError(str(exc))
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Never: a webhook goes over TCP to a public address."""
        raise httpcore.ConnectError("unix sockets are not allowed for webhooks")

    def sleep(self, seconds: float) -> None:
        """As httpcore's own backend."""
        self._sockets.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's HTTP transport over a `GuardedBackend`: no proxy, checked at the connect."""

    def __init__(self, backend: GuardedBackend | None = None) -> None:
        super().__init__()
        # httpx builds its pool without a way to pass a network backend; rebuild it with one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=backend or GuardedBackend(),
        )


def guarded_client(timeout: float, backend: GuardedBackend | None = None) -> httpx.Client:
    """A client whose every connection goes only to public addresses, without redirects."""
    return httpx.Client(
        timeout=timeout, follow_redirects=False, transport=GuardedTransport(backend)
    )
