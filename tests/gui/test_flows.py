"""The window's main flows with the real models: enroll by drop, scan by drop, review, forget."""

import shutil
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import ScanStatus, Verdict
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.widgets.match_card import source_name
from tests.gui.conftest import WindowFactory, copies_with_changes, drop, enroll, scan_by_drop

SCAN_TIMEOUT_MS = 60_000


@pytest.fixture
def sample_folder(tmp_path: Path, photos: dict[str, Path]) -> Path:
    """players.jpg (Yao Ming among 22 faces), gdp.jpg and t1.jpg (no Yao Ming)."""
    folder = tmp_path / "to check"
    folder.mkdir()
    for name in ("players", "gdp", "t1"):
        shutil.copy(photos[name], folder / photos[name].name)
    return folder


def test_dropped_photos_are_checked_and_enrolled(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, photos: dict[str, Path]
) -> None:
    window = make_window(data_dir)
    page = window.photos_page
    window.show_page("photos")
    assert page.empty_label.isVisible()
    with qtbot.waitSignal(page.enroll_finished, timeout=30_000):
        drop(page.drop_zone, [photos["yaoming"], photos["gdp"]])
    rows = {row.name: row for row in page.rows()}
    assert rows["yaoming.jpg"].state == "accepted"
    assert rows["yaoming.jpg"].thumbnail.has_image()  # the aligned face crop
    assert rows["yaoming.jpg"].status.text() == "accepted"
    assert rows["gdp.jpg"].state == "refused"  # five faces: not a reference photo
    assert rows["gdp.jpg"].status.text().startswith("not used: ")
    assert not page.empty_label.isVisible()
    with Store.open(data_dir) as store:
        profile = store.profile("me")
        assert profile is not None
        assert [r.source_name for r in store.references(profile.id)] == ["yaoming.jpg"]
    # Removing the reference deletes it from the store.
    rows["yaoming.jpg"].button.click()
    assert window.session.store.count_embeddings() == 0


def test_dropped_folder_is_scanned_off_the_gui_thread_and_matches_listed(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    sample_folder: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_id = scan_by_drop(qtbot, window, [sample_folder])
    page = window.scan_page
    assert page.last_worker_thread is not None
    assert page.last_worker_thread != threading.get_ident()
    assert window.session.store.scan_counts([scan_id])[scan_id].items == 3
    matches = window.matches_page
    assert [source_name(card.item) for card in matches.visible_cards()] == ["players.jpg"]
    card = matches.visible_cards()[0]
    assert "you (" in card.score.text()  # the score in words, then the number
    qtbot.waitUntil(card.preview.has_image, timeout=10_000)
    assert not card.preview.revealed
    card.reveal_button.click()
    assert card.preview.revealed
    card.reveal_button.click()
    assert not card.preview.revealed


def test_cancel_stops_the_scan_early_and_keeps_finished_items(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    folder = tmp_path / "many"
    copies_with_changes(photos["players"], folder, 40)
    window = make_window(data_dir)
    page = window.scan_page
    window.show_page("scan")
    drop(page.drop_zone, [folder])
    assert page.is_scanning()
    qtbot.waitUntil(lambda: len(window.matches_page.tiles) >= 3, timeout=SCAN_TIMEOUT_MS)
    with qtbot.waitSignal(page.scan_ended, timeout=20_000) as blocker:
        started = time.monotonic()
        page.cancel_button.click()
    # Hang guard only: the scan ends well within a second of the click on a quiet machine;
    # 10 s leaves room for a loaded one. The item count below shows that it stopped early.
    assert time.monotonic() - started < 10
    scan_id = blocker.args[0] if blocker.args else None
    assert isinstance(scan_id, int)
    store = window.session.store
    scan = store.scan(scan_id)
    assert scan is not None
    assert scan.status == ScanStatus.CANCELLED
    counts = store.scan_counts([scan_id])[scan_id]
    assert 3 <= counts.items < 40
    # Every copy shows Yao Ming: each finished item is a kept match, listed on the page.
    assert counts.matches == counts.items
    assert len(window.matches_page.tiles) == counts.matches
    assert "kept" in page.status.text()


def test_not_me_survives_a_restart(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    sample_folder: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [sample_folder])
    matches = window.matches_page
    window.show_page("matches")
    card = matches.visible_cards()[0]
    card.details_button.click()
    assert matches.stack.currentWidget() is matches.detail
    assert matches.detail.reference.has_image()  # the reference photo that matched best
    matches.detail.not_me_button.click()
    matches.show_list()
    assert matches.visible_cards() == []  # hidden by default once marked
    item_id = card.item.id
    window.close()

    again = make_window(data_dir)
    assert again.current_page() == "matches"  # the last page is remembered
    item = again.session.store.item(item_id)
    assert item is not None
    assert item.verdict == Verdict.NOT_ME
    assert again.matches_page.visible_cards() == []
    again.matches_page.filters.hide_rejected.setChecked(False)
    [shown] = again.matches_page.visible_cards()
    assert shown.verdict.text() == "You said: not me"


def test_delete_all_empties_the_store(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    sample_folder: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"], profile="Jane Doe")
    window = make_window(data_dir)
    window.photos_page.create_profile("Jane Doe")
    scan_by_drop(qtbot, window, [sample_folder])
    settings = window.settings_page
    asked: list[str] = []

    def confirm(parent: object, text: str) -> bool:
        asked.append(text)
        return True

    settings.confirm = confirm
    with qtbot.waitSignal(settings.deleted, timeout=30_000):
        settings.delete_button.click()
        assert window.session.deleting  # compacting runs off the GUI thread
        assert not settings.delete_button.isEnabled()
    [text] = asked
    assert "1 profile (Jane Doe) with 1 face crop" in text
    assert "1 scan with the results for 3 files, including 1 match" in text
    assert "1 evidence file:" in text
    assert "not touched" in text
    with Store.open(data_dir) as store:
        assert store.count_embeddings() == 0
        assert store.scans() == []
    assert not (data_dir / "evidence").exists()
    assert len(window.matches_page.tiles) == 0
    assert window.photos_page.rows() == []
    assert window.photos_page.empty_label.isVisibleTo(window.photos_page)
    # The settings file no longer names the person either.
    assert window.session.preferences.settings.value("profile/current") is None


def test_declining_the_confirmation_deletes_nothing(
    make_window: WindowFactory, data_dir: Path, photos: dict[str, Path], engine: FaceEngine
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    window.settings_page.confirm = lambda parent, text: False
    window.settings_page.delete_button.click()
    assert window.session.store.count_embeddings() == 1


def test_first_run_shows_the_welcome_screen(make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window(data_dir)
    assert "Likeness Guard" in window.windowTitle()
    assert window.current_page() == "welcome"
    window.welcome_page.start_button.click()
    assert window.current_page() == "photos"
