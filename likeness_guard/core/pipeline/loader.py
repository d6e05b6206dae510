"""The scan's loader thread: reads and hashes items ahead of the analysis, in order.

Still images leave it as bytes (the analysis pool decodes them, on as many cores as it has);
clips are opened here and sampled on this thread while the models read their frames.
"""

import hashlib
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.domain.records import MediaKind
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.imaging.decode import frame_count
from likeness_guard.core.imaging.formats import sniff_format, sniff_video_format
from likeness_guard.core.imaging.video import ANIMATION_AS_VIDEO_FRAMES
from likeness_guard.core.pipeline.incremental import file_stamp
from likeness_guard.core.pipeline.video_loader import (
    ClipLoad,
    VideoJob,
    VideoSettings,
    load_clip_bytes,
    load_clip_file,
)
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.face_cache import CacheIndex

log = logging.getLogger(__name__)

PREFETCH = 4  # items read ahead of the scan thread; bounds memory
# Formats whose files can hold an animation (checked from the header, before any decoding).
_ANIMATED_FORMATS = frozenset({"gif", "webp", "png"})


@dataclass
class LoadedItem:
    """An item after the loader thread: bytes and hash, or what went wrong.

    `data` is left empty for bytes already loaded earlier in the same scan: their results
    are copied from the first copy.
    """

    seq: int
    item: SourceItem
    data: bytes | None = None
    sha256: str | None = None
    error: str | None = None
    synthetic: SyntheticReport | None = None
    # A clip: sampled on the loader thread while the models read `video.frames()`.
    media: MediaKind = MediaKind.IMAGE
    md5: str | None = None
    video: VideoJob | None = None
    # Bytes analysed before (face_cache.py): neither decoded nor inspected again; `data` is
    # empty too when the file was known by path, size and modification time.
    cached: bool = False
    stamp: tuple[str, int, int] | None = None  # path, size, mtime_ns before it was read

    @property
    def still_to_analyse(self) -> bool:
        """New bytes of a still image: to be decoded and analysed by the pool."""
        return (
            self.data is not None
            and not self.cached
            and self.error is None
            and self.media is MediaKind.IMAGE
        )


class Loader:
    """Loads items on a background thread, in order, at most PREFETCH ahead.

    `next_item(timeout)` hands them over one by one; `exhausted` turns true after the last.
    """

    _DONE = object()

    def __init__(
        self,
        items: Iterator[SourceItem],
        *,
        check_provenance: bool,
        cancel: CancelToken,
        start_seq: int = 0,
        video: VideoSettings | None = None,
        cache: CacheIndex | None = None,
    ) -> None:
        self._video = video or VideoSettings()
        self._cache = cache
        self._items = items
        self._check_provenance = check_provenance
        self._cancel = cancel
        self._start_seq = start_seq
        self.exhausted = False
        self._queue: queue.Queue[object] = queue.Queue(maxsize=PREFETCH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scan-loader", daemon=True)
        self._thread.start()

    def next_item(self, timeout: float) -> LoadedItem | None:
        """The next loaded item, or None when none came within `timeout` seconds (or after
        the last one, when `exhausted` is set). Re-raises a source's bug."""
        if self.exhausted:
            return None
        try:
            got = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if got is self._DONE:
            self.exhausted = True
            return None
        if isinstance(got, BaseException):
            self.exhausted = True
            raise got
        assert isinstance(got, LoadedItem)
        return got

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

    def _should_stop(self) -> bool:
        return self._stop.is_set() or self._cancel.cancelled

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
        seq = self._start_seq
        try:
            for item in self._items:
                if self._stop.is_set() or self._cancel.cancelled:
                    break
                if item.skip is not None:  # not a regular file: listed, never read
                    loaded = LoadedItem(seq=-1, item=item, error=item.skip)
                else:
                    loaded = self._load(seq, item, seen)
                    seq += 1
                if not self._put(loaded):
                    break
                if loaded.video is not None:  # decode the clip while the models read it
                    loaded.video.feed(self._should_stop)
        except BaseException as exc:  # a bug in a source: hand it to the scanning thread
            log.exception("scan source failed")
            self._put(exc)
            return
        self._put(self._DONE)

    def _load(self, seq: int, item: SourceItem, seen: set[str]) -> LoadedItem:
        loaded = LoadedItem(seq=seq, item=item)
        if item.path is not None:  # a video on disk: hashed and sampled in pieces
            clip = load_clip_file(
                item.path,
                seen,
                self._video,
                self._cancel,
                check_provenance=self._check_provenance,
            )
            if clip is not None:
                return _as_clip(loaded, clip)
        if self._cache is not None:  # a file known unchanged is not read at all
            loaded.stamp = file_stamp(item)
            known = self._cache.sha_of_file(*loaded.stamp) if loaded.stamp else None
            if known is not None:
                loaded.sha256, loaded.cached = known, True
                seen.add(known)
                return loaded
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
            return loaded  # analysed once per scan: results are copied from the first
        seen.add(loaded.sha256)
        loaded.data = data
        if self._cache is not None and loaded.sha256 in self._cache.known:
            loaded.cached = True  # the same bytes were analysed before (another path, URL)
            return loaded
        kind = sniff_video_format(data[:64])
        if kind is not None:  # a video that came as bytes (a short download)
            return _as_clip(loaded, self._clip_bytes(data, kind))
        still = sniff_format(data)
        if still in _ANIMATED_FORMATS and frame_count(data) > ANIMATION_AS_VIDEO_FRAMES:
            # A long animation is a clip: sampled in time like a video.
            _as_clip(loaded, self._clip_bytes(data, still, check_provenance=False))
            if self._check_provenance:
                from likeness_guard.core.provenance import inspect_bytes

                loaded.synthetic = inspect_bytes(data)  # never raises
        return loaded

    def _clip_bytes(self, data: bytes, kind: str, *, check_provenance: bool = True) -> ClipLoad:
        return load_clip_bytes(
            data,
            kind,
            self._video,
            self._cancel,
            check_provenance=check_provenance and self._check_provenance,
        )


def _as_clip(loaded: LoadedItem, clip: ClipLoad) -> LoadedItem:
    """Fill in what the loader learned about a clip."""
    loaded.media = MediaKind.VIDEO
    loaded.sha256 = clip.sha256 or loaded.sha256
    loaded.md5 = clip.md5
    if clip.duplicate:
        return loaded  # analysed once per scan: results are copied from the first
    loaded.error = clip.error
    loaded.video = clip.job
    loaded.synthetic = clip.synthetic
    return loaded
