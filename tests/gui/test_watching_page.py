"""The Watching page: add a place, look now, and an alert that names no picture, person or
site; a second look finds nothing new and raises no alert. The hourly OS schedule switched
on and off; reported removals followed up by the page's timer once the clock passes their
deadline, with no command."""

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.services.watching import WatchReport
from likeness_guard.core.storage.store import Store
from tests.gui.conftest import WindowFactory, enroll
from tests.unit.sources.local_server import LocalServer


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
    # No tray offscreen: the page's alert line says it, with no picture beside it.
    assert page.notifications == [("page", text)]
    assert page.alert_label.isVisible()
    assert page.alert_label.text() == text
    assert page.alert_label.pixmap().isNull()
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


@pytest.mark.skipif(shutil.which("systemctl") is None, reason="no systemctl on this system")
def test_the_schedule_switch_writes_enables_and_removes_the_systemd_timer(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    config = tmp_path / "home" / ".config"
    config.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(config.parent))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    window = make_window(data_dir)
    window.show_page("watching")
    page = window.watching_page
    assert not page.schedule_box.isChecked()
    units = config / "systemd" / "user"
    page.schedule_box.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=30_000)
    assert page.schedule_box.isChecked()
    [timer] = units.glob("likeness-guard-watch-*.timer")
    assert (units / "timers.target.wants" / timer.name).is_symlink()
    assert f'"--data-dir" "{data_dir}"' in timer.with_suffix(".service").read_text()
    page.schedule_box.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=30_000)
    assert not page.schedule_box.isChecked()
    assert list(units.glob("likeness-guard-watch-*")) == []


def test_the_page_timer_follows_up_an_overdue_removal_once_the_clock_passes_it(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
) -> None:
    from likeness_guard.core.domain.takedown import DeadlineRule
    from likeness_guard.core.services.takedown import record_takedown_request
    from likeness_guard.main import main

    server = LocalServer()
    server.serve("/page.html", b'<html><body><img src="/img/p.jpg"></body></html>', "text/html")
    server.serve("/img/p.jpg", photos["players"].read_bytes(), "image/jpeg")
    try:
        enroll(data_dir, engine, photos["yaoming"])
        argv = ["--data-dir", str(data_dir), "scan", server.url("/page.html")]
        assert main([*argv, "--allow-private-addresses"]) == 0
        now = datetime.now(UTC)
        with Store.open(data_dir) as store:
            [match] = [item for item in store.items(1) if item.match]
            assert match.sha256 is not None
            [request] = record_takedown_request(
                store, match.sha256[:12], "the site", now.strftime("%Y-%m-%d"),
                rule=DeadlineRule.DATE, due=(now + timedelta(days=2)).strftime("%Y-%m-%d"),
            )  # fmt: skip
        window = make_window(data_dir)
        window.session.preferences.allow_private_addresses = True
        page = window.watching_page
        asked = len(server.requests_to("/img/p.jpg"))

        # Nothing is watched and the deadline is ahead: the timer's run re-checks nothing.
        with qtbot.waitSignal(page.run_finished, timeout=60_000) as first:
            page.timer.timeout.emit()
        assert first.args[0].follow_ups == ()
        qtbot.waitUntil(lambda: not page.is_busy())
        # Three days on, the deadline has passed: the next tick checks the address again.
        page.clock = lambda: now + timedelta(days=3)
        with qtbot.waitSignal(page.run_finished, timeout=60_000) as second:
            page.timer.timeout.emit()
        assert [check.url for check in second.args[0].follow_ups] == [request.url]
        qtbot.waitUntil(lambda: not page.is_busy())
        assert len(server.requests_to("/img/p.jpg")) == asked + 1
        with Store.open(data_dir) as store:
            assert store.takedowns.latest_rechecks([request.url])[request.url].online
    finally:
        server.close()
