"""Connections that refuse addresses off the public internet, checked on the very IP used."""

# The one module that reaches into urllib3's internals: it overrides the private
# `HTTPConnection._new_conn`, which is why pyproject.toml bounds urllib3 below 3 and why
# tests/unit/sources/test_web_guard.py fails as soon as that hook stops being called.

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family, create_connection

from likeness_guard.core.sources.web.addresses import (
    is_forbidden_address,
    is_metadata_address,
    same_address,
)


class AddressRefused(Exception):
    """A host resolved to an address that is not on the public internet."""

    def __init__(self, host: str, address: str, *, metadata: bool = False) -> None:
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        # Refused although private addresses were allowed: a cloud metadata address.
        self.metadata = metadata


@dataclass(frozen=True)
class _Rules:
    allow_private: bool
    on_socket: Callable[[socket.socket], None]
    allowed: tuple[str, ...] = ()  # addresses the user named one by one


# The rules of the request being sent on this thread. Connections are created deep inside
# urllib3, which gives us no way to hand them per-request settings; a context variable does.
# Outside `connection_rules` (None) private addresses are refused and no socket is watched.
_ACTIVE_RULES: ContextVar[_Rules | None] = ContextVar(
    "likeness_guard_web_connection_rules", default=None
)


@contextmanager
def connection_rules(
    *,
    allow_private: bool,
    on_socket: Callable[[socket.socket], None],
    allowed: tuple[str, ...] = (),
) -> Iterator[None]:
    """Within the block, connections on this thread refuse private addresses unless
    `allow_private`, and cloud metadata addresses always, except the addresses named in
    `allowed`; each socket they open or reuse is handed to `on_socket`."""
    token = _ACTIVE_RULES.set(_Rules(allow_private, on_socket, tuple(allowed)))
    try:
        yield
    finally:
        _ACTIVE_RULES.reset(token)


class GuardedAdapter(HTTPAdapter):
    """requests' adapter, with connections that check addresses and obey the deadline."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        # An instance attribute: urllib3's module-level default stays untouched.
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _open_socket(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        # A kept-alive connection makes no new socket, but its reads must be watched too.
        rules = _ACTIVE_RULES.get()
        if rules is not None and self.sock is not None:
            rules.on_socket(self.sock)
        super().request(*args, **kwargs)


# HTTPSConnection.connect() calls _new_conn() for the plain socket, then wraps it in TLS.
class _GuardedHTTPSConnection(_GuardedHTTPConnection, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


def _open_socket(conn: HTTPConnection) -> socket.socket:
    """Connect for `conn`, refusing non-public addresses unless the request allows them.

    Why here and not before the request: checking a name's addresses and then letting
    urllib3 resolve it again leaves a window in which the name's DNS answer can change
    (DNS rebinding: public address at check time, 127.0.0.1 at connect time). Instead we
    resolve once, check every address, and connect to exactly the checked address, so the
    address checked is the address connected to. It runs for every new connection, and so
    for every redirect hop; a kept-alive connection was checked when it was opened. TLS still
    verifies the certificate against the host name, because only the socket is made here.
    """
    rules = _ACTIVE_RULES.get()
    # Even with private addresses allowed, each address is checked (cloud metadata stays
    # refused) and exactly the checked address is connected to.
    sock = _connect_to_checked_address(conn, rules or _Rules(False, lambda sock: None))
    if rules is not None:
        rules.on_socket(sock)
    return sock


def _refused(address: str, rules: _Rules) -> bool:
    if same_address(address, rules.allowed):
        return False  # named by the user, one by one
    if is_metadata_address(address):
        return True  # the machine's cloud credentials: never by default
    return not rules.allow_private and is_forbidden_address(address)


def _connect_to_checked_address(conn: HTTPConnection, rules: _Rules) -> socket.socket:
    host, port = conn.host, conn.port
    try:
        answers = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise NameResolutionError(host, conn, error) from error
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    # One non-public answer refuses the name: a public site has no reason to publish one,
    # and trying only the public ones would let an attacker race the order of answers.
    for address in addresses:
        if _refused(address, rules):
            metadata = rules.allow_private and is_metadata_address(address)
            raise AddressRefused(host, address, metadata=metadata)
    if not addresses:
        raise NameResolutionError(host, conn, socket.gaierror("no address for this name"))
    last_error: OSError = OSError("no address could be reached")
    for address in addresses:
        try:
            return create_connection(
                (address, port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except OSError as error:
            last_error = error
    if isinstance(last_error, TimeoutError):
        raise ConnectTimeoutError(
            conn, f"Connection to {host} timed out. (connect timeout={conn.timeout})"
        ) from last_error
    raise NewConnectionError(
        conn, f"Failed to establish a new connection: {last_error}"
    ) from last_error
