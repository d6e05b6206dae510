"""The face cache: what each image's bytes held, per model pack, so no bytes are analysed twice.

Two lookups feed a scan. A file is known by (path, size, modification time in nanoseconds)
before any of it is read; any bytes (a file's, a web resource's) are known by their SHA-256.
For known bytes the cache holds the faces the models found (box, detector score, frame) with
their embeddings, the image's format and size, and its AI-marker report, so a rescan only
compares embeddings with the references. Re-matching a scan reads its embeddings from here.

The cache is keyed by `cache_key(pack.info())`: every file of the model pack, since another
detector finds other faces and another recognizer makes incomparable embeddings, and the
recipe that finds faces and prepares them for the recognizer (domain/packs.py FACE_RECIPE).
"""

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from likeness_guard.core.domain.packs import FACE_RECIPE
from likeness_guard.core.domain.records import FaceHit, ModelPackInfo, utc_now
from likeness_guard.core.domain.serialize import synthetic_from_json, synthetic_json
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.rows import from_json_text, insert_faces, same_named

_TABLES = ("cached_faces", "cached_analyses", "cached_files")


def cache_key(info: ModelPackInfo) -> str:
    """The model pack's name and a digest of all its files and the face recipe."""
    files = json.dumps([sorted(info.files.items()), FACE_RECIPE]).encode()
    return f"{info.name}:{hashlib.sha256(files).hexdigest()[:16]}"


@dataclass(frozen=True)
class CachedFace:
    """One face as the models found it: raw box and score, and its unit-length embedding."""

    frame: int
    bbox: tuple[float, float, float, float]
    det_score: float
    embedding: np.ndarray  # 512 float32


@dataclass(frozen=True)
class CachedAnalysis:
    """Everything a scan learns from an image's bytes that does not depend on the profile."""

    sha256: str
    format: str | None
    width: int | None
    height: int | None
    frame_count: int | None
    faces: tuple[CachedFace, ...]
    synthetic: SyntheticReport | None = None
    provenance_checked: bool = False


@dataclass
class CacheIndex:
    """What a scan's loader asks before reading: which files and which bytes are known.

    Built once per scan (paths and hashes only, no embeddings), read by the loader thread.
    """

    files: dict[str, tuple[int, int, str]]  # path -> (size, mtime_ns, sha256)
    known: set[str]  # SHA-256s with an analysis usable by this scan

    def sha_of_file(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The SHA-256 of an unchanged, already analysed file, or None."""
        entry = self.files.get(path)
        if entry is None or entry[0] != size or entry[1] != mtime_ns:
            return None
        return entry[2] if entry[2] in self.known else None


class FaceCache:
    """Reads and writes the cache tables through the store's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def index(self, model_pack: str, *, need_provenance: bool) -> CacheIndex:
        """The files and bytes a scan with this pack can take from the cache."""
        query = "SELECT sha256 FROM cached_analyses WHERE model_pack = ?"
        if need_provenance:
            query += " AND provenance_checked"
        known = {row[0] for row in self._db.execute(query, (model_pack,))}
        files = {
            row[0]: (int(row[1]), int(row[2]), str(row[3]))
            for row in self._db.execute("SELECT path, size, mtime_ns, sha256 FROM cached_files")
        }
        return CacheIndex(files, known)

    def get(self, sha256: str, model_pack: str) -> CachedAnalysis | None:
        row = self._db.execute(
            "SELECT * FROM cached_analyses WHERE sha256 = ? AND model_pack = ?",
            (sha256, model_pack),
        ).fetchone()
        if row is None:
            return None
        faces = tuple(
            CachedFace(
                frame=f["frame"],
                bbox=(f["x1"], f["y1"], f["x2"], f["y2"]),
                det_score=f["det_score"],
                embedding=np.frombuffer(f["embedding"], dtype="<f4").copy(),
            )
            for f in self._db.execute(
                "SELECT * FROM cached_faces WHERE sha256 = ? AND model_pack = ? ORDER BY id",
                (sha256, model_pack),
            )
        )
        return CachedAnalysis(
            sha256=sha256,
            **same_named(row, "format width height frame_count"),
            faces=faces,
            synthetic=from_json_text(row["synthetic_json"], synthetic_from_json),
            provenance_checked=bool(row["provenance_checked"]),
        )

    def put(self, analysis: CachedAnalysis, model_pack: str) -> None:
        """Keep (or replace) the analysis of these bytes with this pack."""
        synthetic = analysis.synthetic
        key = (analysis.sha256, model_pack)
        with transaction(self._db) as db:
            db.execute("DELETE FROM cached_faces WHERE sha256 = ? AND model_pack = ?", key)
            db.execute(
                "INSERT OR REPLACE INTO cached_analyses (sha256, model_pack, format, width, "
                "height, frame_count, provenance_checked, synthetic_json, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *key,
                    analysis.format,
                    analysis.width,
                    analysis.height,
                    analysis.frame_count,
                    int(analysis.provenance_checked),
                    None if synthetic is None else json.dumps(synthetic_json(synthetic)),
                    utc_now(),
                ),
            )
            db.executemany(
                "INSERT INTO cached_faces (sha256, model_pack, frame, x1, y1, x2, y2, "
                "det_score, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        *key,
                        face.frame,
                        *(float(v) for v in face.bbox),
                        float(face.det_score),
                        np.asarray(face.embedding, dtype="<f4").tobytes(),
                    )
                    for face in analysis.faces
                ],
            )

    def remember_file(self, path: str, size: int, mtime_ns: int, sha256: str) -> None:
        """Note which bytes the file at `path` held at this size and modification time."""
        with transaction(self._db) as db:
            db.execute(
                "INSERT OR REPLACE INTO cached_files (path, size, mtime_ns, sha256) "
                "VALUES (?, ?, ?, ?)",
                (path, size, mtime_ns, sha256),
            )

    def update_matches(self, updates: Iterable["ItemMatchUpdate"]) -> int:
        """Write re-matched faces and best matches of items, in one transaction."""
        count = 0
        with transaction(self._db) as db:
            for update in updates:
                db.execute("DELETE FROM faces WHERE item_id = ?", (update.item_id,))
                insert_faces(db, update.item_id, update.faces)
                db.execute(
                    "UPDATE items SET best_similarity = ?, best_reference_id = ?, match = ?, "
                    "evidence_kept = ? WHERE id = ?",
                    (
                        update.best_similarity,
                        update.best_reference_id,
                        int(update.match),
                        int(update.evidence_kept),
                        update.item_id,
                    ),
                )
                count += 1
        return count

    def set_scan_threshold(self, scan_id: int, threshold: float, preset: str | None) -> None:
        """Record the threshold (and preset, None for a chosen number) a scan now uses."""
        with transaction(self._db) as db:
            db.execute(
                "UPDATE scans SET threshold = ?, preset = ? WHERE id = ?",
                (threshold, preset, scan_id),
            )

    def drop_orphans(self) -> None:
        """Forget cached bytes that no remaining scan item refers to (after a deletion)."""
        with transaction(self._db) as db:
            kept = "(SELECT sha256 FROM items WHERE sha256 IS NOT NULL)"
            db.execute(f"DELETE FROM cached_files WHERE sha256 NOT IN {kept}")
            db.execute(f"DELETE FROM cached_analyses WHERE sha256 NOT IN {kept}")
            db.execute(f"DELETE FROM cached_faces WHERE sha256 NOT IN {kept}")

    def clear(self) -> None:
        with transaction(self._db) as db:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table}")

    def count(self) -> int:
        """How many analyses are cached (all packs)."""
        return int(self._db.execute("SELECT COUNT(*) FROM cached_analyses").fetchone()[0])


@dataclass(frozen=True)
class ItemMatchUpdate:
    """An item's faces and best match after re-matching its stored embeddings."""

    item_id: int
    faces: Sequence[FaceHit]
    best_similarity: float | None
    best_reference_id: int | None
    match: bool
    evidence_kept: bool
