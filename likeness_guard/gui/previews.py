"""Preview images of found items, decoded and blurred on a background thread.

Pixels come from the original file or, when it is gone (or was a web image), from the
evidence folder's kept bytes. Decoding and blurring are core imaging's (the same checks and
the same blur as the report); this module only turns the RGB arrays into QImages.
"""

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from likeness_guard.core.domain.errors import ImageError, SourceError
from likeness_guard.core.domain.records import ScanItem
from likeness_guard.core.imaging import blur
from likeness_guard.core.imaging.decode import decode_scaled
from likeness_guard.core.imaging.resize import fit_within
from likeness_guard.core.imaging.video import grab_frame
from likeness_guard.core.sources.file_checks import read_regular_file
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.storage.evidence import EvidenceFolder

log = logging.getLogger(__name__)

# Decoded previews kept after their tile scrolled away: a preview (clear and blurred) takes
# 0.15 MB for a small tile and 0.6 MB for the largest, so 32 MB keeps a few screens to scroll
# back through without decoding again, whatever the size of the scan.
PREVIEW_CACHE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class PreviewRequest:
    """What to decode: one item, at most `max_side` pixels on its longest side."""

    key: str
    path: str | None
    sha256: str | None
    max_side: int
    faces: tuple[tuple[float, float, float, float], ...] = ()
    # For a video: the moment whose frame to show (the best frame), in seconds.
    video_time_s: float | None = None


@dataclass(frozen=True)
class PreviewImages:
    """A decoded item: the clear and blurred image, clear face crops, and the scale used."""

    key: str
    clear: QImage | None
    blurred: QImage | None
    scale: float  # displayed pixels per original pixel
    face_crops: tuple[QImage, ...] = field(default_factory=tuple)
    error: str | None = None


def request_for(item: ScanItem, max_side: int) -> PreviewRequest:
    """The request that previews `item` with the faces of the frame shown (the first frame
    of an image, the best frame of a video)."""
    video_time = None
    if item.is_video:
        video_time = (item.video.best_frame_s if item.video else None) or 0.0
    return PreviewRequest(
        key=f"{item.id}:{max_side}",
        path=item.path,
        sha256=item.sha256,
        max_side=max_side,
        faces=tuple(f.bbox for f in item.shown_faces),
        video_time_s=video_time,
    )


def decode_preview(request: PreviewRequest, evidence: EvidenceFolder) -> PreviewImages:
    """Decode, downscale and blur one item; never raises (the error is in the result)."""
    if request.video_time_s is not None:
        return _video_preview(request, evidence)
    data = _read_bytes(request, evidence)
    if data is None:
        return PreviewImages(
            request.key,
            None,
            None,
            1.0,
            error="The image is no longer where it was found, and no copy was kept.",
        )
    try:
        return _decoded(request, data)
    except ImageError as exc:  # a damaged or hostile file: a calm note, never a crash
        log.info("preview of %s failed: %s", request.path or request.sha256, exc)
    except Exception:  # our bug: logged in full, and the window still gets an answer
        log.exception("preview of %s failed", request.path or request.sha256)
    return PreviewImages(request.key, None, None, 1.0, error="This image cannot be shown.")


def _decoded(request: PreviewRequest, data: bytes) -> PreviewImages:
    scaled = decode_scaled(data, request.max_side)
    return _images(request, scaled.rgb, scaled.scale)


def _images(request: PreviewRequest, rgb: np.ndarray, scale: float) -> PreviewImages:
    crops = (blur.face_crop(rgb, box, request.max_side, scale=scale) for box in request.faces)
    return PreviewImages(
        request.key,
        to_qimage(rgb),
        to_qimage(blur.strong_blur(rgb)),
        scale,
        tuple(to_qimage(crop) for crop in crops if crop is not None),
    )


def _video_preview(request: PreviewRequest, evidence: EvidenceFolder) -> PreviewImages:
    """The best frame of a video, read from the file (or the kept copy) by core imaging."""
    source = video_source(request.path, request.sha256, evidence)
    if source is None:
        return PreviewImages(
            request.key,
            None,
            None,
            1.0,
            error="The video is no longer where it was found, and no copy was kept.",
        )
    try:
        frame = grab_frame(source, request.video_time_s or 0.0)
        shown, scale = fit_within(frame, request.max_side)
        return _images(request, shown, scale)
    except ImageError as exc:
        log.info("video preview of %s failed: %s", source, exc)
    except Exception:  # our bug: logged in full, and the window still gets an answer
        log.exception("video preview of %s failed", source)
    return PreviewImages(request.key, None, None, 1.0, error="This video cannot be shown.")


def video_source(path: str | None, sha256: str | None, evidence: EvidenceFolder) -> Path | None:
    """The video file to open: where it was found, else the copy kept as evidence."""
    if path and Path(path).is_file():
        return Path(path)
    return evidence.path_if_kept(sha256) if sha256 else None


def to_qimage(rgb: np.ndarray) -> QImage:
    """An RGB uint8 array (HxWx3) as a QImage that owns a copy of the pixels."""
    height, width = rgb.shape[:2]
    pixels = np.ascontiguousarray(rgb, dtype=np.uint8)
    image = QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # the array may go away; the copy keeps its own pixels


def preview_bytes(images: PreviewImages) -> int:
    """The memory a decoded preview's pixels take."""
    shown = (images.clear, images.blurred, *images.face_crops)
    return sum(image.sizeInBytes() for image in shown if image is not None)


def _read_bytes(request: PreviewRequest, evidence: EvidenceFolder) -> bytes | None:
    if request.path:
        try:  # regular files only, bounded: it may have been swapped for a FIFO since
            return read_regular_file(Path(request.path), DEFAULT_MAX_FILE_BYTES, seconds=30.0)
        except (OSError, SourceError):
            pass  # moved or deleted since the scan: fall back to the kept copy
    return evidence.get(request.sha256) if request.sha256 else None


class _Decoder(QObject):
    decoded = Signal(object)

    def __init__(self, evidence_root: Path) -> None:
        super().__init__()
        self._evidence = EvidenceFolder(evidence_root)

    @Slot(object)
    def use_evidence(self, evidence: object) -> None:
        assert isinstance(evidence, EvidenceFolder)
        self._evidence = evidence

    @Slot(object)
    def decode(self, request: object) -> None:
        assert isinstance(request, PreviewRequest)
        self.decoded.emit(decode_preview(request, self._evidence))


class PreviewService(QObject):
    """Decodes previews on one background thread; `ready` carries each PreviewImages.

    Requests wait in a queue and go to the thread one at a time, so a request withdrawn
    (`cancel`, for a tile scrolled far away) is never decoded. Decoded previews are kept in
    a least-recently-used cache of at most `cache_bytes` bytes.
    """

    ready = Signal(object)
    _requested = Signal(object)
    _evidence_changed = Signal(object)

    def __init__(
        self,
        evidence_root: Path,
        parent: QObject | None = None,
        *,
        cache_bytes: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("likeness-guard-previews")
        self._decoder = _Decoder(evidence_root)
        self._decoder.moveToThread(self._thread)
        self._requested.connect(self._decoder.decode)
        self._evidence_changed.connect(self._decoder.use_evidence)
        self._decoder.decoded.connect(self._on_decoded)
        self.cache_limit = PREVIEW_CACHE_BYTES if cache_bytes is None else cache_bytes
        self._cache: OrderedDict[str, PreviewImages] = OrderedDict()
        self._cache_bytes = 0
        self._queue: OrderedDict[str, PreviewRequest] = OrderedDict()
        self._in_flight: str | None = None
        self._stale: str | None = None  # decoding when the cache was emptied: not kept
        self._thread.start()

    def request(self, request: PreviewRequest, *, first: bool = False) -> None:
        """Ask for a preview; `ready` follows (at once when it is cached). `first` puts it
        before the requests already waiting (the picture the person opened)."""
        cached = self._cache.get(request.key)
        if cached is not None:
            self._cache.move_to_end(request.key)
            self.ready.emit(cached)
            return
        if request.key != self._in_flight or self._stale == request.key:
            self._queue[request.key] = request
            if first:
                self._queue.move_to_end(request.key, last=False)
        self._send_next()

    def cancel(self, key: str) -> None:
        """Withdraw a request that is still waiting (one being decoded finishes)."""
        self._queue.pop(key, None)

    def pending_count(self) -> int:
        """Requests waiting or being decoded."""
        return len(self._queue) + (self._in_flight is not None)

    def cached_bytes(self) -> int:
        """The pixels the cache holds now, in bytes (never more than `cache_limit`)."""
        return self._cache_bytes

    def cached_keys(self) -> list[str]:
        """The cached previews' keys, least recently used first."""
        return list(self._cache)

    def use_evidence(self, evidence: EvidenceFolder) -> None:
        """Read kept copies through `evidence` from now on: the store's, which knows the
        keys of a folder protected with a passphrase (requests already sent keep the old)."""
        self._evidence_changed.emit(evidence)

    def forget(self) -> None:
        """Drop every cached preview and every waiting request (after data was deleted)."""
        self._cache.clear()
        self._cache_bytes = 0
        self._queue.clear()
        self._stale = self._in_flight

    def _send_next(self) -> None:
        if self._in_flight is None and self._queue:
            key, request = self._queue.popitem(last=False)
            self._in_flight = key
            self._requested.emit(request)

    def _keep(self, images: PreviewImages) -> None:
        size = preview_bytes(images)
        if size > self.cache_limit:
            return
        self._cache[images.key] = images
        self._cache_bytes += size
        while self._cache_bytes > self.cache_limit:
            _, oldest = self._cache.popitem(last=False)
            self._cache_bytes -= preview_bytes(oldest)

    @Slot(object)
    def _on_decoded(self, result: object) -> None:
        assert isinstance(result, PreviewImages)
        stale = result.key == self._stale
        if result.key == self._in_flight:
            self._in_flight = None
            self._stale = None
        if not stale:
            old = self._cache.pop(result.key, None)
            if old is not None:
                self._cache_bytes -= preview_bytes(old)
            self._keep(result)
            self.ready.emit(result)
        self._send_next()

    def shutdown(self) -> None:
        """Stop the decoding thread (after the request in progress)."""
        self._thread.quit()
        self._thread.wait()
