"""What an interrupted scan already finished, so that scanning again continues it."""

import json
import sqlite3
from dataclasses import dataclass

from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.skipped import SkippedLog


@dataclass(frozen=True)
class FinishedItems:
    """The items an interrupted scan already stored: their keys and the next number."""

    keys: frozenset[str]
    next_seq: int
    skipped_paths: frozenset[str]


def file_key(source: str, path: str | None, size: int | None, modified_at: str | None) -> str:
    """What identifies one item across runs: a file by path, size and time, else its source."""
    if path is not None:
        return f"file:{path}|{size}|{modified_at}"
    return f"source:{source}"


def finished_items(db: sqlite3.Connection, scan_id: int) -> FinishedItems:
    """The keys of the items `scan_id` stored (one light query, no faces)."""
    keys: set[str] = set()
    last = -1
    for source, seq, file_text in db.execute(
        "SELECT source, seq, file_json FROM items WHERE scan_id = ?", (scan_id,)
    ):
        last = max(last, int(seq))
        facts = json.loads(file_text) if file_text else None
        if isinstance(facts, dict):
            keys.add(
                file_key(source, facts.get("path"), facts.get("size"), facts.get("modified_at"))
            )
        else:
            keys.add(file_key(source, None, None, None))
    skipped = {entry.path for entry in SkippedLog(db).of_scan(scan_id)}
    return FinishedItems(frozenset(keys), last + 1, frozenset(skipped))


def reopen_scan(db: sqlite3.Connection, scan_id: int) -> None:
    """Mark an interrupted scan as running again."""
    with transaction(db):
        db.execute(
            "UPDATE scans SET status = ?, finished_at = NULL WHERE id = ?",
            (ScanStatus.RUNNING, scan_id),
        )
