"""A wall-clock limit on one request, which also makes a cancel land mid-download."""

import contextlib
import socket
import threading
import time

from likeness_guard.core.domain.cancel import CancelToken

# How often the deadline thread looks at the cancel token; bounds how late a cancel lands.
_CANCEL_POLL_SECONDS = 0.1


class Deadline:
    """Bounds one request in wall-clock time and makes cancel land mid-download.

    Socket timeouts only bound each single read: a server sending one byte every few seconds
    never trips them. When the deadline passes or the scan is cancelled, a helper thread shuts
    the connection's socket down, which wakes the blocked read at once. It starts running when
    made, and must be stopped with `stop()`.
    """

    def __init__(self, seconds: float, cancel: CancelToken) -> None:
        self.period = seconds
        self.expired = False
        self.cancelled = False
        self._cancel = cancel
        self._lock = threading.Lock()
        self._ends_at = time.monotonic() + seconds
        self._done = threading.Event()
        self._sockets: dict[int, socket.socket] = {}
        self._thread = threading.Thread(target=self._watch, name="web-deadline", daemon=True)
        self._thread.start()

    def rearm(self, seconds: float) -> None:
        """Start counting again, from now, for `seconds`."""
        with self._lock:
            self.period = seconds
            self._ends_at = time.monotonic() + seconds

    def attach(self, sock: socket.socket) -> None:
        """Watch a connection's socket until `stop()`."""
        with self._lock:
            if sock.fileno() in self._sockets or self._done.is_set():
                return
            try:
                # A duplicate descriptor: shutdown() acts on the connection itself, and still
                # works after the TLS layer has taken the original socket object over.
                duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
            except OSError:
                return
            self._sockets[sock.fileno()] = duplicate
            fired = self.expired or self.cancelled
        if fired:
            _shutdown(duplicate)

    def stop(self) -> None:
        """End the helper thread and let go of the sockets; `expired`/`cancelled` stay."""
        self._done.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            sockets, self._sockets = list(self._sockets.values()), {}
        for duplicate in sockets:
            duplicate.close()

    def _watch(self) -> None:
        while True:
            with self._lock:
                remaining = self._ends_at - time.monotonic()
            if remaining <= 0:
                self._fire(expired=True)
                return
            if self._done.wait(min(remaining, _CANCEL_POLL_SECONDS)):
                return
            if self._cancel.cancelled:
                self._fire(expired=False)
                return

    def _fire(self, *, expired: bool) -> None:
        with self._lock:
            if expired:
                self.expired = True
            else:
                self.cancelled = True
            sockets = list(self._sockets.values())
        for duplicate in sockets:
            _shutdown(duplicate)


def _shutdown(sock: socket.socket) -> None:
    # OSError: already closed by the other side, nothing left to wake.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
