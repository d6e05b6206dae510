"""Watching: the places a person keeps under watch, runs that fetch and analyse only what is
new, and reported removals followed up on time.

`run_watches` is what `watch run [--due]`, the window's timer and an OS schedule call. Each
place's new pictures become one scan (none when nothing is new), so that matches, reports
and notices work as for any scan; a run's record keeps what it cost and found.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Protocol

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import MatchTier, ScanItem, item_tier, utc_now
from likeness_guard.core.domain.takedown import Recheck, parse_utc
from likeness_guard.core.domain.watching import (
    DEFAULT_EVERY,
    DEFAULT_PAGES,
    MAX_PAGES,
    PageMemory,
    PlaceKind,
    ScheduleState,
    SeenThing,
    WatchCost,
    WatchedPlace,
    WatchRun,
    alert_text,
)
from likeness_guard.core.pipeline.scan import ScanOptions, ScanProgress
from likeness_guard.core.services.packs import FaceEngine
from likeness_guard.core.services.scanning import find_profile
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _, ngettext

__all__ = [
    "DEFAULT_EVERY",
    "DEFAULT_PAGES",
    "ScheduleState",
    "WatchRun",
    "WatchedPlace",
    "alert_text",
]


@dataclass(frozen=True)
class WatchRequest:
    """Places to put under watch, for whose face, how often, and how many pages."""

    profile_name: str
    places: tuple[str, ...]
    every: timedelta = DEFAULT_EVERY
    max_pages: int = DEFAULT_PAGES


def place_kind(place: str) -> PlaceKind:
    """What a place is; raises UserFacingError for a path that does not exist."""
    from likeness_guard.core.sources.chat_exports import export_file
    from likeness_guard.core.sources.web import is_web_address

    if is_web_address(place):
        return PlaceKind.WEB
    if export_file(place) is not None:
        return PlaceKind.CHAT_EXPORT
    if Path(place).expanduser().is_dir():
        return PlaceKind.FOLDER
    raise UserFacingError(
        _("{place} is neither a web address, a folder nor a chat export.").format(place=place)
    )


def add_places(store: Store, request: WatchRequest) -> list[WatchedPlace]:
    """Put the places on the watch list; returns those newly added (one already there is
    left as it is). Raises UserFacingError for an unknown profile, a place that is neither
    an address, a folder nor a chat export, or a page cap outside 1 to 100."""
    if not request.places:
        raise UserFacingError(_("Give at least one web address, folder or chat export to watch."))
    if not 1 <= request.max_pages <= MAX_PAGES:
        raise UserFacingError(
            _("Follow between 1 and {most} pages of a thread.").format(most=MAX_PAGES)
        )
    profile = find_profile(store, request.profile_name)
    added_ids = []
    for place in request.places:
        kind = place_kind(place)
        text = place if kind is PlaceKind.WEB else str(Path(place).expanduser().absolute())
        new_id = store.watches.add_place(profile.id, text, kind, request.every, request.max_pages)
        if new_id is not None:
            added_ids.append(new_id)
    return [place for place in store.watches.places() if place.id in added_ids]


def watched_places(store: Store, profile_name: str | None = None) -> list[WatchedPlace]:
    """The watch list (of one profile, or everyone's), in the order places were added."""
    if profile_name is None:
        return store.watches.places()
    return store.watches.places(find_profile(store, profile_name).id)


def remove_places(store: Store, names: Sequence[str]) -> int:
    """Take places off the list (named by number or as listed); returns how many.

    Raises UserFacingError for a name that is on no list."""
    places = store.watches.places()
    removed = 0
    for name in names:
        found = [p for p in places if str(p.id) == name or p.place == name]
        if not found:
            raise UserFacingError(_("{name} is not on the watch list.").format(name=name))
        removed += sum(store.watches.remove_place(place.id) for place in found)
    return removed


def watch_runs(store: Store, place_id: int | None = None, limit: int = 50) -> list[WatchRun]:
    """The history of runs (of one place, or all), newest first."""
    return store.watches.runs(place_id, limit)


@dataclass(frozen=True)
class WatchRunRequest:
    """Which places to look at now, and how."""

    options: ScanOptions
    due_only: bool = False  # only places whose time has come
    place_ids: tuple[int, ...] = ()  # only these (empty: every place)
    follow_up: bool = True  # also re-check reported addresses whose time has come
    host_delay: float = 1.0  # seconds between two requests to one host
    now: datetime | None = None  # the clock (tests move it); None: now


@dataclass(frozen=True)
class WatchProgress:
    """Which place is being looked at, and its scan's counters once something is new."""

    place: WatchedPlace
    index: int
    total: int
    scan: ScanProgress | None = None


@dataclass(frozen=True)
class WatchReport:
    """What a run of the watch list did: one record per place, and the follow-ups made."""

    runs: tuple[WatchRun, ...]
    follow_ups: tuple[Recheck, ...] = ()

    @property
    def new_pictures(self) -> int:
        """New matches and possible matches: what an alert counts."""
        return sum(run.new_matches + run.new_possible for run in self.runs)

    def alert(self) -> str | None:
        """The notification's text (a count only), or None when there is nothing new."""
        return alert_text(self.new_pictures) if self.new_pictures else None


def run_watches(
    store: Store,
    open_engine: Callable[[], FaceEngine],
    request: WatchRunRequest,
    *,
    on_progress: Callable[[WatchProgress], None] | None = None,
    on_item: Callable[[ScanItem], None] | None = None,
    cancel: CancelToken | None = None,
) -> WatchReport:
    """Look at each place (or each that is due) for new pictures, then follow up reported
    removals whose time has come. `open_engine` is called only when something new needs
    analysing. A place that fails is recorded with its error; the others go on."""
    cancel = cancel or CancelToken()
    now = request.now or datetime.now(UTC)
    places = [
        place
        for place in store.watches.places()
        if (not request.place_ids or place.id in request.place_ids)
        and (not request.due_only or place.due(now))
    ]
    engine: list[FaceEngine] = []

    def engine_once() -> FaceEngine:
        if not engine:
            engine.append(open_engine())
        return engine[0]

    runs = []
    for index, place in enumerate(places):
        if cancel.cancelled:
            break
        if on_progress is not None:
            on_progress(WatchProgress(place, index, len(places)))
        runs.append(_run_place(store, engine_once, place, request, on_item, on_progress, cancel))
    follow_ups: list[Recheck] = []
    if request.follow_up and not cancel.cancelled:
        follow_ups = follow_up_removals(
            store,
            now=now,
            allow_private_addresses=request.options.web is not None
            and request.options.web.allow_private_addresses,
            cancel=cancel,
        )
    return WatchReport(tuple(runs), tuple(follow_ups))


class _Visited(Protocol):
    """What a visit of a place leaves to remember (sources/web/watched.py WebVisit,
    sources/watched_files.py FileVisit)."""

    handed_on: dict[str, str]
    gone: list[str]
    pages: list[PageMemory]
    same_bytes: list[SeenThing]


@dataclass
class _Findings:
    """What the scan of a run wrote: counts, and what to remember as seen."""

    kind: PlaceKind
    handed_on: dict[str, str]  # web: address -> SHA-256; files: key -> stamp
    seen: list[SeenThing] = field(default_factory=list)
    items: int = 0
    matches: int = 0
    possible: int = 0

    def take(self, item: ScanItem) -> None:
        from likeness_guard.core.sources.watched_files import item_key

        self.items += 1
        tier = item_tier(item)
        self.matches += int(item.match)
        self.possible += int(not item.match and tier is not MatchTier.NONE)
        if self.kind is PlaceKind.WEB:
            url = item.web.url if item.web is not None else item.source
            if not item.is_error and url in self.handed_on:
                self.seen.append(SeenThing(url, item.sha256))
            return
        key = item_key(item.file, item.chat)
        if key is not None and key in self.handed_on:  # read once, even when it failed
            self.seen.append(SeenThing(key, item.sha256, self.handed_on[key]))


def _run_place(
    store: Store,
    engine: Callable[[], FaceEngine],
    place: WatchedPlace,
    request: WatchRunRequest,
    on_item: Callable[[ScanItem], None] | None,
    on_progress: Callable[[WatchProgress], None] | None,
    cancel: CancelToken,
) -> WatchRun:
    from likeness_guard.core.pipeline.scan import run_scan

    started = utc_now()
    items, visit, cost_of = _visit(store, place, request, cancel)
    findings = _Findings(place.kind, visit.handed_on)
    scan_id, analysed, error = None, 0, None
    try:
        profile = find_profile(store, place.profile_name)
        first = next(items, None)
        if first is not None:
            cached_before = store.face_cache.count()

            def took(item: ScanItem) -> None:
                findings.take(item)
                if on_item is not None:
                    on_item(item)

            def progressed(progress: ScanProgress) -> None:
                if on_progress is not None:
                    on_progress(WatchProgress(place, 0, 1, progress))

            scan_id = run_scan(
                store,
                engine(),
                profile,
                [place.place],
                request.options,
                sources=chain([first], items),
                on_item=took,
                on_progress=progressed,
                cancel=cancel,
            )
            analysed = max(0, store.face_cache.count() - cached_before)
    except UserFacingError as exc:
        error = str(exc)
    gone = list(visit.gone)
    store.watches.remember_visit(place.id, visit.pages, [*findings.seen, *visit.same_bytes], gone)
    run = WatchRun(
        place_id=place.id,
        started_at=started,
        finished_at=utc_now(),
        cost=cost_of(),
        new_items=findings.items,
        analysed=analysed,
        new_matches=findings.matches,
        new_possible=findings.possible,
        gone=len(gone),
        scan_id=scan_id,
        error=error,
    )
    return store.watches.add_run(run)


def _visit(
    store: Store, place: WatchedPlace, request: WatchRunRequest, cancel: CancelToken
) -> tuple[Iterator[SourceItem], _Visited, Callable[[], WatchCost]]:
    """The place's new items (lazily: nothing is fetched before the first is asked for),
    the visit they fill in, and what the visit cost once done."""
    from likeness_guard.core.sources.watched_files import FileVisit, watch_file_items
    from likeness_guard.core.sources.web import WebOptions
    from likeness_guard.core.sources.web.watched import WatchMemory, WebVisit, watch_web_items
    from likeness_guard.core.storage.spool import spool_folder

    options = request.options
    seen = store.watches.seen(place.id)
    if place.kind is PlaceKind.WEB:
        web_visit = WebVisit()
        web = options.web or WebOptions()
        web = replace(web, spool_folder=str(spool_folder(store.folder)))
        memory = WatchMemory(
            store.watches.pages(place.id), seen, frozenset(store.watches.seen_hashes(place.id))
        )
        items = watch_web_items(
            place.place,
            place.max_pages,
            memory,
            web,
            web_visit,
            cancel=cancel,
            host_delay=request.host_delay,
        )

        def web_cost() -> WatchCost:
            return WatchCost(
                requests=web_visit.requests,
                not_modified=web_visit.not_modified,
                bytes_fetched=web_visit.bytes_fetched,
                pages=len(web_visit.pages),
            )

        return items, web_visit, web_cost
    file_visit = FileVisit()
    items = watch_file_items(
        place.place,
        chat_export=place.kind is PlaceKind.CHAT_EXPORT,
        seen=seen,
        visit=file_visit,
        max_file_bytes=options.max_file_bytes,
        never_enter=(store.folder,),
        cancel=cancel,
    )
    return items, file_visit, WatchCost


def follow_up_removals(
    store: Store,
    *,
    now: datetime | None = None,
    allow_private_addresses: bool = False,
    cancel: CancelToken | None = None,
) -> list[Recheck]:
    """Re-check each reported address whose follow-up time has come (at its deadline and a
    week later, domain/takedown.py) and that was not checked since; returns the re-checks.

    The re-check of the takedown feature does it: it fetches the matched addresses of the
    scan that found the address (and their pages), nothing else.
    """
    from likeness_guard.core.services.takedown import recheck

    now = now or datetime.now(UTC)
    due_urls = due_follow_ups(store, now)
    scans = {scans[0] for url in due_urls if (scans := store.watches.scans_showing(url))}
    results: list[Recheck] = []
    for scan_id in sorted(scans):
        if cancel is not None and cancel.cancelled:
            break
        checked = recheck(
            store, scan_id, allow_private_addresses=allow_private_addresses, cancel=cancel
        )
        results += [result for result in checked if result.url in due_urls]
    return results


def due_follow_ups(store: Store, now: datetime) -> set[str]:
    """The reported addresses with a follow-up time passed and no check since it, that
    were not found removed."""
    due: set[str] = set()
    requests = store.takedowns.requests()
    latest = store.takedowns.latest_rechecks({r.url for r in requests})
    for request in requests:
        passed = [moment for moment in request.rechecks_due() if moment <= now]
        if not passed:
            continue
        last = latest.get(request.url)
        if last is not None and (last.removed or parse_utc(last.checked_at) >= max(passed)):
            continue
        due.add(request.url)
    return due


def run_words(run: WatchRun, place: str) -> str:
    """One line for a run, for the CLI and the window's history."""
    if run.error is not None:
        return _("{place}: {error}").format(place=place, error=run.error)
    if run.new_items == 0:
        return ngettext(
            "{place}: nothing new ({requests} request).",
            "{place}: nothing new ({requests} requests).",
            run.cost.requests,
        ).format(place=place, requests=run.cost.requests)
    return ngettext(
        "{place}: {count} new picture checked, {matches} may show you.",
        "{place}: {count} new pictures checked, {matches} may show you.",
        run.new_items,
    ).format(place=place, count=run.new_items, matches=run.new_matches + run.new_possible)


def schedule_state(folder: Path) -> ScheduleState:
    """Whether the system looks at this data folder's watch list every hour while the app
    is closed (an OS schedule that runs `watch run --due`)."""
    from likeness_guard.core.scheduling import schedule_state as state

    return state(folder)


def schedule_on(folder: Path) -> ScheduleState:
    """Write and enable the OS schedule (core/scheduling.py); returns what now holds, with
    a note when a step is left to the next login or to the person.

    Raises UserFacingError when the system has no scheduler the app can use (saying what
    to do instead) or refuses it."""
    from likeness_guard.core.scheduling import turn_on

    return turn_on(folder)


def schedule_off(folder: Path) -> ScheduleState:
    """Disable and delete the OS schedule (nothing happens when there is none).

    Raises UserFacingError when its files cannot be deleted."""
    from likeness_guard.core.scheduling import turn_off

    return turn_off(folder)
