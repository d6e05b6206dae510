"""The local store: one SQLite file with profiles, reference faces, scans and their items,
and the evidence folder beside it. A facade: the SQL lives in the repositories it is made
of (profiles, scans, items, and the logs), deleting in forgetting.py.

One `Store` (one connection) per thread: a scan worker opens its own and is the only writer
of that scan; WAL lets the window read while it writes. Opening a store creates the
database when it is new and brings it up to date; it never deletes anything.
"""

import contextlib
import sqlite3
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.platform import FileLock
from likeness_guard.core.storage import forgetting, protection
from likeness_guard.core.storage.audit import AuditLog
from likeness_guard.core.storage.captures import CaptureLog
from likeness_guard.core.storage.crypto import FolderKey
from likeness_guard.core.storage.db import DatabaseBug, connect, store_error
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.face_cache import FaceCache
from likeness_guard.core.storage.items import ItemRecords
from likeness_guard.core.storage.journal import DeletionJournal
from likeness_guard.core.storage.layout import DB_NAME, EVIDENCE_FOLDER, data_dir
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.migrations import migrate
from likeness_guard.core.storage.profiles import ProfileRecords
from likeness_guard.core.storage.scans import ScanRecords
from likeness_guard.core.storage.skipped import SkippedLog
from likeness_guard.core.storage.takedowns import TakedownLog
from likeness_guard.core.storage.watches import WatchLog

__all__ = ["DB_NAME", "Store"]

CHANGE_PENDING = (
    "An encryption change of this data folder was interrupted. Start Likeness Guard again "
    "(with no other window or command open on this folder) to finish it."
)


class Store(ProfileRecords, ScanRecords, ItemRecords):
    """The SQLite database and evidence folder in one data folder.

    Raises StoreError when the folder cannot be opened, PassphraseNeeded when it is
    protected and this process was not given the passphrase.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DB_NAME
        self._open(protection.held_key(folder))

    def _open(self, key: FolderKey | None) -> None:
        self.evidence = EvidenceFolder(self.folder / EVIDENCE_FOLDER, key)
        # Held while open: nothing may replace or wipe the database files meanwhile.
        self._hold: FileLock | None = FolderLocks(self.folder).hold_open()
        try:
            if protection.change_pending(self.folder):
                raise StoreError(CHANGE_PENDING)
            self._db = connect(self.path, None if key is None else key.database)
            try:
                migrate(self._db, self.folder)
            except sqlite3.DatabaseError as exc:
                raise store_error(exc, self.path) from exc
            except BaseException:
                self._db.close()
                raise
        except BaseException:
            self._release()
            raise
        self.takedowns = TakedownLog(self._db, self.evidence)
        self.captures = CaptureLog(self._db, self.evidence)
        self.skipped = SkippedLog(self._db)
        self.face_cache = FaceCache(self._db)
        self.watches = WatchLog(self._db)
        self.audit = AuditLog(self._db)
        DeletionJournal(self.folder).prepare()  # room set aside so that deleting never fails

    @classmethod
    def open(cls, override: str | Path | None = None) -> "Store":
        """Open (creating if needed) the store in the data folder."""
        return cls(data_dir(override))

    @property
    def db(self) -> sqlite3.Connection:
        """The connection (for the repositories and deletions of this package)."""
        return self._db

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error, DatabaseBug):
            self._db.close()
        self._release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _release(self) -> None:
        if self._hold is not None:
            self._hold.release()
            self._hold = None

    def mark_interrupted_scans(self) -> int:  # type: ignore[override]
        """Mark scans left "running" by a killed process as interrupted; returns how many.

        A scan counts as interrupted when no process holds its lock any more (locks.py), so
        a scan running in another window or terminal is left alone.
        """
        return super().mark_interrupted_scans(FolderLocks(self.folder).scan_is_dead)

    # ---- forgetting ------------------------------------------------------------------------

    def forget_profile(self, name: str) -> bool:
        """Delete a profile with its references, scans and no-longer-needed evidence.

        A scan of the profile still running is stopped first; its kept images go before its
        rows (forgetting.py), and a full disk postpones only the compaction.
        """
        found = self.profile(name)
        if found is None:
            return False
        return forgetting.forget_profile(self, found.id)

    def forget_all(self) -> None:
        """Delete every profile, reference, scan and evidence file, and compact the file.

        In a protected folder the journal asks for the database files and the protection to
        be wiped once no store is open (`forgetting.finish_wipe`).
        """
        forgetting.forget_everything(self, wipe_files=protection.is_protected(self.folder))

    def wipe_and_reopen(self) -> bool:
        """Overwrite and remove the database files (after deleting everything on a full
        disk), then open a new empty database; False, and nothing wiped, while another store
        is open on the folder."""
        self.close()
        try:
            with FolderLocks(self.folder).alone():
                forgetting.wipe_folder_files(self.folder)
                DeletionJournal(self.folder).clear()
            wiped = True
        except StoreError:
            wiped = False
        self._open(protection.held_key(self.folder))  # StoreError: still no room for a new one
        return wiped
