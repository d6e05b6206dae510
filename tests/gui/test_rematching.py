""" "Re-check all scans with my new photos": earlier scans compared with a photo added later."""

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import ModelPackInfo, ScanStatus
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.gui.main_window import MainWindow
from likeness_guard.gui.rematching import REMATCH_LABEL
from likeness_guard.gui.widgets.match_card import source_name
from tests.gui.conftest import ScannedWindow, enroll

SCANNED = ("yaoming", "players", "tom_hanks", "gdp")


def _shown(window: MainWindow) -> list[str]:
    return sorted(source_name(tile.item) for tile in window.matches_page.tiles)


def _add_photo(qtbot: QtBot, window: MainWindow, photo: Path) -> None:
    page = window.photos_page
    window.show_page("photos")
    with qtbot.waitSignal(page.enroll_finished, timeout=30_000):
        page.add_photos([str(photo)])


def test_a_photo_added_after_a_scan_finds_what_it_shows_there(
    qtbot: QtBot, scanned_window: ScannedWindow, photos: dict[str, Path], tmp_path: Path
) -> None:
    window, scan_id = scanned_window(*SCANNED)
    assert _shown(window) == ["players.jpg", "yaoming.jpg"]
    shutil.rmtree(tmp_path / "folder")  # the re-check reads no scanned file

    # A second reference photo, unlike the first: the change is unmistakable.
    _add_photo(qtbot, window, photos["tom_hanks"])
    photos_page = window.photos_page
    assert photos_page.recheck_button.isVisibleTo(photos_page)
    assert photos_page.recheck_button.text() == REMATCH_LABEL
    assert "not been compared with the new photos" in photos_page.status.text()
    assert _shown(window) == ["players.jpg", "yaoming.jpg"]  # nothing changes by itself

    with qtbot.waitSignal(window.session.recheck.done, timeout=30_000):
        photos_page.recheck_button.click()
    said = photos_page.status.text()
    assert said.startswith("Compared your photos again with 1 scan: 1 new match (2 before, 3 now).")
    assert "1 new match has no kept copy yet" in said  # the file was not read again
    assert not photos_page.recheck_button.isVisibleTo(photos_page)  # done
    matches = window.matches_page
    assert matches._scan_id == scan_id
    assert _shown(window) == ["Tom_Hanks_54745.png", "players.jpg", "yaoming.jpg"]
    assert matches.message.text() == said
    assert matches.recheck_button.isEnabled()
    assert window.session.store.scan_counts([scan_id])[scan_id].matches == 3


def test_from_the_matches_page_a_scan_that_cannot_be_compared_is_named(
    qtbot: QtBot,
    scanned_window: ScannedWindow,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
) -> None:
    window, scan_id = scanned_window(*SCANNED)
    store = window.session.store
    profile = store.profile("me")
    assert profile is not None
    other = store.create_scan(
        profile,
        threshold=0.36,
        preset=None,
        model_pack=ModelPackInfo("someone else's", {"det.onnx": "0" * 64}),
        inputs=["/elsewhere"],
    )
    store.finish_scan(other, ScanStatus.FINISHED)
    enroll(data_dir, engine, photos["tom_hanks"])
    window.show_page("matches")
    matches = window.matches_page
    matches.reload(scan_id)
    assert matches.recheck_button.isVisibleTo(matches)

    with qtbot.waitSignal(window.session.recheck.started, timeout=5_000):
        matches.recheck_button.click()
    assert not matches.recheck_button.isEnabled()  # one re-check at a time
    with qtbot.waitSignal(window.session.recheck.done, timeout=30_000):
        pass
    text = matches.message.text()
    assert text.startswith("Compared your photos again with 1 scan: 1 new match")
    assert "1 scan could not be compared again and stays as it was:" in text
    assert f"Scan {other} was made with other face models" in text
    assert "Scan the same folders again instead." in text
    assert _shown(window) == ["Tom_Hanks_54745.png", "players.jpg", "yaoming.jpg"]
    assert matches.recheck_button.isEnabled()
