"""Tests that the address guard still hooks into urllib3 where it relies on private API.

The guard overrides urllib3's private `HTTPConnection._new_conn` (pyproject.toml bounds
urllib3 to 2.x for that reason). If a urllib3 release renames or stops calling it, requests
would quietly connect to private addresses again; these tests fail first. The same check for
HTTPS connections is in test_web_tls.py, next to the test certificates.
"""

import inspect
import socket
from importlib.metadata import version

import pytest
from urllib3.connection import HTTPConnection, HTTPSConnection

from likeness_guard.core.sources.web.guard import AddressRefused, connection_rules
from likeness_guard.core.sources.web.http_client import new_http_session
from likeness_guard.core.sources.web.options import WebOptions

from .local_server import LocalServer


def test_urllib3_still_has_the_private_hook_the_guard_overrides() -> None:
    major = version("urllib3").split(".")[0]
    assert major == "2", "review guard.py before allowing another urllib3 major version"
    for connection in (HTTPConnection, HTTPSConnection):
        hook = getattr(connection, "_new_conn", None)
        assert callable(hook), connection
        assert list(inspect.signature(hook).parameters) == ["self"], connection


def test_a_real_session_to_loopback_is_refused_by_the_guard(
    server: LocalServer, photo_bytes: dict[str, bytes]
) -> None:
    url = server.serve("/a.jpg", photo_bytes["gdp"], "image/jpeg")
    session = new_http_session(WebOptions())
    try:
        # Not wrapped by requests: urllib3 only wraps the errors it knows.
        with pytest.raises(AddressRefused, match=r"127\.0\.0\.1, which is not a public address"):
            session.get(url, timeout=2)
    finally:
        session.close()

    assert server.seen == []


def test_every_connection_a_session_opens_or_reuses_is_handed_over(
    server: LocalServer, photo_bytes: dict[str, bytes]
) -> None:
    url = server.serve("/a.jpg", photo_bytes["gdp"], "image/jpeg")
    handed: list[tuple[str, int]] = []

    def on_socket(sock: socket.socket) -> None:
        handed.append(sock.getsockname())

    session = new_http_session(WebOptions())
    try:
        with connection_rules(allow_private=True, on_socket=on_socket):
            for _ in range(2):
                response = session.get(url, timeout=2)
                assert response.content == photo_bytes["gdp"]
    finally:
        session.close()

    # Opened once (through `_new_conn`), then kept alive and reused (through `request`): the
    # same local end both times, so a deadline can cut a slow reused connection off too.
    assert len(handed) == 2
    assert handed[0] == handed[1]
    assert len(server.requests_to("/a.jpg")) == 2
