"""The database schema as ordered migrations; `PRAGMA user_version` counts those applied."""

import sqlite3
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.storage.db import transaction

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
    # Takedown tracking: where each address was reported, and every re-check of it.
    """
    CREATE TABLE takedown_requests (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        item_sha256 TEXT NOT NULL,
        reported_to TEXT NOT NULL,
        reported_on TEXT NOT NULL,
        us_platform INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE INDEX takedown_requests_by_sha ON takedown_requests (item_sha256);
    CREATE TABLE rechecks (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        status TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        http_status INTEGER,
        sha256 TEXT,
        error TEXT,
        page_url TEXT,
        page_http_status INTEGER,
        page_links_it INTEGER
    );
    CREATE INDEX rechecks_by_url ON rechecks (url, checked_at);
    """,
    # A verdict belongs to an image's bytes, so every scan that saw them shows it; the
    # verdicts given so far per item move here (the latest one for each SHA-256 wins).
    # The HTTP exchanges of matched web images are kept for WARC evidence; their bytes are
    # in the evidence folder, named by SHA-256 like the images.
    """
    CREATE TABLE verdicts (
        sha256 TEXT PRIMARY KEY,
        verdict TEXT NOT NULL,
        verdict_at TEXT NOT NULL
    );
    INSERT OR REPLACE INTO verdicts (sha256, verdict, verdict_at)
        SELECT sha256, verdict, COALESCE(verdict_at, created_at) FROM items
        WHERE verdict IS NOT NULL AND sha256 IS NOT NULL
        ORDER BY COALESCE(verdict_at, created_at), id;
    CREATE TABLE http_captures (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        url TEXT NOT NULL,
        retrieved_at TEXT NOT NULL,
        request_sha256 TEXT NOT NULL,
        response_sha256 TEXT NOT NULL,
        complete INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX http_captures_by_item ON http_captures (item_id);
    """,
    # Videos: whether an item is a clip, the MD5 hash lists ask for, what scanning the clip
    # found (segments, best frame, how far it got), and when each kept face is shown.
    """
    ALTER TABLE items ADD COLUMN media TEXT NOT NULL DEFAULT 'image';
    ALTER TABLE items ADD COLUMN md5 TEXT;
    ALTER TABLE items ADD COLUMN video_json TEXT;
    ALTER TABLE faces ADD COLUMN frame_s REAL;
    """,
    # What a scan met but did not read (FIFOs, devices, sockets, broken or looping links).
    """
    CREATE TABLE skipped_entries (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX skipped_entries_by_scan ON skipped_entries (scan_id);
    """,
    # The face cache (face_cache.py): what each image's bytes held with each model pack,
    # and which bytes each file had, so that unchanged files are never analysed twice.
    """
    CREATE TABLE cached_files (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        sha256 TEXT NOT NULL
    );
    CREATE TABLE cached_analyses (
        sha256 TEXT NOT NULL,
        model_pack TEXT NOT NULL,
        format TEXT,
        width INTEGER,
        height INTEGER,
        frame_count INTEGER,
        provenance_checked INTEGER NOT NULL DEFAULT 0,
        synthetic_json TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (sha256, model_pack)
    );
    CREATE TABLE cached_faces (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        model_pack TEXT NOT NULL,
        frame INTEGER NOT NULL,
        x1 REAL NOT NULL,
        y1 REAL NOT NULL,
        x2 REAL NOT NULL,
        y2 REAL NOT NULL,
        det_score REAL NOT NULL,
        embedding BLOB NOT NULL
    );
    CREATE INDEX cached_faces_by_analysis ON cached_faces (sha256, model_pack);
    """,
    # A match's picture hash (PDQ), so that the review grid shows copies of one picture as
    # one; found again by SHA-256, so that a rescan does not decode its matches for it.
    """
    ALTER TABLE items ADD COLUMN picture_pdq TEXT;
    CREATE INDEX items_picture_by_sha ON items (sha256) WHERE picture_pdq IS NOT NULL;
    """,
    # Takedown: the deadline rule the person chose per request; a re-check says what it saw
    # at the image's address and on its page separately, how far the picture moved (PDQ
    # bits), and keeps every HTTP exchange it made (bytes in the evidence folder).
    """
    ALTER TABLE takedown_requests ADD COLUMN deadline_rule TEXT;
    ALTER TABLE takedown_requests ADD COLUMN due_at TEXT;
    ALTER TABLE rechecks ADD COLUMN page_status TEXT;
    ALTER TABLE rechecks ADD COLUMN pdq_distance INTEGER;
    CREATE TABLE recheck_captures (
        id INTEGER PRIMARY KEY,
        recheck_id INTEGER NOT NULL REFERENCES rechecks(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        url TEXT NOT NULL,
        retrieved_at TEXT NOT NULL,
        request_sha256 TEXT NOT NULL,
        response_sha256 TEXT NOT NULL,
        complete INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX recheck_captures_by_recheck ON recheck_captures (recheck_id);
    """,
    # Watching: the places kept under watch, what each page looked like at the last visit
    # (validators for conditional requests, its pictures, its next page), every address and
    # file already seen there, and each run's cost and findings. A chat export's item keeps
    # the message that carried it (channel, message, time, sender).
    """
    CREATE TABLE watched_places (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        place TEXT NOT NULL,
        kind TEXT NOT NULL,
        every_seconds INTEGER NOT NULL,
        max_pages INTEGER NOT NULL,
        added_at TEXT NOT NULL,
        last_run_at TEXT,
        UNIQUE (profile_id, place)
    );
    CREATE TABLE watch_pages (
        place_id INTEGER NOT NULL REFERENCES watched_places(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        images_json TEXT NOT NULL,
        next_url TEXT,
        checked_at TEXT NOT NULL,
        PRIMARY KEY (place_id, url)
    );
    CREATE TABLE watch_seen (
        place_id INTEGER NOT NULL REFERENCES watched_places(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        sha256 TEXT,
        stamp TEXT,
        first_seen TEXT NOT NULL,
        gone_at TEXT,
        PRIMARY KEY (place_id, key)
    );
    CREATE INDEX watch_seen_by_sha ON watch_seen (place_id, sha256);
    CREATE TABLE watch_runs (
        id INTEGER PRIMARY KEY,
        place_id INTEGER NOT NULL REFERENCES watched_places(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        scan_id INTEGER REFERENCES scans(id) ON DELETE SET NULL,
        requests INTEGER NOT NULL,
        not_modified INTEGER NOT NULL,
        bytes_fetched INTEGER NOT NULL,
        pages INTEGER NOT NULL,
        new_items INTEGER NOT NULL,
        analysed INTEGER NOT NULL,
        new_matches INTEGER NOT NULL,
        new_possible INTEGER NOT NULL,
        gone INTEGER NOT NULL,
        error TEXT
    );
    CREATE INDEX watch_runs_by_place ON watch_runs (place_id, id);
    ALTER TABLE items ADD COLUMN chat_json TEXT;
    """,
    # Match trust (issue 28): whether each face looks drawn (matched against the lower
    # threshold for drawn faces) and how far it was turned in the picture, for the cache
    # and for each item's faces. Rows from before say neither (cache rows are not read:
    # face_cache.CACHED_FACE_FACTS changed the cache key).
    """
    ALTER TABLE cached_faces ADD COLUMN drawn INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cached_faces ADD COLUMN turned INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE faces ADD COLUMN drawn INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE faces ADD COLUMN turned INTEGER NOT NULL DEFAULT 0;
    """,
    # Server addresses (issue 25): the IP address each kept HTTP exchange came from, written
    # to WARC files as WARC-IP-Address. Rows from before know none.
    """
    ALTER TABLE http_captures ADD COLUMN ip_address TEXT;
    ALTER TABLE recheck_captures ADD COLUMN ip_address TEXT;
    """,
    # Speed, round three (issue 30): a file is known unchanged by its inode and status-change
    # time too (where the platform has them); a clip's sampled frames, segments' inputs and
    # best frame are kept with its analysis, so a rescan decodes no video.
    """
    ALTER TABLE cached_files ADD COLUMN inode INTEGER;
    ALTER TABLE cached_files ADD COLUMN ctime_ns INTEGER;
    ALTER TABLE cached_analyses ADD COLUMN video_json TEXT;
    """,
    # Cases (issue 27): who did what and when in this case, for its evidence. Entries about
    # one person go with that person's profile when it is deleted.
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        caseworker TEXT,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '',
        profile_id INTEGER REFERENCES profiles(id) ON DELETE CASCADE
    );
    CREATE INDEX audit_log_by_profile ON audit_log (profile_id);
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
