"""GUI fixtures: private QSettings, a window factory on a real data folder, no stray threads."""

import gc
import io
import shutil
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QThread, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.pdq import picture_pdq, same_picture
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.main_window import MainWindow
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.session import AppSession

WindowFactory = Callable[[Path], MainWindow]


@pytest.fixture(autouse=True)
def no_thread_leaks() -> Iterator[None]:
    """Fail the test if a thread it started (Python or QThread) is still running after it."""
    before = {t.ident for t in threading.enumerate()}
    yield
    QApplication.processEvents()
    python_threads = [
        t
        for t in threading.enumerate()
        if t.ident not in before
        and t.is_alive()
        # Threads started by Qt show up as dummy entries that never leave the list.
        and not isinstance(t, threading._DummyThread)
    ]
    qthreads = [
        o
        for o in gc.get_objects()
        if isinstance(o, QThread) and o.isRunning() and o is not QThread.currentThread()
    ]
    assert not python_threads, f"threads left running: {python_threads}"
    assert not qthreads, f"QThreads left running: {[t.objectName() for t in qthreads]}"


@pytest.fixture(autouse=True)
def private_qsettings(tmp_path: Path) -> None:
    """Anything that opens default QSettings writes under tmp_path, not the user's config."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "window.ini"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def make_window(qtbot: QtBot, engine: FaceEngine, settings_file: Path) -> Iterator[WindowFactory]:
    """Open main windows on a data folder (sharing the loaded engine); closed after the test."""
    windows: list[MainWindow] = []

    def make(data_dir: Path) -> MainWindow:
        preferences = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
        session = AppSession(data_dir, preferences, engine=engine)
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()


ScannedWindow = Callable[..., tuple[MainWindow, int]]


@pytest.fixture
def scanned_window(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> ScannedWindow:
    """`scanned_window("players", ...)`: yaoming.jpg enrolled, a window open, and a folder of
    those sample photos (under their own file names) scanned by dropping it; returns the
    window and the scan's id."""

    def scan(*names: str) -> tuple[MainWindow, int]:
        enroll(data_dir, engine, photos["yaoming"])
        folder = tmp_path / "folder"
        folder.mkdir()
        for name in names:
            shutil.copy(photos[name], folder / photos[name].name)
        window = make_window(data_dir)
        return window, scan_by_drop(qtbot, window, [folder])

    return scan


def scan_by_drop(qtbot: QtBot, window: MainWindow, inputs: list[Path | str]) -> int:
    """Drop `inputs` on the Scan page, wait for the scan to end, and return its id."""
    page = window.scan_page
    window.show_page("scan")
    with qtbot.waitSignal(page.scan_ended, timeout=60_000) as blocker:
        drop(page.drop_zone, list(inputs))
    scan_id = blocker.args[0] if blocker.args else None
    assert isinstance(scan_id, int)
    return scan_id


def enroll(data_dir: Path, engine: FaceEngine, photo: Path, profile: str = "me") -> None:
    """Enroll a photo directly through the core (setup for tests about other pages)."""
    with Store.open(data_dir) as store:
        found = store.profile(profile, create=True)
        assert found is not None
        assert enroll_file(store, engine, found, photo).accepted


def drop(widget: QWidget, inputs: list[Path | str]) -> None:
    """Deliver a drop of files/folders (Paths) or web addresses (str) onto `widget`."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(i)) if isinstance(i, Path) else QUrl(i) for i in inputs])
    # As in a real drag: Qt delivers a drop only to the widget that accepted the drag's entry.
    with warnings.catch_warnings():
        # PySide marks the QPoint constructor deprecated, but Qt 6 has no other one.
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            QPoint(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the widget refused the drag"
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def copies_with_changes(source: Path, folder: Path, count: int) -> list[Path]:
    """`count` different pictures of the photo `source`: each pasted somewhere on its own
    background of random blocks, so that no two share bytes or are versions of one picture
    (their PDQ hashes are more than SAME_PICTURE_DISTANCE apart; the grid would group them)."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as opened:
        base = opened.convert("RGB")
    width, height = base.size
    blocks = np.random.default_rng(20261130)
    paths: list[Path] = []
    hashes: list[str] = []
    while len(paths) < count:
        pattern = blocks.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        picture = Image.fromarray(pattern).resize((2 * width, 2 * height), Image.Resampling.NEAREST)
        where = (int(blocks.integers(0, width + 1)), int(blocks.integers(0, height + 1)))
        picture.paste(base, where)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=90)
        pdq = picture_pdq(buffer.getvalue())
        if pdq is None or any(same_picture(pdq, other) for other in hashes):
            continue  # about one in ten thousand pairs comes that close: drawn again
        hashes.append(pdq)
        path = folder / f"copy-{len(paths):03d}.jpg"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths
