"""The window's Case menu: a new case opens in a window of its own session, the title names
the case, the caseworker is asked once, and exporting and deleting a case work from it."""

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from likeness_guard import APP_NAME
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.services.audit import caseworker, set_caseworker
from likeness_guard.core.services.cases import create_case
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.case_menu import CaseMenu
from likeness_guard.gui.case_windows import CaseWindows
from likeness_guard.gui.preferences import Preferences
from tests.gui.conftest import enroll


@pytest.fixture(autouse=True)
def nobody_named(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("LIKENESS_GUARD_CASEWORKER", raising=False)
    set_caseworker(None)
    yield
    set_caseworker(None)


@pytest.fixture
def windows(qtbot: QtBot, engine: FaceEngine, settings_file: Path) -> Iterator[CaseWindows]:
    preferences = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
    owner = CaseWindows(preferences, engine=engine)
    yield owner
    owner.shutdown()


def _answers(monkeypatch: pytest.MonkeyPatch, **answers: object) -> list[str]:
    """Answer the menu's dialogs; returns the questions asked, in order."""
    asked: list[str] = []

    def text(_parent: object, title: str, _label: str, _text: str = "") -> object:
        asked.append(title)
        return answers.get(title)

    monkeypatch.setattr(CaseMenu, "ask_text", staticmethod(text))
    monkeypatch.setattr(CaseMenu, "ask_item", staticmethod(lambda *_a: answers.get("item")))
    monkeypatch.setattr(CaseMenu, "ask_save_path", staticmethod(lambda *_a: answers.get("save")))
    monkeypatch.setattr(CaseMenu, "confirm", staticmethod(lambda *_a: answers.get("confirm")))
    return asked


def test_the_window_switches_case_and_names_it(
    qtbot: QtBot,
    windows: CaseWindows,
    data_dir: Path,
    engine: FaceEngine,
    photos: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    first = windows.start(data_dir)
    assert first is not None
    assert first.windowTitle() == APP_NAME  # a person alone: nothing about cases
    asked = _answers(monkeypatch, **{"New case": "Client 7", "Caseworker": "R. Kim"})

    first.case_menu.new_action.trigger()
    case = windows.window
    assert case is not None
    assert case is not first
    assert not first.isVisible()
    assert case.session.data_dir == data_dir / "cases" / "Client 7"
    assert case.windowTitle() == f"{APP_NAME} — Client 7"
    assert asked == ["New case", "Caseworker"]  # two cases now: who works here, once
    assert caseworker() == "R. Kim"
    assert windows.preferences.caseworker == "R. Kim"
    assert case.session.store.profiles() == []  # the first case's photo is not here
    assert case.current_page() == "welcome"

    menu = case.case_menu
    menu.fill()
    labels = [action.text() for action in menu.switch_menu.actions()]
    assert labels == ["Workspace's own case", "Client 7"]
    assert [action.isChecked() for action in menu.switch_menu.actions()] == [False, True]

    archive = tmp_path / "client-7.zip"
    _answers(monkeypatch, save=archive)
    menu.export_action.trigger()
    menu.switch_to(data_dir)  # while the export runs: refused, and said why
    assert windows.window is case
    assert "being exported" in case.statusBar().currentMessage()
    qtbot.waitUntil(lambda: menu.task is None, timeout=30_000)
    with zipfile.ZipFile(archive) as opened:
        assert "Client 7/likeness-guard.sqlite3" in opened.namelist()
    with Store(case.session.data_dir) as store:
        exported = store.audit.entries()[-1]
    assert (exported.action, exported.caseworker) == ("case-exported", "R. Kim")

    menu.switch_menu.actions()[0].trigger()  # back to the workspace's own case
    back = windows.window
    assert back is not None
    assert back.session.data_dir == data_dir
    assert back.windowTitle() == f"{APP_NAME} — Workspace's own case"
    assert [p.name for p in back.session.store.profiles()] == ["me"]

    _answers(monkeypatch, item="Client 7", confirm=True)
    back.case_menu.delete_action.trigger()
    qtbot.waitUntil(lambda: back.case_menu.task is None, timeout=30_000)
    assert not (data_dir / "cases" / "Client 7").exists()
    assert back.windowTitle() == APP_NAME  # one case again
    assert [p.name for p in back.session.store.profiles()] == ["me"]


def test_deleting_a_case_can_be_refused_and_keeps_it(
    windows: CaseWindows, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = windows.start(data_dir)
    assert window is not None
    menu = window.case_menu
    _answers(monkeypatch)
    menu.delete_action.trigger()
    assert "no other case" in window.statusBar().currentMessage()
    create_case(data_dir, "Keep me")
    _answers(monkeypatch, item="Keep me", confirm=False)
    menu.delete_action.trigger()
    assert menu.task is None
    assert (data_dir / "cases" / "Keep me").is_dir()
    assert window.statusBar().currentMessage() == "Nothing was deleted."


def test_delete_all_my_data_says_the_other_cases_are_kept(
    windows: CaseWindows, data_dir: Path
) -> None:
    window = windows.start(data_dir)
    assert window is not None
    alone = window.settings_page.deletion_summary()
    assert "case" not in alone  # a person alone reads nothing about cases
    create_case(data_dir, "Other")
    (data_dir / "collections" / "crawl").mkdir(parents=True)
    summary = window.settings_page.deletion_summary()
    assert "The 1 other case and 1 collection of this workspace are kept" in summary
