"""Keep each HTTP exchange as it went over the wire, for WARC evidence of matched images.

The request is written out from what was sent: the request line, the Host header that
http.client adds first, then the session's headers in order (a test compares this with the
bytes a server received). The response keeps the status line and headers as parsed by
http.client (names, values and order as received) and every body byte read from the socket,
before urllib3 undoes chunked transfer and gzip: `requests` offers no public way to see
those bytes, so `ResponseRecorder` tees the socket file of `http.client.HTTPResponse`, the
object `requests` itself reaches through `raw._original_response`.
tests/unit/sources/test_web_capture.py fails as soon as that stops capturing the body.
"""

import socket
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from likeness_guard.core.domain.records import RawHttpExchange

_DEFAULT_PORTS = {"http": 80, "https": 443}


def request_bytes(prepared: requests.PreparedRequest) -> bytes:
    """The request line and headers of a GET as urllib3 and http.client send them."""
    parts = urlsplit(prepared.url or "")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal goes back into brackets
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    lines = [f"{prepared.method or 'GET'} {target} HTTP/1.1"]
    if "Host" not in prepared.headers:
        lines.append(f"Host: {host}")
    lines += [f"{name}: {value}" for name, value in prepared.headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


class _TeeReader:
    """A socket file that copies every byte read through it into `sink`."""

    def __init__(self, wrapped: Any, sink: bytearray) -> None:
        self._wrapped = wrapped
        self._sink = sink

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._wrapped.read(size)
        self._sink += data
        return data

    def read1(self, size: int = -1) -> bytes:
        data: bytes = self._wrapped.read1(size)
        self._sink += data
        return data

    def readline(self, size: int = -1) -> bytes:
        data: bytes = self._wrapped.readline(size)
        self._sink += data
        return data

    def readinto(self, buffer: Any) -> int:
        count: int = self._wrapped.readinto(buffer)
        if count:
            self._sink += bytes(memoryview(buffer)[:count])
        return count

    def __getattr__(self, name: str) -> Any:  # peek, close, fileno, closed...
        return getattr(self._wrapped, name)


class ResponseRecorder:
    """Records one response (and the request that asked for it) while its body is read."""

    def __init__(self, response: requests.Response, ip_address: str | None = None) -> None:
        self._response = response
        self._retrieved_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._body = bytearray()
        self._head = b""
        self._bodiless = False  # http.client knew there was no body (Content-Length: 0)
        self._ip_address = ip_address  # the server's, as connected to
        original = getattr(response.raw, "_original_response", None)
        if original is not None:
            self._head = _response_head(original)
            if getattr(original, "fp", None) is not None:
                original.fp = _TeeReader(original.fp, self._body)
            else:
                self._bodiless = True

    def finish(self, *, complete: bool, retrieved_at: str | None = None) -> RawHttpExchange:
        """The exchange with the body bytes read so far; `complete` when all were read.

        `retrieved_at` (ISO 8601 UTC) defaults to when the recorder was made.
        """
        request = self._response.request
        return RawHttpExchange(
            url=str(request.url or self._response.url),
            retrieved_at=retrieved_at or self._retrieved_at,
            request=request_bytes(request),
            response=self._head + bytes(self._body),
            complete=(complete or self._bodiless) and bool(self._head),
            ip_address=self._ip_address,
        )


def peer_address(sock: socket.socket) -> str | None:
    """The IP address a connected socket talks to, as the operating system connected it
    (guard.py connects to exactly the address it checked); None when it is not connected."""
    try:
        peer = sock.getpeername()
    except OSError:
        return None
    return str(peer[0]) if isinstance(peer, tuple) and peer else None


def _response_head(original: Any) -> bytes:
    """Status line and headers of an http.client response, as it received them."""
    version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(getattr(original, "version", 11), "HTTP/1.1")
    lines = [f"{version} {original.status} {original.reason}"]
    lines += [f"{name}: {value}" for name, value in original.msg.items()]
    # http.client decoded the header block as ISO-8859-1, so this gives back its bytes.
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
