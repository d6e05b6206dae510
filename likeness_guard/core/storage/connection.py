"""The SQLite connection: pragmas, transactions, and errors classified by SQLite's own code."""

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError


def connect(path: Path) -> sqlite3.Connection:
    """Open the database file with the settings the store relies on.

    Raises StoreError when the file cannot be opened or is not a database.
    """
    try:
        db = sqlite3.connect(path, timeout=15.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open the database {path}: {exc}") from exc
    db.row_factory = sqlite3.Row
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten with zeros, so forgotten embeddings do not linger.
        db.execute("PRAGMA secure_delete=ON")
    except sqlite3.Error as exc:
        db.close()
        raise store_error(exc, path) from exc
    return db


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
