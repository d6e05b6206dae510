"""The items table family: what each scan found, the faces in it, and the verdicts given
to each file's bytes. Items come with their faces in batches (one faces query per batch of
items, never one per row)."""

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from likeness_guard.core.domain.chat import chat_from_json, chat_json
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import (
    FaceHit,
    ItemStatus,
    MatchTier,
    MediaKind,
    ScanItem,
    Verdict,
    VerdictRecord,
    item_tier,
    utc_now,
)
from likeness_guard.core.domain.serialize import (
    file_from_json,
    file_json,
    synthetic_from_json,
    synthetic_json,
    video_from_json,
    video_json,
    web_from_json,
    web_json,
)
from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR
from likeness_guard.core.storage.db import marks, transaction
from likeness_guard.core.storage.rows import (
    from_json_text,
    insert_faces,
    json_text,
    same_named,
)

# Items read per faces query: large enough to amortise it, small enough to stream.
_BATCH = 500


class ItemRecords:
    """Items, faces and verdicts, through `self._db` (one connection, one thread)."""

    _db: sqlite3.Connection

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
                    json_text(item.file, file_json),
                    json_text(item.web, web_json),
                    json_text(item.synthetic, synthetic_json),
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
                        json_text(item.video, video_json),
                        item_id,
                    ),
                )
            if item.chat is not None:  # a chat export's message (domain/chat.py)
                db.execute(
                    "UPDATE items SET chat_json = ? WHERE id = ?",
                    (json_text(item.chat, chat_json), item_id),
                )
            insert_faces(db, item_id, item.faces)
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

    def answered_pictures(self) -> list[tuple[VerdictRecord, str | None]]:
        """Every verdict given, each with the picture hash (PDQ) of its bytes when one is
        known: other versions of an answered picture are found by it."""
        rows = self._db.execute(
            "SELECT v.sha256, v.verdict, v.verdict_at, (SELECT picture_pdq FROM items "
            "WHERE items.sha256 = v.sha256 AND picture_pdq IS NOT NULL LIMIT 1) AS pdq "
            "FROM verdicts v ORDER BY v.verdict_at, v.sha256"
        ).fetchall()
        return [
            (VerdictRecord(row["sha256"], Verdict(row["verdict"]), row["verdict_at"]), row["pdq"])
            for row in rows
        ]

    def commits_by_others(self) -> int:
        """A number that changes when another connection (another thread's store, a command
        in a terminal) commits to the database: SQLite's data_version."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

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
            f"SELECT * FROM faces WHERE item_id IN ({marks(ids)}) ORDER BY id", ids
        ):
            faces[f["item_id"]].append(
                FaceHit(
                    bbox=(f["x1"], f["y1"], f["x2"], f["y2"]),
                    match=bool(f["match"]),
                    drawn=bool(f["drawn"]),
                    **same_named(f, "det_score similarity reference_id frame frame_s turned"),
                )
            )
        return [_item(row, tuple(faces[row["id"]])) for row in rows]


# Items with the verdict given to their bytes (see `set_sha256_verdict`).
_ITEMS = (
    "SELECT items.*, v.verdict AS bytes_verdict, v.verdict_at AS bytes_verdict_at "
    "FROM items LEFT JOIN verdicts v ON v.sha256 = items.sha256"
)


# The item fields stored as they are, in columns of the same name.
_SAME_NAMED_ITEM_COLUMNS = (
    "id scan_id seq source sha256 error format width height frame_count best_similarity "
    "best_reference_id duplicate_of md5 picture_pdq"
)


def _item(row: sqlite3.Row, faces: tuple[FaceHit, ...]) -> ScanItem:
    columns = row.keys()  # `in row` would look among the values
    if "bytes_verdict" in columns:
        verdict, verdict_at = row["bytes_verdict"], row["bytes_verdict_at"]
    else:  # a query that did not join the verdicts: the mirrored columns
        verdict, verdict_at = row["verdict"], row["verdict_at"]
    return ScanItem(
        **same_named(row, _SAME_NAMED_ITEM_COLUMNS),
        status=ItemStatus(row["status"]),
        match=bool(row["match"]),
        file=from_json_text(row["file_json"], file_from_json),
        web=from_json_text(row["web_json"], web_from_json),
        synthetic=from_json_text(row["synthetic_json"], synthetic_from_json),
        evidence_kept=bool(row["evidence_kept"]),
        verdict=None if verdict is None else Verdict(verdict),
        verdict_at=verdict_at,
        faces=faces,
        media=MediaKind(row["media"]),
        video=from_json_text(row["video_json"], video_from_json),
        chat=from_json_text(row["chat_json"], chat_from_json) if "chat_json" in columns else None,
    )
