"""Saying what changed to a screen reader: accessibility announcements (NVDA, VoiceOver and
Orca read them without moving the focus), and a scan's progress said now and then, not on
every file."""

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

from likeness_guard.locale import ngettext

# How often a running scan's progress is said at most, and at which share of the work: often
# enough to know it is moving, rarely enough not to drown everything else out.
PROGRESS_EVERY_SECONDS = 15.0
PROGRESS_STEP = 0.25


class Announcer:
    """Announces sentences on behalf of `widget`; the same sentence twice in a row is said
    once. Keeps the last few, which is what a person would have heard (the tests read it)."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.said: deque[str] = deque(maxlen=20)

    def say(self, text: str, *, urgent: bool = False) -> None:
        if not text or (self.said and self.said[-1] == text):
            return
        self.said.append(text)
        event = QAccessibleAnnouncementEvent(self.widget, text)
        if urgent:  # an error interrupts; anything else waits for the reader to finish
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(event)


def progress_sentence(done: int, total: int, matches: int) -> str:
    """ "40 of 120 files checked. 2 matches so far." — two whole sentences, each plural on
    its own count."""
    checked = ngettext(
        "{done} of {total} file checked.", "{done} of {total} files checked.", total
    ).format(done=done, total=total)
    found = ngettext("{count} match so far.", "{count} matches so far.", matches).format(
        count=matches
    )
    return f"{checked} {found}"


class ProgressAnnouncer:
    """Says a scan's progress when a quarter more of it is done, at most every 15 s, and
    whenever the first match arrives."""

    def __init__(self, announcer: Announcer, clock: Callable[[], float] = time.monotonic) -> None:
        self.announcer = announcer
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self._said_at: float | None = None
        self._said_share = 0.0
        self._said_matches = 0

    def progress(self, done: int, total: int, matches: int) -> None:
        now = self.clock()
        share = done / total if total else 0.0
        first_match = matches > 0 and self._said_matches == 0
        due = (
            self._said_at is None
            or (share - self._said_share >= PROGRESS_STEP
                and now - self._said_at >= PROGRESS_EVERY_SECONDS)
        )  # fmt: skip
        if due or first_match:
            self.announcer.say(progress_sentence(done, total, matches))
            self._said_at, self._said_share, self._said_matches = now, share, matches
