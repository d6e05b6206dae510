"""The review desk, round two: previews that always come back, answers that follow every
version of a picture, and a grid that moves with the keys."""

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFrame
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import Verdict
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.main_window import MainWindow
from likeness_guard.gui.widgets.scan_chooser import ALL_SCANS
from tests.gui.conftest import WindowFactory, copies_with_changes, drop, enroll, scan_by_drop
from tests.gui.test_face_choice import YAO_IN_BIG_PLAYERS


def _folder(tmp_path: Path, name: str, *photos: Path) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for photo in photos:
        shutil.copy(photo, folder / photo.name)
    return folder


def _choose(window: MainWindow, scan_id: int) -> None:
    """Pick a scan in the chooser as a person does (the `activated` signal)."""
    box = window.matches_page.scan_box
    index = box.findData(scan_id)
    assert index >= 0
    box.setCurrentIndex(index)
    box.activated.emit(index)


def _every_preview_shown(window: MainWindow) -> bool:
    cards = window.matches_page.visible_cards()
    return all(card.preview.has_image() for card in cards)


def test_previews_come_back_after_twenty_scan_switches(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    window.resize(1200, 800)
    first = _folder(tmp_path, "first", photos["players"], photos["yaoming"])
    second = tmp_path / "second"
    copies_with_changes(photos["yaoming"], second, 3)
    empty = _folder(tmp_path, "empty", photos["gdp"])
    scans = [scan_by_drop(qtbot, window, [folder]) for folder in (first, second, empty)]
    window.show_page("matches")
    page = window.matches_page
    choices = [*scans, ALL_SCANS]
    expected = {scans[0]: 2, scans[1]: 3, scans[2]: 0, ALL_SCANS: 5}
    for turn in range(20):
        chosen = choices[turn % len(choices)]
        _choose(window, chosen)
        assert len(page.visible_cards()) == expected[chosen]
        qtbot.waitUntil(lambda: _every_preview_shown(window), timeout=5_000)
        card = next(iter(page.visible_cards()), None)
        if card is not None:  # "Show" reveals the picture itself
            card.reveal_button.setChecked(True)
            QApplication.processEvents()
            assert card.preview.revealed
            assert card.preview.has_image()
            card.reveal_button.setChecked(False)


def _press(qtbot: QtBot, key: Qt.Key) -> None:
    """A key pressed where the keyboard is, as a person presses it (not sent to the page)."""
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key)


def test_arrow_keys_move_between_tiles_in_every_direction(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "many"
    copies_with_changes(photos["yaoming"], folder, 8)
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    window.resize(1200, 800)
    scan_by_drop(qtbot, window, [folder])
    window.show_page("matches")
    window.activateWindow()
    page = window.matches_page
    grid = page.grid
    assert grid.columns >= 3
    columns = grid.columns
    shown = [tile for row in grid.rows for tile in row.tiles]
    assert len(shown) == 8

    def focused() -> int:
        tile = grid.focused_tile(QApplication.focusWidget())
        assert tile is not None
        return shown.index(tile)

    page._focus(shown[0])
    card = grid.card_of(shown[0])
    assert card is not None
    assert card.hasFocus()
    assert card.frameShape() is QFrame.Shape.Box  # where the keyboard is, plainly
    assert Path(shown[0].item.source).name in card.accessibleName()
    _press(qtbot, Qt.Key.Key_Right)
    assert focused() == 1
    _press(qtbot, Qt.Key.Key_Down)
    assert focused() == min(1 + columns, 7)
    _press(qtbot, Qt.Key.Key_Up)
    assert focused() == 1
    _press(qtbot, Qt.Key.Key_Left)
    assert focused() == 0
    _press(qtbot, Qt.Key.Key_Left)  # at the start it stays
    assert focused() == 0
    _press(qtbot, Qt.Key.Key_End)
    assert focused() == 7
    _press(qtbot, Qt.Key.Key_Home)
    assert focused() == 0
    _press(qtbot, Qt.Key.Key_PageDown)
    assert grid.position(shown[focused()])[0] == len(grid.rows) - 1  # type: ignore[index]
    _press(qtbot, Qt.Key.Key_PageUp)
    assert focused() == 0
    assert page.scroll_area.verticalScrollBar().value() == 0


def test_a_re_encoded_version_found_later_shows_the_answer_until_confirmed(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    first = _folder(tmp_path, "first", photos["yaoming"])
    later = tmp_path / "later"
    later.mkdir()
    picture = Image.open(photos["yaoming"]).convert("RGB")
    smaller = picture.resize((picture.width * 3 // 4, picture.height * 3 // 4))
    smaller.save(later / "reposted.webp", quality=70)  # other bytes, the same picture
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [first])
    page = window.matches_page
    page.filters.hide_rejected.setChecked(False)
    [card] = page.visible_cards()
    card.not_me_button.click()
    assert card.verdict.text() == "You said: not me"
    scan_by_drop(qtbot, window, [later])
    window.show_page("matches")
    _choose(window, page.scan_box.itemData(0))  # the newest scan
    [again] = page.visible_cards()  # not hidden: it waits for the person to confirm
    assert again.item.source.endswith("reposted.webp")
    assert again.item.verdict is None  # nothing was stored for these bytes
    assert again.verdict.text() == (
        "Answered for another version: not me. Press “Not me” to confirm."
    )
    assert again.accessibleDescription() == again.verdict.text()
    again.not_me_button.click()  # confirmed: now its own answer
    assert again.item.verdict is Verdict.NOT_ME
    assert again.verdict.text() == "You said: not me"
    with Store.open(data_dir) as store:
        verdict = store.verdict(again.item.sha256 or "")
    assert verdict is not None
    assert verdict.verdict is Verdict.NOT_ME


def test_an_answer_given_in_a_terminal_appears_in_the_open_grid(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "many"
    copies_with_changes(photos["yaoming"], folder, 3)
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [folder])
    window.show_page("matches")
    page = window.matches_page
    cards = page.visible_cards()
    assert len(cards) == 3
    chosen = cards[1]
    assert chosen.item.sha256 is not None
    command = [sys.executable, "-m", "likeness_guard", "--data-dir", str(data_dir), "review"]
    done = subprocess.run(
        [*command, chosen.item.sha256[:16], "--this-is-me"], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: chosen.verdict.text() == "You said: this is me", timeout=10_000)
    assert chosen.me_button.text() == "Me ✓"
    assert [card.verdict.text() for card in cards if card is not chosen] == ["", ""]
    done = subprocess.run(
        [*command, chosen.item.sha256[:16], "--not-me"], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: len(page.visible_cards()) == 2, timeout=10_000)  # hidden now
    assert "1 marked “Not me” is hidden." in page.summary.text()


def test_a_face_picked_in_a_group_photo_is_scrolled_into_view_and_announced(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    tmp_path: Path,
) -> None:
    group = tmp_path / "couple.png"
    with Image.open(photos["players"]) as opened:
        image = opened.convert("RGB")
    image.resize((image.width * 2, image.height * 2), Image.Resampling.LANCZOS).save(group)
    window = make_window(data_dir)
    window.resize(1000, 640)
    page = window.photos_page
    window.show_page("photos")
    singles = tmp_path / "singles"
    copies_with_changes(photos["yaoming"], singles, 6)
    with qtbot.waitSignal(page.enroll_finished, timeout=60_000):
        drop(page.drop_zone, [singles])
    with qtbot.waitSignal(page.enroll_finished, timeout=30_000):
        drop(page.drop_zone, [group])
    row = page.rows()[-1]
    assert row.face_choice is not None
    with qtbot.waitSignal(page.enroll_finished, timeout=30_000):
        row.face_choice.button_for(YAO_IN_BIG_PLAYERS).click()
    assert row.state == "accepted"
    said = f"Added: face {YAO_IN_BIG_PLAYERS} of couple.png."
    assert page.status.text().startswith(said)
    assert "No new photo added" not in page.status.text()
    scroll = page.reference_list
    shown = scroll.viewport().rect()
    top_left = row.mapTo(scroll.viewport(), row.rect().topLeft())
    assert shown.contains(top_left)  # scrolled into view
    assert shown.contains(top_left + row.rect().bottomRight())
