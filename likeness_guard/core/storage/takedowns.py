"""The takedown log: where matched addresses were reported, every re-check of them, and the
HTTP exchanges each re-check made (rows here, bytes in the evidence folder)."""

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace

from likeness_guard.core.domain.records import KeptExchange, utc_now
from likeness_guard.core.domain.takedown import (
    DeadlineRule,
    PageStatus,
    Recheck,
    RecheckStatus,
    TakedownRequest,
)
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.rows import (
    EXCHANGE_COLUMNS,
    exchange_row,
    kept_exchange,
    same_named,
)

log = logging.getLogger(__name__)

# The re-check fields stored as they are, in columns of the same name.
_SAME_NAMED_RECHECK_COLUMNS = (
    "scan_id url checked_at http_status sha256 error page_url page_http_status pdq_distance"
)


class TakedownLog:
    """Reads and writes the takedown tables through the store's connection."""

    def __init__(self, db: sqlite3.Connection, evidence: EvidenceFolder) -> None:
        self._db = db
        self._evidence = evidence

    def add_request(
        self,
        url: str,
        item_sha256: str,
        reported_to: str,
        reported_on: str,
        rule: DeadlineRule,
        due_at: str | None = None,
    ) -> TakedownRequest:
        """Record that `url` was reported, with the deadline rule chosen; returns the record."""
        request = TakedownRequest(
            url=url,
            item_sha256=item_sha256,
            reported_to=reported_to,
            reported_on=reported_on,
            created_at=utc_now(),
            us_platform=rule is DeadlineRule.US_48H,
            deadline_rule=rule,
            due_at=due_at,
        )
        with transaction(self._db) as db:
            db.execute(
                "INSERT INTO takedown_requests (url, item_sha256, reported_to, reported_on, "
                "us_platform, created_at, deadline_rule, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    url,
                    item_sha256,
                    reported_to,
                    reported_on,
                    int(request.us_platform),
                    request.created_at,
                    str(rule),
                    due_at,
                ),
            )
        return request

    def requests(self, urls: Iterable[str] | None = None) -> list[TakedownRequest]:
        """Recorded requests (for these addresses, or all), oldest first."""
        rows = self._select("takedown_requests", urls, "id")
        return [
            TakedownRequest(
                **same_named(r, "url item_sha256 reported_to reported_on created_at due_at"),
                us_platform=bool(r["us_platform"]),
                deadline_rule=DeadlineRule(r["deadline_rule"]) if r["deadline_rule"] else None,
            )
            for r in rows
        ]

    def add_recheck(self, recheck: Recheck, kept: Sequence[KeptExchange] = ()) -> Recheck:
        """Record a re-check and keep the exchanges it made; returns it with their count."""
        captures = [exchange_row(entry, self._evidence.put) for entry in kept]
        with transaction(self._db) as db:
            cursor = db.execute(
                "INSERT INTO rechecks (scan_id, url, status, checked_at, http_status, sha256, "
                "error, page_url, page_http_status, page_links_it, page_status, pdq_distance) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    None if recheck.page_status is None else str(recheck.page_status),
                    recheck.pdq_distance,
                ),
            )
            db.executemany(
                f"INSERT INTO recheck_captures (recheck_id, {EXCHANGE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(cursor.lastrowid, *capture) for capture in captures],
            )
        return replace(recheck, kept_records=len(captures), record_id=cursor.lastrowid)

    def rechecks(self, urls: Iterable[str] | None = None) -> list[Recheck]:
        """Every re-check (of these addresses, or all), oldest first: the history."""
        rows = self._select("rechecks", urls, "checked_at, id")
        counts = self._capture_counts([r["id"] for r in rows])
        return [
            Recheck(
                **same_named(r, _SAME_NAMED_RECHECK_COLUMNS),
                status=RecheckStatus(r["status"]),
                page_links_it=None if r["page_links_it"] is None else bool(r["page_links_it"]),
                page_status=PageStatus(r["page_status"]) if r["page_status"] else None,
                kept_records=counts.get(r["id"], 0),
                record_id=r["id"],
            )
            for r in rows
        ]

    def latest_rechecks(self, urls: Iterable[str] | None = None) -> dict[str, Recheck]:
        """The most recent re-check of each address."""
        return {recheck.url: recheck for recheck in self.rechecks(urls)}

    def recheck_exchanges(self, recheck_ids: Iterable[int]) -> list[KeptExchange]:
        """The exchanges kept by these re-checks, in the order made; those whose bytes are
        gone are skipped."""
        rows = self._where_in("SELECT * FROM recheck_captures WHERE recheck_id", recheck_ids)
        kept = []
        for row in sorted(rows, key=lambda r: int(r["id"])):
            entry = kept_exchange(row, self._evidence.get)
            if entry is None:
                log.warning("the kept re-check exchange %s is missing", row["id"])
                continue
            kept.append(entry)
        return kept

    def drop_orphans(self) -> None:
        """Forget requests for images no scan holds any more (after a profile was deleted)."""
        with transaction(self._db) as db:
            db.execute(
                "DELETE FROM takedown_requests WHERE item_sha256 NOT IN "
                "(SELECT sha256 FROM items WHERE sha256 IS NOT NULL)"
            )

    def _capture_counts(self, recheck_ids: list[int]) -> dict[int, int]:
        rows = self._where_in(
            "SELECT recheck_id, COUNT(*) FROM recheck_captures WHERE recheck_id",
            recheck_ids,
            "GROUP BY recheck_id",
        )
        return {row[0]: row[1] for row in rows}

    def _where_in(self, query: str, values: Iterable[object], tail: str = "") -> list[sqlite3.Row]:
        """`query` + " IN (values) " + `tail`, in chunks (SQLite's limit on bound
        parameters)."""
        wanted = list(dict.fromkeys(values))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(f"{query} IN ({marks}) {tail}", chunk).fetchall()
        return rows

    def _select(self, table: str, urls: Iterable[str] | None, order: str) -> list[sqlite3.Row]:
        if urls is None:
            return self._db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        rows = self._where_in(f"SELECT * FROM {table} WHERE url", urls)
        rows.sort(key=lambda r: tuple(r[c.strip()] for c in order.split(",")))
        return rows
