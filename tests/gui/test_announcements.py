"""What a screen reader hears: status changes announced once each, a scan's progress now and
then (not on every file), and its outcome at the end."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.gui.widgets.announce import Announcer, ProgressAnnouncer
from likeness_guard.gui.widgets.labels import StatusLine
from tests.gui.conftest import WindowFactory, copies_with_changes, enroll, scan_by_drop


def test_a_status_line_announces_each_new_sentence_once(qtbot: QtBot) -> None:
    line = StatusLine("Status")
    qtbot.addWidget(line)
    for text in ("Counting the files…", "Scanning.", "Scanning.", "Scan finished."):
        line.say(text)
    assert list(line.announcer.said) == ["Counting the files…", "Scanning.", "Scan finished."]


def test_progress_is_said_by_quarters_and_at_the_first_match(qtbot: QtBot) -> None:
    line = StatusLine("Progress")
    qtbot.addWidget(line)
    now = [0.0]
    progress = ProgressAnnouncer(Announcer(line), clock=lambda: now[0])
    for done in range(0, 101):
        now[0] = done * 1.0  # one file a second
        progress.progress(done, 100, matches=1 if done >= 60 else 0)
    said = list(progress.announcer.said)
    assert said == [
        "0 of 100 files checked. 0 matches so far.",
        "25 of 100 files checked. 0 matches so far.",
        "50 of 100 files checked. 0 matches so far.",
        "60 of 100 files checked. 1 match so far.",  # the first match is said at once
        "85 of 100 files checked. 1 match so far.",
    ]


def test_a_scan_in_the_window_is_announced_from_start_to_outcome(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    tmp_path: Path,
    engine: FaceEngine,
    photos: dict[str, Path],
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    copies_with_changes(photos["yaoming"], tmp_path / "drop", 3)
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [tmp_path / "drop"])
    page = window.scan_page
    heard = list(page.status.announcer.said)
    assert heard[0].startswith("Counting the files in drop")
    assert heard[-1].startswith("Done: 3 images checked, 3 images that may show you.")
    progress = list(page.progress_announcer.announcer.said)
    assert progress, "the running scan was never said"
    assert all(" files checked. " in sentence for sentence in progress)
