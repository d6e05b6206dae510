"""Preview images of found items, decoded and blurred on a background thread.

Pixels come from the original file or, when it is gone (or was a web image), from the
evidence folder's kept bytes. Only a downscaled copy is decoded, so memory stays small.
"""

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, Qt, QThread, Signal, Slot
from PySide6.QtGui import QImage

from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.store import ItemRecord

log = logging.getLogger(__name__)

# Side of the square the blur first shrinks an image into; 10 px leaves colours and rough
# shapes but no detail at any display size (checked by tests/gui/test_previews.py).
BLUR_CELLS = 10
FACE_MARGIN = 0.12  # around the detected face box in the clear crop


@dataclass(frozen=True)
class PreviewRequest:
    """What to decode: one item, at most `max_side` pixels on its longest side."""

    key: str
    path: str | None
    sha256: str | None
    max_side: int
    faces: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True)
class PreviewImages:
    """A decoded item: the clear and blurred image, clear face crops, and the scale used."""

    key: str
    clear: QImage | None
    blurred: QImage | None
    scale: float  # displayed pixels per original pixel
    face_crops: tuple[QImage, ...] = field(default_factory=tuple)
    error: str | None = None


def request_for(item: ItemRecord, max_side: int) -> PreviewRequest:
    """The request that previews `item`, its faces of the first frame included."""
    path = item.file.get("path") if item.file else None
    return PreviewRequest(
        key=f"{item.id}:{max_side}",
        path=str(path) if path else None,
        sha256=item.sha256,
        max_side=max_side,
        faces=tuple(f.bbox for f in item.faces if f.frame == 0),
    )


def strong_blur(image: QImage) -> QImage:
    """Blur so much that nothing explicit can be made out, however large it is shown."""
    width, height = image.width(), image.height()
    if width == 0 or height == 0:
        return image
    side = max(width, height)
    tiny = image.scaled(
        max(1, round(width * BLUR_CELLS / side)),
        max(1, round(height * BLUR_CELLS / side)),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    # Growing in two smooth steps leaves soft gradients instead of visible blocks.
    middle = tiny.scaled(
        max(1, width // 8),
        max(1, height // 8),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    return middle.scaled(
        width,
        height,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def decode_preview(request: PreviewRequest, evidence: EvidenceFolder) -> PreviewImages:
    """Decode, downscale and blur one item; never raises (the error is in the result)."""
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
        clear, scale = _decode_scaled(data, request.max_side)
    except Exception as exc:  # hostile or damaged files: show a calm note, never crash
        log.info("preview of %s failed: %s", request.path or request.sha256, exc)
        return PreviewImages(request.key, None, None, 1.0, error="This image cannot be shown.")
    crops = tuple(_face_crop(clear, box, scale) for box in request.faces)
    return PreviewImages(request.key, clear, strong_blur(clear), scale, crops)


def _read_bytes(request: PreviewRequest, evidence: EvidenceFolder) -> bytes | None:
    if request.path:
        try:
            return Path(request.path).read_bytes()
        except OSError:
            pass  # moved or deleted since the scan: fall back to the kept copy
    return evidence.get(request.sha256) if request.sha256 else None


def _decode_scaled(data: bytes, max_side: int) -> tuple[QImage, float]:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        original = ImageOps.exif_transpose(opened) or opened
        width = original.size[0]
        if opened.format == "JPEG":
            # Lets libjpeg decode at 1/2, 1/4 or 1/8 size: much cheaper for big photos.
            opened.draft("RGB", (max_side, max_side))
            original = ImageOps.exif_transpose(opened) or opened
        rgb = original.convert("RGB")
        rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        scale = rgb.width / width if width else 1.0
        raw = rgb.tobytes()
        image = QImage(raw, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
        return image.copy(), scale  # copy: the QImage must own its pixels


def _face_crop(image: QImage, box: tuple[float, float, float, float], scale: float) -> QImage:
    x1, y1, x2, y2 = (v * scale for v in box)
    margin_x, margin_y = (x2 - x1) * FACE_MARGIN, (y2 - y1) * FACE_MARGIN
    rect = QRectF(x1 - margin_x, y1 - margin_y, x2 - x1 + 2 * margin_x, y2 - y1 + 2 * margin_y)
    return image.copy(rect.toAlignedRect().intersected(image.rect()))


class _Decoder(QObject):
    decoded = Signal(object)

    def __init__(self, evidence_root: Path) -> None:
        super().__init__()
        self._evidence = EvidenceFolder(evidence_root)

    @Slot(object)
    def decode(self, request: object) -> None:
        assert isinstance(request, PreviewRequest)
        self.decoded.emit(decode_preview(request, self._evidence))


class PreviewService(QObject):
    """Decodes previews on one background thread; `ready` carries each PreviewImages."""

    ready = Signal(object)
    _requested = Signal(object)

    def __init__(self, evidence_root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("likeness-guard-previews")
        self._decoder = _Decoder(evidence_root)
        self._decoder.moveToThread(self._thread)
        self._requested.connect(self._decoder.decode)
        self._decoder.decoded.connect(self._on_decoded)
        self._cache: dict[str, PreviewImages] = {}
        self._pending: set[str] = set()
        self._thread.start()

    def request(self, request: PreviewRequest) -> None:
        """Ask for a preview; `ready` follows (at once when it is cached)."""
        cached = self._cache.get(request.key)
        if cached is not None:
            self.ready.emit(cached)
            return
        if request.key in self._pending:
            return
        self._pending.add(request.key)
        self._requested.emit(request)

    def forget(self) -> None:
        """Drop every cached preview (after data was deleted)."""
        self._cache.clear()

    @Slot(object)
    def _on_decoded(self, result: object) -> None:
        assert isinstance(result, PreviewImages)
        self._pending.discard(result.key)
        self._cache[result.key] = result
        self.ready.emit(result)

    def shutdown(self) -> None:
        """Stop the decoding thread (after the request in progress)."""
        self._thread.quit()
        self._thread.wait()
