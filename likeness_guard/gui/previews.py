"""Preview images of found items, decoded and blurred on a background thread.

Decoding and blurring are the core's (services/previews: the same checks and the same blur
as the report); this module only turns the RGB arrays into QImages and caches them.
"""

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from likeness_guard.core.services.folder import EvidenceFolder
from likeness_guard.core.services.previews import PreviewRequest, preview_pictures, request_for
from likeness_guard.locale import N_, _

__all__ = ["PreviewRequest", "request_for"]

log = logging.getLogger(__name__)

# Decoded previews kept after their tile scrolled away: a preview (clear and blurred) takes
# 0.15 MB for a small tile and 0.6 MB for the largest, so 32 MB keeps a few screens to scroll
# back through without decoding again, whatever the size of the scan.
PREVIEW_CACHE_BYTES = 32 * 1024 * 1024
CANNOT_SHOW = N_("This image cannot be shown.")


@dataclass(frozen=True)
class PreviewImages:
    """A decoded item: the clear and blurred image, clear face crops, and the scale used."""

    key: str
    clear: QImage | None
    blurred: QImage | None
    scale: float  # displayed pixels per original pixel
    face_crops: tuple[QImage, ...] = field(default_factory=tuple)
    error: str | None = None


def decode_preview(request: PreviewRequest, evidence: EvidenceFolder) -> PreviewImages:
    """Decode, downscale and blur one item as QImages; never raises (see the error)."""
    pictures = preview_pictures(request, evidence)
    return PreviewImages(
        pictures.key,
        None if pictures.clear is None else to_qimage(pictures.clear),
        None if pictures.blurred is None else to_qimage(pictures.blurred),
        pictures.scale,
        tuple(to_qimage(crop) for crop in pictures.face_crops),
        pictures.error,
    )


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
        try:
            images = decode_preview(request, self._evidence)
        except Exception:  # our bug: logged, and the queue still gets its answer
            log.exception("preview %s could not be made", request.key)
            images = PreviewImages(request.key, None, None, 1.0, error=_(CANNOT_SHOW))
        # Every request is answered: the service sends the next one only after this.
        self.decoded.emit(images)


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

    def cached(self, key: str) -> PreviewImages | None:
        """The decoded preview of `key` when the cache holds it (now most recently used).

        A widget being built takes its pixels from here: `ready` emitted while it is made
        would reach a page that does not know it yet."""
        images = self._cache.get(key)
        if images is not None:
            self._cache.move_to_end(key)
        return images

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
