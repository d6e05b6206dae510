"""Previews are blurred by default, by the same policy as the report, until revealed."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import FaceHit, FileFacts, ItemStatus, ScanItem
from likeness_guard.core.imaging import blur, decode
from likeness_guard.core.imaging.decode import decode_scaled, register_heif
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.gui.previews import PreviewRequest, decode_preview, request_for, to_qimage
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview

YAO = (720.0, 142.0, 765.0, 192.0)  # Yao Ming's face in players.jpg (1237x800)


def detail(image: QImage) -> float:
    """Mean absolute difference between neighbouring pixels (0 for a flat image)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = np.frombuffer(gray.constBits(), dtype=np.uint8, count=stride * height)
    pixels = raw.reshape(height, stride)[:, :width].astype(np.float32)
    return float(np.abs(np.diff(pixels, axis=0)).mean() + np.abs(np.diff(pixels, axis=1)).mean())


def rgb_of(image: QImage | None) -> np.ndarray:
    """The QImage's pixels as an RGB uint8 array."""
    assert image is not None
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    raw = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * height)
    return raw.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def test_preview_widget_shows_a_strong_blur_until_revealed(
    qtbot: QtBot, photos: dict[str, Path], tmp_path: Path
) -> None:
    request = PreviewRequest("players", str(photos["players"]), None, 600)
    images = decode_preview(request, EvidenceFolder(tmp_path / "evidence"))
    assert images.clear is not None
    widget = BlurredPreview(QSize(400, 260))
    widget.resize(400, 260)
    qtbot.addWidget(widget)
    widget.set_images(images)
    widget.show()
    qtbot.waitExposed(widget)

    area = widget.image_rect().toAlignedRect().adjusted(2, 2, -2, -2)
    blurred = widget.grab(area).toImage()
    widget.set_revealed(True)
    clear = widget.grab(area).toImage()
    widget.set_revealed(False)
    again = widget.grab(area).toImage()

    assert detail(clear) > 8 * detail(blurred)
    assert detail(again) == detail(blurred)  # blurred again on request


def test_shown_larger_the_blur_still_shows_no_detail(
    qtbot: QtBot, photos: dict[str, Path], tmp_path: Path
) -> None:
    """A small blurred preview enlarged to fill a big widget stays as flat as it was."""
    images = decode_preview(
        PreviewRequest("players", str(photos["players"]), None, 220),
        EvidenceFolder(tmp_path / "evidence"),
    )
    widget = BlurredPreview(QSize(900, 600))
    widget.resize(900, 600)
    qtbot.addWidget(widget)
    widget.set_images(images)
    widget.show()
    qtbot.waitExposed(widget)
    area = widget.image_rect().toAlignedRect().adjusted(2, 2, -2, -2)
    assert area.width() > 800
    blurred = widget.grab(area).toImage()
    widget.set_revealed(True)
    clear = widget.grab(area).toImage()
    assert detail(blurred) < 0.5  # under half a grey level between neighbouring pixels
    assert detail(clear) > 8 * detail(blurred)


def test_the_window_and_the_report_blur_identically(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    data = photos["players"].read_bytes()
    request = PreviewRequest("players", str(photos["players"]), None, 300, faces=(YAO,))
    images = decode_preview(request, EvidenceFolder(tmp_path / "evidence"))
    scaled = decode_scaled(data, 300)
    assert images.scale == scaled.scale
    np.testing.assert_array_equal(rgb_of(images.clear), scaled.rgb)
    # The window's blurred preview is, pixel for pixel, what the report's functions make.
    window = rgb_of(images.blurred)
    np.testing.assert_array_equal(window, blur.strong_blur(scaled.rgb))
    np.testing.assert_array_equal(window, blur.thumbnail_picture(scaled.rgb, 300))
    np.testing.assert_array_equal(window, blur.detail_picture(scaled.rgb, None, 300))
    # And its face crop is the report's crop of the same pixels, with the same margin.
    crop = blur.face_crop(scaled.rgb, YAO, 300, scale=scaled.scale)
    assert crop is not None
    assert len(images.face_crops) == 1
    np.testing.assert_array_equal(rgb_of(images.face_crops[0]), crop)


def test_heif_photos_are_previewed(photos: dict[str, Path], tmp_path: Path) -> None:
    assert register_heif()
    buffer = io.BytesIO()
    Image.open(photos["players"]).save(buffer, format="HEIF")
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(buffer.getvalue())
    request = PreviewRequest("heic", str(path), None, 300, faces=(YAO,))
    images = decode_preview(request, EvidenceFolder(tmp_path / "evidence"))
    assert images.error is None
    assert images.clear is not None
    assert (images.clear.width(), images.clear.height()) == (300, 194)
    assert len(images.face_crops) == 1


def test_the_pixel_cap_applies_to_previews(
    photos: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = PreviewRequest("players", str(photos["players"]), None, 300)
    evidence = EvidenceFolder(tmp_path / "evidence")
    assert decode_preview(request, evidence).clear is not None
    monkeypatch.setattr(decode, "MAX_PIXELS", 1237 * 800 - 1)
    # A baseline JPEG may be larger (it is decoded scaled): that cap too.
    monkeypatch.setattr(decode, "MAX_SCALED_JPEG_PIXELS", 1237 * 800 - 1)
    refused = decode_preview(request, evidence)
    assert refused.clear is None
    assert refused.blurred is None
    assert refused.error == "This image cannot be shown."


def test_the_qimage_owns_its_pixels() -> None:
    rgb = np.zeros((4, 5, 3), dtype=np.uint8)
    rgb[1, 2] = (10, 20, 30)
    image = to_qimage(rgb)
    rgb[:] = 255  # changing (or freeing) the array must not change the image
    assert (image.width(), image.height()) == (5, 4)
    assert image.pixelColor(2, 1).getRgb() == (10, 20, 30, 255)
    assert image.pixelColor(0, 0).getRgb() == (0, 0, 0, 255)


def test_request_for_reads_the_scanned_item() -> None:
    def hit(frame: int) -> FaceHit:
        return FaceHit(YAO, 0.9, 0.6, None, True, frame=frame)

    item = ScanItem(
        scan_id=1,
        seq=1,
        source="/photos/players.jpg",
        status=ItemStatus.OK,
        sha256="a" * 64,
        file=FileFacts("/photos/players.jpg", 1000, "2024-01-01T00:00:00Z"),
        faces=(hit(0), hit(3)),
        id=7,
    )
    request = request_for(item, 220)
    assert request == PreviewRequest("7:220", "/photos/players.jpg", "a" * 64, 220, (YAO,))


def test_missing_file_falls_back_to_the_kept_evidence(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    evidence = EvidenceFolder(tmp_path / "evidence")
    sha = evidence.put(photos["yaoming"].read_bytes())
    gone = str(tmp_path / "deleted.jpg")
    images = decode_preview(PreviewRequest("k", gone, sha, 200), evidence)
    assert images.clear is not None
    assert images.error is None
    nothing = decode_preview(PreviewRequest("k", gone, "0" * 64, 200), evidence)
    assert nothing.clear is None
    assert nothing.error
