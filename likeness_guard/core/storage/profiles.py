"""The profiles table family: people, and the reference faces enrolled for each."""

import sqlite3
from typing import Any

import numpy as np

from likeness_guard.core.domain.records import Profile, ReferenceFace, utc_now
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.rows import same_named


class ProfileRecords:
    """Profiles and their reference faces, through `self._db` (one connection, one thread)."""

    _db: sqlite3.Connection

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


def _profile(row: sqlite3.Row) -> Profile:
    return Profile(row["id"], row["name"], row["created_at"], row["refs"])


# The reference face fields stored as they are, in columns of the same name.
_SAME_NAMED_REFERENCE_COLUMNS = (
    "id profile_id source_name source_sha256 det_score face_width sharpness model_pack created_at"
)


def _reference(row: sqlite3.Row) -> ReferenceFace:
    return ReferenceFace(
        **same_named(row, _SAME_NAMED_REFERENCE_COLUMNS),
        embedding=np.frombuffer(row["embedding"], dtype="<f4").copy(),
        thumbnail_png=row["thumbnail"],
    )
