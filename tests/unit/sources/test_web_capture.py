"""The HTTP exchange kept for WARC evidence is byte for byte what went over the wire."""

import gzip
import socket
import threading
from collections.abc import Iterator

import pytest

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.sources.web.fetch import Fetcher
from likeness_guard.core.sources.web.options import WebOptions

PAGE = b"<html><body>" + b"<p>gallery</p>" * 400 + b"</body></html>"


def chunked(data: bytes, size: int = 1000) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


class RawServer:
    """Answers each connection with fixed bytes and records the bytes it received."""

    def __init__(self, answers: dict[bytes, bytes]) -> None:
        self.answers = answers
        self.received: list[bytes] = []
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)  # so that the loop sees `close()` promptly
        self._stopping = threading.Event()
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(5)
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(4096)
                self.received.append(data)
                path = data.split(b" ", 2)[1]
                connection.sendall(self.answers[path])

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._socket.close()


@pytest.fixture
def server() -> Iterator[RawServer]:
    compressed = chunked(gzip.compress(PAGE))
    answers = {
        b"/old": b"HTTP/1.1 301 Moved Permanently\r\nLocation: /page?a=1&b=2\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n",
        b"/page?a=1&b=2": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nX-Seen: one\r\n"
        b"X-Seen: two\r\nConnection: close\r\n\r\n" + compressed,
    }
    running = RawServer(answers)
    yield running
    running.close()


def test_requests_and_responses_are_kept_as_sent_and_received(server: RawServer) -> None:
    fetcher = Fetcher(WebOptions(allow_private_addresses=True), CancelToken())
    try:
        fetched = fetcher.get(f"http://127.0.0.1:{server.port}/old")
    finally:
        fetcher.close()
    assert fetched.body == PAGE  # what the scan reads: decoded
    hop, final = fetched.exchange.captures
    assert [hop.request, final.request] == server.received  # requests, byte for byte
    assert hop.response == server.answers[b"/old"]
    assert hop.complete  # a redirect without a body is complete as it is
    # The response still chunked and gzip-compressed, duplicate headers in their order.
    assert final.response == server.answers[b"/page?a=1&b=2"]
    assert final.complete
    assert final.retrieved_at == fetched.exchange.retrieved_at
    assert final.url.endswith("/page?a=1&b=2")
