"""The scan pipeline: sources in, faces matched against a profile, every result stored.

A loader thread reads and hashes the next items; still images go to the analysis pool
(worker processes, one per core: analysis_pool.py), which decodes, inspects and finds
faces; this thread writes each result to the store in the order the items came, so a
resumed scan knows exactly what was finished. Only a few items per worker are in flight at
once, so memory stays flat however large the folder.
"""

import contextlib
import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import StoreError, UserFacingError
from likeness_guard.core.domain.records import (
    ItemStatus,
    MatchTier,
    Profile,
    ReferenceFace,
    ScanItem,
    ScanStatus,
    SkippedEntry,
    item_tier,
)
from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.pdq import picture_pdq
from likeness_guard.core.pipeline.analysis_pool import (
    AHEAD_PER_WORKER,
    AnalysisPool,
    analysis_pool,
)
from likeness_guard.core.pipeline.budget import ITEM_SECONDS
from likeness_guard.core.pipeline.image_analysis import ImageAnalysis, ImageJob
from likeness_guard.core.pipeline.incremental import face_hits, from_cache, read_again, with_hits
from likeness_guard.core.pipeline.loader import LoadedItem, Loader
from likeness_guard.core.pipeline.model_packs import references_in_use
from likeness_guard.core.pipeline.resume import not_finished, resume_interrupted
from likeness_guard.core.pipeline.video_analysis import analyse_video
from likeness_guard.core.pipeline.video_loader import VideoSettings
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.folders import (
    DEFAULT_MAX_FILE_BYTES,
    count_path_items,
    iter_path_items,
)
from likeness_guard.core.storage.face_cache import (
    CachedAnalysis,
    cache_key,
)
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.store import Store

if TYPE_CHECKING:  # imported for real only when a web address is scanned
    from likeness_guard.core.sources.web import WebOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanOptions:
    threshold: float
    preset: str | None = None
    include_hidden: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_frames: int = 8
    check_provenance: bool = True
    web: "WebOptions | None" = None  # None means the defaults
    video: VideoSettings = field(default_factory=VideoSettings)  # frames per second, cap
    item_seconds: float = ITEM_SECONDS  # longest one item may take (pipeline/budget.py)
    workers: int | None = None  # processes analysing images; None: one per core


@dataclass(frozen=True)
class ScanProgress:
    """Counters after each item, for a progress bar."""

    scan_id: int
    done: int
    total: int
    faces: int
    matches: int
    errors: int
    elapsed: float
    current: str = ""

    @property
    def images_per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        rate = self.images_per_second
        return (self.total - self.done) / rate if rate > 0 and self.total >= self.done else None


# Bytes read ahead and not yet written, across the items in flight (beyond the first).
AHEAD_BYTES = 256 * 1024 * 1024
# Items read ahead and not yet written, per worker (analysed or not).
WAITING_PER_WORKER = 16


@dataclass
class _InFlight:
    """An item between the loader and the store; `future` while the pool analyses it."""

    loaded: LoadedItem
    job: ImageJob | None = None
    future: "Future[ImageAnalysis] | None" = None

    @property
    def ready(self) -> bool:
        return self.future is None or self.future.done()

    @property
    def size(self) -> int:
        return len(self.loaded.data) if self.loaded.data is not None else 0


@dataclass
class _Totals:
    done: int = 0
    faces: int = 0
    matches: int = 0
    errors: int = 0
    first_by_sha: dict[str, ScanItem] = field(default_factory=dict)


@dataclass(frozen=True)
class _Context:
    """What every item of one scan is analysed, matched and written with."""

    store: Store
    engine: FaceEngine
    pool: AnalysisPool
    scan_id: int
    options: ScanOptions
    reference_matrix: np.ndarray
    reference_ids: list[int]
    pack_key: str  # the face cache's key for this model pack


def usable_references(store: Store, engine: FaceEngine, profile: Profile) -> list[ReferenceFace]:
    """The profile's references, as this engine's recognizer embeds them (model_packs.py
    `references_in_use`). Raises UserFacingError when there are none, saying what to do.
    """
    references = references_in_use(store, profile.id, engine.pack, engine)
    if not references:
        raise UserFacingError(
            f"Profile '{profile.name}' has no reference photos yet. Enroll a few clear photos "
            "of your face first (likeness-guard enroll PHOTO...)."
        )
    return references


def iter_sources(
    inputs: Sequence[str], options: ScanOptions, cancel: CancelToken
) -> Iterator[SourceItem]:
    """Every item to scan, from paths and web addresses, in the order given."""
    from likeness_guard.core.sources.web import WebOptions, is_web_address, iter_web_items

    for text in inputs:
        if is_web_address(text):
            yield from iter_web_items([text], options.web or WebOptions(), cancel)
        else:
            yield from iter_path_items(
                [text],
                include_hidden=options.include_hidden,
                max_file_bytes=options.max_file_bytes,
                cancel=cancel,
                read_seconds=options.item_seconds,
            )


def estimate_total(inputs: Sequence[str], options: ScanOptions) -> int:
    """How many items to expect: files exactly, a web address counts as one until fetched."""
    from likeness_guard.core.sources.web import is_web_address

    paths = [t for t in inputs if not is_web_address(t)]
    urls = len(inputs) - len(paths)
    return count_path_items(paths, include_hidden=options.include_hidden) + urls


def run_scan(
    store: Store,
    engine: FaceEngine,
    profile: Profile,
    inputs: Sequence[str],
    options: ScanOptions,
    *,
    on_progress: Callable[[ScanProgress], None] | None = None,
    on_item: Callable[[ScanItem], None] | None = None,
    cancel: CancelToken | None = None,
    sources: Iterator[SourceItem] | None = None,
) -> int:
    """Scan `inputs` for the profile's face; returns the scan id.

    Every item is written to the store as soon as it is done, so a crash loses at most the
    item in flight. Cancelling stops after the current item and keeps what was found.
    Raises UserFacingError when the profile has no usable references, StoreError when
    results can no longer be saved (for example a full disk).
    """
    cancel = cancel or CancelToken()
    references = usable_references(store, engine, profile)
    reference_matrix = np.stack([r.embedding for r in references])
    reference_ids = [r.id for r in references]
    total = estimate_total(inputs, options) if sources is None else 0
    # A deletion of this person waits for the scan (and asks it to stop); the scan's own
    # lock tells a later start whether this process is still alive (lock.py).
    guard = contextlib.ExitStack()
    stop_requested = guard.enter_context(FolderLocks(store.folder).scanning(profile.id))
    try:
        _check_still_there(store, profile)
        resumed = (
            resume_interrupted(
                store,
                profile,
                inputs,
                threshold=options.threshold,
                model_pack=engine.pack.info(),
            )
            if sources is None
            else None
        )
        locks = FolderLocks(store.folder)
        if resumed is not None:
            scan_id = resumed.scan_id
            guard.enter_context(locks.scan_alive(scan_id))
        else:
            scan_id = store.create_scan(
                profile,
                threshold=options.threshold,
                preset=options.preset,
                model_pack=engine.pack.info(),
                inputs=inputs,
                before_visible=lambda new_id: guard.enter_context(locks.scan_alive(new_id)),
            )
    except BaseException:
        guard.close()
        raise
    items = sources if sources is not None else iter_sources(inputs, options, cancel)
    if resumed is not None:  # what the interrupted run finished is not read again
        items = not_finished(items, resumed.finished)
    totals = _Totals()
    if resumed is not None:
        before = store.scan_counts([scan_id])[scan_id]
        totals.done, totals.faces = before.items, before.faces
        totals.matches, totals.errors = before.matches, before.errors
    pack_key = cache_key(engine.pack.info())  # faces found once are not looked for again
    cache = store.face_cache.index(pack_key, need_provenance=options.check_provenance)
    context = _Context(
        store=store,
        engine=engine,
        pool=analysis_pool(engine, options.workers, total),
        scan_id=scan_id,
        options=options,
        reference_matrix=reference_matrix,
        reference_ids=reference_ids,
        pack_key=pack_key,
    )
    loader = Loader(
        items,
        cache=cache,
        check_provenance=options.check_provenance,
        cancel=cancel,
        video=options.video,
        start_seq=resumed.finished.next_seq if resumed is not None else 0,
    )
    started = time.monotonic()
    status = ScanStatus.FINISHED
    deleted_meanwhile = False
    pending: deque[_InFlight] = deque()
    try:
        while True:
            if cancel.cancelled:
                status = ScanStatus.CANCELLED
                break
            if stop_requested():  # this person's data is being deleted: stop cleanly
                status, deleted_meanwhile = ScanStatus.CANCELLED, True
                break
            if pending and pending[0].ready:  # written in the order the items came
                record = _finish(context, pending.popleft(), totals)
                if record is None:
                    continue
                _count(record, totals)
                if on_item is not None:
                    on_item(record)
                if on_progress is not None:
                    on_progress(
                        ScanProgress(
                            scan_id=scan_id,
                            done=totals.done,
                            total=max(total, totals.done),
                            faces=totals.faces,
                            matches=totals.matches,
                            errors=totals.errors,
                            elapsed=time.monotonic() - started,
                            current=record.source,
                        )
                    )
            elif not loader.exhausted and _room_ahead(pending, context.pool.workers):
                loaded = loader.next_item(timeout=0.05)
                if loaded is not None:
                    pending.append(_start(loaded, context))
            elif pending:  # the pool is full: wait until one more image is done
                busy = [f for entry in pending if (f := entry.future) and not f.done()]
                wait(busy, timeout=0.1, return_when=FIRST_COMPLETED)
            else:
                break  # every item is written
    except StoreError:
        status = ScanStatus.FAILED
        raise
    except BaseException:
        status = ScanStatus.CANCELLED  # KeyboardInterrupt, or a bug: keep what we have
        raise
    finally:
        loader.close()
        context.pool.close()
        try:
            store.finish_scan(scan_id, status)
        except StoreError:
            log.exception("could not mark scan %s as %s", scan_id, status)
        guard.close()
    if deleted_meanwhile:
        raise UserFacingError(
            "The scan stopped because this person's data is being deleted. What it found "
            "is deleted with it."
        )
    return scan_id


def _check_still_there(store: Store, profile: Profile) -> None:
    """Raise UserFacingError when the profile was deleted while the scan waited for it."""
    current = store.profile(profile.name)
    if current is None or current.id != profile.id:
        raise UserFacingError(
            f"Profile '{profile.name}' was deleted, so there is nothing to scan for. Enroll "
            "photos again to start a new profile."
        )


def _room_ahead(pending: deque[_InFlight], workers: int) -> bool:
    """Whether another item may be read ahead.

    The pool gets a few images per worker. Finished ones wait to be written in order behind
    a slow one (a crowd in 12 megapixels takes seconds) while the other workers go on with
    later images: up to WAITING_PER_WORKER per worker, within AHEAD_BYTES in all.
    """
    analysing = sum(1 for entry in pending if not entry.ready)
    if analysing >= max(2, workers * AHEAD_PER_WORKER):
        return False
    if len(pending) >= max(4, workers * WAITING_PER_WORKER):
        return False
    return not pending or sum(entry.size for entry in pending) < AHEAD_BYTES


def _start(loaded: LoadedItem, context: _Context) -> _InFlight:
    """Hand a still image's new bytes to the pool; anything else waits for its turn."""
    if not loaded.still_to_analyse:
        return _InFlight(loaded)
    assert loaded.data is not None
    options = context.options
    job = ImageJob(
        data=loaded.data,
        source=loaded.item.source,
        max_frames=options.max_frames,
        check_provenance=options.check_provenance,
        item_seconds=options.item_seconds,
        references=context.reference_matrix,
        hash_from=min(options.threshold, POSSIBLE_FLOOR),
    )
    return _InFlight(loaded, job, context.pool.submit(job))


def _finish(context: _Context, entry: _InFlight, totals: _Totals) -> ScanItem | None:
    """Match, keep and write one item whose analysis is done; None for a skipped entry."""
    store, loaded = context.store, entry.loaded
    if loaded.item.skip is not None:  # a FIFO, a device, a looping link: listed
        store.skipped.add(context.scan_id, SkippedEntry(loaded.item.source, loaded.item.skip))
        return None
    analysis = None
    if entry.future is not None and entry.job is not None:
        analysis = context.pool.result(entry.future, entry.job)
        entry.future = None
    record = _analyse(context, loaded, totals, analysis)
    if loaded.cached and loaded.data is None and record.match and not record.duplicate_of:
        loaded.data = read_again(loaded.item, record.sha256 or "")  # kept as evidence
    record = _with_picture_pdq(store, record, loaded, analysis)
    record = _store_item(store, record, loaded)
    _remember(context, loaded, record, analysis)
    if loaded.sha256 and loaded.sha256 not in totals.first_by_sha:
        totals.first_by_sha[loaded.sha256] = record
    return record


def _count(record: ScanItem, totals: _Totals) -> None:
    totals.done += 1
    totals.faces += len(record.faces)
    totals.matches += int(record.match)
    totals.errors += int(record.is_error)


def _analyse(
    context: _Context, loaded: LoadedItem, totals: _Totals, analysis: ImageAnalysis | None
) -> ScanItem:
    """The item's record, from the pool's analysis, an earlier copy, the cache or a clip."""
    matrix, ids, options = context.reference_matrix, context.reference_ids, context.options
    base = ScanItem(
        scan_id=context.scan_id,
        seq=loaded.seq,
        source=loaded.item.source,
        status=ItemStatus.OK,
        sha256=loaded.sha256,
        file=loaded.item.file,
        web=loaded.item.web_origin(),
        synthetic=loaded.synthetic,
        media=loaded.media,
        md5=loaded.md5,
    )
    if analysis is not None:  # a still image, analysed by the pool
        record = _with(
            base,
            format=analysis.format,
            width=analysis.width,
            height=analysis.height,
            frame_count=analysis.frame_count,
            synthetic=analysis.synthetic,
        )
        if analysis.error is not None:
            record = _with(record, status=ItemStatus.ERROR, error=analysis.error)
        return with_hits(record, face_hits(analysis.faces, matrix, ids, options.threshold))
    first = totals.first_by_sha.get(loaded.sha256 or "")
    if first is not None:  # the same bytes were analysed earlier in this scan
        return _copy_results(base, first)
    if loaded.cached:  # analysed in an earlier scan: only matched again
        cached = context.store.face_cache.get(loaded.sha256 or "", context.pack_key)
        if cached is None:  # the analysis went away meanwhile
            return _with(
                base,
                status=ItemStatus.ERROR,
                error="its earlier results were deleted during the scan; scan it again",
            )
        return from_cache(
            base, cached, matrix, ids, options.threshold, check_provenance=options.check_provenance
        )
    if loaded.video is not None:  # a clip: its frames arrive while the loader decodes
        return analyse_video(base, loaded.video, context.engine, matrix, ids, options.threshold)
    return _with(base, status=ItemStatus.ERROR, error=loaded.error or "could not be read")


def _remember(
    context: _Context, loaded: LoadedItem, record: ScanItem, analysis: ImageAnalysis | None
) -> None:
    """Keep what a fresh analysis found, and which bytes a file held, for the next scan.

    Only complete analyses of still images are kept (not clips, errors or items cut short
    by their time limit), so what comes from the cache is what a fresh analysis finds.
    """
    sha256 = record.sha256
    if sha256 is None or record.duplicate_of is not None:
        return
    fresh = analysis is not None and analysis.complete
    if analysis is not None and fresh:
        context.store.face_cache.put(
            CachedAnalysis(
                sha256=sha256,
                format=record.format,
                width=record.width,
                height=record.height,
                frame_count=record.frame_count,
                faces=analysis.faces,
                synthetic=record.synthetic,
                provenance_checked=context.options.check_provenance,
            ),
            context.pack_key,
        )
    if loaded.stamp is not None and (fresh or (loaded.cached and loaded.data is not None)):
        context.store.face_cache.remember_file(*loaded.stamp, sha256)


def _with_picture_pdq(
    store: Store, record: ScanItem, loaded: LoadedItem, analysis: ImageAnalysis | None
) -> ScanItem:
    """A still match or possible match with its picture's hash (for the review grid's
    versions): the worker's, the one its bytes were given before, or made from them now
    (bytes analysed in an earlier scan, newly matching)."""
    if record.picture_pdq or record.is_video or item_tier(record) is MatchTier.NONE:
        return record
    if analysis is not None:  # decoded just now: the worker hashed it (None: too flat)
        return _with(record, picture_pdq=analysis.picture_pdq)
    known = store.picture_pdq_of(record.sha256) if record.sha256 else None
    if known is None and loaded.data is None and loaded.cached:
        loaded.data = read_again(loaded.item, record.sha256 or "")  # once: then it is known
    if known is None and loaded.data is not None:
        known = picture_pdq(loaded.data)
    return _with(record, picture_pdq=known)


def _store_item(store: Store, record: ScanItem, loaded: LoadedItem) -> ScanItem:
    """Keep the evidence of a match, then write the item; returns it with its id.

    When the item cannot be written (a full disk), the files kept for it are removed again.
    """
    new_files = _new_evidence(store, loaded) if record.match else []
    try:
        return _keep_and_add(store, record, loaded)
    except StoreError:
        for sha256 in new_files:
            store.evidence.remove(sha256)
        raise


def _new_evidence(store: Store, loaded: LoadedItem) -> list[str]:
    """SHA-256s of the bytes a match would keep that are not kept yet."""
    pieces = [loaded.data] if loaded.data is not None else []
    page = loaded.item.web.page if loaded.item.web else None
    if page is not None:
        pieces.append(page.body)
    digests = [hashlib.sha256(piece).hexdigest() for piece in pieces]
    return [d for d in digests if not store.evidence.path_for(d).exists()]


def _keep_and_add(store: Store, record: ScanItem, loaded: LoadedItem) -> ScanItem:
    if record.match and loaded.data is not None:
        store.evidence.put(loaded.data)
        page = loaded.item.web.page if loaded.item.web else None
        if page is not None:
            store.evidence.put(page.body)
        record = _with(record, evidence_kept=True)
    elif record.match and loaded.item.path is not None:  # a video, copied in pieces
        store.evidence.put_file(loaded.item.path, record.sha256 or "")
        page = loaded.item.web.page if loaded.item.web else None
        if page is not None:
            store.evidence.put(page.body)
        record = _with(record, evidence_kept=True)
    elif record.match and record.duplicate_of is not None:
        record = _with(record, evidence_kept=True)  # the first copy's bytes are kept
    record = _with(record, id=store.add_item(record))
    if record.match:  # the HTTP exchanges, for the evidence package's WARC files
        store.captures.add(record.id, loaded.item.kept_exchanges())
    return record


def _copy_results(base: ScanItem, first: ScanItem) -> ScanItem:
    return _with(
        base,
        status=first.status,
        error=first.error,
        format=first.format,
        width=first.width,
        height=first.height,
        frame_count=first.frame_count,
        faces=first.faces,
        best_similarity=first.best_similarity,
        best_reference_id=first.best_reference_id,
        match=first.match,
        duplicate_of=first.id,
        synthetic=first.synthetic,
        media=first.media,
        md5=first.md5,
        video=first.video,
        picture_pdq=first.picture_pdq,
    )


def _with(record: ScanItem, **changes: Any) -> ScanItem:
    return replace(record, **changes)
