"""Watching end to end: a local thread that changes between three runs, with the real models
and a real store. Only new pictures are fetched and analysed; unchanged pages cost a 304."""

import hashlib
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from likeness_guard.core.domain.watching import PlaceKind
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.services.scanning import scan_document, scan_options
from likeness_guard.core.services.watching import (
    WatchReport,
    WatchRequest,
    WatchRunRequest,
    add_places,
    remove_places,
    run_watches,
    watch_runs,
    watched_places,
)
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.sources.local_server import LocalServer, RequestHandler


@dataclass
class Thread:
    """A forum thread whose pages change between runs; pages answer 304 to their ETag."""

    server: LocalServer
    pages: dict[str, bytes] = field(default_factory=dict)

    def set_page(
        self, path: str, images: list[str], next_path: str | None = None, *, rel: bool = True
    ) -> None:
        tags = "".join(f'<img src="{image}">' for image in images)
        relation = ' rel="next"' if rel else ""
        more = f'<a{relation} href="{next_path}">more</a>' if next_path else ""
        body = f"<!doctype html><html><body><h1>Thread</h1>{tags}{more}</body></html>".encode()
        self.pages[path] = body
        self.server.route(path, self._answer)

    def _answer(self, request: RequestHandler) -> None:
        body = self.pages[request.path.split("?")[0]]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            request.reply(304, b"", None, {"ETag": etag})
        else:
            request.reply(200, body, "text/html; charset=utf-8", {"ETag": etag})


def _mirrored(path: Path) -> bytes:
    out = io.BytesIO()
    ImageOps.mirror(Image.open(path).convert("RGB")).save(out, "JPEG", quality=92)
    return out.getvalue()


@pytest.fixture
def thread(photos: dict[str, Path]) -> Iterator[Thread]:
    server = LocalServer()
    for name in ("players", "gdp", "yaoming", "t1"):
        server.serve(f"/img/{name}.jpg", photos[name].read_bytes(), "image/jpeg")
    server.serve("/img/players-mirrored.jpg", _mirrored(photos["players"]), "image/jpeg")
    site = Thread(server)
    site.set_page("/thread", ["/img/players.jpg", "/img/gdp.jpg"])
    yield site
    server.close()


@pytest.fixture
def data(tmp_path: Path, photos: dict[str, Path]) -> Path:
    folder = tmp_path / "data"
    assert main(["--data-dir", str(folder), "enroll", str(photos["yaoming"])]) == 0
    return folder


def _run(store: Store, engine: FaceEngine, opened: list[int]) -> WatchReport:
    def open_engine() -> FaceEngine:
        opened.append(1)
        return engine

    options = scan_options(allow_private_addresses=True, workers=1)
    return run_watches(store, open_engine, WatchRunRequest(options, host_delay=0.0))


def test_three_runs_of_a_changing_thread_fetch_and_analyse_only_what_is_new(
    data: Path, thread: Thread, engine: FaceEngine
) -> None:
    server = thread.server
    with Store.open(data) as store:
        added = add_places(store, WatchRequest("me", (server.url("/thread"),), max_pages=3))
        assert [p.kind for p in added] == [PlaceKind.WEB]
        opened: list[int] = []

        first = _run(store, engine, opened).runs[0]
        assert (first.new_items, first.new_matches, first.analysed) == (2, 1, 2)
        assert first.cost.requests == 3  # the page and two pictures
        assert first.scan_id is not None
        cached = store.face_cache.count()
        seen_before = len(server.seen)

        # Run 2: nothing changed. One conditional request, answered 304; no scan, no engine.
        second = _run(store, engine, opened).runs[0]
        assert second.cost.requests == 1
        assert second.cost.not_modified == 1
        assert second.cost.bytes_fetched == 0
        assert (second.new_items, second.analysed, second.scan_id) == (0, 0, None)
        assert store.face_cache.count() == cached
        assert len(server.seen) == seen_before + 1
        assert server.seen[-1].headers["if-none-match"].startswith('"')
        assert len(opened) == 1  # the models were not even loaded for run 2

        # Run 3: a new picture on the thread, one removed, and a second page appears.
        thread.set_page("/thread", ["/img/players.jpg", "/img/yaoming.jpg"], "/thread/page/2")
        thread.set_page("/thread/page/2", ["/img/t1.jpg", "/img/players-mirrored.jpg"])
        third = _run(store, engine, opened).runs[0]
        assert third.new_items == 3
        assert third.analysed == 3
        assert third.new_matches == 2  # yaoming.jpg and the mirrored copy; players.jpg is old
        assert third.gone == 1  # gdp.jpg left the page
        assert third.cost.pages == 2
        assert store.face_cache.count() == cached + 3
        assert len(server.requests_to("/img/players.jpg")) == 1  # never downloaded again
        assert len(server.requests_to("/img/gdp.jpg")) == 1
        assert third.scan_id is not None
        document = scan_document(store, third.scan_id)
        matched = {item["source"].rsplit("/", 1)[-1] for item in document["items"] if item["match"]}
        assert matched == {"yaoming.jpg", "players-mirrored.jpg"}

        # Run 4: both pages unchanged: two requests, two 304 answers.
        fourth = _run(store, engine, opened).runs[0]
        assert (fourth.cost.requests, fourth.cost.not_modified, fourth.new_items) == (2, 2, 0)
        assert [run.id for run in watch_runs(store)][:1] == [fourth.id]


def test_a_thread_is_followed_no_further_than_its_page_cap(
    data: Path, thread: Thread, engine: FaceEngine
) -> None:
    server = thread.server
    # Numbered pages without rel="next": /forum links to /forum/page/2, which links to 3.
    thread.set_page("/forum", ["/img/gdp.jpg"], "/forum/page/2", rel=False)
    thread.set_page("/forum/page/2", ["/img/t1.jpg"], "/forum/page/3", rel=False)
    thread.set_page("/forum/page/3", ["/img/yaoming.jpg"], "/forum/page/4", rel=False)
    with Store.open(data) as store:
        add_places(store, WatchRequest("me", (server.url("/forum"),), max_pages=2))
        run = _run(store, engine, []).runs[0]
    assert run.cost.pages == 2
    assert server.requests_to("/forum/page/3") == []
    assert run.new_items == 2


def test_requests_to_one_host_are_spaced_by_the_host_delay(
    data: Path, thread: Thread, engine: FaceEngine
) -> None:
    with Store.open(data) as store:
        add_places(store, WatchRequest("me", (thread.server.url("/thread"),)))
        options = scan_options(allow_private_addresses=True, workers=1)
        started = time.monotonic()
        run_watches(store, lambda: engine, WatchRunRequest(options, host_delay=0.3))
        took = time.monotonic() - started
    assert took >= 0.6  # three requests: two pauses


def test_due_only_runs_places_whose_time_has_come_and_removal_forgets_them(
    data: Path, thread: Thread, engine: FaceEngine
) -> None:
    with Store.open(data) as store:
        add_places(
            store,
            WatchRequest("me", (thread.server.url("/thread"),), every=timedelta(hours=6)),
        )
        options = scan_options(allow_private_addresses=True, workers=1)
        assert (
            len(
                run_watches(
                    store, lambda: engine, WatchRunRequest(options, due_only=True, host_delay=0)
                ).runs
            )
            == 1
        )
        place = watched_places(store)[0]
        assert place.last_run_at is not None
        soon = place.next_run() - timedelta(minutes=1)
        later = place.next_run() + timedelta(minutes=1)
        assert (
            run_watches(
                store, lambda: engine, WatchRunRequest(options, due_only=True, now=soon)
            ).runs
            == ()
        )
        assert (
            len(
                run_watches(
                    store,
                    lambda: engine,
                    WatchRunRequest(options, due_only=True, now=later, host_delay=0),
                ).runs
            )
            == 1
        )
        assert remove_places(store, [str(place.id)]) == 1
        assert watched_places(store) == []
        assert store.db.execute("SELECT COUNT(*) FROM watch_seen").fetchone()[0] == 0


def test_reported_removals_are_checked_again_at_their_deadline_without_a_command(
    data: Path, thread: Thread, engine: FaceEngine
) -> None:
    from datetime import UTC, datetime

    from likeness_guard.core.domain.takedown import DeadlineRule
    from likeness_guard.core.services.takedown import record_takedown_request
    from likeness_guard.core.services.watching import due_follow_ups

    server = thread.server
    with Store.open(data) as store:
        add_places(store, WatchRequest("me", (server.url("/thread"),)))
        first = _run(store, engine, []).runs[0]
        assert first.new_matches == 1
        sha = next(item.sha256 for item in store.items(first.scan_id or 0) if item.match)
        assert sha is not None
        now = datetime.now(UTC)
        reported = (now - timedelta(days=3)).strftime("%Y-%m-%d")
        due = (now - timedelta(days=1)).strftime("%Y-%m-%d")
        [request] = record_takedown_request(
            store, sha[:12], "the site", reported, rule=DeadlineRule.DATE, due=due
        )
        before_deadline = now - timedelta(days=2)
        assert due_follow_ups(store, before_deadline) == set()
        options = scan_options(allow_private_addresses=True, workers=1)
        early = run_watches(store, lambda: engine, WatchRunRequest(options, now=before_deadline))
        assert early.follow_ups == ()
        asked = len(server.requests_to("/img/players.jpg"))
        # The clock passes the deadline: the next run of the watch list re-checks it.
        late = run_watches(store, lambda: engine, WatchRunRequest(options, now=now, host_delay=0))
        assert [check.url for check in late.follow_ups] == [request.url]
        assert len(server.requests_to("/img/players.jpg")) == asked + 1
        assert store.takedowns.latest_rechecks([request.url])[request.url].online
        # Checked since the deadline: not again until a week after it.
        assert due_follow_ups(store, now) == set()
        assert due_follow_ups(store, now + timedelta(days=7)) == {request.url}


def test_watch_run_due_follows_up_a_removal_whose_deadline_has_passed(
    data: Path, thread: Thread, engine: FaceEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    """What an OS schedule runs: `watch run --due` with no place due still re-checks a
    reported address once its deadline lies behind the clock (the report is dated back)."""
    from datetime import UTC, datetime

    from likeness_guard.core.domain.takedown import DeadlineRule
    from likeness_guard.core.services.takedown import record_takedown_request

    server = thread.server
    argv = ["--data-dir", str(data), "scan", server.url("/thread"), "--allow-private-addresses"]
    assert main(argv) == 0
    now = datetime.now(UTC)
    with Store.open(data) as store:
        [match] = [item for item in store.items(1) if item.match]
        assert match.sha256 is not None
        [request] = record_takedown_request(
            store,
            match.sha256[:12],
            "the site",
            (now - timedelta(days=3)).strftime("%Y-%m-%d"),
            rule=DeadlineRule.DATE,
            due=(now - timedelta(days=1)).strftime("%Y-%m-%d"),
        )
    run = ["--data-dir", str(data), "watch", "run", "--due", "--allow-private-addresses"]
    capsys.readouterr()
    assert main(run) == 0
    assert "1 reported address was checked again on time." in capsys.readouterr().out
    with Store.open(data) as store:
        assert store.takedowns.latest_rechecks([request.url])[request.url].online
    assert main(run) == 0  # checked since the deadline: not again until a week after it
    assert "checked again on time" not in capsys.readouterr().out
