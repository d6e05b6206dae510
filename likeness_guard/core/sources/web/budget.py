"""Time budgets for web addresses: one for the whole scan, one per page with its images.

Each request already has its own limit (connect, read, and a wall-clock deadline), but a
page of 200 images that each answer slowly, or "503, try again in an hour", could still
hold a scan for hours. The budget bounds the sum: each request's deadline and each wait
before a retry is cut to what is left of it, and once it runs out, the images not fetched
yet are listed with the reason instead of being fetched.
"""

import math
import time


class WebBudget:
    """What is left of the scan's and the current page's time."""

    def __init__(self, scan_seconds: float, page_seconds: float) -> None:
        self.scan_seconds = scan_seconds
        self.page_seconds = page_seconds
        self._scan_ends = time.monotonic() + scan_seconds
        self._page_ends = math.inf

    def start_page(self) -> None:
        """A given page (with its images) starts now: it gets `page_seconds` at most."""
        self._page_ends = time.monotonic() + self.page_seconds

    def remaining(self) -> float:
        """Seconds left before the nearer of the two limits (0 when one has passed)."""
        return max(0.0, min(self._scan_ends, self._page_ends) - time.monotonic())

    @property
    def exhausted(self) -> bool:
        return self.remaining() <= 0.0

    def message(self) -> str:
        """Why an address was not fetched, once the budget ran out."""
        if time.monotonic() >= self._scan_ends:
            return (
                f"not fetched: the scan's time limit for web addresses ({self.scan_seconds:.0f}"
                " s) was reached; scan this address again on its own to check it"
            )
        return (
            f"not fetched: the time limit for one page and its images ({self.page_seconds:.0f}"
            " s) was reached; scan this address on its own to check it"
        )
