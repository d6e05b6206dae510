"""Deleting for good, even on a full disk and across a crash: the order and the journal.

The order: take the locks (a scan of the same person stops first), write the journal,
delete the kept images that only this deletion's rows refer to (which frees space), then
the rows, then compact. A full disk never blocks the deletion itself: compaction is
postponed to the next start, and forgetting everything falls back to overwriting the
database files where they lie, which it does only while no connection is open anywhere
(the folder's exclusive lock). Whatever a crash interrupts, the journal lets the next
start finish (`finish_pending`, `finish_wipe`).
"""

import contextlib
import logging
import sqlite3
import time
from pathlib import Path
from typing import Protocol

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.platform import free_bytes
from likeness_guard.core.storage.db import store_error, transaction
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.face_cache import FaceCache
from likeness_guard.core.storage.fs import wipe_file, wipe_tree
from likeness_guard.core.storage.journal import RESERVE_BYTES, DeletionJournal, PendingDeletion
from likeness_guard.core.storage.kept_files import referenced_evidence
from likeness_guard.core.storage.layout import (
    DATABASE_FILES,
    EVIDENCE_FOLDER,
    SECRET_FILES,
    STAGED_SUFFIX,
    SWITCH_NAME,
)
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.protection_file import SETTINGS_FILES, is_protected
from likeness_guard.core.storage.spool import sweep_spool
from likeness_guard.core.storage.takedowns import TakedownLog

log = logging.getLogger(__name__)

FULL_DISK_PROFILE = (
    "The disk is full. The images kept for this person were deleted, but their entries "
    "could not be removed from the database yet. Free some space: the deletion is "
    "finished automatically the next time Likeness Guard starts (or run forget again)."
)
FULL_DISK_EVERYTHING = (
    "The disk is full. Your kept images were deleted, but the database could not be emptied "
    "while another Likeness Guard window or command has it open. Close them and start "
    "Likeness Guard again: the deletion is finished then."
)
# Kept images younger than this are left to the next start's sweep: another person's scan
# may have just written one and not yet its row.
_FRESH_SECONDS = 120.0
# Every table, children first (foreign keys).
_ALL_TABLES = (
    "audit_log",
    "watch_runs",
    "watch_seen",
    "watch_pages",
    "watched_places",
    "cached_faces",
    "cached_analyses",
    "cached_files",
    "verdicts",
    "http_captures",
    "takedown_requests",
    "recheck_captures",
    "rechecks",
    "faces",
    "items",
    "scans",
    "reference_faces",
    "profiles",
)


class OpenStore(Protocol):
    """What a deletion needs of an open store: its folder, connection and kept files, and a
    way to start it afresh from empty files."""

    folder: Path
    evidence: EvidenceFolder

    @property
    def db(self) -> sqlite3.Connection: ...

    def wipe_and_reopen(self) -> bool: ...


def is_disk_full(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is SQLite's "disk full"."""
    while exc is not None:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
            return True
        exc = exc.__cause__  # type: ignore[assignment]
    return False


def forget_profile(store: OpenStore, profile_id: int) -> bool:
    """Delete one profile with its references, scans and the kept images only it refers to.

    A scan of the profile still running is asked to stop first. On a full disk the items go
    in small batches (each followed by a checkpoint, so that the log stays small). Raises
    StoreError when the scan does not stop in time, or when even that is not enough (the
    journal then finishes it at the next start).
    """
    journal = DeletionJournal(store.folder)
    with FolderLocks(store.folder).forgetting(profile_id):
        journal.add(profiles={profile_id}, sweep_evidence=True, compact=True)
        sweep_spool(store.folder)
        for sha256 in _kept_only_for(store.db, profile_id):
            store.evidence.remove(sha256)
        try:
            deleted = _delete_profile_rows(store, profile_id)
        except StoreError as exc:
            if not is_disk_full(exc):
                raise
            journal.give_back_reserve()
            try:
                _delete_items_in_batches(store.db, profile_id)
                deleted = _delete_profile_rows(store, profile_id)
            except StoreError as again:
                raise StoreError(FULL_DISK_PROFILE) from again
        _settle(store, journal)
        return deleted


def forget_everything(store: OpenStore, *, wipe_files: bool) -> None:
    """Delete every row and kept image, and compact the file.

    The kept images go first. `wipe_files` (a protected folder) leaves the journal asking
    for the database, the protection settings and sealed secrets to be overwritten and
    removed once no connection is open (`finish_wipe`). On a full disk the database files
    are overwritten where they lie instead, when this store is the only one open; else
    StoreError says that the next start finishes it.
    """
    journal = DeletionJournal(store.folder)
    with FolderLocks(store.folder).forgetting(None):
        journal.add(everything=True, compact=True, wipe_files=wipe_files)
        wipe_tree(store.evidence.root)  # delete first: it also frees space
        sweep_spool(store.folder)  # downloads and export staging of processes that are gone
        try:
            with transaction(store.db) as db:
                for table in _ALL_TABLES:
                    db.execute(f"DELETE FROM {table}")
            compact(store)
        except StoreError as exc:
            if not is_disk_full(exc):
                raise
            journal.give_back_reserve()
            journal.add(wipe_files=True)
            if not store.wipe_and_reopen():
                raise StoreError(FULL_DISK_EVERYTHING) from exc
            return
        pending = journal.read()
        journal.write(PendingDeletion(wipe_files=pending.wipe_files))
        _settle(store, journal)


def make_room(folder: Path, *, everything: bool) -> bool:
    """Before a deletion opens the database on a disk with (almost) no room left, which
    SQLite needs even to open it (its shared-memory file): delete what can go without the
    database (every kept image and download, when everything goes; the journal says so
    first, so the next start finishes it) and give the reserve back. True when the disk was
    that full."""
    free = free_bytes(folder)
    if free is None or free >= RESERVE_BYTES:
        return False
    journal = DeletionJournal(folder)
    if everything:
        with FolderLocks(folder).forgetting(None):
            journal.add(everything=True, compact=True)
            wipe_tree(folder / EVIDENCE_FOLDER)
            sweep_spool(folder)
    journal.give_back_reserve()
    return True


def finish_wipe(folder: Path, wait: float = 0.0) -> bool:
    """Overwrite and remove the database files, the protection settings and sealed secrets
    when a deletion of everything asked for it; True when that was done now.

    Runs only while no store is open on the folder, in any process (waiting up to `wait`
    seconds for that); False, and nothing touched, otherwise.
    """
    journal = DeletionJournal(folder)
    if not journal.read().wipe_files:
        return False
    try:
        with FolderLocks(folder).alone(wait):
            wipe_folder_files(folder)
            journal.clear()
    except StoreError:
        return False
    return True


def tidy_folder(folder: Path) -> bool:
    """When no store is open anywhere (else nothing is done, and False): delete the lock
    files of profiles and scans and the kept-image folders left empty, so that nothing a
    deletion leaves still names a number or a hash."""
    try:
        with FolderLocks(folder).alone(0.0):
            tidy_alone(folder)
    except StoreError:
        return False
    return True


def tidy_alone(folder: Path) -> None:
    """`tidy_folder` for a caller that holds the folder alone."""
    FolderLocks(folder).tidy()
    EvidenceFolder(folder / EVIDENCE_FOLDER).drop_empty_folders()


def wipe_folder_files(folder: Path) -> None:
    """Overwrite and remove everything that holds a person's data or its protection (the
    signing key too when it is sealed under the passphrase). The caller holds the folder
    alone (no connection open anywhere)."""
    protected = is_protected(folder)
    for name in DATABASE_FILES:
        wipe_file(folder / name)
    wipe_tree(folder / EVIDENCE_FOLDER)
    wipe_tree(folder / (EVIDENCE_FOLDER + STAGED_SUFFIX))
    sweep_spool(folder, everything=True)
    for name in (*DATABASE_FILES, *(str(path) for path in SECRET_FILES), *SETTINGS_FILES):
        wipe_file(folder / (name + STAGED_SUFFIX))
    if protected:
        for secret in SECRET_FILES:
            wipe_file(folder / secret)
    wipe_file(folder / SWITCH_NAME)
    for name in SETTINGS_FILES:  # last: until they go, the folder asks its passphrase
        wipe_file(folder / name)


def finish_pending(store: OpenStore) -> bool:
    """Finish a deletion that a crash (or a full disk) interrupted; True when one was.

    Runs only while no scan or deletion is running anywhere on the folder.
    """
    journal = DeletionJournal(store.folder)
    journal.prepare()
    pending = journal.read()
    if not pending.rows_pending:
        return False
    locks = FolderLocks(store.folder)
    if not locks.nothing_running():
        return False
    if pending.everything:
        forget_everything(store, wipe_files=pending.wipe_files)
    else:
        for profile_id in sorted(pending.profiles):
            forget_profile(store, profile_id)  # deletes nothing more when it is gone
        # A scan started meanwhile: the sweep waits for the next start.
        with contextlib.suppress(StoreError), locks.forgetting(None, wait=0.0):
            sweep_orphan_evidence(store, keep_fresh=False)
        compact(store)
    pending = journal.read()
    if not pending.compact or _compacted(store):
        journal.write(PendingDeletion(wipe_files=pending.wipe_files))
    return True


def sweep_orphan_evidence(store: OpenStore, *, keep_fresh: bool = True) -> int:
    """Delete kept files that no row refers to any more; returns how many."""
    root = store.evidence.root
    if not root.is_dir():
        return 0
    keep = store.evidence.names_for(referenced_evidence(store.db))
    removed = 0
    for path in root.glob("*/*"):
        if path.name in keep or path.name.startswith("."):
            continue
        if keep_fresh and fresh(path):
            continue
        store.evidence.wipe_kept(path)
        removed += 1
    return removed


def fresh(path: Path) -> bool:
    """True for a kept file written in the last two minutes (its row may still be coming)."""
    try:
        return time.time() - path.stat().st_mtime < _FRESH_SECONDS
    except OSError:
        return False


def compact(store: OpenStore) -> None:
    """Rewrite the file so no deleted row survives in free pages or the WAL; on a full disk
    the journal keeps it for later (deleted rows are zeroed already)."""
    if not _compacted(store):
        DeletionJournal(store.folder).add(compact=True)


def _settle(store: OpenStore, journal: DeletionJournal) -> None:
    """Compact, clear what is done from the journal, and set the reserve aside again."""
    pending = journal.read()
    compact_pending = pending.compact and not _compacted(store)
    journal.write(PendingDeletion(compact=compact_pending, wipe_files=pending.wipe_files))
    journal.prepare()  # set the reserve aside again if there is room now


def _delete_profile_rows(store: OpenStore, profile_id: int) -> bool:
    with transaction(store.db) as db:
        deleted = db.execute("DELETE FROM profiles WHERE id = ?", (profile_id,)).rowcount
    if deleted:
        TakedownLog(store.db, store.evidence).drop_orphans()
        FaceCache(store.db).drop_orphans()
        with transaction(store.db) as db:  # verdicts on bytes no scan holds any more
            db.execute(
                "DELETE FROM verdicts WHERE sha256 NOT IN "
                "(SELECT sha256 FROM items WHERE sha256 IS NOT NULL)"
            )
        sweep_orphan_evidence(store)
        compact(store)
    return bool(deleted)


def _delete_items_in_batches(db: sqlite3.Connection, profile_id: int, batch: int = 200) -> None:
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


def _compacted(store: OpenStore) -> bool:
    """Compact now; False when the disk is still too full (the journal keeps it pending)."""
    try:
        store.db.execute("VACUUM")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        if is_disk_full(exc):
            return False
        raise store_error(exc) from exc
    return True


def _kept_only_for(db: sqlite3.Connection, profile_id: int) -> set[str]:
    """SHA-256s of kept files that only this profile's scans refer to."""
    theirs = referenced_evidence(db, profile_id)
    if not theirs:
        return set()
    return theirs - referenced_evidence(db, profile_id, others=True)
