"""The local store: one SQLite file with profiles, reference faces, scans and their results.

One `Store` (one connection) per thread: a scan worker opens its own and is the only writer
of that scan; WAL mode lets the window read while it writes.
"""

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.paths import data_dir

DB_NAME = "likeness-guard.sqlite3"

# Ordered schema migrations; `PRAGMA user_version` is how many have run. Never edit one that
# has shipped: add another.
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
)
SCHEMA_VERSION = len(MIGRATIONS)


class Verdict:
    """What the user said about a match."""

    ME = "me"
    NOT_ME = "not_me"


class ScanStatus:
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the process died mid-scan; what was written is kept
    FAILED = "failed"


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a Z, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    created_at: str
    reference_count: int = 0


@dataclass(frozen=True)
class ReferenceFace:
    id: int
    profile_id: int
    source_name: str  # the photo's file name (not its path, not its pixels)
    source_sha256: str
    embedding: np.ndarray
    thumbnail_png: bytes  # the aligned 112x112 face
    det_score: float
    face_width: float
    sharpness: float
    model_pack: str
    created_at: str


@dataclass(frozen=True)
class ScanRecord:
    id: int
    profile_id: int | None
    profile_name: str
    threshold: float
    preset: str | None
    model_pack: dict[str, Any]
    inputs: list[str]
    status: str
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class FaceRecord:
    bbox: tuple[float, float, float, float]
    det_score: float
    similarity: float
    reference_id: int | None
    match: bool
    frame: int = 0


@dataclass(frozen=True)
class ItemRecord:
    """One scanned image and what was found in it."""

    scan_id: int
    seq: int
    source: str
    status: str  # "ok" or "error"
    sha256: str | None = None
    error: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    frame_count: int | None = None
    best_similarity: float | None = None
    best_reference_id: int | None = None
    match: bool = False
    duplicate_of: int | None = None
    file: dict[str, Any] | None = None  # path, size, modified_at
    web: dict[str, Any] | None = None  # url, page_url, retrieved_at, http, page
    synthetic: dict[str, Any] | None = None  # status, indicators
    evidence_kept: bool = False
    verdict: str | None = None
    faces: tuple[FaceRecord, ...] = field(default_factory=tuple)
    id: int = 0  # 0 until stored

    @property
    def best_face(self) -> FaceRecord | None:
        if not self.faces:
            return None
        return max(self.faces, key=lambda f: f.similarity)


class Store:
    """The SQLite database and evidence folder in one data folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DB_NAME
        self.evidence = EvidenceFolder(folder / "evidence")
        try:
            self._db = sqlite3.connect(self.path, timeout=15.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open the database {self.path}: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        try:
            self._configure()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(
                f"The database {self.path} is damaged or not a Likeness Guard database "
                f"({exc}). Move it aside to start afresh."
            ) from exc
        except StoreError:
            self._db.close()
            raise

    @classmethod
    def open(cls, override: str | Path | None = None) -> "Store":
        """Open (creating if needed) the store in the data folder."""
        return cls(data_dir(override))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _configure(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten with zeros, so forgotten embeddings do not linger.
        self._db.execute("PRAGMA secure_delete=ON")

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The data in {self.folder} was written by a newer version of Likeness Guard "
                f"(schema {version}, this app knows {SCHEMA_VERSION}). Update the app, or "
                "use another data folder with --data-dir."
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as db:
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    def mark_interrupted_scans(self) -> int:
        """Mark scans left "running" by a killed process as interrupted; returns how many.

        Call once when the app starts, not on every open: another thread may be scanning.
        """
        with self.transaction() as db:
            return db.execute(
                "UPDATE scans SET status = ?, finished_at = COALESCE(finished_at, ?) "
                "WHERE status = ?",
                (ScanStatus.INTERRUPTED, utc_now(), ScanStatus.RUNNING),
            ).rowcount

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one transaction; disk-full and I/O errors become StoreError."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _store_error(exc) from exc
        try:
            yield self._db
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise _store_error(exc) from exc
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise _store_error(exc) from exc

    # ---- profiles ------------------------------------------------------------------------

    def profile(self, name: str, *, create: bool = False) -> Profile | None:
        """Return the profile called `name`, creating it when asked."""
        row = self._db.execute(
            "SELECT p.*, (SELECT COUNT(*) FROM reference_faces r WHERE r.profile_id = p.id) "
            "AS refs FROM profiles p WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None and create:
            with self.transaction() as db:
                db.execute(
                    "INSERT INTO profiles (name, created_at) VALUES (?, ?)", (name, utc_now())
                )
            return self.profile(name)
        if row is None:
            return None
        return Profile(row["id"], row["name"], row["created_at"], row["refs"])

    def profiles(self) -> list[Profile]:
        rows = self._db.execute(
            "SELECT p.*, (SELECT COUNT(*) FROM reference_faces r WHERE r.profile_id = p.id) "
            "AS refs FROM profiles p ORDER BY name"
        ).fetchall()
        return [Profile(r["id"], r["name"], r["created_at"], r["refs"]) for r in rows]

    # ---- reference faces -----------------------------------------------------------------

    def add_reference(
        self,
        profile_id: int,
        *,
        source_name: str,
        source_sha256: str,
        embedding: np.ndarray,
        thumbnail_png: bytes,
        det_score: float,
        face_width: float,
        sharpness: float,
        model_pack: str,
    ) -> int | None:
        """Store a reference face; returns its id, or None when this photo is already in."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO reference_faces (profile_id, source_name, source_sha256, "
                "embedding, thumbnail, det_score, face_width, sharpness, model_pack, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    profile_id,
                    source_name,
                    source_sha256,
                    np.asarray(embedding, dtype="<f4").tobytes(),
                    thumbnail_png,
                    det_score,
                    face_width,
                    sharpness,
                    model_pack,
                    utc_now(),
                ),
            )
            return cursor.lastrowid if cursor.rowcount else None

    def references(self, profile_id: int, model_pack: str | None = None) -> list[ReferenceFace]:
        """The profile's reference faces (for one model pack when given), oldest first."""
        query = "SELECT * FROM reference_faces WHERE profile_id = ?"
        params: tuple[Any, ...] = (profile_id,)
        if model_pack is not None:
            query += " AND model_pack = ?"
            params += (model_pack,)
        rows = self._db.execute(query + " ORDER BY id", params).fetchall()
        return [_reference(row) for row in rows]

    def reference(self, reference_id: int) -> ReferenceFace | None:
        row = self._db.execute(
            "SELECT * FROM reference_faces WHERE id = ?", (reference_id,)
        ).fetchone()
        return _reference(row) if row else None

    def remove_reference(self, reference_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM reference_faces WHERE id = ?", (reference_id,))

    # ---- scans -----------------------------------------------------------------------------

    def create_scan(
        self,
        profile: Profile,
        *,
        threshold: float,
        preset: str | None,
        model_pack: dict[str, Any],
        inputs: list[str],
    ) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO scans (profile_id, profile_name, threshold, preset, model_pack, "
                "inputs, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    profile.id,
                    profile.name,
                    threshold,
                    preset,
                    json.dumps(model_pack),
                    json.dumps(inputs),
                    ScanStatus.RUNNING,
                    utc_now(),
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def finish_scan(self, scan_id: int, status: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE scans SET status = ?, finished_at = ? WHERE id = ?",
                (status, utc_now(), scan_id),
            )

    def scan(self, scan_id: int) -> ScanRecord | None:
        row = self._db.execute("SELECT * FROM scans WHERE id = ?", (scan_id,)).fetchone()
        return _scan(row) if row else None

    def scans(self, profile_id: int | None = None) -> list[ScanRecord]:
        """Scans, newest first."""
        if profile_id is None:
            rows = self._db.execute("SELECT * FROM scans ORDER BY id DESC").fetchall()
        else:
            rows = self._db.execute(
                "SELECT * FROM scans WHERE profile_id = ? ORDER BY id DESC", (profile_id,)
            ).fetchall()
        return [_scan(r) for r in rows]

    def last_scan_id(self) -> int | None:
        row = self._db.execute("SELECT MAX(id) FROM scans").fetchone()
        return int(row[0]) if row[0] is not None else None

    # ---- items -----------------------------------------------------------------------------

    def add_item(self, item: ItemRecord) -> int:
        """Store an item with its faces in one transaction; returns its id."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO items (scan_id, seq, source, sha256, status, error, format, width, "
                "height, frame_count, best_similarity, best_reference_id, match, duplicate_of, "
                "file_json, web_json, synthetic_json, evidence_kept, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.scan_id,
                    item.seq,
                    item.source,
                    item.sha256,
                    item.status,
                    item.error,
                    item.format,
                    item.width,
                    item.height,
                    item.frame_count,
                    item.best_similarity,
                    item.best_reference_id,
                    int(item.match),
                    item.duplicate_of,
                    _json_or_none(item.file),
                    _json_or_none(item.web),
                    _json_or_none(item.synthetic),
                    int(item.evidence_kept),
                    utc_now(),
                ),
            )
            item_id = cursor.lastrowid
            assert item_id is not None
            db.executemany(
                "INSERT INTO faces (item_id, frame, x1, y1, x2, y2, det_score, similarity, "
                "reference_id, match) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (item_id, f.frame, *f.bbox, f.det_score, f.similarity, f.reference_id, f.match)
                    for f in item.faces
                ],
            )
            return item_id

    def item(self, item_id: int) -> ItemRecord | None:
        row = self._db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        return self._item(row) if row else None

    def items(self, scan_id: int) -> Iterator[ItemRecord]:
        """Every item of a scan in the order scanned (streamed, not loaded all at once)."""
        cursor = self._db.execute("SELECT * FROM items WHERE scan_id = ? ORDER BY seq", (scan_id,))
        for row in cursor:
            yield self._item(row)

    def matches(
        self, scan_id: int | None = None, *, include_rejected: bool = True
    ) -> list[ItemRecord]:
        """Matched items (of one scan, or of all), most similar first."""
        query = "SELECT * FROM items WHERE match = 1"
        params: tuple[Any, ...] = ()
        if scan_id is not None:
            query += " AND scan_id = ?"
            params = (scan_id,)
        if not include_rejected:
            query += " AND (verdict IS NULL OR verdict != 'not_me')"
        rows = self._db.execute(query + " ORDER BY best_similarity DESC, id", params).fetchall()
        return [self._item(r) for r in rows]

    def scan_counts(self, scan_id: int) -> dict[str, int]:
        """Items, errors, matches and faces of a scan."""
        row = self._db.execute(
            "SELECT COUNT(*) AS items, COALESCE(SUM(status = 'error'), 0) AS errors, "
            "COALESCE(SUM(match), 0) AS matches, "
            "(SELECT COUNT(*) FROM faces f JOIN items i ON f.item_id = i.id "
            " WHERE i.scan_id = ?) AS faces FROM items WHERE scan_id = ?",
            (scan_id, scan_id),
        ).fetchone()
        return {k: int(row[k]) for k in ("items", "errors", "matches", "faces")}

    def set_verdict(self, item_id: int, verdict: str | None) -> None:
        """Record "this is me" / "not me" (or clear it) for an item."""
        if verdict not in (Verdict.ME, Verdict.NOT_ME, None):
            raise ValueError(f"unknown verdict {verdict!r}")
        with self.transaction() as db:
            db.execute(
                "UPDATE items SET verdict = ?, verdict_at = ? WHERE id = ?",
                (verdict, utc_now() if verdict else None, item_id),
            )

    def _item(self, row: sqlite3.Row) -> ItemRecord:
        faces = tuple(
            FaceRecord(
                bbox=(f["x1"], f["y1"], f["x2"], f["y2"]),
                det_score=f["det_score"],
                similarity=f["similarity"],
                reference_id=f["reference_id"],
                match=bool(f["match"]),
                frame=f["frame"],
            )
            for f in self._db.execute(
                "SELECT * FROM faces WHERE item_id = ? ORDER BY id", (row["id"],)
            )
        )
        return ItemRecord(
            id=row["id"],
            scan_id=row["scan_id"],
            seq=row["seq"],
            source=row["source"],
            sha256=row["sha256"],
            status=row["status"],
            error=row["error"],
            format=row["format"],
            width=row["width"],
            height=row["height"],
            frame_count=row["frame_count"],
            best_similarity=row["best_similarity"],
            best_reference_id=row["best_reference_id"],
            match=bool(row["match"]),
            duplicate_of=row["duplicate_of"],
            file=_json_load(row["file_json"]),
            web=_json_load(row["web_json"]),
            synthetic=_json_load(row["synthetic_json"]),
            evidence_kept=bool(row["evidence_kept"]),
            verdict=row["verdict"],
            faces=faces,
        )

    # ---- forgetting ------------------------------------------------------------------------

    def forget_profile(self, name: str) -> bool:
        """Delete a profile with its references, scans and no-longer-needed evidence."""
        with self.transaction() as db:
            deleted = db.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount
        if deleted:
            self._drop_orphan_evidence()
            self._compact()
        return bool(deleted)

    def forget_all(self) -> None:
        """Delete every profile, reference, scan and evidence file, and compact the file."""
        with self.transaction() as db:
            for table in ("faces", "items", "scans", "reference_faces", "profiles"):
                db.execute(f"DELETE FROM {table}")
        shutil.rmtree(self.evidence.root, ignore_errors=True)
        self._compact()

    def _drop_orphan_evidence(self) -> None:
        if not self.evidence.root.is_dir():
            return
        keep = {r[0] for r in self._db.execute("SELECT sha256 FROM items WHERE evidence_kept")}
        for row in self._db.execute("SELECT web_json FROM items WHERE web_json IS NOT NULL"):
            page = (json.loads(row[0]).get("page") or {}).get("sha256")
            if page:
                keep.add(page)
        for path in self.evidence.root.glob("*/*"):
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def _compact(self) -> None:
        """Rewrite the file so no deleted row survives in free pages or the WAL."""
        try:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise _store_error(exc) from exc

    def count_embeddings(self) -> int:
        """How many reference embeddings the store holds (0 after forgetting everything)."""
        return int(self._db.execute("SELECT COUNT(*) FROM reference_faces").fetchone()[0])


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _store_error(exc: sqlite3.Error) -> StoreError:
    text = str(exc).lower()
    if "full" in text:
        return StoreError(
            "The disk is full, so results cannot be saved. Free some space and try again; "
            "everything saved before this point is kept."
        )
    if "readonly" in text or "read-only" in text:
        return StoreError("The data folder is read-only. Choose a folder you can write to.")
    if "locked" in text or "busy" in text:
        return StoreError(
            "The database is busy (is Likeness Guard open twice?). Close the other copy and "
            "try again."
        )
    return StoreError(f"The database could not be written ({exc}).")


def _json_or_none(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _json_load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else dict(json.loads(text))


def _reference(row: sqlite3.Row) -> ReferenceFace:
    return ReferenceFace(
        id=row["id"],
        profile_id=row["profile_id"],
        source_name=row["source_name"],
        source_sha256=row["source_sha256"],
        embedding=np.frombuffer(row["embedding"], dtype="<f4").copy(),
        thumbnail_png=row["thumbnail"],
        det_score=row["det_score"],
        face_width=row["face_width"],
        sharpness=row["sharpness"],
        model_pack=row["model_pack"],
        created_at=row["created_at"],
    )


def _scan(row: sqlite3.Row) -> ScanRecord:
    return ScanRecord(
        id=row["id"],
        profile_id=row["profile_id"],
        profile_name=row["profile_name"],
        threshold=row["threshold"],
        preset=row["preset"],
        model_pack=json.loads(row["model_pack"]),
        inputs=json.loads(row["inputs"]),
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )
