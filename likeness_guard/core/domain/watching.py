"""The watch list: places kept under watch, how often, and what each run found (with JSON).

A place is a web page or thread (with its next pages, up to a cap), a direct image or video
address, a local folder, or a chat export. A run fetches and analyses only what is new since
the last visit; its record says what that cost (requests, answers "not modified", bytes)
and what it found.
"""

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.takedown import parse_utc
from likeness_guard.locale import _

DEFAULT_EVERY = timedelta(days=1)
DEFAULT_PAGES = 5  # a thread's first page and up to four next pages
MAX_PAGES = 100
SHORTEST_EVERY = timedelta(minutes=15)  # more often than this is unkind to a site

_EVERY = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class PlaceKind(enum.StrEnum):
    """What a watched place is (a JSON and storage value)."""

    WEB = "web"  # a page or thread, or a direct image or video address
    FOLDER = "folder"
    CHAT_EXPORT = "chat-export"


def parse_every(text: str) -> timedelta:
    """How often to look, from "30m", "6h", "1d" or "2w".

    Raises ValueError with a message for the person for anything else or under 15 minutes.
    """
    found = _EVERY.match(text)
    if found is None:
        raise ValueError(
            _(
                "How often to look takes a number and a unit, such as 6h, 1d or 7d, not {text}."
            ).format(text=text)
        )
    every = timedelta(**{_UNITS[found.group(2).lower()]: int(found.group(1))})
    if every < SHORTEST_EVERY:
        raise ValueError(_("Look at most every 15 minutes: more often is unkind to a site."))
    return every


def every_text(every: timedelta) -> str:
    """A period as `parse_every` reads it: 6h, 1d, 2w."""
    seconds = int(every.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


@dataclass(frozen=True)
class WatchedPlace:
    """One place on the watch list."""

    id: int
    profile_name: str
    place: str  # the address or path as the person gave it
    kind: PlaceKind
    every: timedelta
    max_pages: int
    added_at: str  # ISO 8601 UTC
    last_run_at: str | None = None

    def next_run(self) -> datetime:
        """When the place is due: a period after the last run (or when it was added)."""
        if self.last_run_at is None:
            return parse_utc(self.added_at)
        return parse_utc(self.last_run_at) + self.every

    def due(self, now: datetime) -> bool:
        return self.last_run_at is None or self.next_run() <= now


@dataclass(frozen=True)
class WatchCost:
    """What a run of one place sent and received."""

    requests: int = 0
    not_modified: int = 0  # answers 304: the page had not changed
    bytes_fetched: int = 0
    pages: int = 0  # pages read (changed or not)


@dataclass(frozen=True)
class WatchRun:
    """One run of one place: what it cost and what it found."""

    place_id: int
    started_at: str
    finished_at: str
    cost: WatchCost
    new_items: int = 0  # items handed to the scan (new addresses, new or changed files)
    analysed: int = 0  # of those, bytes never analysed before (the others came from the cache)
    new_matches: int = 0
    new_possible: int = 0  # possible matches, below the match threshold
    gone: int = 0  # pictures on the page last time and no longer there
    scan_id: int | None = None  # None when nothing was new
    error: str | None = None
    id: int = 0


@dataclass(frozen=True)
class PageMemory:
    """A page as it was at the last visit: its validators, pictures and next page."""

    url: str
    etag: str | None
    last_modified: str | None
    images: tuple[str, ...]
    next_url: str | None


@dataclass(frozen=True)
class SeenThing:
    """An address or file already seen at a place: its bytes' SHA-256, and for a file the
    size and time it had (`stamp`), so that an unchanged file is not read again."""

    key: str
    sha256: str | None
    stamp: str | None = None


def place_json(place: WatchedPlace) -> JsonDict:
    """A watched place as `watch list --json` writes it."""
    return {
        "id": place.id,
        "place": place.place,
        "kind": str(place.kind),
        "profile": place.profile_name,
        "every": every_text(place.every),
        "max_pages": place.max_pages,
        "added_at": place.added_at,
        "last_run_at": place.last_run_at,
        "next_run_at": place.next_run().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def run_json(run: WatchRun) -> JsonDict:
    """One run as `watch run --json` writes it."""
    return {
        "place_id": run.place_id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "requests": run.cost.requests,
        "not_modified": run.cost.not_modified,
        "bytes_fetched": run.cost.bytes_fetched,
        "pages": run.cost.pages,
        "new_items": run.new_items,
        "analysed": run.analysed,
        "new_matches": run.new_matches,
        "new_possible_matches": run.new_possible,
        "gone": run.gone,
        "scan_id": run.scan_id,
        "error": run.error,
    }


def alert_text(new_pictures: int) -> str:
    """What a desktop notification says: a count only, never a picture, a name or a site
    (it may show on a locked screen)."""
    from likeness_guard.locale import ngettext

    return ngettext(
        "{count} new picture may show you — open Likeness Guard.",
        "{count} new pictures may show you — open Likeness Guard.",
        new_pictures,
    ).format(count=new_pictures)


class ScheduleSystem(enum.StrEnum):
    """Which OS scheduler runs `watch run --due` while the app is closed."""

    SYSTEMD = "systemd"  # a systemd user timer (Linux)
    LAUNCHD = "launchd"  # a launchd agent (macOS)
    TASK_SCHEDULER = "task-scheduler"  # a Task Scheduler task (Windows)


@dataclass(frozen=True)
class ScheduleState:
    """Whether the OS looks at the watch list every hour, and what the app wrote for it."""

    system: ScheduleSystem
    on: bool  # written and enabled: it runs (now, or from the next login: see `active_now`)
    active_now: bool = False  # the scheduler took it at once (not only from the next login)
    files: tuple[str, ...] = ()  # the schedule's files, as written
    note: str | None = None  # what the person should know (a step the app could not take)
