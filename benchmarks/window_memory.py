"""How much memory the window holds during and after a large scan (not a timed test).

Writes a folder of small unique images (0.1-0.3 MP, made from the sample photos with varied
crops, sizes, colours and noise so no two share their bytes; about a quarter show the
enrolled face, Yao Ming's), enrolls yaoming.jpg, then runs a real scan in the real window
(MainWindow offscreen, the real engine and a real store) with the Matches page shown, opens
the grid and scrolls through it to the end. Prints the resident memory (VmRSS) and its peak
so far (VmHWM) after each step.

    .venv/bin/python benchmarks/window_memory.py              # 2 000 and 10 000 images
    .venv/bin/python benchmarks/window_memory.py --images 2000 --folder /tmp/lg-2k

Each size runs in its own process so that one run's peak does not hide the next one's.
`--folder` keeps the generated images (and reuses them when the folder is already full).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PIL import Image, ImageEnhance

SIZES = (2_000, 10_000)
FACE_SHARE = 0.25  # of the generated images show the enrolled face
YAO_IN_PLAYERS = (720, 142, 765, 192)  # his face in players.jpg (1237x800)


def _samples() -> dict[str, Path]:
    from likeness_guard.core.engine.model_pack import sample_photos

    return sample_photos()


def _megabytes(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak so far) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children_megabytes() -> tuple[int, float]:
    """How many child processes this one has (analysis workers, if the scan uses any) and
    their resident memory together, in MB."""
    count, total = 0, 0.0
    me = str(os.getpid())
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == me:
            count += 1
            total += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    return count, total


def _with_face(rng: np.random.Generator, yao: Image.Image, players: Image.Image) -> Image.Image:
    """Yao Ming's face: his portrait scaled and cropped, or the team photo around him."""
    if rng.random() < 0.7:
        side = int(rng.integers(300, 520))
        scaled = yao.resize((side, round(side * yao.height / yao.width)))
        w, h = scaled.size
        # Keep the face (the upper middle of the portrait) inside the crop.
        left = int(rng.integers(0, max(1, w // 6)))
        top = int(rng.integers(0, max(1, h // 8)))
        right = w - int(rng.integers(0, max(1, w // 6)))
        bottom = h - int(rng.integers(0, max(1, h // 4)))
        return scaled.crop((left, top, right, bottom))
    x1, y1, x2, y2 = YAO_IN_PLAYERS
    width, height = int(rng.integers(360, 560)), int(rng.integers(300, 460))
    left = int(rng.integers(max(0, x2 + 20 - width), x1 - 20))
    top = int(rng.integers(max(0, y2 + 20 - height), y1 - 10))
    return players.crop((left, top, left + width, top + height))


def _without_face(rng: np.random.Generator, others: list[Image.Image]) -> Image.Image:
    """A crop of another sample photo (the team photo's crops keep away from Yao Ming)."""
    base = others[int(rng.integers(0, len(others)))]
    width = int(rng.integers(320, min(620, base.width)))
    height = int(rng.integers(300, min(480, base.height)))
    left = int(rng.integers(0, base.width - width + 1))
    top = int(rng.integers(0, base.height - height + 1))
    crop = base.crop((left, top, left + width, top + height))
    if base.size == (1237, 800) and left < 765 and left + width > 720 and top < 192:
        crop = crop.transpose(Image.Transpose.FLIP_TOP_BOTTOM)  # no face the right way up
    return crop


def make_folder(folder: Path, count: int) -> int:
    """Write `count` unique images into `folder`; returns how many show the enrolled face."""
    samples = _samples()
    with Image.open(samples["yaoming"]) as opened:
        yao = opened.convert("RGB")
    with Image.open(samples["players"]) as opened:
        players = opened.convert("RGB")
    others = []
    for name in ("gdp", "t1", "players"):
        with Image.open(samples[name]) as opened:
            others.append(opened.convert("RGB"))
    folder.mkdir(parents=True, exist_ok=True)
    faces = 0
    for number in range(count):
        rng = np.random.default_rng(number)
        face = rng.random() < FACE_SHARE
        picture = _with_face(rng, yao, players) if face else _without_face(rng, others)
        picture = ImageEnhance.Color(picture).enhance(float(rng.uniform(0.6, 1.3)))
        picture = ImageEnhance.Brightness(picture).enhance(float(rng.uniform(0.85, 1.15)))
        pixels = np.asarray(picture, dtype=np.int16)
        noise = rng.integers(-6, 7, size=pixels.shape, dtype=np.int16)
        unique = np.clip(pixels + noise, 0, 255).astype(np.uint8)
        unique[0, 0] = (number % 256, number // 256 % 256, number // 65536 % 256)
        Image.fromarray(unique).save(
            folder / f"img-{number:05d}.jpg", quality=int(rng.integers(70, 93))
        )
        faces += int(face)
    return faces


def _settle(app: object, done: Callable[[], bool], seconds: float = 120.0) -> None:
    """Process events until `done()` (or `seconds` passed), as the window's event loop does:
    widgets deleted with deleteLater() go too (processEvents() alone never deletes them)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    end = time.monotonic() + seconds
    while True:
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        if done() or time.monotonic() > end:
            break
        time.sleep(0.005)


def _previews_idle(window: object) -> bool:
    previews = getattr(window, "previews", None)
    pending = getattr(previews, "pending_count", None)
    if callable(pending):
        return bool(pending() == 0)
    return not getattr(previews, "_pending", ())


def measure(count: int, folder: Path | None) -> int:
    """One run in this process: scan `count` images in the window, printing memory."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from likeness_guard.core.engine.face_engine import FaceEngine
    from likeness_guard.core.pipeline.enroll import enroll_file
    from likeness_guard.core.storage.store import Store
    from likeness_guard.gui.main_window import MainWindow
    from likeness_guard.gui.preferences import Preferences
    from likeness_guard.gui.session import AppSession

    def report(step: str) -> None:
        rss, peak = _megabytes("VmRSS"), _megabytes("VmHWM")
        children, theirs = _children_megabytes()
        extra = f"   (+{theirs:.0f} MB in {children} child processes)" if children else ""
        print(
            f"[{count} images] {step:<34} RSS {rss:7.0f} MB   peak {peak:7.0f} MB{extra}",
            flush=True,
        )

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        images = folder or root / "images"
        if len(list(images.glob("img-*.jpg"))) != count:
            started = time.monotonic()
            faces = make_folder(images, count)
            print(
                f"[{count} images] wrote {count} images ({faces} with the face) "
                f"in {time.monotonic() - started:.0f} s",
                flush=True,
            )
        engine = FaceEngine()
        with Store.open(root / "data") as store:
            profile = store.profile("me", create=True)
            assert profile is not None
            assert enroll_file(store, engine, profile, _samples()["yaoming"]).accepted
        preferences = Preferences(QSettings(str(root / "w.ini"), QSettings.Format.IniFormat))
        window = MainWindow(AppSession(root / "data", preferences, engine=engine))
        window.resize(1040, 720)
        window.show()
        window.show_page("matches")  # the page that grows during a scan
        _settle(app, lambda: False, seconds=1.0)
        report("window open, models loaded")

        started = time.monotonic()
        window.scan_page.start_scan([str(images)])
        _settle(app, lambda: not window.scan_page.is_scanning(), seconds=4 * 3600)
        elapsed = time.monotonic() - started
        page = window.matches_page
        tiles = len(page.tiles)
        print(
            f"[{count} images] scan took {elapsed:.0f} s ({count / elapsed:.1f} images/s), "
            f"{tiles} tiles",
            flush=True,
        )
        report("after the scan")

        _settle(app, lambda: _previews_idle(window))
        report("matches page settled")

        bar = page.scroll_area.verticalScrollBar()
        step = max(1, page.scroll_area.viewport().height())
        position = 0
        while position < bar.maximum():
            position = min(bar.maximum(), position + step)
            bar.setValue(position)
            _settle(app, lambda: _previews_idle(window), seconds=30.0)
        report("scrolled to the end of the grid")
        bar.setValue(0)
        _settle(app, lambda: _previews_idle(window), seconds=30.0)
        report("back at the top")
        window.shutdown()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, help="one run of this many images")
    parser.add_argument("--folder", type=Path, help="where to write (or find) the images")
    args = parser.parse_args(argv)
    if args.images:
        return measure(args.images, args.folder)
    for count in SIZES:  # each in a fresh process: a peak belongs to its own run
        command = [sys.executable, __file__, "--images", str(count)]
        if args.folder:
            command += ["--folder", str(args.folder / str(count))]
        if subprocess.run(command, check=False).returncode:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
