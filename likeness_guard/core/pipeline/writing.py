"""Writing one finished item of a scan: the evidence a match keeps, then its row, and the
analysis the face cache keeps for the next scan.

Only the scan's writer thread calls these: it alone uses the store's connection.
"""

import hashlib
from dataclasses import replace

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.domain.records import ScanItem
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.face_cache import CachedAnalysis, CachedFace, CachedVideo
from likeness_guard.core.storage.store import Store


def store_item(store: Store, record: ScanItem, item: SourceItem, data: bytes | None) -> ScanItem:
    """Keep the evidence of a match (`data`: the item's bytes, when in memory), then write
    the item; returns it with its id.

    When the item cannot be written (a full disk), the files kept for it are removed again.
    Raises StoreError.
    """
    new_files = _new_evidence(store, item, data) if record.match else []
    try:
        return _keep_and_add(store, record, item, data)
    except StoreError:
        for sha256 in new_files:
            store.evidence.remove(sha256)
        raise


def remember_analysis(
    store: Store,
    record: ScanItem,
    faces: tuple[CachedFace, ...],
    pack_key: str,
    *,
    provenance_checked: bool,
) -> None:
    """Keep a complete fresh analysis of a still image's bytes for the next scan, so that
    what comes from the cache is what a fresh analysis finds."""
    analysis = cached_analysis(record, faces, provenance_checked=provenance_checked)
    if analysis is not None:
        store.face_cache.put(analysis, pack_key)


def cached_analysis(
    record: ScanItem,
    faces: tuple[CachedFace, ...],
    *,
    provenance_checked: bool,
    video: CachedVideo | None = None,
) -> CachedAnalysis | None:
    """What the face cache keeps of a fresh analysis written as `record` (None without
    the SHA-256 of its bytes)."""
    if record.sha256 is None:
        return None
    return CachedAnalysis(
        sha256=record.sha256,
        format=record.format,
        width=record.width,
        height=record.height,
        frame_count=record.frame_count,
        faces=faces,
        synthetic=record.synthetic,
        provenance_checked=provenance_checked,
        video=video,
    )


def _new_evidence(store: Store, item: SourceItem, data: bytes | None) -> list[str]:
    """SHA-256s of the bytes a match would keep that are not kept yet."""
    pieces = [data] if data is not None else []
    page = item.web.page if item.web else None
    if page is not None:
        pieces.append(page.body)
    digests = [hashlib.sha256(piece).hexdigest() for piece in pieces]
    return [d for d in digests if not store.evidence.path_for(d).exists()]


def _keep_and_add(store: Store, record: ScanItem, item: SourceItem, data: bytes | None) -> ScanItem:
    clip_file = item.clip_file() if record.match and record.is_video and data is None else None
    if record.match and (data is not None or clip_file is not None):
        if data is not None:
            store.evidence.put(data)
        elif clip_file is not None:  # a video on disk, copied in pieces
            store.evidence.put_file(clip_file, record.sha256 or "")
        page = item.web.page if item.web else None
        if page is not None:
            store.evidence.put(page.body)
        record = replace(record, evidence_kept=True)
    elif record.match and record.duplicate_of is not None:
        record = replace(record, evidence_kept=True)  # the first copy's bytes are kept
    record = replace(record, id=store.add_item(record))
    if record.match:  # the HTTP exchanges, for the evidence package's WARC files
        store.captures.add(record.id, item.kept_exchanges())
    return record
