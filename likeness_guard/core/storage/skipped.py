"""The entries a scan met but did not read, and why (its "skipped" list)."""

import sqlite3

from likeness_guard.core.domain.records import SkippedEntry
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.storage.db import transaction


class SkippedLog:
    """Skipped entries per scan, in the order met."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, scan_id: int, entry: SkippedEntry) -> None:
        with transaction(self._db) as db:
            db.execute(
                "INSERT INTO skipped_entries (scan_id, path, reason) VALUES (?, ?, ?)",
                (scan_id, storable(entry.path), entry.reason),
            )

    def of_scan(self, scan_id: int) -> list[SkippedEntry]:
        rows = self._db.execute(
            "SELECT path, reason FROM skipped_entries WHERE scan_id = ? ORDER BY id", (scan_id,)
        )
        return [SkippedEntry(row[0], row[1]) for row in rows]
