"""A cancellation token shared between a job and whoever started it."""

import threading


class CancelToken:
    """Set once by the caller (the GUI, Ctrl-C); checked by jobs between items."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early on cancel; returns True when cancelled."""
        return self._event.wait(seconds)
