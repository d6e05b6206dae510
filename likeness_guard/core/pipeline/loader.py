"""The scan's loader thread: reads and hashes items ahead of the analysis, in order.

Each item leaves it as one case of `Loaded` (loaded.py). Still images leave it as bytes (the
analysis pool decodes them, on as many cores as it has); clips are opened here and sampled
on this thread while the scan's video thread runs the models over their frames.
"""

import hashlib
import logging
import queue
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypedDict

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.domain.records import MediaKind
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.imaging.decode import frame_count
from likeness_guard.core.imaging.formats import sniff_format, sniff_video_format
from likeness_guard.core.imaging.video_clip import ANIMATION_AS_VIDEO_FRAMES
from likeness_guard.core.pipeline.handoff import drain, put_unless_stopped
from likeness_guard.core.pipeline.incremental import FileStamp, file_stamp
from likeness_guard.core.pipeline.loaded import (
    Duplicate,
    Failed,
    Known,
    Loaded,
    Skipped,
    Still,
    Video,
)
from likeness_guard.core.pipeline.video_cache import policy_key
from likeness_guard.core.pipeline.video_loader import (
    ClipLoad,
    VideoSettings,
    load_clip_bytes,
    load_clip_file,
)
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.face_cache import CacheIndex

log = logging.getLogger(__name__)

PREFETCH = 4  # items read ahead of the scan thread; bounds memory
# Files known unchanged and copies (nothing read: no bytes held) go to the scan thread in
# batches of up to this many: one hand-over per item cost a rescan a third of its time.
KNOWN_BATCH = 64
# Formats whose files can hold an animation (checked from the header, before any decoding).
_ANIMATED_FORMATS = frozenset({"gif", "webp", "png"})


@dataclass(frozen=True)
class LoadSettings:
    """How every item of one scan is loaded."""

    check_provenance: bool
    cancel: CancelToken
    video: VideoSettings
    cache: CacheIndex | None  # the face cache's index: known files and bytes


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
        self._settings = LoadSettings(check_provenance, cancel, video or VideoSettings(), cache)
        self.exhausted = False
        self._ready: deque[Loaded] = deque()  # the rest of a batch handed over
        self._held: object = None  # taken from the queue by `next_at_hand`, not handed yet
        self._queue: queue.Queue[object] = queue.Queue(maxsize=PREFETCH)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(items, start_seq), name="scan-loader", daemon=True
        )
        self._thread.start()

    def next_item(self, timeout: float) -> Loaded | None:
        """The next loaded item, or None when none came within `timeout` seconds (or after
        the last one, when `exhausted` is set). Re-raises a source's bug."""
        if self._ready:
            return self._ready.popleft()
        if self.exhausted:
            return None
        got, self._held = self._held, None
        if got is None:
            try:
                got = self._queue.get(timeout=timeout)
            except queue.Empty:
                return None
        if isinstance(got, list):  # a batch of files known unchanged
            self._ready.extend(got)
            return self._ready.popleft()
        if got is self._DONE:
            self.exhausted = True
            return None
        if isinstance(got, BaseException):
            self.exhausted = True
            raise got
        assert isinstance(got, Loaded)
        return got

    def next_at_hand(self) -> Loaded | None:
        """The next item if it is loaded already and holds nothing (known unchanged, or a
        copy: they come in batches), without waiting; otherwise None, and the next item
        stays for `next_item`. The writer takes these on to write many in one transaction."""
        if not self._ready and self._held is None and not self.exhausted:
            try:
                got = self._queue.get_nowait()
            except queue.Empty:
                return None
            if isinstance(got, list):
                self._ready.extend(got)
            else:
                self._held = got
        return self._ready.popleft() if self._ready else None

    def close(self) -> None:
        """Stop the thread and wait for it (never leaves it running)."""
        self._stop.set()
        while self._thread.is_alive():
            drain(self._queue)  # unblock a put() waiting for room
            self._thread.join(timeout=0.05)

    def _should_stop(self) -> bool:
        return self._stop.is_set() or self._settings.cancel.cancelled

    def _put(self, value: object) -> bool:
        return put_unless_stopped(self._queue, value, self._stop.is_set)

    def _run(self, items: Iterator[SourceItem], seq: int) -> None:
        seen: set[str] = set()
        known: list[Loaded] = []  # files known unchanged, not handed over yet
        try:
            for item in items:
                if self._should_stop():
                    break
                loaded: Loaded
                if item.skip is not None:  # not a regular file: listed, never read
                    loaded = Skipped(item, item.skip)
                else:
                    loaded = load_item(seq, item, seen, self._settings)
                    seq += 1
                if _holds_nothing(loaded):
                    known.append(loaded)
                    if len(known) >= KNOWN_BATCH:
                        if not self._put(known):
                            break
                        known = []
                    continue
                if known:
                    if not self._put(known):
                        break
                    known = []
                if not self._put(loaded):
                    break
                if isinstance(loaded, Video):  # decode the clip while the models read it
                    loaded.job.feed(self._should_stop)
            if known and not self._put(known):
                return
        except BaseException as exc:  # a bug in a source: hand it to the scanning thread
            log.exception("scan source failed")
            self._put(exc)
            return
        self._put(self._DONE)


def _holds_nothing(loaded: Loaded) -> bool:
    """An item known unchanged or a copy of bytes seen in this scan, with no bytes held:
    handed over in batches (thousands of them are a rescan of an unchanged folder)."""
    return isinstance(loaded, Known | Duplicate) and loaded.data is None


def load_item(seq: int, item: SourceItem, seen: set[str], settings: LoadSettings) -> Loaded:
    """Read, hash and tell apart one item; `seen` holds the SHA-256s loaded so far."""
    cache = settings.cache
    stamp = file_stamp(item) if cache is not None else None
    policy = policy_key(settings.video)
    known = cache.sha_of_file(stamp, policy) if cache is not None and stamp else None
    if known is not None:  # a file known unchanged is not read at all, image or clip
        if known in seen:  # a copy of bytes loaded earlier in this scan: copied from them
            return Duplicate(seq=seq, item=item, sha256=known, stamp=stamp)
        seen.add(known)
        return Known(seq=seq, item=item, sha256=known, stamp=stamp)
    if (clip_file := item.clip_file()) is not None:  # a video on disk: hashed and sampled in pieces
        clip = load_clip_file(
            clip_file,
            seen,
            settings.video,
            settings.cancel,
            check_provenance=settings.check_provenance,
            known=None if cache is None else lambda sha256: cache.usable(sha256, policy),
        )
        if clip is not None:
            return _clip(seq, item, clip, stamp=stamp)
    try:
        data = item.read()
    except Exception as exc:
        return Failed(seq=seq, item=item, error=_read_error(item, exc))
    return _of_bytes(seq, item, data, stamp, seen, settings)


def _of_bytes(
    seq: int,
    item: SourceItem,
    data: bytes,
    stamp: FileStamp | None,
    seen: set[str],
    settings: LoadSettings,
) -> Loaded:
    """What an item's bytes are: seen before (in this scan or an earlier one), a clip, or
    a still image to analyse."""
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 in seen:  # analysed once per scan: results are copied from the first
        return Duplicate(seq=seq, item=item, sha256=sha256, stamp=stamp, remember=True)
    seen.add(sha256)
    if settings.cache is not None and settings.cache.usable(sha256, policy_key(settings.video)):
        # The same bytes were analysed before (another path, URL).
        return Known(seq=seq, item=item, sha256=sha256, data=data, stamp=stamp, remember=True)
    kind = sniff_video_format(data[:64])
    if kind is not None:  # a video that came as bytes (a short download)
        clip = load_clip_bytes(
            data, kind, settings.video, settings.cancel, check_provenance=settings.check_provenance
        )
        return _clip(seq, item, clip, data, stamp)
    still = sniff_format(data)
    if still in _ANIMATED_FORMATS and frame_count(data) > ANIMATION_AS_VIDEO_FRAMES:
        # A long animation is a clip: sampled in time like a video, its markers checked as
        # a still image's are.
        clip = load_clip_bytes(data, still, settings.video, settings.cancel, check_provenance=False)
        if settings.check_provenance:
            from likeness_guard.core.provenance import inspect_bytes

            clip.synthetic = inspect_bytes(data)  # never raises
        return _clip(seq, item, clip, data, stamp)
    return Still(seq=seq, item=item, sha256=sha256, data=data, stamp=stamp)


def _read_error(item: SourceItem, exc: Exception) -> str:
    """What the user reads about an item whose bytes could not be read."""
    if isinstance(exc, SourceError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"cannot be read ({exc})"
    log.exception("reading %s failed", item.source)  # a bug in one source: the scan goes on
    return f"could not be read ({type(exc).__name__}); the scan went on"


class _ClipFacts(TypedDict):
    """What every case of a clip has."""

    seq: int
    item: SourceItem
    md5: str | None
    media: MediaKind
    synthetic: SyntheticReport | None


def _clip(
    seq: int,
    item: SourceItem,
    clip: ClipLoad,
    data: bytes | None = None,
    stamp: FileStamp | None = None,
) -> Duplicate | Failed | Known | Video:
    """The case of a clip, from what the loader learned about it."""
    facts = _ClipFacts(
        seq=seq, item=item, md5=clip.md5, media=MediaKind.VIDEO, synthetic=clip.synthetic
    )
    if clip.duplicate and clip.sha256 is not None:  # analysed once per scan: copied
        return Duplicate(**facts, sha256=clip.sha256, stamp=stamp, remember=True)
    if clip.known and clip.sha256 is not None:  # analysed in an earlier scan: no decoding
        return Known(**facts, sha256=clip.sha256, stamp=stamp, remember=True)
    if clip.job is None or clip.sha256 is None:
        return Failed(**facts, sha256=clip.sha256, error=clip.error or "could not be read")
    return Video(**facts, sha256=clip.sha256, data=data, job=clip.job, stamp=stamp)
