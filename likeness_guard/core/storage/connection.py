"""The SQLite connection: pragmas, transactions, and errors classified by SQLite's own code."""

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError


def connect(path: Path) -> sqlite3.Connection:
    """Open the database file with the settings the store relies on.

    A folder protected with a passphrase is opened with its key (see crypto.py). Raises
    StoreError when the file cannot be opened or is not a database, PassphraseNeeded or
    WrongPassphrase (StoreErrors too) for a protected folder without the right passphrase.
    """
    from likeness_guard.core.storage.crypto import WrongPassphrase, key_for

    key = key_for(path.parent)
    _create_private(path)
    try:
        if key is None:
            db = sqlite3.connect(path, timeout=15.0, isolation_level=None)
        else:
            from likeness_guard.core.storage.cipher import connect_encrypted

            db = connect_encrypted(path, key.database, timeout=15.0)
    except sqlite3.Error as exc:
        if key is not None and getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise WrongPassphrase(
                f"The database {path} cannot be opened with this passphrase's key: it is "
                "damaged or was encrypted with another passphrase."
            ) from exc
        raise StoreError(f"Cannot open the database {path}: {exc}") from exc
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
        raise store_error(exc, path) from exc
    return db


def _create_private(path: Path) -> None:
    """Make the database file readable by its owner only before SQLite opens it: SQLite
    gives its -wal and -shm files the database file's permissions."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(path.with_name(name), 0o600)


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one write transaction; SQLite errors become StoreError."""
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


def store_error(exc: sqlite3.Error, path: Path | None = None) -> StoreError:
    """A plain-words StoreError for an SQLite failure, chosen by its result code."""
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
    return StoreError(f"The database could not be written ({exc}).")
