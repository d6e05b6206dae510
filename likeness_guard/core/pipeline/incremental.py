"""Incremental scanning: faces found once are matched again, never looked for again.

A scan asks the face cache (storage/face_cache.py) before reading a file (by path, size and
modification time) and before decoding any bytes (by SHA-256). Known bytes get the faces and
embeddings found the first time, matched against the profile's references of today with
today's threshold, in exactly the way a fresh analysis is (`face_hits`), so a rescan lists the
same faces with the same similarities as a cold scan.
"""

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from likeness_guard.core.domain.records import FaceHit, ScanItem
from likeness_guard.core.engine.similarity import best_references
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.face_cache import CachedAnalysis, CachedFace

log = logging.getLogger(__name__)


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
    hits = []
    for face, similarity, index in zip(faces, similarities, best, strict=True):
        x1, y1, x2, y2 = (round(float(v), 1) for v in face.bbox)
        hits.append(
            FaceHit(
                bbox=(x1, y1, x2, y2),
                det_score=round(face.det_score, 4),
                similarity=round(float(similarity), 4),
                reference_id=reference_ids[int(index)],
                match=bool(similarity >= threshold),
                frame=face.frame,
            )
        )
    return tuple(hits)


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


def from_cache(
    base: ScanItem,
    analysis: CachedAnalysis,
    reference_matrix: np.ndarray,
    reference_ids: Sequence[int],
    threshold: float,
    *,
    check_provenance: bool,
) -> ScanItem:
    """The item as a fresh analysis of the same bytes would have made it."""
    record = replace(
        base,
        format=analysis.format,
        width=analysis.width,
        height=analysis.height,
        frame_count=analysis.frame_count,
        synthetic=analysis.synthetic if check_provenance else None,
    )
    hits = face_hits(analysis.faces, reference_matrix, reference_ids, threshold)
    return with_hits(record, hits)


def file_stamp(item: SourceItem) -> tuple[str, int, int] | None:
    """(path, size, modification time in ns) of a local file, or None (web, or gone)."""
    if item.file is None:
        return None
    try:
        info = os.stat(item.file.path)
    except (OSError, ValueError):
        return None
    return item.file.path, info.st_size, info.st_mtime_ns


def read_again(item: SourceItem, sha256: str) -> bytes | None:
    """The bytes of a known file that now matches, to keep as evidence; None when they can
    no longer be read or are not the bytes analysed."""
    try:
        data = item.read()
    except Exception:  # gone, unreadable: the match is listed without a kept copy
        log.info("could not read %s again to keep it", item.source, exc_info=True)
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None
