"""Settings: protecting the data folder with a passphrase, changing it and removing it, on a
real folder, with the window going on afterwards."""

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.words import ProtectionAction
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage import protection
from likeness_guard.core.storage.layout import DB_NAME, PROTECTION_NAME
from likeness_guard.core.storage.locks import FOLDER_IN_USE
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.main_window import SCANNING_NOW, MainWindow
from likeness_guard.gui.pages.settings import SWITCHING_MODELS_NOW, SettingsPage
from likeness_guard.gui.passphrase_dialog import (
    MISMATCH,
    NO_CURRENT,
    NO_RECOVERY,
    NOT_PROTECTED_STATE,
    NOTHING_CHANGED,
    PROTECTED_STATE,
    WORKING,
    PassphraseAnswer,
    PassphraseDialog,
    ask_passphrases,
    too_short_words,
)
from likeness_guard.gui.session import DELETING_NOW, RECHECKING_NOW
from tests.gui.conftest import WindowFactory, drop, enroll
from tests.unit.storage.fill import add_person, add_scan

PASSPHRASE = "a long and silly passphrase"
NEW_PASSPHRASE = "another rather long passphrase"
SQLITE_HEADER = b"SQLite format 3\x00"
WRONG_PASSPHRASE = "That passphrase does not open this data folder."


@pytest.fixture(autouse=True)
def no_keys_left() -> Iterator[None]:
    yield
    protection.forget_keys()


def fill(folder: Path, *, kept: int = 2) -> None:
    """One person and a scan with `kept` kept images."""
    with Store.open(folder) as store:
        add_person(store, "me")
        add_scan(store, "me", 4, evidence=kept)


def answer(page: SettingsPage, given: PassphraseAnswer | None) -> list[ProtectionAction]:
    """Answer the page's passphrase dialog with `given`; returns the actions asked about."""
    asked: list[ProtectionAction] = []

    def ask(parent: object, action: ProtectionAction) -> PassphraseAnswer | None:
        asked.append(action)
        return given

    page.ask_passphrases = ask
    return asked


def change_and_wait(qtbot: QtBot, window: MainWindow, start: Callable[[], None]) -> str:
    """Start a change from Settings, wait for it to end, and return the status line."""
    with qtbot.waitSignal(window.session.protection_done, timeout=120_000):
        start()
    return window.settings_page.protection_status.text()


def plain_database(folder: Path) -> bool:
    return (folder / DB_NAME).read_bytes()[: len(SQLITE_HEADER)] == SQLITE_HEADER


def test_protecting_from_settings_encrypts_the_folder_and_the_window_goes_on(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    fill(data_dir, kept=2)
    window = make_window(data_dir)
    window.show_page("settings")
    page = window.settings_page
    assert page.protection_state.text() == NOT_PROTECTED_STATE
    assert page.protect_button.isEnabled()
    assert not page.change_button.isEnabled()
    assert not page.unprotect_button.isEnabled()
    asked = answer(page, PassphraseAnswer(new=PASSPHRASE))
    with qtbot.waitSignal(window.session.protection_done, timeout=120_000):
        page.protect_data()
        # While it runs: the buttons and the other pages wait, and the page says why.
        assert page.protection_status.text() == WORKING[ProtectionAction.PROTECT]
        assert not page.protect_button.isEnabled()
        assert not page.delete_button.isEnabled()
        assert not window.nav.isEnabled()
        assert not window.scan_page.isEnabled()
    assert asked == [ProtectionAction.PROTECT]
    assert page.protection_status.text() == (
        "Your data is now encrypted (2 kept files sealed). Keep the passphrase safe: without "
        "it nobody can open your data, including you."
    )
    assert page.protection_state.text() == PROTECTED_STATE
    assert not page.protect_button.isEnabled()
    assert page.change_button.isEnabled()
    assert page.unprotect_button.isEnabled()
    assert page.delete_button.isEnabled()
    assert window.nav.isEnabled()
    assert window.scan_page.isEnabled()
    assert protection.is_protected(data_dir)
    assert not plain_database(data_dir)
    # The window's store was opened again, with the new keys.
    assert [p.name for p in window.session.store.profiles()] == ["me"]
    assert window.session.store.evidence.sealed
    assert window.matches_page.detail.store is window.session.store
    protection.forget_keys()
    with pytest.raises(protection.PassphraseNeeded):
        Store(data_dir)
    protection.unlock(data_dir, PASSPHRASE)
    with Store(data_dir) as store:
        assert [p.name for p in store.profiles()] == ["me"]


def test_changing_the_passphrase_from_settings(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    fill(data_dir, kept=3)
    protection.protect(data_dir, PASSPHRASE)
    window = make_window(data_dir)
    page = window.settings_page
    assert page.protection_state.text() == PROTECTED_STATE
    assert not page.protect_button.isEnabled()
    answer(page, PassphraseAnswer(current=PASSPHRASE, new=NEW_PASSPHRASE))
    status = change_and_wait(qtbot, window, page.change_passphrase)
    assert status == (
        "Your data is now encrypted with the new passphrase (3 kept files sealed again). "
        "The old passphrase no longer opens it."
    )
    assert [p.name for p in window.session.store.profiles()] == ["me"]
    protection.forget_keys()
    with pytest.raises(protection.WrongPassphrase):
        protection.unlock(data_dir, PASSPHRASE)
    protection.unlock(data_dir, NEW_PASSPHRASE)
    with Store(data_dir) as store:
        assert [p.name for p in store.profiles()] == ["me"]


def test_removing_the_protection_from_settings_keeps_the_data(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    fill(data_dir, kept=1)
    protection.protect(data_dir, PASSPHRASE)
    window = make_window(data_dir)
    page = window.settings_page
    asked = answer(page, PassphraseAnswer(current=PASSPHRASE))
    status = change_and_wait(qtbot, window, page.remove_protection)
    assert asked == [ProtectionAction.REMOVE]
    assert status == "Your data is no longer encrypted (1 kept file decrypted)."
    assert page.protection_state.text() == NOT_PROTECTED_STATE
    assert page.protect_button.isEnabled()
    assert not page.change_button.isEnabled()
    assert not protection.is_protected(data_dir)
    assert plain_database(data_dir)
    assert not window.session.store.evidence.sealed
    protection.forget_keys()
    with Store(data_dir) as store:  # no passphrase needed any more
        assert [p.name for p in store.profiles()] == ["me"]
        kept = [item for item in store.items(1) if item.evidence_kept]
        assert len(kept) == 1
        assert kept[0].sha256 is not None
        assert store.evidence.get(kept[0].sha256) == b"image 1-0" * 64


@pytest.mark.parametrize(
    ("action", "given"),
    [
        (ProtectionAction.CHANGE, PassphraseAnswer(current="wrong guess!", new=NEW_PASSPHRASE)),
        (ProtectionAction.REMOVE, PassphraseAnswer(current="wrong guess!")),
    ],
)
def test_a_wrong_current_passphrase_changes_nothing_and_says_so(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    action: ProtectionAction,
    given: PassphraseAnswer,
) -> None:
    fill(data_dir)
    protection.protect(data_dir, PASSPHRASE)
    window = make_window(data_dir)
    page = window.settings_page
    answer(page, given)
    start = page.change_passphrase if action is ProtectionAction.CHANGE else page.remove_protection
    status = change_and_wait(qtbot, window, start)
    assert status.startswith(WRONG_PASSPHRASE)
    assert protection.is_protected(data_dir)
    assert page.protection_state.text() == PROTECTED_STATE
    assert page.change_button.isEnabled()
    assert page.unprotect_button.isEnabled()
    assert window.nav.isEnabled()
    assert [p.name for p in window.session.store.profiles()] == ["me"]
    protection.forget_keys()
    with pytest.raises(protection.WrongPassphrase):
        protection.unlock(data_dir, NEW_PASSPHRASE)
    protection.unlock(data_dir, PASSPHRASE)
    with Store(data_dir) as store:
        assert [p.name for p in store.profiles()] == ["me"]


def test_protecting_while_another_process_has_the_folder_open_fails_calmly(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    fill(data_dir)
    window = make_window(data_dir)
    page = window.settings_page
    answer(page, PassphraseAnswer(new=PASSPHRASE))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE_OPEN, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        status = change_and_wait(qtbot, window, page.protect_data)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()  # the other process closes its store and ends
        holder.wait(timeout=60)
    assert status == FOLDER_IN_USE
    assert not protection.is_protected(data_dir)
    assert plain_database(data_dir)
    assert page.protect_button.isEnabled()
    assert window.nav.isEnabled()
    assert [p.name for p in window.session.store.profiles()] == ["me"]
    # Once the other one is closed, it works.
    status = change_and_wait(qtbot, window, page.protect_data)
    assert status.startswith("Your data is now encrypted (2 kept files sealed).")
    assert protection.is_protected(data_dir)
    assert [p.name for p in window.session.store.profiles()] == ["me"]


HOLD_STORE_OPEN = """
import sys
from pathlib import Path
from likeness_guard.core.storage.store import Store
with Store(Path(sys.argv[1])):
    print("ready", flush=True)
    sys.stdin.read()
"""


def test_delete_all_on_a_protected_folder_leaves_no_protection(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    fill(data_dir)
    protection.protect(data_dir, PASSPHRASE)
    assert (data_dir / PROTECTION_NAME).exists()
    window = make_window(data_dir)
    page = window.settings_page
    page.confirm = lambda parent, text: True
    with qtbot.waitSignal(page.deleted, timeout=60_000):
        page.delete_all()
    assert page.delete_status.text() == "All your data was deleted from this computer."
    assert not (data_dir / PROTECTION_NAME).exists()
    assert page.protection_state.text() == NOT_PROTECTED_STATE
    assert page.protect_button.isEnabled()
    assert window.session.store.profiles() == []
    protection.forget_keys()
    with Store(data_dir) as store:  # no passphrase needed
        assert store.profiles() == []
    assert plain_database(data_dir)


def start_deletion(window: MainWindow, folder: Path) -> SignalInstance:
    window.session.forget_in_background("nobody")
    return window.session.deletion_done


def start_recheck(window: MainWindow, folder: Path) -> SignalInstance:
    assert window.session.recheck.start("me")
    return window.session.recheck.done


def start_pack_switch(window: MainWindow, folder: Path) -> SignalInstance:
    window.settings_page.use_chosen_pack()
    return window.settings_page.pack_switched


def start_scan(window: MainWindow, folder: Path) -> SignalInstance:
    window.show_page("scan")
    drop(window.scan_page.drop_zone, [folder])
    assert window.scan_page.is_scanning()
    return window.scan_page.scan_ended


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (start_deletion, DELETING_NOW),
        (start_recheck, RECHECKING_NOW),
        (start_pack_switch, SWITCHING_MODELS_NOW),
        (start_scan, SCANNING_NOW),
    ],
)
def test_no_change_starts_while_work_keeps_the_folder_open(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    engine: FaceEngine,
    photos: dict[str, Path],
    tmp_path: Path,
    start: Callable[[MainWindow, Path], SignalInstance],
    reason: str,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(photos["players"], folder)
    window = make_window(data_dir)
    page = window.settings_page
    asked = answer(page, PassphraseAnswer(new=PASSPHRASE))
    # The work ends in a slot on this thread: it is still running until the loop turns.
    ended = start(window, folder)
    with qtbot.waitSignal(ended, timeout=120_000):
        page.protect_data()
        assert page.protection_status.text() == reason
    assert asked == []  # refused before any passphrase was typed
    assert not protection.is_protected(data_dir)
    assert not window.session.changing_protection
    assert [p.name for p in window.session.store.profiles()] == ["me"]


def test_cancelling_the_dialog_changes_nothing(make_window: WindowFactory, data_dir: Path) -> None:
    fill(data_dir)
    window = make_window(data_dir)
    page = window.settings_page
    asked = answer(page, None)
    page.protect_data()
    assert asked == [ProtectionAction.PROTECT]
    assert page.protection_status.text() == NOTHING_CHANGED
    assert not protection.is_protected(data_dir)
    assert not window.session.changing_protection


def test_the_dialog_says_what_to_correct_and_stays_open(qtbot: QtBot) -> None:
    dialog = PassphraseDialog(ProtectionAction.PROTECT)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(NO_RECOVERY in text for text in texts)  # a lost passphrase cannot be recovered
    assert dialog.new.echoMode() is QLineEdit.EchoMode.Password
    assert dialog.again.echoMode() is QLineEdit.EchoMode.Password
    dialog.new.setText("short")
    dialog.again.setText("short")
    dialog.accept()
    assert dialog.problem.text() == too_short_words()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.new.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE + "!")
    dialog.accept()
    assert dialog.problem.text() == MISMATCH
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.again.setText(PASSPHRASE)
    dialog.accept()
    assert dialog.problem.text() == ""
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.answer() == PassphraseAnswer(new=PASSPHRASE)


def test_the_remove_dialog_asks_the_current_passphrase_and_warns(qtbot: QtBot) -> None:
    dialog = PassphraseDialog(ProtectionAction.REMOVE)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.current.isVisible()
    assert dialog.current.echoMode() is QLineEdit.EchoMode.Password
    assert not dialog.new.isVisible()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "stored unencrypted" in texts
    dialog.accept()
    assert dialog.problem.text() == NO_CURRENT
    assert dialog.isVisible()
    dialog.current.setText(PASSPHRASE)
    dialog.accept()
    assert not dialog.isVisible()
    assert dialog.answer() == PassphraseAnswer(current=PASSPHRASE)


def test_the_real_dialog_returns_what_was_typed(qtbot: QtBot) -> None:
    def type_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PassphraseDialog):
            dialog.current.setText(PASSPHRASE)
            dialog.new.setText(NEW_PASSPHRASE)
            dialog.again.setText(NEW_PASSPHRASE)
            dialog.accept()
        elif dialog is not None:
            dialog.close()  # never leave the test waiting in a modal loop

    QTimer.singleShot(0, type_and_accept)
    typed = ask_passphrases(None, ProtectionAction.CHANGE)
    assert typed == PassphraseAnswer(current=PASSPHRASE, new=NEW_PASSPHRASE)
