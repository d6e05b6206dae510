"""The takedown log: where matched addresses were reported, and every re-check of them."""

import sqlite3
from collections.abc import Iterable

from likeness_guard.core.domain.records import utc_now
from likeness_guard.core.domain.takedown import Recheck, RecheckStatus, TakedownRequest
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.rows import same_named

# The re-check fields stored as they are, in columns of the same name.
_SAME_NAMED_RECHECK_COLUMNS = (
    "scan_id url checked_at http_status sha256 error page_url page_http_status"
)


class TakedownLog:
    """Reads and writes the takedown tables through the store's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add_request(
        self, url: str, item_sha256: str, reported_to: str, reported_on: str, us_platform: bool
    ) -> TakedownRequest:
        """Record that `url` was reported; returns the record."""
        request = TakedownRequest(
            url=url,
            item_sha256=item_sha256,
            reported_to=reported_to,
            reported_on=reported_on,
            created_at=utc_now(),
            us_platform=us_platform,
        )
        with transaction(self._db) as db:
            db.execute(
                "INSERT INTO takedown_requests (url, item_sha256, reported_to, reported_on, "
                "us_platform, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (url, item_sha256, reported_to, reported_on, int(us_platform), request.created_at),
            )
        return request

    def requests(self, urls: Iterable[str] | None = None) -> list[TakedownRequest]:
        """Recorded requests (for these addresses, or all), oldest first."""
        rows = self._select("takedown_requests", urls, "id")
        return [
            TakedownRequest(
                **same_named(r, "url item_sha256 reported_to reported_on created_at"),
                us_platform=bool(r["us_platform"]),
            )
            for r in rows
        ]

    def add_recheck(self, recheck: Recheck) -> None:
        with transaction(self._db) as db:
            db.execute(
                "INSERT INTO rechecks (scan_id, url, status, checked_at, http_status, sha256, "
                "error, page_url, page_http_status, page_links_it) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    recheck.scan_id,
                    recheck.url,
                    recheck.status,
                    recheck.checked_at,
                    recheck.http_status,
                    recheck.sha256,
                    recheck.error,
                    recheck.page_url,
                    recheck.page_http_status,
                    None if recheck.page_links_it is None else int(recheck.page_links_it),
                ),
            )

    def rechecks(self, urls: Iterable[str] | None = None) -> list[Recheck]:
        """Every re-check (of these addresses, or all), oldest first: the history."""
        return [
            Recheck(
                **same_named(r, _SAME_NAMED_RECHECK_COLUMNS),
                status=RecheckStatus(r["status"]),
                page_links_it=None if r["page_links_it"] is None else bool(r["page_links_it"]),
            )
            for r in self._select("rechecks", urls, "checked_at, id")
        ]

    def latest_rechecks(self, urls: Iterable[str] | None = None) -> dict[str, Recheck]:
        """The most recent re-check of each address."""
        return {recheck.url: recheck for recheck in self.rechecks(urls)}

    def drop_orphans(self) -> None:
        """Forget requests for images no scan holds any more (after a profile was deleted)."""
        with transaction(self._db) as db:
            db.execute(
                "DELETE FROM takedown_requests WHERE item_sha256 NOT IN "
                "(SELECT sha256 FROM items WHERE sha256 IS NOT NULL)"
            )

    def _select(self, table: str, urls: Iterable[str] | None, order: str) -> list[sqlite3.Row]:
        if urls is None:
            return self._db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        wanted = list(dict.fromkeys(urls))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(
                f"SELECT * FROM {table} WHERE url IN ({marks}) ORDER BY {order}", chunk
            ).fetchall()
        rows.sort(key=lambda r: tuple(r[c.strip()] for c in order.split(",")))
        return rows
