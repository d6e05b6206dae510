"""A real HTTP(S) server on 127.0.0.1 for the web source tests, with a handler per path."""

import socket
import ssl
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Handler = Callable[["RequestHandler"], None]


@dataclass(frozen=True)
class SeenRequest:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]  # names in lower case


class RequestHandler(BaseHTTPRequestHandler):
    """Routes GET requests to the handlers registered on the owning `LocalServer`."""

    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    server: "_Server"

    def do_GET(self) -> None:
        owner = self.server.owner
        path = urlsplit(self.path).path
        headers = {name.lower(): value for name, value in self.headers.items()}
        with owner.lock:
            owner.seen.append(SeenRequest(path=self.path, headers=headers))
            handler = owner.routes.get(path)
        if handler is None:
            self.reply(404, b"not here", "text/plain")
        else:
            handler(self)

    def reply(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send a complete response with a Content-Length."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def pause(self, seconds: float) -> bool:
        """Wait, but wake when the server stops; True when it is stopping."""
        return self.server.owner.stopping.wait(seconds)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


class _Server(ThreadingHTTPServer):
    # Handler threads that stall on purpose must not keep the test process alive.
    daemon_threads = True
    owner: "LocalServer"

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        # Clients hanging up mid-answer is what many tests provoke; anything else is printed.
        if not isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError | TimeoutError):
            super().handle_error(request, client_address)


class LocalServer:
    """Serves registered paths on 127.0.0.1:<free port> until `close()`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Handler] = {}
        self.seen: list[SeenRequest] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), RequestHandler)
        self._server.owner = self
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = int(self._server.server_address[1])
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler) -> str:
        """Serve `path` with `handler`; returns its URL."""
        with self.lock:
            self.routes[path] = handler
        return self.url(path)

    def serve(
        self,
        path: str,
        body: bytes,
        content_type: str | None = "application/octet-stream",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve fixed bytes at `path`; returns its URL."""
        return self.route(path, lambda request: request.reply(status, body, content_type, headers))

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.serve(path, b"", None, status=status, headers={"Location": location})

    def requests_to(self, path: str) -> list[SeenRequest]:
        with self.lock:
            return [seen for seen in self.seen if urlsplit(seen.path).path == path]

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
