"""The watch list's tables: places under watch, each page as last visited, what was already
seen at a place (addresses and files, with their SHA-256), and every run's record."""

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from likeness_guard.core.domain.records import utc_now
from likeness_guard.core.domain.watching import (
    PageMemory,
    PlaceKind,
    SeenThing,
    WatchCost,
    WatchedPlace,
    WatchRun,
)
from likeness_guard.core.storage.db import transaction


class WatchLog:
    """Reads and writes the watch tables through the store's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    # ---- places ------------------------------------------------------------------------

    def add_place(
        self, profile_id: int, place: str, kind: PlaceKind, every: timedelta, max_pages: int
    ) -> int | None:
        """Put a place on the list; returns its id, or None when it was on it already."""
        with transaction(self._db) as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO watched_places (profile_id, place, kind, every_seconds, "
                "max_pages, added_at) VALUES (?, ?, ?, ?, ?, ?)",
                (profile_id, place, str(kind), int(every.total_seconds()), max_pages, utc_now()),
            )
            return cursor.lastrowid if cursor.rowcount else None

    def places(self, profile_id: int | None = None) -> list[WatchedPlace]:
        """The places on the list (of one profile, or all), in the order they were added."""
        sql = (
            "SELECT w.*, p.name AS profile_name FROM watched_places w "
            "JOIN profiles p ON p.id = w.profile_id"
        )
        rows = (
            self._db.execute(sql + " ORDER BY w.id").fetchall()
            if profile_id is None
            else self._db.execute(sql + " WHERE w.profile_id = ? ORDER BY w.id", (profile_id,))
        )
        return [_place(row) for row in rows]

    def remove_place(self, place_id: int) -> bool:
        """Take a place off the list with everything remembered about it."""
        with transaction(self._db) as db:
            return db.execute("DELETE FROM watched_places WHERE id = ?", (place_id,)).rowcount > 0

    # ---- what a place looked like ------------------------------------------------------

    def pages(self, place_id: int) -> dict[str, PageMemory]:
        rows = self._db.execute("SELECT * FROM watch_pages WHERE place_id = ?", (place_id,))
        return {
            row["url"]: PageMemory(
                url=row["url"],
                etag=row["etag"],
                last_modified=row["last_modified"],
                images=tuple(json.loads(row["images_json"])),
                next_url=row["next_url"],
            )
            for row in rows
        }

    def seen(self, place_id: int) -> dict[str, SeenThing]:
        """Everything seen at the place and still there at the last visit, by key."""
        rows = self._db.execute(
            "SELECT key, sha256, stamp FROM watch_seen WHERE place_id = ? AND gone_at IS NULL",
            (place_id,),
        )
        return {row["key"]: SeenThing(row["key"], row["sha256"], row["stamp"]) for row in rows}

    def seen_hashes(self, place_id: int) -> set[str]:
        """The SHA-256 of every picture ever seen at the place, gone or not."""
        rows = self._db.execute(
            "SELECT DISTINCT sha256 FROM watch_seen WHERE place_id = ? AND sha256 IS NOT NULL",
            (place_id,),
        )
        return {row["sha256"] for row in rows}

    def remember_visit(
        self,
        place_id: int,
        pages: Iterable[PageMemory],
        seen: Iterable[SeenThing],
        gone: Iterable[str],
    ) -> None:
        """Keep what a run saw: each page read, each new thing seen, what went away."""
        now = utc_now()
        with transaction(self._db) as db:
            db.executemany(
                "INSERT OR REPLACE INTO watch_pages (place_id, url, etag, last_modified, "
                "images_json, next_url, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        place_id,
                        p.url,
                        p.etag,
                        p.last_modified,
                        json.dumps(p.images),
                        p.next_url,
                        now,
                    )
                    for p in pages
                ],
            )
            db.executemany(
                "INSERT INTO watch_seen (place_id, key, sha256, stamp, first_seen) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (place_id, key) DO UPDATE SET "
                "sha256 = excluded.sha256, stamp = excluded.stamp, gone_at = NULL",
                [(place_id, s.key, s.sha256, s.stamp, now) for s in seen],
            )
            db.executemany(
                "UPDATE watch_seen SET gone_at = ? WHERE place_id = ? AND key = ?",
                [(now, place_id, key) for key in gone],
            )

    # ---- runs --------------------------------------------------------------------------

    def add_run(self, run: WatchRun) -> WatchRun:
        """Record a run and move the place's last run to its start; returns it with its id."""
        cost = run.cost
        with transaction(self._db) as db:
            cursor = db.execute(
                "INSERT INTO watch_runs (place_id, started_at, finished_at, scan_id, requests, "
                "not_modified, bytes_fetched, pages, new_items, analysed, new_matches, "
                "new_possible, gone, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.place_id,
                    run.started_at,
                    run.finished_at,
                    run.scan_id,
                    cost.requests,
                    cost.not_modified,
                    cost.bytes_fetched,
                    cost.pages,
                    run.new_items,
                    run.analysed,
                    run.new_matches,
                    run.new_possible,
                    run.gone,
                    run.error,
                ),
            )
            db.execute(
                "UPDATE watched_places SET last_run_at = ? WHERE id = ?",
                (run.started_at, run.place_id),
            )
        return replace(run, id=int(cursor.lastrowid or 0))

    def runs(self, place_id: int | None = None, limit: int = 50) -> list[WatchRun]:
        """The latest runs (of one place, or all), newest first."""
        where, args = ("WHERE place_id = ?", (place_id, limit)) if place_id else ("", (limit,))
        rows = self._db.execute(f"SELECT * FROM watch_runs {where} ORDER BY id DESC LIMIT ?", args)
        return [_run(row) for row in rows]

    def scans_showing(self, url: str) -> list[int]:
        """The scans with a match found at this web address (for following up a report)."""
        rows = self._db.execute(
            "SELECT DISTINCT scan_id FROM items WHERE match = 1 AND web_json IS NOT NULL "
            "AND json_extract(web_json, '$.url') = ? ORDER BY scan_id DESC",
            (url,),
        )
        return [int(row["scan_id"]) for row in rows]


def _place(row: sqlite3.Row) -> WatchedPlace:
    return WatchedPlace(
        id=row["id"],
        profile_name=row["profile_name"],
        place=row["place"],
        kind=PlaceKind(row["kind"]),
        every=timedelta(seconds=row["every_seconds"]),
        max_pages=row["max_pages"],
        added_at=row["added_at"],
        last_run_at=row["last_run_at"],
    )


def _run(row: sqlite3.Row) -> WatchRun:
    return WatchRun(
        id=int(row["id"]),
        place_id=int(row["place_id"]),
        started_at=str(row["started_at"]),
        finished_at=str(row["finished_at"]),
        scan_id=row["scan_id"],
        cost=WatchCost(
            requests=row["requests"],
            not_modified=row["not_modified"],
            bytes_fetched=row["bytes_fetched"],
            pages=row["pages"],
        ),
        new_items=row["new_items"],
        analysed=row["analysed"],
        new_matches=row["new_matches"],
        new_possible=row["new_possible"],
        gone=row["gone"],
        error=row["error"],
    )
