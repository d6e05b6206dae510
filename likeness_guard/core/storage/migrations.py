"""The database schema as ordered migrations; `PRAGMA user_version` counts those applied."""

import sqlite3
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.storage.connection import transaction

# Never edit a migration that has shipped: add another.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE reference_faces (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        source_name TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        embedding BLOB NOT NULL,
        thumbnail BLOB NOT NULL,
        det_score REAL NOT NULL,
        face_width REAL NOT NULL,
        sharpness REAL NOT NULL,
        model_pack TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (profile_id, source_sha256, model_pack)
    );
    CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER REFERENCES profiles(id) ON DELETE CASCADE,
        profile_name TEXT NOT NULL,
        threshold REAL NOT NULL,
        preset TEXT,
        model_pack TEXT NOT NULL,
        inputs TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT,
        status TEXT NOT NULL,
        error TEXT,
        format TEXT,
        width INTEGER,
        height INTEGER,
        frame_count INTEGER,
        best_similarity REAL,
        best_reference_id INTEGER REFERENCES reference_faces(id) ON DELETE SET NULL,
        match INTEGER NOT NULL DEFAULT 0,
        duplicate_of INTEGER REFERENCES items(id) ON DELETE SET NULL,
        file_json TEXT,
        web_json TEXT,
        synthetic_json TEXT,
        evidence_kept INTEGER NOT NULL DEFAULT 0,
        verdict TEXT,
        verdict_at TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX items_by_scan ON items (scan_id, seq);
    CREATE INDEX items_by_match ON items (match, best_similarity);
    CREATE TABLE faces (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        frame INTEGER NOT NULL,
        x1 REAL NOT NULL, y1 REAL NOT NULL, x2 REAL NOT NULL, y2 REAL NOT NULL,
        det_score REAL NOT NULL,
        similarity REAL NOT NULL,
        reference_id INTEGER REFERENCES reference_faces(id) ON DELETE SET NULL,
        match INTEGER NOT NULL
    );
    CREATE INDEX faces_by_item ON faces (item_id);
    """,
    # Deleting items looks up the copies that point at each one; without an index that is
    # a scan of the whole table per deleted row.
    """
    CREATE INDEX items_by_duplicate ON items (duplicate_of);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, folder: Path) -> None:
    """Bring the schema up to date; raises StoreError for a database newer than this app."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"The data in {folder} was written by a newer version of Likeness Guard "
            f"(schema {version}, this app knows {SCHEMA_VERSION}). Update the app, or "
            "use another data folder with --data-dir."
        )
    for number in range(version, SCHEMA_VERSION):
        with transaction(db):
            for statement in _statements(MIGRATIONS[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
