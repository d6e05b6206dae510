"""Incremental scanning: faces found once are matched again, never looked for again.

A scan asks the face cache (storage/face_cache.py) before reading a file (by path, size and
modification time) and before decoding any bytes (by SHA-256). Known bytes get the faces and
embeddings found the first time, matched against the profile's references of today with
today's threshold, in exactly the way a fresh analysis is (`matched`, `face_hits`), so a
rescan lists the same faces with the same similarities as a cold scan.
"""

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from likeness_guard.core.domain.records import FaceHit, ScanItem
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.domain.thresholds import match_threshold
from likeness_guard.core.engine.similarity import best_references
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.face_cache import CachedFace, FileStamp

log = logging.getLogger(__name__)

__all__ = ["FileStamp"]  # a local file as it was before it was read (face_cache.py)


class ImageFacts(Protocol):
    """What an analysis of an image's bytes says about the picture: a fresh analysis, a
    cached one, or the record of an earlier copy of the same bytes."""

    @property
    def format(self) -> str | None: ...

    @property
    def width(self) -> int | None: ...

    @property
    def height(self) -> int | None: ...

    @property
    def frame_count(self) -> int | None: ...


class Detection(Protocol):
    """A face as a detector found it (fresh, or from the face cache)."""

    @property
    def bbox(self) -> tuple[float, float, float, float]: ...

    @property
    def det_score(self) -> float: ...

    @property
    def drawn(self) -> bool: ...

    @property
    def turned(self) -> int: ...


def face_hit(
    face: Detection,
    similarity: float,
    reference_id: int,
    threshold: float,
    *,
    frame: int = 0,
    frame_s: float | None = None,
    scale: float = 1.0,
) -> FaceHit:
    """One face as a scan records it: box (in displayed pixels; `scale` is pixels found in
    per displayed pixel) and score rounded, its best reference, whether it matches (at
    `threshold`, or the lower one for a face that looks drawn), whether it was turned."""
    x1, y1, x2, y2 = (round(float(value) / scale, 1) for value in face.bbox)
    return FaceHit(
        bbox=(x1, y1, x2, y2),
        det_score=round(face.det_score, 4),
        similarity=round(float(similarity), 4),
        reference_id=reference_id,
        match=bool(similarity >= match_threshold(threshold, face.drawn)),
        frame=frame,
        frame_s=frame_s,
        drawn=face.drawn,
        turned=face.turned,
    )


def face_hits(
    faces: Sequence[CachedFace],
    reference_matrix: np.ndarray,
    reference_ids: Sequence[int],
    threshold: float,
) -> tuple[FaceHit, ...]:
    """The faces as a scan records them: rounded box and score, best reference, match."""
    if not faces:
        return ()
    embeddings = np.stack([face.embedding for face in faces])
    similarities, best = best_references(embeddings, reference_matrix)
    return tuple(
        face_hit(face, similarity, reference_ids[int(index)], threshold, frame=face.frame)
        for face, similarity, index in zip(faces, similarities, best, strict=True)
    )


def with_hits(record: ScanItem, hits: tuple[FaceHit, ...]) -> ScanItem:
    """`record` with these faces, its best face and whether any matched."""
    best = max(hits, key=lambda f: f.similarity) if hits else None
    return replace(
        record,
        faces=hits,
        best_similarity=best.similarity if best else None,
        best_reference_id=best.reference_id if best else None,
        match=any(f.match for f in hits),
    )


def with_image_facts(
    record: ScanItem, facts: ImageFacts, synthetic: SyntheticReport | None
) -> ScanItem:
    """`record` with the picture's format, size and frames, and its AI-marker report."""
    return replace(
        record,
        format=facts.format,
        width=facts.width,
        height=facts.height,
        frame_count=facts.frame_count,
        synthetic=synthetic,
    )


def matched(
    base: ScanItem,
    facts: ImageFacts,
    faces: Sequence[CachedFace],
    reference_matrix: np.ndarray,
    reference_ids: Sequence[int],
    threshold: float,
    *,
    synthetic: SyntheticReport | None,
) -> ScanItem:
    """The item from an analysis of its bytes, fresh or cached: the same either way."""
    hits = face_hits(faces, reference_matrix, reference_ids, threshold)
    return with_hits(with_image_facts(base, facts, synthetic), hits)


def file_stamp(item: SourceItem) -> FileStamp | None:
    """Path, size, modification time, inode and status-change time of a local file (the
    last two where the platform has them), or None (web, or gone)."""
    if item.file is None:
        return None
    try:
        info = os.stat(item.file.path)
    except (OSError, ValueError):
        return None
    return FileStamp(
        item.file.path,
        info.st_size,
        info.st_mtime_ns,
        info.st_ino or None,  # 0 where a file system has no inode numbers
        getattr(info, "st_ctime_ns", None),
    )


def read_again(item: SourceItem, sha256: str) -> bytes | None:
    """The bytes of a known file that now matches, to keep as evidence; None when they can
    no longer be read or are not the bytes analysed."""
    try:
        data = item.read()
    except Exception:  # gone, unreadable: the match is listed without a kept copy
        log.info("could not read %s again to keep it", item.source, exc_info=True)
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None
