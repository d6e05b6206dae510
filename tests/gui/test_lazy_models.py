"""The window opens its face models lazily (issue 30): opening it and rescanning an unchanged
folder imports no onnxruntime; a new photo in the folder then loads them and is found."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.storage.store import Store
from tests.gui.conftest import enroll

# The window in a process of its own (this one has imported onnxruntime long ago): opened,
# then two scans started from the Scan page as a drop would start them.
_WINDOW = r"""
import json, os, shutil, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

folder, data, settings, new_photo = map(Path, sys.argv[1:5])
app = QApplication([])
from likeness_guard.gui.main_window import MainWindow
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.session import AppSession


def run_until(signal, start=None, seconds=120):
    loop, got = QEventLoop(), []

    def done(*args):
        got.append(args)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    if start is not None:
        start()
    loop.exec()
    signal.disconnect(done)
    return got


preferences = Preferences(QSettings(str(settings), QSettings.Format.IniFormat))
preferences.profile_name = "me"
session = AppSession(data, preferences)
window = MainWindow(session)
window.show()
ready = bool(run_until(session.engine_ready))
page = window.scan_page
ended = run_until(page.scan_ended, lambda: page.start_scan([str(folder)]))
unchanged = {"scan": ended[0][0] if ended else None, "onnxruntime": "onnxruntime" in sys.modules}
shutil.copy(new_photo, folder / "new.jpg")
ended = run_until(page.scan_ended, lambda: page.start_scan([str(folder)]))
changed = {"scan": ended[0][0] if ended else None, "onnxruntime": "onnxruntime" in sys.modules}
window.shutdown()
print(json.dumps({"ready": ready, "unchanged": unchanged, "changed": changed}))
"""


def test_the_window_loads_no_model_for_an_unchanged_folder(
    tmp_path: Path, engine: FaceEngine, photos: dict[str, Path]
) -> None:
    data = tmp_path / "data"
    folder = tmp_path / "watched"
    folder.mkdir()
    for name in ("players", "t1"):
        shutil.copy(photos[name], folder / f"{name}.jpg")
    enroll(data, engine, photos["yaoming"])
    with Store.open(data) as store:
        me = store.profile("me")
        assert me is not None
        cold = list(store.items(run_scan(store, engine, me, [str(folder)], ScanOptions(0.36))))
    assert len(cold) == 2
    new_photo = tmp_path / "yaoming-again.png"
    shutil.copy(photos["yaoming"], new_photo)
    arguments = [folder, data, tmp_path / "w.ini", new_photo]
    done = subprocess.run(
        [sys.executable, "-c", _WINDOW, *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ready"]
    assert report["unchanged"]["onnxruntime"] is False
    assert report["changed"]["onnxruntime"] is True
    with Store.open(data) as store:
        again = list(store.items(report["unchanged"]["scan"]))
        changed = {Path(item.source).name: item for item in store.items(report["changed"]["scan"])}
    assert [(i.source, i.sha256, i.match, i.faces) for i in again] == [
        (i.source, i.sha256, i.match, i.faces) for i in cold
    ]
    assert sorted(changed) == ["new.jpg", "players.jpg", "t1.jpg"]
    assert changed["new.jpg"].match  # found by the models the window loaded for it
