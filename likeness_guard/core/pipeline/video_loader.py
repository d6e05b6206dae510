"""Videos on the scan's loader thread: hashed and inspected in pieces, then sampled.

A clip is handed to the video thread as a `VideoJob` as soon as it is open; the loader
thread then decodes and samples it into a short queue, so that decoding on one core and
the face models on the other overlap, and memory holds a few frames whatever the length.
"""

import hashlib
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.imaging.formats import sniff_format, sniff_video_format
from likeness_guard.core.imaging.video import open_video
from likeness_guard.core.imaging.video_clip import (
    FrameReader,
    SampledFrame,
    SamplingOutcome,
    SamplingPolicy,
    Source,
)
from likeness_guard.core.imaging.video_sealed import ClipFile, SealedFile
from likeness_guard.core.pipeline.handoff import drain, put_unless_stopped

log = logging.getLogger(__name__)

# Sampled frames waiting for the models: a few, so memory stays flat.
FRAME_QUEUE = 4
_HASH_CHUNK = 1024 * 1024
_HEAD = 4096

NOT_A_VIDEO = (
    "not a video: the file is named like one, but its content is something else (or a format "
    "Likeness Guard cannot read)"
)


@dataclass(frozen=True)
class VideoSettings:
    """How clips are sampled (see imaging.video_clip.SamplingPolicy); the cap is settable."""

    frames_per_second: float = 2.0
    max_frames: int = 1800
    analysis_max_side: int = 1280

    def policy(self) -> SamplingPolicy:
        return SamplingPolicy(
            frames_per_second=self.frames_per_second,
            max_frames=max(1, self.max_frames),
            analysis_max_side=self.analysis_max_side,
        )


@dataclass(frozen=True)
class FileHashes:
    sha256: str
    md5: str


@contextmanager
def _reading(path: ClipFile) -> Iterator[BinaryIO]:
    """The file opened for reading: a sealed download through its key, a file on disk only
    when it is a regular file. Raises OSError."""
    if isinstance(path, SealedFile):
        with path.open() as sealed:
            yield sealed
        return
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)  # non-blocking: a FIFO swapped in for the file cannot hang us
    with os.fdopen(fd, "rb") as stream:
        if not _is_regular(stream.fileno()):
            raise OSError("not a regular file")
        yield stream


def hash_file(path: ClipFile) -> FileHashes:
    """SHA-256 and MD5 of a file in one pass, read in pieces. Raises OSError."""
    sha256, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    with _reading(path) as stream:
        while chunk := stream.read(_HASH_CHUNK):
            sha256.update(chunk)
            md5.update(chunk)
    return FileHashes(sha256.hexdigest(), md5.hexdigest())


def md5_of(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def video_kind_of_file(path: ClipFile) -> tuple[str | None, bool]:
    """(the video container, whether the bytes are an image instead). Raises OSError."""
    with _reading(path) as stream:
        head = stream.read(_HEAD)
    kind = sniff_video_format(head)
    return kind, kind is None and sniff_format(head) is not None


def _not_a_video(path: ClipFile) -> str:
    try:
        empty = (path.size() if isinstance(path, SealedFile) else path.stat().st_size) == 0
    except OSError:
        empty = False
    return "the file is empty" if empty else NOT_A_VIDEO


def _is_regular(fd: int) -> bool:
    import stat

    return stat.S_ISREG(os.fstat(fd).st_mode)


def inspect_clip(source: Source, kind: str) -> SyntheticReport:
    """The AI-marker report of a clip: container metadata for videos, the image checks for
    animated images (their markers sit where a still image's do)."""
    if kind in ("gif", "webp", "png"):
        from likeness_guard.core.provenance import inspect_bytes

        data = source if isinstance(source, bytes) else source.read_bytes()
        return inspect_bytes(data)
    from likeness_guard.core.provenance.video import inspect_video

    return inspect_video(source, kind)


class VideoJob:
    """One clip: opened on the loader thread, sampled there by `feed`, read by the video
    thread through `frames`. Either side may stop early; neither ever waits forever."""

    def __init__(self, reader: FrameReader, settings: VideoSettings, cancel: CancelToken) -> None:
        self.reader = reader
        self.info = reader.info
        self.settings = settings
        self._cancel = cancel
        self._queue: queue.Queue[SampledFrame] = queue.Queue(maxsize=FRAME_QUEUE)
        self._finished = threading.Event()
        self._abandoned = threading.Event()
        self.outcome: SamplingOutcome | None = None
        self.failure: str | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled

    # ---- the loader thread ---------------------------------------------------------------

    def feed(self, stopped: Callable[[], bool]) -> None:
        """Decode and sample the clip into the queue; returns when done or stopped."""
        try:
            with closing(self.reader.frames(self.settings.policy(), self._cancel)) as frames:
                for frame in frames:
                    if not put_unless_stopped(self._queue, frame, lambda: self._gone(stopped)):
                        break
        except Exception as exc:  # a decoder bug on one hostile file must not stop the scan
            log.exception("sampling a video failed")
            self.failure = f"the video could not be decoded ({type(exc).__name__})"
        finally:
            self.outcome = self.reader.outcome
            self.reader.close()
            self._finished.set()

    def _gone(self, stopped: Callable[[], bool]) -> bool:
        """Whether nobody will read the next frame: the loader stops, or the video thread
        abandoned the clip."""
        return stopped() or self._abandoned.is_set()

    # ---- the video thread (scan.py), where the face models read the frames ----------------

    def frames(self) -> Iterator[SampledFrame]:
        """The sampled frames in order, until the loader thread has given them all."""
        while True:
            try:
                yield self._queue.get(timeout=0.1)
            except queue.Empty:
                if self._finished.is_set() and self._queue.empty():
                    return

    def abandon(self) -> None:
        """The video thread stops reading: let the loader thread stop decoding."""
        self._abandoned.set()
        drain(self._queue)

    def wait_finished(self, timeout: float = 5.0) -> bool:
        return self._finished.wait(timeout)


def open_clip(source: Source, kind: str, settings: VideoSettings, cancel: CancelToken) -> VideoJob:
    """Open a clip for sampling. Raises ImageError with the user's message."""
    return VideoJob(open_video(source, kind), settings, cancel)


def clip_error(exc: Exception) -> str:
    """The message for an item whose clip could not be opened."""
    if isinstance(exc, ImageError):
        return str(exc)
    return f"the video could not be read ({type(exc).__name__})"


@dataclass
class ClipLoad:
    """What the loader thread learned about a clip before sampling it."""

    sha256: str | None = None
    md5: str | None = None
    job: VideoJob | None = None
    error: str | None = None
    synthetic: SyntheticReport | None = None
    duplicate: bool = False  # the same bytes were loaded earlier in this scan
    known: bool = False  # analysed in an earlier scan: neither opened nor inspected


def load_clip_file(
    path: ClipFile,
    seen: set[str],
    settings: VideoSettings,
    cancel: CancelToken,
    *,
    check_provenance: bool,
    known: Callable[[str], bool] | None = None,
) -> ClipLoad | None:
    """Hash, inspect and open a video file without reading it whole into memory; bytes
    that `known` knows (the face cache) are only hashed.

    Returns None when the file turns out to be an image (load it as one); otherwise a
    ClipLoad whose `error` says what went wrong, if anything.
    """
    try:
        kind, is_image = video_kind_of_file(path)
    except OSError as exc:
        return ClipLoad(error=f"cannot be read ({exc.strerror or exc})")
    if is_image:
        return None
    if kind is None:
        return ClipLoad(error=_not_a_video(path))
    try:
        hashes = hash_file(path)
    except OSError as exc:
        return ClipLoad(error=f"cannot be read ({exc.strerror or exc})")
    load = ClipLoad(sha256=hashes.sha256, md5=hashes.md5)
    if hashes.sha256 in seen:
        load.duplicate = True
        return load
    seen.add(hashes.sha256)
    if known is not None and known(hashes.sha256):
        load.known = True
        return load
    return _opened(load, path, kind, settings, cancel, check_provenance)


def load_clip_bytes(
    data: bytes,
    kind: str,
    settings: VideoSettings,
    cancel: CancelToken,
    *,
    check_provenance: bool,
) -> ClipLoad:
    """Open a clip held in memory (a short download, an animated image)."""
    load = ClipLoad(sha256=hashlib.sha256(data).hexdigest(), md5=md5_of(data))
    return _opened(load, data, kind, settings, cancel, check_provenance)


def _opened(
    load: ClipLoad,
    source: Source,
    kind: str,
    settings: VideoSettings,
    cancel: CancelToken,
    check_provenance: bool,
) -> ClipLoad:
    if check_provenance:
        load.synthetic = inspect_clip(source, kind)  # never raises
    try:
        load.job = open_clip(source, kind, settings, cancel)
    except Exception as exc:  # ImageError says why; anything else is a bug on a hostile file
        if not isinstance(exc, ImageError):
            log.exception("opening a video failed")
        load.error = clip_error(exc)
    return load
