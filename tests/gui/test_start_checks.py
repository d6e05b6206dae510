"""What the window does first: ask for the passphrase of a protected folder, and say which
scans were interrupted."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog

from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.storage import protection
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.unlock_dialog import WRONG, unlock_at_start
from tests.unit.storage.fill import add_person, add_scan

PASSPHRASE = "a long and silly passphrase"


@pytest.fixture(autouse=True)
def no_keys_left() -> Iterator[None]:
    yield
    protection.forget_keys()


def test_the_window_asks_for_the_passphrase_until_it_is_right(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        add_person(store, "me")
    protection.protect(folder, PASSPHRASE)
    protection.forget_keys()
    answers = iter([("wrong guess", True), (PASSPHRASE, True)])
    prompts: list[str] = []

    def get_text(parent: object, title: str, prompt: str, *args: object) -> tuple[str, bool]:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    assert unlock_at_start(folder)
    assert prompts[1] == WRONG
    with Store.open(folder) as store:
        assert [p.name for p in store.profiles()] == ["me"]


def test_cancelling_the_passphrase_opens_nothing(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    Store.open(folder).close()
    protection.protect(folder, PASSPHRASE)
    protection.forget_keys()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args: ("", False)))
    assert not unlock_at_start(folder)
    with pytest.raises(protection.PassphraseNeeded):
        Store.open(folder)


def test_the_window_marks_and_names_a_scan_a_killed_process_left_running(
    qtbot: object, tmp_path: Path, settings_file: Path
) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        add_person(store, "me")
        scan_id = add_scan(store, "me", 12)
        store.finish_scan(scan_id, ScanStatus.RUNNING)  # as a killed `scan` command leaves it
    preferences = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
    session = AppSession(folder, preferences)
    try:
        assert any(f"Scan {scan_id} of 'me' was interrupted" in n for n in session.start_notes)
        scan = session.store.scan(scan_id)
        assert scan is not None
        assert scan.status is ScanStatus.INTERRUPTED
    finally:
        session.close()
