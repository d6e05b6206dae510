"""Deleting for good, even on a full disk and across a crash: the order and the journal.

The order: take the locks (a scan of the same person stops first), write the journal,
delete the kept images that only this deletion's rows refer to (which frees space), then
the rows, then compact. A full disk never blocks the deletion itself: compaction is
postponed to the next start, and forgetting everything falls back to overwriting the
database files where they lie and removing them. Whatever a crash interrupts, the journal
lets the next start finish (`finish_pending`).
"""

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.storage.connection import transaction
from likeness_guard.core.storage.crypto import wipe_file, wipe_tree
from likeness_guard.core.storage.journal import DeletionJournal, PendingDeletion
from likeness_guard.core.storage.lock import FolderLocks

if TYPE_CHECKING:
    from likeness_guard.core.storage.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

FULL_DISK_PROFILE = (
    "The disk is full. The images kept for this person were deleted, but their entries "
    "could not be removed from the database yet. Free some space: the deletion is "
    "finished automatically the next time Likeness Guard starts (or run forget again)."
)
# Kept images younger than this are left to the next start's sweep: another person's scan
# may have just written one and not yet its row.
_FRESH_SECONDS = 120.0


def is_disk_full(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is SQLite's "disk full"."""
    while exc is not None:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
            return True
        exc = exc.__cause__  # type: ignore[assignment]
    return False


def forget(store: "Store", profile_id: int | None, delete_rows: Callable[[], T]) -> T | None:
    """Delete one profile (or everything, for None) for good; `delete_rows` deletes the rows.

    The kept images go first. When the disk is full, the reserved space is given back and
    the profile's items are deleted in small batches (each followed by a checkpoint, so that
    the write-ahead log stays small); forgetting everything falls back to overwriting the
    database files. Raises StoreError when a scan of that profile does not stop in time, or
    when even that is not enough (the journal then finishes it at the next start).
    """
    journal = DeletionJournal(store.folder)
    with FolderLocks(store.folder).forgetting(profile_id):
        if profile_id is None:
            journal.add(everything=True, compact=True)
            wipe_tree(store.evidence.root)  # delete first: it also frees space
        else:
            journal.add(profiles={profile_id}, sweep_evidence=True, compact=True)
            for sha256 in _kept_only_for(store, profile_id):
                store.evidence.remove(sha256)
        try:
            result: T | None = delete_rows()
        except StoreError as exc:
            if not is_disk_full(exc):
                raise
            journal.give_back_reserve()
            if profile_id is None:
                wipe_database(store)
                result = None
            else:
                try:
                    _delete_items_in_batches(store, profile_id)
                    result = delete_rows()
                except StoreError as again:
                    raise StoreError(FULL_DISK_PROFILE) from again
        compact_pending = journal.read().compact and not _compacted(store)
        journal.write(PendingDeletion(compact=compact_pending))
        journal.prepare()  # set the reserve aside again if there is room now
        return result


def _delete_items_in_batches(store: "Store", profile_id: int, batch: int = 200) -> None:
    db = store._db
    while True:
        with transaction(db):
            deleted = db.execute(
                "DELETE FROM items WHERE id IN (SELECT id FROM items WHERE scan_id IN "
                "(SELECT id FROM scans WHERE profile_id = ?) LIMIT ?)",
                (profile_id, batch),
            ).rowcount
        with contextlib.suppress(sqlite3.Error):  # a reader may hold the log: go on
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if not deleted:
            return


def wipe_database(store: "Store") -> None:
    """Overwrite the database and its -wal/-shm files with zeros where they lie (no space
    needed), remove them, and open a new empty database if the disk allows."""
    path = store.path
    with contextlib.suppress(sqlite3.Error):
        store._db.close()
    for suffix in ("", "-wal", "-shm"):
        wipe_file(path.with_name(path.name + suffix))
    try:
        store.reopen()
    except StoreError:
        log.warning("the emptied database could not be created again (disk full)")


def finish_pending(store: "Store") -> bool:
    """Finish a deletion that a crash (or a full disk) interrupted; True when one was.

    Runs only while no scan or deletion is running anywhere on the folder.
    """
    journal = DeletionJournal(store.folder)
    journal.prepare()
    pending = journal.read()
    if pending.empty:
        return False
    locks = FolderLocks(store.folder)
    if not locks.nothing_running():
        return False
    if pending.everything:
        store.forget_all()
    else:
        for profile_id in sorted(pending.profiles):
            row = store._db.execute(
                "SELECT name FROM profiles WHERE id = ?", (profile_id,)
            ).fetchone()
            if row is not None:
                store.forget_profile(row[0])
        # A scan started meanwhile: the sweep waits for the next start.
        with contextlib.suppress(StoreError), locks.forgetting(None, wait=0.0):
            sweep_orphan_evidence(store, keep_fresh=False)
        store._compact()
    if not journal.read().compact or _compacted(store):
        journal.clear()
    return True


def sweep_orphan_evidence(store: "Store", *, keep_fresh: bool = True) -> int:
    """Delete kept files that no row refers to any more; returns how many."""
    root = store.evidence.root
    if not root.is_dir():
        return 0
    keep = store.evidence.names_for(_referenced(store, None, exclude=False))
    removed = 0
    for path in root.glob("*/*"):
        if path.name in keep or path.name.startswith("."):
            continue
        if keep_fresh and fresh(path):
            continue
        wipe_file(path)
        removed += 1
    return removed


def fresh(path: Path) -> bool:
    """True for a kept file written in the last two minutes (its row may still be coming)."""
    try:
        return time.time() - path.stat().st_mtime < _FRESH_SECONDS
    except OSError:
        return False


def _compacted(store: "Store") -> bool:
    """Compact now; False when the disk is still too full (the journal keeps it pending)."""
    try:
        store._db.execute("VACUUM")
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        if is_disk_full(exc):
            return False
        raise
    return True


def _kept_only_for(store: "Store", profile_id: int) -> set[str]:
    """SHA-256s of kept files that only this profile's scans refer to."""
    theirs = _referenced(store, profile_id, exclude=False)
    if not theirs:
        return set()
    return theirs - _referenced(store, profile_id, exclude=True)


def _referenced(store: "Store", profile_id: int | None, *, exclude: bool) -> set[str]:
    """Kept files referred to by items (of `profile_id`'s scans, or of all other scans with
    `exclude`, or of every scan for None): the images, their pages and HTTP captures."""
    where = ""
    params: tuple[int, ...] = ()
    if profile_id is not None:
        operator = "IS NOT" if exclude else "IS"
        where = f" AND scan_id IN (SELECT id FROM scans WHERE profile_id {operator} ?)"
        params = (profile_id,)
    db = store._db
    found: set[str] = {
        row[0]
        for row in db.execute(
            f"SELECT sha256 FROM items WHERE evidence_kept AND sha256 IS NOT NULL{where}", params
        )
    }
    for row in db.execute(f"SELECT web_json FROM items WHERE web_json IS NOT NULL{where}", params):
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            page = json.loads(row[0]).get("page") or {}
            if page.get("sha256"):
                found.add(str(page["sha256"]))
    with contextlib.suppress(sqlite3.Error):  # HTTP captures, kept with matched web items
        for row in db.execute(
            "SELECT request_sha256, response_sha256 FROM http_captures WHERE item_id IN "
            f"(SELECT id FROM items WHERE 1{where})",
            params,
        ):
            found.update(value for value in row if value)
    return found
