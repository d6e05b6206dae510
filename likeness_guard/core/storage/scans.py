"""The scans table: one row per scan, its settings and status, and counts of its items."""

import json
import sqlite3
from collections.abc import Callable, Iterable

from likeness_guard.core.domain.records import (
    ModelPackInfo,
    Profile,
    Scan,
    ScanCounts,
    ScanStatus,
    utc_now,
)
from likeness_guard.core.domain.serialize import model_pack_from_json, model_pack_json
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.storage.db import marks, transaction
from likeness_guard.core.storage.rows import same_named


class ScanRecords:
    """Scans, through `self._db` (one connection, one thread)."""

    _db: sqlite3.Connection

    def create_scan(
        self,
        profile: Profile,
        *,
        threshold: float,
        preset: str | None,
        model_pack: ModelPackInfo,
        inputs: Iterable[str],
        before_visible: Callable[[int], None] | None = None,
    ) -> int:
        """Record a new running scan; returns its id.

        `before_visible(scan_id)` runs before the row is committed (the scan takes its
        "alive" lock there, so no other process ever sees it running without its lock and
        marks it interrupted); when it raises, no scan is recorded.
        """
        with transaction(self._db) as db:
            cursor = db.execute(
                "INSERT INTO scans (profile_id, profile_name, threshold, preset, model_pack, "
                "inputs, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    profile.id,
                    profile.name,
                    threshold,
                    preset,
                    json.dumps(model_pack_json(model_pack)),
                    json.dumps([storable(text) for text in inputs]),
                    ScanStatus.RUNNING,
                    utc_now(),
                ),
            )
            assert cursor.lastrowid is not None
            if before_visible is not None:
                before_visible(cursor.lastrowid)
            return cursor.lastrowid

    def finish_scan(self, scan_id: int, status: ScanStatus) -> None:
        with transaction(self._db) as db:
            db.execute(
                "UPDATE scans SET status = ?, finished_at = ? WHERE id = ?",
                (status, utc_now(), scan_id),
            )

    def scan(self, scan_id: int) -> Scan | None:
        row = self._db.execute("SELECT * FROM scans WHERE id = ?", (scan_id,)).fetchone()
        return _scan(row) if row else None

    def scans(self, profile_id: int | None = None) -> list[Scan]:
        """Scans, newest first."""
        if profile_id is None:
            rows = self._db.execute("SELECT * FROM scans ORDER BY id DESC")
        else:
            rows = self._db.execute(
                "SELECT * FROM scans WHERE profile_id = ? ORDER BY id DESC", (profile_id,)
            )
        return [_scan(r) for r in rows]

    def last_scan_id(self) -> int | None:
        row = self._db.execute("SELECT MAX(id) FROM scans").fetchone()
        return int(row[0]) if row[0] is not None else None

    def scan_counts(self, scan_ids: Iterable[int]) -> dict[int, ScanCounts]:
        """Items, errors, matches and faces of each scan, in two queries for all of them."""
        ids = list(scan_ids)
        counts = {scan_id: ScanCounts() for scan_id in ids}
        if not ids:
            return counts
        placeholders = marks(ids)
        faces = dict(
            self._db.execute(
                "SELECT i.scan_id, COUNT(*) FROM faces f JOIN items i ON f.item_id = i.id "
                f"WHERE i.scan_id IN ({placeholders}) GROUP BY i.scan_id",
                ids,
            ).fetchall()
        )
        for row in self._db.execute(
            "SELECT scan_id, COUNT(*), SUM(status = 'error'), SUM(match) FROM items "
            f"WHERE scan_id IN ({placeholders}) GROUP BY scan_id",
            ids,
        ):
            counts[row[0]] = ScanCounts(
                items=int(row[1]),
                errors=int(row[2] or 0),
                matches=int(row[3] or 0),
                faces=int(faces.get(row[0], 0)),
            )
        return counts

    def mark_interrupted_scans(self, is_dead: Callable[[int], bool]) -> int:
        """Mark scans left "running" by a killed process as interrupted; returns how many.

        `is_dead(scan_id)` tells whether a scan's process is gone (its lock is free), so a
        scan running in another window or terminal is left alone.
        """
        running = self._db.execute("SELECT id FROM scans WHERE status = ?", (ScanStatus.RUNNING,))
        dead = [row[0] for row in running.fetchall() if is_dead(row[0])]
        if not dead:
            return 0
        with transaction(self._db) as db:
            return db.execute(
                "UPDATE scans SET status = ?, finished_at = COALESCE(finished_at, ?) "
                f"WHERE status = ? AND id IN ({marks(dead)})",
                (ScanStatus.INTERRUPTED, utc_now(), ScanStatus.RUNNING, *dead),
            ).rowcount


def _scan(row: sqlite3.Row) -> Scan:
    return Scan(
        **same_named(row, "id profile_id profile_name threshold preset started_at finished_at"),
        model_pack=model_pack_from_json(json.loads(row["model_pack"])),
        inputs=tuple(json.loads(row["inputs"])),
        status=ScanStatus(row["status"]),
    )
