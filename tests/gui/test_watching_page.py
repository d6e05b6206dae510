"""The Watching page: add a place, look now, and an alert that names no picture, person or
site; a second look finds nothing new and raises no alert."""

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.services.watching import WatchReport
from tests.gui.conftest import WindowFactory, enroll


def test_watching_page_adds_a_folder_runs_it_and_alerts_with_a_count_only(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(photos["players"], folder / "players.jpg")
    shutil.copy(photos["gdp"], folder / "gdp.jpg")
    window = make_window(data_dir)
    window.show_page("watching")
    page = window.watching_page
    page.place_edit.setText(str(folder))
    page.add_button.click()
    assert page.table.rowCount() == 1
    assert page.table.item(0, 2).text() == "never"  # type: ignore[union-attr]

    with qtbot.waitSignal(page.alert_raised, timeout=60_000) as alert:
        page.run_button.click()
    text = alert.args[0]
    assert text == "1 new picture may show you — open Likeness Guard."
    for private in ("players", "downloads", "me", str(tmp_path)):
        assert private not in text
    qtbot.waitUntil(lambda: not page.is_running())
    assert page.table.item(0, 2).text() != "never"  # type: ignore[union-attr]

    alerts: list[str] = []
    page.alert_raised.connect(alerts.append)
    with qtbot.waitSignal(page.run_finished, timeout=60_000) as finished:
        page.run_button.click()
    report = finished.args[0]
    assert isinstance(report, WatchReport)
    assert report.runs[0].new_items == 0
    assert alerts == []
    qtbot.waitUntil(lambda: not page.is_running())
