"""The SQLite connection: pragmas, transactions, and errors classified by SQLite's own code."""

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.platform import free_bytes
from likeness_guard.core.storage.crypto import WrongPassphrase
from likeness_guard.locale import _


class DatabaseBug(Exception):
    """SQLite refused what this program asked (a constraint, a syntax error, a misuse): a
    mistake here, not the environment's doing, so it is logged with its traceback."""


def connect(path: Path, key: bytes | None = None) -> sqlite3.Connection:
    """Open the database file with the settings the store relies on.

    `key` is the database key of a folder protected with a passphrase (None: a plain
    database). Only SQLite opens the file: POSIX locks belong to a process, and closing any
    other descriptor of the file would drop this process's locks, letting another process
    delete the write-ahead log under our open connections. Raises StoreError when the file
    cannot be opened or is not a database, WrongPassphrase (a StoreError) when `key` does
    not open it.
    """
    try:
        if key is None:
            db = sqlite3.connect(path, timeout=15.0, isolation_level=None)
        else:
            from likeness_guard.core.storage.cipher import connect_encrypted

            db = connect_encrypted(path, key, timeout=15.0)
    except sqlite3.Error as exc:
        if key is not None and getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise WrongPassphrase(
                f"The database {path} cannot be opened with this passphrase's key: it is "
                "damaged or was encrypted with another passphrase."
            ) from exc
        raise _as_store_error(exc, path) from exc
    # Owner only, before the first write creates the -wal and -shm files (SQLite gives them
    # the database's permissions). chmod opens nothing, so no lock can be dropped.
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    db.row_factory = sqlite3.Row
    try:
        # Temporary tables and indexes (VACUUM, large sorts) stay in memory: SQLite would
        # otherwise write them, embeddings and names included, to /var/tmp.
        db.execute("PRAGMA temp_store=MEMORY")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten with zeros, so forgotten embeddings do not linger.
        db.execute("PRAGMA secure_delete=ON")
    except sqlite3.Error as exc:
        db.close()
        raise _as_store_error(exc, path) from exc
    return db


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one write transaction; SQLite errors become StoreError (or
    DatabaseBug for our own mistakes). Inside another transaction the block joins it (a
    scan writes a run of items known unchanged in one): committed or undone with it."""
    if db.in_transaction:
        yield db
        return
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise store_error(exc) from exc
    try:
        yield db
    except BaseException as exc:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise store_error(exc) from exc
        raise
    try:
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise store_error(exc) from exc


def store_error(exc: sqlite3.Error, path: Path | None = None) -> StoreError | DatabaseBug:
    """A plain-words StoreError for a failure the environment caused, chosen by SQLite's
    result code; DatabaseBug for any other code (our own mistake)."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    if code == "SQLITE_FULL":
        return StoreError(
            "The disk is full, so results cannot be saved. Free some space and try again; "
            "everything saved before this point is kept."
        )
    if code.startswith("SQLITE_READONLY") or code in ("SQLITE_PERM", "SQLITE_CANTOPEN"):
        return StoreError("The data folder is read-only. Choose a folder you can write to.")
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(
            "The database is busy (is Likeness Guard open twice?). Close the other copy and "
            "try again."
        )
    if code.startswith("SQLITE_CORRUPT") or code == "SQLITE_NOTADB":
        where = f" {path}" if path else ""
        return StoreError(
            f"The database{where} is damaged or not a Likeness Guard database ({exc}). "
            "Move it aside to start afresh."
        )
    if code.startswith("SQLITE_IOERR") or code == "SQLITE_NOMEM":
        return StoreError(
            f"The database could not be read or written ({exc}). Check the disk (or free "
            "some memory), then try again; everything saved before this point is kept."
        )
    return DatabaseBug(f"{code or type(exc).__name__}: {exc}")


def marks(values: list[int]) -> str:
    """Placeholders for an IN (...) list of `values`."""
    return ",".join("?" * len(values))


# Below this much free space an I/O error while opening is taken as a full disk: SQLite
# reports failing to make its shared-memory file (ENOSPC) as "disk I/O error".
_ALMOST_FULL_BYTES = 256 * 1024


def _as_store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """Opening a file fails for the environment's reasons only (a folder, a foreign file)."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    free = free_bytes(path.parent) if code.startswith("SQLITE_IOERR") else None
    if free is not None and free < _ALMOST_FULL_BYTES:
        return StoreError(
            _(
                "The disk is full, so the database cannot be opened. Free some space and try "
                "again; nothing saved was lost. To delete your data anyway, run forget: it "
                "makes room first."
            )
        )
    found = store_error(exc, path)
    if isinstance(found, StoreError):
        return found
    return StoreError(f"Cannot open the database {path}: {exc}")


def copy_database(source: sqlite3.Connection, target: Path, key: bytes | None) -> None:
    """Write a consistent copy of the open database `source` to the new file `target`
    through SQLite's online backup API (never by copying the live file), encrypted with
    `key` when the source is (the same key), as one file without a write-ahead log.

    Raises StoreError when it cannot be written.
    """
    copy = connect(target, key)
    try:
        # SQLCipher's connections are wrapped (cipher.py); its backup wants its own.
        raw_source = getattr(source, "_connection", source)
        raw_copy = getattr(copy, "_connection", copy)
        raw_source.backup(raw_copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise _as_store_error(exc, target) from exc
    finally:
        copy.close()
