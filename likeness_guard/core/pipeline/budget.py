"""The time one scan item may take."""

import time

# Longest one item may take, from the start of its analysis to its last face.
ITEM_SECONDS = 60.0


class ItemClock:
    """The time budget of one item, started when its analysis starts."""

    def __init__(self, seconds: float = ITEM_SECONDS) -> None:
        self.seconds = seconds
        self._started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    @property
    def expired(self) -> bool:
        return self.elapsed > self.seconds
