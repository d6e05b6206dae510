"""The scan pipeline: sources in, faces matched against a profile, every result stored.

A loader thread reads, hashes, decodes and inspects the next images while the calling
thread runs the face models and writes to the store, so the two cores both stay busy. The
queue between them is short, so memory stays flat however large the folder.
"""

import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import (
    ImageError,
    SourceError,
    StoreError,
    UserFacingError,
)
from likeness_guard.core.domain.thresholds import best_references
from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
from likeness_guard.core.imaging.decode import DecodedImage, decode_image
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.folders import (
    DEFAULT_MAX_FILE_BYTES,
    count_path_items,
    iter_path_items,
)
from likeness_guard.core.storage.store import (
    FaceRecord,
    ItemRecord,
    Profile,
    ReferenceFace,
    ScanStatus,
    Store,
)

if TYPE_CHECKING:  # imported for real only when a web address is scanned
    from likeness_guard.core.sources.web import WebOptions

log = logging.getLogger(__name__)

PREFETCH = 4  # decoded images waiting for the models; bounds memory


@dataclass(frozen=True)
class ScanOptions:
    threshold: float
    preset: str | None = None
    include_hidden: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_frames: int = 8
    check_provenance: bool = True
    web: "WebOptions | None" = None  # None means the defaults


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


@dataclass
class _Loaded:
    """An item after the loader thread: bytes, hash and pixels, or what went wrong."""

    seq: int
    item: SourceItem
    data: bytes | None = None
    sha256: str | None = None
    image: DecodedImage | None = None
    error: str | None = None
    synthetic: dict[str, Any] | None = None
    seen_before: bool = False


@dataclass
class _Totals:
    done: int = 0
    faces: int = 0
    matches: int = 0
    errors: int = 0
    first_by_sha: dict[str, ItemRecord] = field(default_factory=dict)


def model_pack_key(engine: FaceEngine) -> str:
    """Identifies the recognizer whose embeddings are comparable with each other."""
    return f"{engine.pack.name}:{engine.pack.sha256[engine.pack.recognizer.name][:16]}"


def usable_references(store: Store, engine: FaceEngine, profile: Profile) -> list[ReferenceFace]:
    """The profile's references made with this engine's recognizer.

    Raises UserFacingError when there are none, saying what to do.
    """
    references = store.references(profile.id, model_pack_key(engine))
    if references:
        return references
    if store.references(profile.id):
        raise UserFacingError(
            f"The photos of profile '{profile.name}' were enrolled with another model pack. "
            "Enroll them again with the models in use now."
        )
    raise UserFacingError(
        f"Profile '{profile.name}' has no reference photos yet. Enroll a few clear photos of "
        "your face first (likeness-guard enroll PHOTO...)."
    )


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
    on_item: Callable[[ItemRecord], None] | None = None,
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
    scan_id = store.create_scan(
        profile,
        threshold=options.threshold,
        preset=options.preset,
        model_pack=engine.pack.to_json(),
        inputs=list(inputs),
    )
    items = sources if sources is not None else iter_sources(inputs, options, cancel)
    loader = _Loader(items, options, cancel)
    totals = _Totals()
    started = time.monotonic()
    status = ScanStatus.FINISHED
    try:
        for loaded in loader:
            if cancel.cancelled:
                status = ScanStatus.CANCELLED
                break
            record = _analyse(
                loaded, scan_id, engine, reference_matrix, reference_ids, options, totals
            )
            record = _store_item(store, record, loaded)
            if loaded.sha256 and loaded.sha256 not in totals.first_by_sha:
                totals.first_by_sha[loaded.sha256] = record
            totals.done += 1
            totals.faces += len(record.faces)
            totals.matches += int(record.match)
            totals.errors += int(record.status == "error")
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
        else:
            if cancel.cancelled:
                status = ScanStatus.CANCELLED
    except StoreError:
        status = ScanStatus.FAILED
        raise
    except BaseException:
        status = ScanStatus.CANCELLED  # KeyboardInterrupt, or a bug: keep what we have
        raise
    finally:
        loader.close()
        try:
            store.finish_scan(scan_id, status)
        except StoreError:
            log.exception("could not mark scan %s as %s", scan_id, status)
    return scan_id


def _analyse(
    loaded: _Loaded,
    scan_id: int,
    engine: FaceEngine,
    reference_matrix: np.ndarray,
    reference_ids: list[int],
    options: ScanOptions,
    totals: _Totals,
) -> ItemRecord:
    base = ItemRecord(
        scan_id=scan_id,
        seq=loaded.seq,
        source=loaded.item.source,
        status="ok",
        sha256=loaded.sha256,
        file=_file_json(loaded.item),
        web=_web_json(loaded.item),
        synthetic=loaded.synthetic,
    )
    first = totals.first_by_sha.get(loaded.sha256 or "")
    if first is not None:  # the same bytes were analysed earlier in this scan
        return _copy_results(base, first)
    if loaded.error is not None or loaded.image is None:
        return _with(base, status="error", error=loaded.error or "could not be read")
    image = loaded.image
    try:
        faces: list[tuple[int, DetectedFace]] = [
            (index, face)
            for index, frame in enumerate(image.frames)
            for face in engine.analyze(frame)
        ]
    except Exception as exc:  # a model failure on one odd image must not stop the scan
        log.exception("face analysis failed on %s", loaded.item.source)
        return _with(
            base,
            status="error",
            error=f"face analysis failed ({type(exc).__name__}); the scan went on",
            format=image.format,
            width=image.width,
            height=image.height,
        )
    records: list[FaceRecord] = []
    if faces:
        embeddings = np.stack([face.embedding for _, face in faces])
        similarities, best = best_references(embeddings, reference_matrix)
        for (frame, face), similarity, index in zip(faces, similarities, best, strict=True):
            records.append(
                FaceRecord(
                    bbox=tuple(round(v, 1) for v in face.bbox),  # type: ignore[arg-type]
                    det_score=round(face.det_score, 4),
                    similarity=round(float(similarity), 4),
                    reference_id=reference_ids[int(index)],
                    match=bool(similarity >= options.threshold),
                    frame=frame,
                )
            )
    best_face = max(records, key=lambda f: f.similarity) if records else None
    return _with(
        base,
        format=image.format,
        width=image.width,
        height=image.height,
        frame_count=image.frame_count,
        faces=tuple(records),
        best_similarity=best_face.similarity if best_face else None,
        best_reference_id=best_face.reference_id if best_face else None,
        match=any(f.match for f in records),
    )


def _store_item(store: Store, record: ItemRecord, loaded: _Loaded) -> ItemRecord:
    """Keep the evidence of a match, then write the item; returns it with its id."""
    if record.match and loaded.data is not None:
        store.evidence.put(loaded.data)
        page = loaded.item.web.page if loaded.item.web else None
        if page is not None:
            store.evidence.put(page.body)
        record = _with(record, evidence_kept=True)
    elif record.match and record.duplicate_of is not None:
        record = _with(record, evidence_kept=True)  # the first copy's bytes are kept
    return _with(record, id=store.add_item(record))


def _copy_results(base: ItemRecord, first: ItemRecord) -> ItemRecord:
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
    )


def _with(record: ItemRecord, **changes: Any) -> ItemRecord:
    return replace(record, **changes)


def _file_json(item: SourceItem) -> dict[str, Any] | None:
    if item.file is None:
        return None
    return {"path": item.file.path, "size": item.file.size, "modified_at": item.file.modified_at}


def _web_json(item: SourceItem) -> dict[str, Any] | None:
    origin = item.web
    if origin is None:
        if "page_url" not in item.extra:
            return None
        # A web image that failed before any response: keep where it was seen.
        return {"url": item.source, "page_url": item.extra["page_url"]}
    result: dict[str, Any] = {
        "url": origin.url,
        "final_url": origin.http.final_url,
        "page_url": origin.page_url,
        "retrieved_at": origin.http.retrieved_at,
        "http": origin.http.to_json(),
    }
    if origin.page is not None:
        result["page"] = {
            "url": origin.page.url,
            "final_url": origin.page.http.final_url,
            "sha256": origin.page.sha256,
            "retrieved_at": origin.page.http.retrieved_at,
            "http": origin.page.http.to_json(),
        }
    return result


def inspect_synthetic(data: bytes) -> dict[str, Any]:
    """Synthetic-media indicators of `data` as JSON; never raises."""
    try:
        from likeness_guard.core.provenance import inspect_bytes

        result: dict[str, Any] = inspect_bytes(data).to_json()
        return result
    except Exception as exc:  # a bug in one parser must not stop a scan
        log.exception("provenance inspection failed")
        return {
            "status": "unreadable",
            "indicators": [
                {
                    "kind": "unreadable",
                    "strength": "weak",
                    "summary": "the file's metadata could not be checked",
                    "evidence": {"error": f"{type(exc).__name__}: {exc}"[:300]},
                }
            ],
        }


class _Loader:
    """Reads, hashes, decodes and inspects items on a background thread, in order."""

    _DONE = object()

    def __init__(self, items: Iterator[SourceItem], options: ScanOptions, cancel: CancelToken):
        self._items = items
        self._options = options
        self._cancel = cancel
        self._queue: queue.Queue[object] = queue.Queue(maxsize=PREFETCH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scan-loader", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[_Loaded]:
        while True:
            try:
                got = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self._cancel.cancelled:
                    return
                continue
            if got is self._DONE:
                return
            if isinstance(got, BaseException):
                raise got
            assert isinstance(got, _Loaded)
            yield got

    def close(self) -> None:
        """Stop the thread and wait for it (never leaves it running)."""
        self._stop.set()
        while self._thread.is_alive():
            try:  # unblock a put() waiting for room
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=0.05)

    def _put(self, value: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        seen: set[str] = set()
        try:
            for seq, item in enumerate(self._items):
                if self._stop.is_set() or self._cancel.cancelled:
                    break
                if not self._put(self._load(seq, item, seen)):
                    break
        except BaseException as exc:  # a bug in a source: hand it to the scanning thread
            log.exception("scan source failed")
            self._put(exc)
            return
        self._put(self._DONE)

    def _load(self, seq: int, item: SourceItem, seen: set[str]) -> _Loaded:
        loaded = _Loaded(seq=seq, item=item)
        try:
            data = item.read()
        except SourceError as exc:
            loaded.error = str(exc)
            return loaded
        except OSError as exc:
            loaded.error = f"cannot be read ({exc})"
            return loaded
        except Exception as exc:  # a bug in one source must not stop the scan
            log.exception("reading %s failed", item.source)
            loaded.error = f"could not be read ({type(exc).__name__}); the scan went on"
            return loaded
        loaded.sha256 = hashlib.sha256(data).hexdigest()
        if loaded.sha256 in seen:
            loaded.seen_before = True
            return loaded  # analysed once per scan: results are copied from the first
        seen.add(loaded.sha256)
        loaded.data = data
        try:
            loaded.image = decode_image(data, max_frames=self._options.max_frames)
        except ImageError as exc:
            loaded.error = str(exc)
        except Exception as exc:  # a decoder bug on one hostile file must not stop the scan
            log.exception("decoding failed on %s", item.source)
            loaded.error = f"could not be decoded ({type(exc).__name__})"
        if self._options.check_provenance:
            loaded.synthetic = inspect_synthetic(data)
        return loaded
