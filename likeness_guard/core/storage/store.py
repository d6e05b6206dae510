"""The local store: one SQLite file with profiles, reference faces, scans and their items.

Every query returns domain records, and items come with their faces in batches (one faces
query per batch of items, never one per row). One `Store` (one connection) per thread: a
scan worker opens its own and is the only writer of that scan; WAL lets the window read
while it writes.
"""

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from likeness_guard.core.domain.errors import StoreError, UserFacingError
from likeness_guard.core.domain.records import (
    FaceHit,
    ItemStatus,
    MatchTier,
    MediaKind,
    ModelPackInfo,
    Profile,
    ReferenceFace,
    Scan,
    ScanCounts,
    ScanItem,
    ScanStatus,
    Verdict,
    VerdictRecord,
    item_tier,
    utc_now,
)
from likeness_guard.core.domain.serialize import (
    file_from_json,
    file_json,
    model_pack_from_json,
    model_pack_json,
    synthetic_from_json,
    synthetic_json,
    video_from_json,
    video_json,
    web_from_json,
    web_json,
)
from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR
from likeness_guard.core.storage import forgetting
from likeness_guard.core.storage.captures import CaptureLog
from likeness_guard.core.storage.connection import connect, store_error, transaction
from likeness_guard.core.storage.crypto import wipe_file
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.face_cache import FaceCache
from likeness_guard.core.storage.journal import DeletionJournal
from likeness_guard.core.storage.lock import FolderLocks
from likeness_guard.core.storage.migrations import migrate
from likeness_guard.core.storage.paths import data_dir
from likeness_guard.core.storage.skipped import SkippedLog
from likeness_guard.core.storage.takedowns import TakedownLog

DB_NAME = "likeness-guard.sqlite3"
# Items read per faces query: large enough to amortise it, small enough to stream.
_BATCH = 500


class Store:
    """The SQLite database and evidence folder in one data folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DB_NAME
        self.evidence = EvidenceFolder(folder / "evidence")
        self._open_hold = FolderLocks(folder).hold_open()
        try:
            self._db = connect(self.path)
        except BaseException:
            self._open_hold.release()
            raise
        try:
            migrate(self._db, folder)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            self._open_hold.release()
            raise store_error(exc, self.path) from exc
        except StoreError:
            self._db.close()
            self._open_hold.release()
            raise
        self.takedowns = TakedownLog(self._db)
        self.captures = CaptureLog(self._db, self.evidence)
        self.skipped = SkippedLog(self._db)
        self.face_cache = FaceCache(self._db)
        DeletionJournal(folder).prepare()  # room set aside so that deleting never fails

    def reopen(self) -> None:
        """Open the database file again (after it was wiped and made anew)."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        type(self).__init__(self, self.folder)

    @classmethod
    def open(cls, override: str | Path | None = None) -> "Store":
        """Open (creating if needed) the store in the data folder."""
        return cls(data_dir(override))

    def close(self) -> None:
        self._db.close()
        self._open_hold.release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def mark_interrupted_scans(self) -> int:
        """Mark scans left "running" by a killed process as interrupted; returns how many.

        A scan counts as interrupted when no process holds its lock any more (lock.py), so a
        scan running in another window or terminal is left alone.
        """
        locks = FolderLocks(self.folder)
        running = self._db.execute("SELECT id FROM scans WHERE status = ?", (ScanStatus.RUNNING,))
        dead = [row[0] for row in running.fetchall() if locks.scan_is_dead(row[0])]
        if not dead:
            return 0
        with transaction(self._db) as db:
            return db.execute(
                "UPDATE scans SET status = ?, finished_at = COALESCE(finished_at, ?) "
                f"WHERE status = ? AND id IN ({_marks(dead)})",
                (ScanStatus.INTERRUPTED, utc_now(), ScanStatus.RUNNING, *dead),
            ).rowcount

    # ---- profiles ------------------------------------------------------------------------

    _PROFILES = (
        "SELECT p.*, (SELECT COUNT(*) FROM reference_faces r WHERE r.profile_id = p.id) "
        "AS refs FROM profiles p"
    )

    def profile(self, name: str, *, create: bool = False) -> Profile | None:
        """Return the profile called `name`, creating it when asked."""
        row = self._db.execute(self._PROFILES + " WHERE name = ?", (name,)).fetchone()
        if row is None and create:
            with transaction(self._db) as db:
                db.execute(
                    "INSERT INTO profiles (name, created_at) VALUES (?, ?)", (name, utc_now())
                )
            return self.profile(name)
        return None if row is None else _profile(row)

    def profiles(self) -> list[Profile]:
        return [_profile(r) for r in self._db.execute(self._PROFILES + " ORDER BY name")]

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
        with transaction(self._db) as db:
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
        return [_reference(row) for row in self._db.execute(query + " ORDER BY id", params)]

    def reference(self, reference_id: int) -> ReferenceFace | None:
        row = self._db.execute(
            "SELECT * FROM reference_faces WHERE id = ?", (reference_id,)
        ).fetchone()
        return _reference(row) if row else None

    def remove_reference(self, reference_id: int) -> None:
        with transaction(self._db) as db:
            db.execute("DELETE FROM reference_faces WHERE id = ?", (reference_id,))

    def set_reference_embedding(
        self, reference_id: int, embedding: np.ndarray, model_pack: str
    ) -> None:
        """Replace a reference's embedding with one made by another model pack (same face
        thumbnail, same id, so scans that point at it keep pointing at it)."""
        with transaction(self._db) as db:
            db.execute(
                "UPDATE reference_faces SET embedding = ?, model_pack = ? WHERE id = ?",
                (np.asarray(embedding, dtype="<f4").tobytes(), model_pack, reference_id),
            )

    def count_embeddings(self) -> int:
        """How many reference embeddings the store holds (0 after forgetting everything)."""
        return int(self._db.execute("SELECT COUNT(*) FROM reference_faces").fetchone()[0])

    # ---- scans -----------------------------------------------------------------------------

    def create_scan(
        self,
        profile: Profile,
        *,
        threshold: float,
        preset: str | None,
        model_pack: ModelPackInfo,
        inputs: Iterable[str],
    ) -> int:
        """Record a new running scan; returns its id."""
        with transaction(self._db) as db:
            cursor = db.execute(
                "INSERT INTO scans (profile_id, profile_name, threshold, preset, model_pack, "
                "inputs, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    profile.id,
                    profile.name,
                    threshold,
                    preset,
                    json.dumps(model_pack_json(model_pack)),
                    json.dumps(list(inputs)),
                    ScanStatus.RUNNING,
                    utc_now(),
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def finish_scan(self, scan_id: int, status: ScanStatus) -> None:
        with transaction(self._db) as db:
            db.execute(
                "UPDATE scans SET status = ?, finished_at = ? WHERE id = ?",
                (status, utc_now(), scan_id),
            )

    def scan(self, scan_id: int) -> Scan | None:
        row = self._db.execute("SELECT * FROM scans WHERE id = ?", (scan_id,)).fetchone()
        return _scan(row) if row else None

    def scans(self, profile_id: int | None = None) -> list[Scan]:
        """Scans, newest first."""
        if profile_id is None:
            rows = self._db.execute("SELECT * FROM scans ORDER BY id DESC")
        else:
            rows = self._db.execute(
                "SELECT * FROM scans WHERE profile_id = ? ORDER BY id DESC", (profile_id,)
            )
        return [_scan(r) for r in rows]

    def last_scan_id(self) -> int | None:
        row = self._db.execute("SELECT MAX(id) FROM scans").fetchone()
        return int(row[0]) if row[0] is not None else None

    def scan_counts(self, scan_ids: Iterable[int]) -> dict[int, ScanCounts]:
        """Items, errors, matches and faces of each scan, in two queries for all of them."""
        ids = list(scan_ids)
        counts = {scan_id: ScanCounts() for scan_id in ids}
        if not ids:
            return counts
        marks = _marks(ids)
        faces = dict(
            self._db.execute(
                "SELECT i.scan_id, COUNT(*) FROM faces f JOIN items i ON f.item_id = i.id "
                f"WHERE i.scan_id IN ({marks}) GROUP BY i.scan_id",
                ids,
            ).fetchall()
        )
        for row in self._db.execute(
            "SELECT scan_id, COUNT(*), SUM(status = 'error'), SUM(match) FROM items "
            f"WHERE scan_id IN ({marks}) GROUP BY scan_id",
            ids,
        ):
            counts[row[0]] = ScanCounts(
                items=int(row[1]),
                errors=int(row[2] or 0),
                matches=int(row[3] or 0),
                faces=int(faces.get(row[0], 0)),
            )
        return counts

    # ---- items -----------------------------------------------------------------------------

    def add_item(self, item: ScanItem) -> int:
        """Store an item with its faces in one transaction; returns its id."""
        with transaction(self._db) as db:
            cursor = db.execute(
                "INSERT INTO items (scan_id, seq, source, sha256, status, error, format, width, "
                "height, frame_count, best_similarity, best_reference_id, match, duplicate_of, "
                "file_json, web_json, synthetic_json, evidence_kept, picture_pdq, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    _dump(None if item.file is None else file_json(item.file)),
                    _dump(None if item.web is None else web_json(item.web)),
                    _dump(None if item.synthetic is None else synthetic_json(item.synthetic)),
                    int(item.evidence_kept),
                    item.picture_pdq,
                    utc_now(),
                ),
            )
            item_id = cursor.lastrowid
            assert item_id is not None
            if item.is_video or item.md5 is not None:
                db.execute(
                    "UPDATE items SET media = ?, md5 = ?, video_json = ? WHERE id = ?",
                    (
                        item.media,
                        item.md5,
                        _dump(None if item.video is None else video_json(item.video)),
                        item_id,
                    ),
                )
            db.executemany(
                "INSERT INTO faces (item_id, frame, x1, y1, x2, y2, det_score, similarity, "
                "reference_id, match, frame_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        item_id,
                        f.frame,
                        *f.bbox,
                        f.det_score,
                        f.similarity,
                        f.reference_id,
                        f.match,
                        f.frame_s,
                    )
                    for f in item.faces
                ],
            )
            return item_id

    def item(self, item_id: int) -> ScanItem | None:
        rows = self._db.execute(_ITEMS + " WHERE items.id = ?", (item_id,)).fetchall()
        return next(iter(self._with_faces(rows)), None)

    def items(self, scan_id: int) -> Iterator[ScanItem]:
        """Every item of a scan in the order scanned, streamed in batches."""
        cursor = self._db.execute(_ITEMS + " WHERE scan_id = ? ORDER BY seq", (scan_id,))
        while rows := cursor.fetchmany(_BATCH):
            yield from self._with_faces(rows)

    def matches(
        self, scan_id: int | None = None, *, include_rejected: bool = True
    ) -> list[ScanItem]:
        """Matched items (of one scan, or of all), most similar first."""
        query = _ITEMS + " WHERE match = 1"
        params: tuple[Any, ...] = ()
        if scan_id is not None:
            query += " AND scan_id = ?"
            params = (scan_id,)
        if not include_rejected:
            query += " AND (v.verdict IS NULL OR v.verdict != ?)"
            params += (Verdict.NOT_ME,)
        rows = self._db.execute(query + " ORDER BY best_similarity DESC, id", params).fetchall()
        return [
            item
            for start in range(0, len(rows), _BATCH)
            for item in self._with_faces(rows[start : start + _BATCH])
        ]

    def possible_matches(self, scan_id: int | None = None) -> list[ScanItem]:
        """Items below the threshold with a face close and large enough to check
        ("possibly you"), most similar first."""
        query = _ITEMS + " WHERE match = 0 AND best_similarity >= ?"
        params: tuple[Any, ...] = (POSSIBLE_FLOOR,)
        if scan_id is not None:
            query += " AND scan_id = ?"
            params += (scan_id,)
        rows = self._db.execute(query + " ORDER BY best_similarity DESC, id", params).fetchall()
        return [
            item
            for start in range(0, len(rows), _BATCH)
            for item in self._with_faces(rows[start : start + _BATCH])
            if item_tier(item) is MatchTier.POSSIBLE
        ]

    def reportable_matches(self, scan_id: int) -> list[ScanItem]:
        """What evidence, notices and re-checks cover: the matches not marked "not me", and
        the possible matches the person confirmed, most similar first."""
        items = self.matches(scan_id, include_rejected=False)
        items += [i for i in self.possible_matches(scan_id) if i.verdict is Verdict.ME]
        return sorted(items, key=lambda i: (-(i.best_similarity or 0.0), i.id))

    def first_error(self, scan_id: int) -> str | None:
        """The error of the scan's first item that could not be read, if any."""
        row = self._db.execute(
            "SELECT error FROM items WHERE scan_id = ? AND status = 'error' ORDER BY seq LIMIT 1",
            (scan_id,),
        ).fetchone()
        return None if row is None else row[0]

    def resolve_sha256(self, prefix: str) -> str:
        """The one SHA-256 of a scanned item that starts with `prefix` (at least 6 hex digits).

        Raises UserFacingError when the prefix is too short, matches nothing, or several.
        """
        prefix = prefix.strip().lower()
        if len(prefix) < 6 or any(c not in "0123456789abcdef" for c in prefix):
            raise UserFacingError(
                f"{prefix!r} is not the start of a SHA-256: give at least 6 of its hex digits "
                "(as shown by 'likeness-guard review --list')."
            )
        found = [
            row[0]
            for row in self._db.execute(
                "SELECT DISTINCT sha256 FROM items WHERE sha256 >= ? AND sha256 < ? LIMIT 2",
                (prefix, prefix + "g"),
            )
        ]
        if not found:
            raise UserFacingError(f"No scanned image has a SHA-256 starting with {prefix}.")
        if len(found) > 1:
            raise UserFacingError(
                f"Several images have a SHA-256 starting with {prefix}: give more digits."
            )
        return str(found[0])

    def picture_pdq_of(self, sha256: str) -> str | None:
        """The picture hash an earlier item with these bytes was given, if any (a rescan
        does not decode its matches again for it)."""
        row = self._db.execute(
            "SELECT picture_pdq FROM items WHERE sha256 = ? AND picture_pdq IS NOT NULL LIMIT 1",
            (sha256,),
        ).fetchone()
        return None if row is None else str(row[0])

    def web_urls_of(self, sha256: str) -> list[str]:
        """Every web address where these exact bytes were found, in the order first seen."""
        urls: dict[str, None] = {}
        for row in self._db.execute(
            "SELECT web_json FROM items WHERE sha256 = ? AND web_json IS NOT NULL ORDER BY id",
            (sha256,),
        ):
            origin = web_from_json(json.loads(row[0]))
            if origin.http is not None:  # a fetch that failed found no bytes there
                urls[origin.url] = None
        return list(urls)

    def set_verdict(self, item_id: int, verdict: Verdict | None) -> str | None:
        """Record "this is me" / "not me" (or clear it) for an item's bytes: every item, in
        every scan, with the same SHA-256 shows it. Returns when it was given (UTC), or None.

        Raises ValueError for an item without bytes (one that could not be read).
        """
        row = self._db.execute("SELECT sha256 FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None or row[0] is None:
            raise ValueError(f"item {item_id} has no SHA-256 to give a verdict to")
        return self.set_sha256_verdict(str(row[0]), verdict)

    def set_sha256_verdict(
        self, sha256: str, verdict: Verdict | None, at: str | None = None
    ) -> str | None:
        """Record a verdict for these bytes (None clears it), given at `at` (UTC, default
        now); returns that time, or None when cleared."""
        if verdict is not None:
            verdict = Verdict(verdict)  # ValueError for anything else
        when = (at or utc_now()) if verdict is not None else None
        with transaction(self._db) as db:
            if verdict is None:
                db.execute("DELETE FROM verdicts WHERE sha256 = ?", (sha256,))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO verdicts (sha256, verdict, verdict_at) "
                    "VALUES (?, ?, ?)",
                    (sha256, verdict, when),
                )
            # The per-item columns mirror the table, for readers that do not join it.
            db.execute(
                "UPDATE items SET verdict = ?, verdict_at = ? WHERE sha256 = ?",
                (verdict, when, sha256),
            )
        return when

    def verdict(self, sha256: str) -> VerdictRecord | None:
        """What the user said about these bytes, or None."""
        row = self._db.execute("SELECT * FROM verdicts WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return None
        return VerdictRecord(row["sha256"], Verdict(row["verdict"]), row["verdict_at"])

    def _with_faces(self, rows: list[sqlite3.Row]) -> list[ScanItem]:
        """Items for `rows`, with all their faces loaded in one query."""
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        faces: dict[int, list[FaceHit]] = {item_id: [] for item_id in ids}
        for f in self._db.execute(
            f"SELECT * FROM faces WHERE item_id IN ({_marks(ids)}) ORDER BY id", ids
        ):
            faces[f["item_id"]].append(
                FaceHit(
                    bbox=(f["x1"], f["y1"], f["x2"], f["y2"]),
                    det_score=f["det_score"],
                    similarity=f["similarity"],
                    reference_id=f["reference_id"],
                    match=bool(f["match"]),
                    frame=f["frame"],
                    frame_s=f["frame_s"],
                )
            )
        return [_item(row, tuple(faces[row["id"]])) for row in rows]

    # ---- forgetting ------------------------------------------------------------------------

    def forget_profile(self, name: str) -> bool:
        """Delete a profile with its references, scans and no-longer-needed evidence.

        A scan of the profile still running is stopped first; its kept images go before its
        rows (forgetting.py), and a full disk postpones only the compaction.
        """
        found = self.profile(name)
        if found is None:
            return False
        return bool(forgetting.forget(self, found.id, lambda: self._forget_profile_rows(name)))

    def _forget_profile_rows(self, name: str) -> bool:
        with transaction(self._db) as db:
            deleted = db.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount
        if deleted:
            self.takedowns.drop_orphans()
            self.face_cache.drop_orphans()
            with transaction(self._db) as db:  # verdicts on bytes no scan holds any more
                db.execute(
                    "DELETE FROM verdicts WHERE sha256 NOT IN "
                    "(SELECT sha256 FROM items WHERE sha256 IS NOT NULL)"
                )
            self._drop_orphan_evidence()
            self._compact()
        return bool(deleted)

    def forget_all(self) -> None:
        """Delete every profile, reference, scan and evidence file, and compact the file.

        The kept images go first; on a full disk the database files are overwritten where
        they lie and removed instead (forgetting.py).
        """
        forgetting.forget(self, None, self._forget_all_rows)

    def _forget_all_rows(self) -> None:
        with transaction(self._db) as db:
            for table in (
                "cached_faces",
                "cached_analyses",
                "cached_files",
                "verdicts",
                "http_captures",
                "takedown_requests",
                "rechecks",
                "faces",
                "items",
                "scans",
                "reference_faces",
                "profiles",
            ):
                db.execute(f"DELETE FROM {table}")
        shutil.rmtree(self.evidence.root, ignore_errors=True)
        self._compact()

    def _drop_orphan_evidence(self) -> None:
        if not self.evidence.root.is_dir():
            return
        keep = {r[0] for r in self._db.execute("SELECT sha256 FROM items WHERE evidence_kept")}
        keep |= self.captures.kept_sha256s()
        for row in self._db.execute("SELECT web_json FROM items WHERE web_json IS NOT NULL"):
            web = web_from_json(json.loads(row[0]))
            if web.page is not None:
                keep.add(web.page.sha256)
        names = self.evidence.names_for(keep)  # keyed names in a protected folder
        for path in self.evidence.root.glob("*/*"):
            if path.name not in names and not forgetting.fresh(path):
                wipe_file(path)

    def _compact(self) -> None:
        """Rewrite the file so no deleted row survives in free pages or the WAL."""
        try:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            if forgetting.is_disk_full(exc):  # deleted rows are zeroed already: compact later
                DeletionJournal(self.folder).add(compact=True)
                return
            raise store_error(exc) from exc


def _marks(values: list[int]) -> str:
    return ",".join("?" * len(values))


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else dict(json.loads(text))


def _profile(row: sqlite3.Row) -> Profile:
    return Profile(row["id"], row["name"], row["created_at"], row["refs"])


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


def _scan(row: sqlite3.Row) -> Scan:
    return Scan(
        id=row["id"],
        profile_id=row["profile_id"],
        profile_name=row["profile_name"],
        threshold=row["threshold"],
        preset=row["preset"],
        model_pack=model_pack_from_json(json.loads(row["model_pack"])),
        inputs=tuple(json.loads(row["inputs"])),
        status=ScanStatus(row["status"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


# Items with the verdict given to their bytes (see `set_sha256_verdict`).
_ITEMS = (
    "SELECT items.*, v.verdict AS bytes_verdict, v.verdict_at AS bytes_verdict_at "
    "FROM items LEFT JOIN verdicts v ON v.sha256 = items.sha256"
)


def _item(row: sqlite3.Row, faces: tuple[FaceHit, ...]) -> ScanItem:
    columns = row.keys()  # `in row` would look among the values
    if "bytes_verdict" in columns:
        verdict, verdict_at = row["bytes_verdict"], row["bytes_verdict_at"]
    else:  # a query that did not join the verdicts: the mirrored columns
        verdict, verdict_at = row["verdict"], row["verdict_at"]
    file = _load(row["file_json"])
    web = _load(row["web_json"])
    synthetic = _load(row["synthetic_json"])
    video = _load(row["video_json"])
    return ScanItem(
        id=row["id"],
        scan_id=row["scan_id"],
        seq=row["seq"],
        source=row["source"],
        sha256=row["sha256"],
        status=ItemStatus(row["status"]),
        error=row["error"],
        format=row["format"],
        width=row["width"],
        height=row["height"],
        frame_count=row["frame_count"],
        best_similarity=row["best_similarity"],
        best_reference_id=row["best_reference_id"],
        match=bool(row["match"]),
        duplicate_of=row["duplicate_of"],
        file=None if file is None else file_from_json(file),
        web=None if web is None else web_from_json(web),
        synthetic=None if synthetic is None else synthetic_from_json(synthetic),
        evidence_kept=bool(row["evidence_kept"]),
        verdict=None if verdict is None else Verdict(verdict),
        verdict_at=verdict_at,
        faces=faces,
        media=MediaKind(row["media"]),
        md5=row["md5"],
        video=None if video is None else video_from_json(video),
        picture_pdq=row["picture_pdq"],
    )
