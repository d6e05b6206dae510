"""The face cache: what each image's bytes held, per model pack, so no bytes are analysed twice.

Two lookups feed a scan. A file is known by (path, size, modification time in nanoseconds)
before any of it is read; any bytes (a file's, a web resource's) are known by their SHA-256.
For known bytes the cache holds the faces the models found (box, detector score, frame) with
their embeddings, the image's format and size, and its AI-marker report, so a rescan only
compares embeddings with the references. Re-matching a scan reads its embeddings from here.

The cache is keyed by `cache_key(pack.info())`: every file of the model pack, since another
detector finds other faces and another recognizer makes incomparable embeddings, and the
recipe that finds faces and prepares them for the recognizer (domain/packs.py FACE_RECIPE),
and what is kept of each face (CACHED_FACE_FACTS).
"""

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import numpy as np

from likeness_guard.core.domain.packs import FACE_RECIPE
from likeness_guard.core.domain.records import FaceHit, ModelPackInfo, VideoFacts, utc_now
from likeness_guard.core.domain.serialize import synthetic_from_json, synthetic_json, video_json
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.rows import from_json_text, insert_faces, same_named

_TABLES = ("cached_faces", "cached_analyses", "cached_files")
# What a cached face holds besides its box, score and embedding: since issue 28 whether it
# looks drawn (it is matched against a lower threshold) and how far it was turned. Faces
# cached before that hold neither, so they are analysed again rather than read.
CACHED_FACE_FACTS = "drawn+turned-1"


def cache_key(info: ModelPackInfo) -> str:
    """The model pack's name and a digest of all its files, the face recipe and what is kept
    of each face."""
    files = json.dumps([sorted(info.files.items()), FACE_RECIPE, CACHED_FACE_FACTS]).encode()
    return f"{info.name}:{hashlib.sha256(files).hexdigest()[:16]}"


@dataclass(frozen=True)
class CachedFace:
    """One face as the models found it: raw box and score, and its unit-length embedding."""

    frame: int
    bbox: tuple[float, float, float, float]
    det_score: float
    embedding: np.ndarray  # 512 float32
    drawn: bool = False  # looks drawn (face_engine.looks_drawn): matched at a lower threshold
    turned: int = 0  # 0, 90, 180, 270: found in the picture turned back by that much


@dataclass(frozen=True)
class CachedVideo:
    """What sampling a clip showed that does not depend on the profile: every examined frame
    (time, frame number) and the clip's facts. Its faces are the analysis's faces, `frame`
    being the position in `frames`, boxes in the clip's displayed pixels."""

    policy: str  # the sampling settings it was made with (video_loader.VideoSettings.key)
    frames: tuple[tuple[float, int], ...]
    md5: str | None = None
    duration_s: float | None = None
    codec: str | None = None
    frame_rate: float | None = None
    examined_until_s: float | None = None
    sample_interval_s: float | None = None
    stopped: str | None = None  # a VideoStop, never "cancelled"
    best_frame_s: float | None = None  # the best frame at the scan that made it, and its hash
    frame_pdq: str | None = None
    frame_pdq_quality: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "CachedVideo":
        fields = dict(data)
        fields["frames"] = tuple((float(t), int(n)) for t, n in data["frames"])
        return cls(**fields)


@dataclass(frozen=True)
class CachedAnalysis:
    """Everything a scan learns from an item's bytes that does not depend on the profile."""

    sha256: str
    format: str | None
    width: int | None
    height: int | None
    frame_count: int | None
    faces: tuple[CachedFace, ...]
    synthetic: SyntheticReport | None = None
    provenance_checked: bool = False
    video: CachedVideo | None = None  # set for a clip


class FileStamp(NamedTuple):
    """A local file as it was before it was read. `inode` and `ctime_ns` are None where the
    platform has none (ctime changes when the file is written, renamed over or chmod-ed)."""

    path: str
    size: int
    mtime_ns: int
    inode: int | None = None
    ctime_ns: int | None = None


@dataclass
class CacheIndex:
    """What a scan's loader asks before reading: which files and which bytes are known.

    Built once per scan (paths and hashes only, no embeddings), read by the loader thread.
    """

    files: dict[str, tuple[FileStamp, str]]  # path -> (stamp when remembered, sha256)
    known: set[str]  # SHA-256s with an analysis usable by this scan
    # SHA-256s of clips -> the sampling settings their analysis was made with.
    clips: dict[str, str] | None = None

    def sha_of_file(self, stamp: FileStamp, policy: str | None = None) -> str | None:
        """The SHA-256 of an unchanged, already analysed file, or None. `policy`: the scan's
        video sampling settings (a clip sampled otherwise is not taken from the cache)."""
        entry = self.files.get(stamp.path)
        if entry is None or entry[0] != stamp:
            return None
        return entry[1] if self.usable(entry[1], policy) else None

    def usable(self, sha256: str, policy: str | None = None) -> bool:
        """Whether these bytes' analysis can be taken from the cache."""
        if sha256 not in self.known:
            return False
        made_with = (self.clips or {}).get(sha256)
        return made_with is None or policy is None or made_with == policy


class FaceCache:
    """Reads and writes the cache tables through the store's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def index(self, model_pack: str, *, need_provenance: bool) -> CacheIndex:
        """The files and bytes a scan with this pack can take from the cache."""
        query = (
            "SELECT sha256, json_extract(video_json, '$.policy') FROM cached_analyses "
            "WHERE model_pack = ?"
        )
        if need_provenance:
            query += " AND provenance_checked"
        known: set[str] = set()
        clips: dict[str, str] = {}
        for sha256, policy in self._db.execute(query, (model_pack,)):
            known.add(sha256)
            if policy is not None:
                clips[sha256] = policy
        files = {
            row[0]: (FileStamp(*row[:5]), str(row[5]))
            for row in self._db.execute(
                "SELECT path, size, mtime_ns, inode, ctime_ns, sha256 FROM cached_files"
            )
        }
        return CacheIndex(files, known, clips)

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
                drawn=bool(f["drawn"]),
                turned=int(f["turned"]),
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
            video=from_json_text(row["video_json"], CachedVideo.from_mapping),
        )

    def put(self, analysis: CachedAnalysis, model_pack: str) -> None:
        """Keep (or replace) the analysis of these bytes with this pack."""
        synthetic = analysis.synthetic
        key = (analysis.sha256, model_pack)
        with transaction(self._db) as db:
            db.execute("DELETE FROM cached_faces WHERE sha256 = ? AND model_pack = ?", key)
            db.execute(
                "INSERT OR REPLACE INTO cached_analyses (sha256, model_pack, format, width, "
                "height, frame_count, provenance_checked, synthetic_json, created_at, "
                "video_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *key,
                    analysis.format,
                    analysis.width,
                    analysis.height,
                    analysis.frame_count,
                    int(analysis.provenance_checked),
                    None if synthetic is None else json.dumps(synthetic_json(synthetic)),
                    utc_now(),
                    None if analysis.video is None else analysis.video.to_json(),
                ),
            )
            db.executemany(
                "INSERT INTO cached_faces (sha256, model_pack, frame, x1, y1, x2, y2, "
                "det_score, embedding, drawn, turned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        *key,
                        face.frame,
                        *(float(v) for v in face.bbox),
                        float(face.det_score),
                        np.asarray(face.embedding, dtype="<f4").tobytes(),
                        int(face.drawn),
                        int(face.turned),
                    )
                    for face in analysis.faces
                ],
            )

    def remember_file(self, stamp: FileStamp, sha256: str) -> None:
        """Note which bytes the file at `stamp.path` held as it was then."""
        with transaction(self._db) as db:
            db.execute(
                "INSERT OR REPLACE INTO cached_files (path, size, mtime_ns, inode, ctime_ns, "
                "sha256) VALUES (?, ?, ?, ?, ?, ?)",
                (*stamp, sha256),
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
                if update.video is not None:  # a clip's segments and best frame
                    db.execute(
                        "UPDATE items SET video_json = ? WHERE id = ?",
                        (json.dumps(video_json(update.video)), update.item_id),
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
    video: VideoFacts | None = None  # a clip's facts, matched again
