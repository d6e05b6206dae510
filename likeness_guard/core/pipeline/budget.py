"""Bounds on one scan's work: decoded pixels held at once, and time spent on one item."""

import threading
import time
from collections.abc import Callable

# Decoded RGB bytes that the loader may hold ahead of the models, plus the item the models
# are working on: about 120 megapixels. One image larger than this alone is still decoded
# (its own size is capped by imaging.decode), but only once nothing else is held.
QUEUE_BYTES = 360 * 1024 * 1024
# Longest one item may take, from reading its first byte to its last face.
ITEM_SECONDS = 60.0


class PixelBudget:
    """A counting limit on decoded bytes, shared by the loader thread and the scan thread."""

    def __init__(self, limit: int = QUEUE_BYTES) -> None:
        self.limit = limit
        self._held = 0
        self.peak = 0
        self._changed = threading.Condition()

    @property
    def held(self) -> int:
        with self._changed:
            return self._held

    def acquire(self, amount: int, stopped: Callable[[], bool]) -> bool:
        """Wait until `amount` fits (or nothing else is held); False when `stopped()` first."""
        with self._changed:
            while self._held and self._held + amount > self.limit:
                if stopped():
                    return False
                self._changed.wait(0.1)
            self._take(amount)
            return True

    def adjust(self, reserved: int, actual: int) -> None:
        """Replace a reservation by what was really used (never waits)."""
        with self._changed:
            self._held -= reserved
            self._take(actual)
            self._changed.notify_all()

    def release(self, amount: int) -> None:
        with self._changed:
            self._held = max(0, self._held - amount)
            self._changed.notify_all()

    def _take(self, amount: int) -> None:
        self._held += amount
        self.peak = max(self.peak, self._held)


class ItemClock:
    """The time budget of one item, started when the item is first touched."""

    def __init__(self, seconds: float = ITEM_SECONDS) -> None:
        self.seconds = seconds
        self._started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    @property
    def expired(self) -> bool:
        return self.elapsed > self.seconds
