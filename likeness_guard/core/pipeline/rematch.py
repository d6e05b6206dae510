"""Re-matching: a finished scan compared again with today's reference photos and threshold.

Nothing is read from the scanned files or the web: each item's faces come from the face cache
(storage/face_cache.py) by the SHA-256 of its bytes, and only their similarities, best
references and matches are recomputed and written back to the scan.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from likeness_guard.core.domain.records import ReferenceFace, ScanItem
from likeness_guard.core.pipeline.incremental import face_hits, with_hits
from likeness_guard.core.pipeline.video_cache import clip_from_cache
from likeness_guard.core.storage.face_cache import ItemMatchUpdate
from likeness_guard.core.storage.store import Store


@dataclass(frozen=True)
class RematchResult:
    """What a re-match changed."""

    scan_id: int
    items: int  # items in the scan
    rematched: int  # items compared again (the others keep what the scan found)
    matches_before: int
    matches_after: int
    new_without_copy: int  # new matches whose bytes are not kept as evidence yet

    @property
    def not_rematched(self) -> int:
        return self.items - self.rematched


def rematch_scan(
    store: Store,
    scan_id: int,
    references: Sequence[ReferenceFace],
    threshold: float,
    preset: str | None,
    pack_key: str,
) -> RematchResult:
    """Match the scan's stored embeddings with `references` at `threshold`; write the result.

    Clips are matched again from their stored frames (their segments too). Items without
    stored embeddings (unreadable files, items cut short by their time limit, clips not
    examined whole, scans made before the cache existed) keep what the scan found.
    """
    reference_matrix = np.stack([r.embedding for r in references])
    reference_ids = [r.id for r in references]
    items = list(store.items(scan_id))  # read all first: the writes below use the same db
    updates: list[ItemMatchUpdate] = []
    before = sum(item.match for item in items)
    after = 0
    new_without_copy = 0
    for item in items:
        updated = _rematched(store, item, reference_matrix, reference_ids, threshold, pack_key)
        if updated is None:
            after += int(item.match)
            continue
        kept = item.evidence_kept or (
            updated.match
            and item.sha256 is not None
            and store.evidence.path_for(item.sha256).exists()
        )
        if updated.match and not kept:
            new_without_copy += 1
        after += int(updated.match)
        updates.append(
            ItemMatchUpdate(
                item_id=item.id or 0,
                faces=updated.faces,
                best_similarity=updated.best_similarity,
                best_reference_id=updated.best_reference_id,
                match=updated.match,
                evidence_kept=kept,
                video=updated.video if updated.is_video else None,
            )
        )
    store.face_cache.update_matches(updates)
    store.face_cache.set_scan_threshold(scan_id, threshold, preset)
    return RematchResult(
        scan_id=scan_id,
        items=len(items),
        rematched=len(updates),
        matches_before=before,
        matches_after=after,
        new_without_copy=new_without_copy,
    )


def _rematched(
    store: Store,
    item: ScanItem,
    reference_matrix: np.ndarray,
    reference_ids: list[int],
    threshold: float,
    pack_key: str,
) -> ScanItem | None:
    if item.sha256 is None or item.is_error or item.id is None:
        return None
    analysis = store.face_cache.get(item.sha256, pack_key)
    if analysis is None or (analysis.video is None and item.is_video):
        return None
    if analysis.video is not None:  # a clip: its frames' faces, segments again
        return clip_from_cache(item, analysis, reference_matrix, reference_ids, threshold)
    if len(analysis.faces) != len(item.faces):
        return None
    return with_hits(item, face_hits(analysis.faces, reference_matrix, reference_ids, threshold))
