"""Writing an item whose bytes were analysed in an earlier scan: matched from the face cache.

A still image's faces are compared again (incremental.matched); a clip's frames too, giving
its segments again (video_cache.clip_from_cache). No model runs and nothing is decoded; a
still's bytes are read once more only when a match keeps them as evidence or its picture
hash is not known yet, and a clip on disk is copied in pieces only when it matches.
"""

from dataclasses import dataclass, replace

import numpy as np

from likeness_guard.core.domain.records import ItemStatus, MatchTier, ScanItem, item_tier
from likeness_guard.core.imaging.pdq import picture_pdq
from likeness_guard.core.pipeline.incremental import matched, read_again
from likeness_guard.core.pipeline.loaded import Known
from likeness_guard.core.pipeline.video_cache import clip_from_cache
from likeness_guard.core.pipeline.writing import store_item
from likeness_guard.core.storage.store import Store

_GONE = "its earlier results were deleted during the scan; scan it again"


@dataclass(frozen=True)
class Matching:
    """What every item of a scan is matched with."""

    reference_matrix: np.ndarray
    reference_ids: list[int]
    threshold: float
    pack_key: str  # the face cache's key for the scan's model pack
    check_provenance: bool


def write_known(store: Store, known: Known, base: ScanItem, matching: Matching) -> ScanItem:
    """Match `known` from the cache and write it; returns the record with its id."""
    cached = store.face_cache.get(known.sha256, matching.pack_key)
    if cached is None:  # the analysis went away meanwhile
        failed = replace(base, status=ItemStatus.ERROR, error=_GONE)
        return store_item(store, failed, known.item, None)
    synthetic = cached.synthetic if matching.check_provenance else None
    if cached.video is not None:
        record = clip_from_cache(
            replace(base, synthetic=synthetic),
            cached,
            matching.reference_matrix,
            matching.reference_ids,
            matching.threshold,
        )
        record = store_item(store, record, known.item, known.data)
        if known.stamp is not None and known.remember:
            store.face_cache.remember_file(known.stamp, known.sha256)
        return record
    record = matched(
        base,
        cached,
        cached.faces,
        matching.reference_matrix,
        matching.reference_ids,
        matching.threshold,
        synthetic=synthetic,
    )
    return _write_still(store, known, record)


def _write_still(store: Store, known: Known, record: ScanItem) -> ScanItem:
    """A still image's record written; its bytes are read again (once) when a match keeps
    them as evidence (unless they are kept already) or its picture hash is not known yet."""
    listed = item_tier(record) is not MatchTier.NONE
    known_pdq = store.picture_pdq_of(known.sha256) if listed else None
    data = known.data
    kept = record.match and data is None and store.evidence.path_for(known.sha256).exists()
    if kept:  # these bytes are kept already: nothing to read for them
        record = replace(record, evidence_kept=True)
    if data is None and ((record.match and not kept) or (listed and known_pdq is None)):
        data = read_again(known.item, known.sha256)
    if listed:
        if known_pdq is None and data is not None:
            known_pdq = picture_pdq(data)
        record = replace(record, picture_pdq=known_pdq)
    record = store_item(store, record, known.item, data)
    if known.stamp is not None and (data is not None or known.remember):
        store.face_cache.remember_file(known.stamp, known.sha256)
    return record
