"""The scan pipeline: sources in, faces matched against a profile, every result stored.

A loader thread reads and hashes the next items and tells each one's case apart (loaded.py);
`_take_on` decides, once per item, what happens to it: still images go to the analysis pool
(worker processes, one per core: analysis_pool.py), which decodes, inspects and finds faces;
clips go to the video thread, which runs the models over the frames the loader samples; the
rest needs no analysis. This thread is the single writer: it alone uses the store, and
writes each result in the order the items came, so a resumed scan knows exactly what was
finished. Only a few items per worker are in flight at once, so memory stays flat however
large the folder.
"""

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, assert_never

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
from likeness_guard.core.pipeline.analysis_pool import (
    AHEAD_PER_WORKER,
    AnalysisPool,
    analysis_pool,
)
from likeness_guard.core.pipeline.handoff import at_most_every
from likeness_guard.core.pipeline.image_analysis import ImageAnalysis, ImageJob
from likeness_guard.core.pipeline.incremental import matched
from likeness_guard.core.pipeline.known import Matching, write_known
from likeness_guard.core.pipeline.loaded import (
    Duplicate,
    Failed,
    ItemFacts,
    Known,
    Loaded,
    Skipped,
    Still,
    Video,
)
from likeness_guard.core.pipeline.loader import Loader
from likeness_guard.core.pipeline.model_packs import references_in_use
from likeness_guard.core.pipeline.resume import Resumed, not_finished, open_scan
from likeness_guard.core.pipeline.scan_sources import ScanOptions as ScanOptions
from likeness_guard.core.pipeline.scan_sources import estimate_total, iter_sources
from likeness_guard.core.pipeline.video_analysis import ClipAnalysis, analyse_clip
from likeness_guard.core.pipeline.video_cache import policy_key
from likeness_guard.core.pipeline.writing import remember_analysis, store_item
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.face_cache import cache_key
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.store import Store

if TYPE_CHECKING:  # imported for real only when a web address is scanned
    pass

log = logging.getLogger(__name__)


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


# Items that need no analysis (known unchanged, copies, errors) written in one transaction,
# at most: a rescan of 10,000 unchanged files spent most of its time committing 64 at a time.
WRITE_BATCH = 512
# Bytes read ahead and not yet written, across the items in flight (beyond the first).
AHEAD_BYTES = 256 * 1024 * 1024
# Items read ahead and not yet written, per worker (analysed or not).
WAITING_PER_WORKER = 16
# How often the writer asks whether this person's data is being deleted (it then stops).
STOP_CHECK_SECONDS = 0.1
# Said of a copy whose first copy has no results in this scan (not expected to happen).
_UNREADABLE = "could not be read"


@dataclass
class _Totals:
    done: int = 0
    faces: int = 0
    matches: int = 0
    errors: int = 0
    first_by_sha: dict[str, ScanItem] = field(default_factory=dict)

    def counted(self, record: ScanItem) -> "_Totals":
        """Count a written item (the first copy of its bytes is what later copies copy);
        returns the counters after it (sharing `first_by_sha`)."""
        self.done += 1
        self.faces += len(record.faces)
        self.matches += int(record.match)
        self.errors += int(record.is_error)
        if record.sha256:
            self.first_by_sha.setdefault(record.sha256, record)
        # Built directly: dataclasses.replace was a sixth of a rescan of 10,000 copies.
        return _Totals(self.done, self.faces, self.matches, self.errors, self.first_by_sha)


@dataclass(frozen=True)
class _InFlight:
    """An item between the loader and the store: `write` writes it when its turn comes;
    `future` is set while it is analysed elsewhere (`pooled`: by the analysis pool)."""

    loaded: Loaded
    write: Callable[[_Totals], ScanItem | None]
    future: "Future[Any] | None" = None
    pooled: bool = False

    @property
    def ready(self) -> bool:
        return self.future is None or self.future.done()

    @property
    def size(self) -> int:
        data = None if isinstance(self.loaded, Skipped) else self.loaded.data
        return len(data) if data is not None else 0


@dataclass(frozen=True)
class _Context:
    """What every item of one scan is analysed, matched and written with."""

    store: Store
    engine: FaceEngine
    pool: AnalysisPool
    videos: ThreadPoolExecutor  # the video thread: clips, one at a time, as they are fed
    scan_id: int
    options: ScanOptions
    reference_matrix: np.ndarray
    reference_ids: list[int]
    pack_key: str  # the face cache's key for this model pack

    def close(self) -> None:
        """Stop the analysis (after the loader, which feeds the video thread's frames)."""
        self.pool.close()
        self.videos.shutdown(wait=True, cancel_futures=True)


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
    total = estimate_total(inputs, options) if sources is None else 0
    # A deletion of this person waits for the scan (and asks it to stop); the scan's own
    # lock tells a later start whether this process is still alive (lock.py).
    guard = contextlib.ExitStack()
    stop_requested = at_most_every(
        STOP_CHECK_SECONDS, guard.enter_context(FolderLocks(store.folder).scanning(profile.id))
    )
    try:
        scan_id, resumed = open_scan(
            store,
            profile,
            inputs,
            threshold=options.threshold,
            preset=options.preset,
            model_pack=engine.pack.info(),
            guard=guard,
            resume=sources is None,  # items the caller gives are always a new scan
        )
    except BaseException:
        guard.close()
        raise
    items = sources if sources is not None else iter_sources(inputs, options, cancel, store.folder)
    totals = _totals_before(store, scan_id, resumed)
    context = _context(store, engine, scan_id, options, references, total)
    loader = _loader(context, items, resumed, cancel)
    announce = _announcer(scan_id, total, on_progress, on_item)
    # Unless the writing ends: KeyboardInterrupt, or a bug, keeping what we have.
    status, deleted_meanwhile = ScanStatus.CANCELLED, False
    try:
        status, deleted_meanwhile = _write_all(
            context, loader, totals, announce, cancel, stop_requested
        )
    except StoreError:
        status = ScanStatus.FAILED
        raise
    finally:
        loader.close()
        context.close()
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


def _totals_before(store: Store, scan_id: int, resumed: Resumed | None) -> _Totals:
    """The counters to start from: what the interrupted run already wrote, if any."""
    if resumed is None:
        return _Totals()
    before = store.scan_counts([scan_id])[scan_id]
    return _Totals(before.items, before.faces, before.matches, before.errors)


def _context(
    store: Store,
    engine: FaceEngine,
    scan_id: int,
    options: ScanOptions,
    references: list[ReferenceFace],
    total: int,
) -> _Context:
    return _Context(
        store=store,
        engine=engine,
        pool=analysis_pool(engine, options.workers, total),
        videos=ThreadPoolExecutor(1, thread_name_prefix="scan-video"),
        scan_id=scan_id,
        options=options,
        reference_matrix=np.stack([r.embedding for r in references]),
        reference_ids=[r.id for r in references],
        pack_key=cache_key(engine.pack.info()),  # faces found once are not looked for again
    )


def _loader(
    context: _Context, items: Iterator[SourceItem], resumed: Resumed | None, cancel: CancelToken
) -> Loader:
    """The loader thread, started; what an interrupted run finished is not read again."""
    options = context.options
    if resumed is not None:
        items = not_finished(items, resumed.finished)
    return Loader(
        items,
        cache=context.store.face_cache.index(
            context.pack_key, need_provenance=options.check_provenance
        ),
        check_provenance=options.check_provenance,
        cancel=cancel,
        video=options.video,
        start_seq=resumed.finished.next_seq if resumed is not None else 0,
    )


def _announcer(
    scan_id: int,
    total: int,
    on_progress: Callable[[ScanProgress], None] | None,
    on_item: Callable[[ScanItem], None] | None,
) -> Callable[[ScanItem, _Totals], None]:
    """What tells the caller about each written item, with the counters after it."""
    started = time.monotonic()

    def announce(record: ScanItem, totals: _Totals) -> None:
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

    return announce


def _write_all(
    context: _Context,
    loader: Loader,
    totals: _Totals,
    announce: Callable[[ScanItem, _Totals], None],
    cancel: CancelToken,
    stop_requested: Callable[[], bool],
) -> tuple[ScanStatus, bool]:
    """Take on the loader's items and write them in the order they came, until all are
    written or the scan is stopped; returns how it ended and whether it stopped because
    this person's data is being deleted."""
    pending: deque[_InFlight] = deque()
    while True:
        if cancel.cancelled:
            return ScanStatus.CANCELLED, False
        if stop_requested():  # this person's data is being deleted: stop cleanly
            return ScanStatus.CANCELLED, True
        if pending and pending[0].ready:  # written in the order the items came
            if pending[0].future is None:  # more that need no analysis join its transaction
                _top_up(context, loader, pending)
            for record, counted in _write_ready(context.store, pending, totals):
                announce(record, counted)
        elif not loader.exhausted and _room_ahead(pending, context.pool.workers):
            loaded = loader.next_item(timeout=0.05)
            if loaded is not None:
                pending.append(_take_on(loaded, context))
        elif pending:  # the analysis is busy: wait until one more item is done
            busy = [f for entry in pending if (f := entry.future) and not f.done()]
            wait(busy, timeout=0.1, return_when=FIRST_COMPLETED)
        else:
            return ScanStatus.FINISHED, False  # every item is written


def _write_ready(
    store: Store, pending: deque[_InFlight], totals: _Totals
) -> list[tuple[ScanItem, _Totals]]:
    """Write the first item, with the items right after it that needed no analysis (known
    unchanged, copies, errors) in the same transaction: a rescan of unchanged files writes
    thousands, and one commit each cost most of its time. Returns the records written,
    each with the counters just after it (announced once the transaction is committed)."""
    if pending[0].future is not None:
        record = pending.popleft().write(totals)
        return [] if record is None else [(record, totals.counted(record))]
    written: list[tuple[ScanItem, _Totals]] = []
    with transaction(store.db):
        while pending and pending[0].future is None and len(written) < WRITE_BATCH:
            record = pending.popleft().write(totals)
            if record is not None:  # counted now: a copy later in the batch copies it
                written.append((record, totals.counted(record)))
    return written


def _top_up(context: _Context, loader: Loader, pending: deque[_InFlight]) -> None:
    """Take on the loaded items that hold nothing and are at hand (known unchanged, copies),
    up to WRITE_BATCH waiting: they are written in the transaction about to start."""
    while len(pending) < WRITE_BATCH and (loaded := loader.next_at_hand()) is not None:
        pending.append(_take_on(loaded, context))


def _room_ahead(pending: deque[_InFlight], workers: int) -> bool:
    """Whether another item may be read ahead.

    The pool gets a few images per worker. Finished ones wait to be written in order behind
    a slow one (a crowd in 12 megapixels takes seconds) while the other workers go on with
    later images: up to WAITING_PER_WORKER per worker, within AHEAD_BYTES in all.
    """
    analysing = sum(1 for entry in pending if entry.pooled and not entry.ready)
    if analysing >= max(2, workers * AHEAD_PER_WORKER):
        return False
    if len(pending) >= max(4, workers * WAITING_PER_WORKER):
        return False
    return not pending or sum(entry.size for entry in pending) < AHEAD_BYTES


def _take_on(loaded: Loaded, context: _Context) -> _InFlight:
    """Decide what happens to one loaded item: where it is analysed (a still image's new
    bytes in the pool, a clip on the video thread, anything else nowhere) and how it is
    matched and written when its turn comes, on this thread."""
    match loaded:
        case Skipped() as skipped:  # a FIFO, a device, a looping link: only listed
            return _InFlight(skipped, lambda _: _write_skipped(context, skipped))
        case Failed() as failed:
            return _InFlight(failed, lambda _: _write_failed(context, failed))
        case Duplicate() as duplicate:
            return _InFlight(duplicate, lambda totals: _write_copy(context, duplicate, totals))
        case Known() as known:
            matching = _matching(context)
            base = _base(context, known)
            return _InFlight(known, lambda _: write_known(context.store, known, base, matching))
        case Video() as video:
            context.engine.load()  # the first item that needs the models loads them
            clip = context.videos.submit(
                analyse_clip,
                _base(context, video),
                video.job,
                context.engine,
                context.reference_matrix,
                context.reference_ids,
                context.options.threshold,
                policy_key(context.options.video),
            )
            return _InFlight(video, lambda _: _write_clip(context, video, clip.result()), clip)
        case Still() as still:
            context.engine.load()
            job = _image_job(context, still)
            image = context.pool.submit(job)
            return _InFlight(
                still,
                lambda _: _write_still(context, still, context.pool.result(image, job)),
                image,
                pooled=True,
            )
    assert_never(loaded)


def _image_job(context: _Context, still: Still) -> ImageJob:
    options = context.options
    return ImageJob(
        data=still.data,
        source=still.item.source,
        max_frames=options.max_frames,
        check_provenance=options.check_provenance,
        item_seconds=options.item_seconds,
        references=context.reference_matrix,
        hash_from=min(options.threshold, POSSIBLE_FLOOR),
    )


def _base(context: _Context, loaded: ItemFacts) -> ScanItem:
    """The item's record before anything is found in it."""
    return ScanItem(
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
        chat=loaded.item.chat,
    )


def _copy_of(context: _Context, duplicate: Duplicate, first: ScanItem) -> ScanItem:
    """A copy's record: where it lies, with everything found in the first copy's bytes.
    Built once (a rescan writes thousands of copies; a second `replace` cost a sixth of it)."""
    return ScanItem(
        scan_id=context.scan_id,
        seq=duplicate.seq,
        source=duplicate.item.source,
        sha256=duplicate.sha256,
        file=duplicate.item.file,
        web=duplicate.item.web_origin(),
        chat=duplicate.item.chat,
        duplicate_of=first.id,
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
        synthetic=first.synthetic,
        media=first.media,
        md5=first.md5,
        video=first.video,
        picture_pdq=first.picture_pdq,
    )


def _failed(base: ScanItem, error: str) -> ScanItem:
    return replace(base, status=ItemStatus.ERROR, error=error)


def _write_skipped(context: _Context, skipped: Skipped) -> None:
    context.store.skipped.add(context.scan_id, SkippedEntry(skipped.item.source, skipped.reason))


def _write_failed(context: _Context, failed: Failed) -> ScanItem:
    record = _failed(_base(context, failed), failed.error)
    return store_item(context.store, record, failed.item, None)


def _matching(context: _Context) -> Matching:
    return Matching(
        context.reference_matrix,
        context.reference_ids,
        context.options.threshold,
        context.pack_key,
        context.options.check_provenance,
    )


def _write_clip(context: _Context, video: Video, clip: ClipAnalysis) -> ScanItem:
    """A clip the video thread analysed: a match keeps the whole file as evidence; a clip
    examined whole is kept for the next scan (by its bytes, and its file's stamp)."""
    store = context.store
    record = store_item(store, clip.record, video.item, video.data)
    if clip.cached is not None:
        provenance = context.options.check_provenance
        store.face_cache.put(replace(clip.cached, provenance_checked=provenance), context.pack_key)
        if video.stamp is not None:
            store.face_cache.remember_file(video.stamp, video.sha256)
    return record


def _write_still(context: _Context, still: Still, analysis: ImageAnalysis) -> ScanItem:
    """A still image the pool analysed; a complete analysis is kept for the next scan (not
    one cut short by an error or its time limit), and so is which bytes the file held."""
    options = context.options
    record = matched(
        _base(context, still),
        analysis,
        analysis.faces,
        context.reference_matrix,
        context.reference_ids,
        options.threshold,
        synthetic=analysis.synthetic,
    )
    if analysis.error is not None:
        record = _failed(record, analysis.error)
    if item_tier(record) is not MatchTier.NONE:  # the worker hashed it (None: too flat)
        record = replace(record, picture_pdq=analysis.picture_pdq)
    record = store_item(context.store, record, still.item, still.data)
    if analysis.complete:
        remember_analysis(
            context.store,
            record,
            analysis.faces,
            context.pack_key,
            provenance_checked=options.check_provenance,
        )
        if still.stamp is not None:
            context.store.face_cache.remember_file(still.stamp, still.sha256)
    return record


def _write_copy(context: _Context, duplicate: Duplicate, totals: _Totals) -> ScanItem:
    """The same bytes as an earlier item of this scan: its results, copied."""
    first = totals.first_by_sha.get(duplicate.sha256)
    if first is None:
        failed = _failed(_base(context, duplicate), _UNREADABLE)
        return store_item(context.store, failed, duplicate.item, None)
    record = _copy_of(context, duplicate, first)
    listed = item_tier(record) is not MatchTier.NONE
    if listed and not record.picture_pdq and not record.is_video:
        record = replace(record, picture_pdq=context.store.picture_pdq_of(duplicate.sha256))
    record = store_item(context.store, record, duplicate.item, None)
    if duplicate.stamp is not None and duplicate.remember and not first.is_error:
        # Which bytes the file holds: the next scan copies it again without reading it
        # (taken from the cache only while these bytes' analysis is there: CacheIndex).
        context.store.face_cache.remember_file(duplicate.stamp, duplicate.sha256)
    return record
