"""The Collections dialog: a folder added to a collection off the GUI thread, then the
case's person found in it; every control named for assistive technology."""

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.collections_dialog import CollectionsDialog
from tests.gui.conftest import WindowFactory, enroll


def test_adding_a_folder_and_finding_the_person_in_it(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    engine: FaceEngine,
    photos: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    folder = tmp_path / "seized"
    folder.mkdir()
    for name in ("players", "gdp"):
        shutil.copy(photos[name], folder / photos[name].name)
    window = make_window(data_dir)
    dialog = CollectionsDialog(window.session, window)
    qtbot.addWidget(dialog)
    for kind in (QPushButton, QLineEdit, QListWidget):
        for widget in dialog.findChildren(kind):
            assert widget.accessibleName(), widget
    monkeypatch.setattr(CollectionsDialog, "ask_folder", staticmethod(lambda _parent: folder))
    dialog.name.setText("seized-2026")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert dialog.listing.count() == 1
    assert "2 images" in dialog.listing.item(0).text()
    dialog.listing.setCurrentRow(0)
    dialog.match_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert "1 match found" in dialog.status.text()
    assert dialog.announcer.said[-1] == dialog.status.text()
    with Store.open(data_dir) as store:
        (matched,) = store.matches()
    assert Path(matched.source).name == "players.jpg"
