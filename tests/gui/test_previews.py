"""Previews are blurred by default: far less detail than the original, until revealed."""

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.gui.previews import PreviewRequest, decode_preview
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview


def detail(image: QImage) -> float:
    """Mean absolute difference between neighbouring pixels (0 for a flat image)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = np.frombuffer(gray.constBits(), dtype=np.uint8, count=stride * height)
    pixels = raw.reshape(height, stride)[:, :width].astype(np.float32)
    return float(np.abs(np.diff(pixels, axis=0)).mean() + np.abs(np.diff(pixels, axis=1)).mean())


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
