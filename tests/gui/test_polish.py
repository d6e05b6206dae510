"""Small things a frightened person should never have to notice: contrast, copies, keys."""

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QGuiApplication, QPalette
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from likeness_guard.gui.pages.welcome import WelcomePage
from likeness_guard.gui.style import contrast_ratio
from likeness_guard.gui.widgets.drop_zone import DropZone, border_color
from tests.gui.conftest import WindowFactory


def _palette(window: str, base: str, text: str, mid: str, highlight: str) -> QPalette:
    palette = QPalette()
    for role, value in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Mid, mid),
        (QPalette.ColorRole.Highlight, highlight),
    ):
        palette.setColor(role, QColor(value))
    return palette


LIGHT = _palette("#efefef", "#ffffff", "#000000", "#e6e6e6", "#308cc6")
# A common dark theme: Mid is barely different from the base (1.1:1 as reported).
DARK = _palette("#2b2b2b", "#232323", "#f0f0f0", "#2e2e2e", "#2a82da")


def test_the_drop_zone_border_stands_out_in_light_and_dark_themes() -> None:
    for palette in (LIGHT, DARK):
        base = palette.color(QPalette.ColorRole.Base)
        assert contrast_ratio(palette.color(QPalette.ColorRole.Mid), base) < 3  # as themes ship
        for active in (False, True):
            assert contrast_ratio(border_color(palette, active=active), base) >= 3


def test_a_drop_is_taken_as_a_copy_never_a_move(qtbot: QtBot, tmp_path: object) -> None:
    zone = DropZone("Drop", "hint")
    qtbot.addWidget(zone)
    got: list[list[str]] = []
    zone.dropped.connect(got.append)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/a.jpg")])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setDropAction(Qt.DropAction.MoveAction)  # what a file manager may propose
    zone.dropEvent(event)
    assert event.isAccepted()
    assert event.dropAction() == Qt.DropAction.CopyAction
    assert got == [["/tmp/a.jpg"]]


def test_enter_on_the_welcome_page_starts(qtbot: QtBot) -> None:
    page = WelcomePage()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.start_requested, timeout=1000):
        QTest.keyClick(page, Qt.Key.Key_Return)


def test_a_window_saved_larger_than_the_screen_opens_inside_it(
    make_window: WindowFactory, tmp_path: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    window = make_window(tmp_path / "data")
    screen = QGuiApplication.primaryScreen()
    area: QRect = screen.availableGeometry()
    window.resize(area.width() + 400, area.height() + 300)
    window.move(QPoint(area.right() - 50, area.bottom() - 50))
    window.fit_on_screen()
    frame = window.frameGeometry()
    assert frame.width() <= area.width()
    assert frame.height() <= area.height()
    assert area.contains(frame.topLeft())


def test_a_second_start_on_the_same_folder_wakes_the_first(qtbot: QtBot, tmp_path: object) -> None:
    from pathlib import Path

    from likeness_guard.gui.single_instance import SingleInstance

    assert isinstance(tmp_path, Path)
    first, second = SingleInstance(tmp_path), SingleInstance(tmp_path)
    try:
        assert first.acquire()
        assert not second.acquire()  # one window per data folder
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert second.wake_running()
        other = tmp_path / "other"
        other.mkdir()
        elsewhere = SingleInstance(other)
        assert elsewhere.acquire()  # another data folder is another window
        elsewhere.release()
    finally:
        first.release()
    assert second.acquire()  # free again once the first window closed
    second.release()


def test_a_chosen_folder_that_holds_files_gets_one_window_and_one_database(
    qtbot: QtBot, tmp_path: object
) -> None:
    # The lock once sat in the chosen folder and the database in a subfolder of it, so a
    # second start opened a second live window on the same data.
    from pathlib import Path

    from likeness_guard.core.storage.layout import data_dir
    from likeness_guard.core.storage.store import Store
    from likeness_guard.gui.single_instance import SingleInstance

    assert isinstance(tmp_path, Path)
    chosen = tmp_path / "Documents"
    chosen.mkdir()
    (chosen / "letter.odt").write_text("mine")
    first_folder = data_dir(chosen)
    first = SingleInstance(first_folder)
    try:
        assert first.acquire()
        with Store.open(first_folder) as store:  # what the window's session opens
            assert store.folder == first_folder
        second_folder = data_dir(chosen)
        assert second_folder == first_folder
        assert not SingleInstance(second_folder).acquire()
    finally:
        first.release()


def test_matches_stays_on_the_last_scan_with_results(
    qtbot: QtBot,
    make_window: WindowFactory,
    photos: dict[str, object],
    engine: object,
    tmp_path: object,
) -> None:
    from pathlib import Path

    from likeness_guard.core.engine.face_engine import FaceEngine
    from tests.gui.conftest import enroll, scan_by_drop

    assert isinstance(tmp_path, Path)
    assert isinstance(engine, FaceEngine)
    data = tmp_path / "data"
    mine, others = tmp_path / "Downloads" / "party", tmp_path / "Pictures" / "others"
    for folder, name in ((mine, "players"), (others, "gdp")):
        folder.mkdir(parents=True)
        source = photos[name]
        assert isinstance(source, Path)
        (folder / f"{name}.jpg").write_bytes(source.read_bytes())
    yao = photos["yaoming"]
    assert isinstance(yao, Path)
    enroll(data, engine, yao)
    window = make_window(data)
    found = scan_by_drop(qtbot, window, [mine])
    empty = scan_by_drop(qtbot, window, [others])
    page = window.matches_page
    assert page._scan_id == found  # not the newer scan that found nothing
    assert len(page.visible_cards()) == 1
    labels = [page.scan_box.itemText(i) for i in range(page.scan_box.count())]
    assert labels[0].startswith("Pictures/others — 1 image, 0 matches")  # named by what
    assert labels[1].startswith("Downloads/party — 1 image, 1 match")
    assert page.scan_box.findData(empty) == 0


def test_after_delete_all_nothing_deleted_stays_on_screen(
    qtbot: QtBot,
    make_window: WindowFactory,
    photos: dict[str, object],
    engine: object,
    tmp_path: object,
) -> None:
    from pathlib import Path

    from likeness_guard.core.engine.face_engine import FaceEngine
    from tests.gui.conftest import enroll, scan_by_drop

    assert isinstance(tmp_path, Path)
    assert isinstance(engine, FaceEngine)
    data, folder = tmp_path / "data", tmp_path / "folder"
    folder.mkdir()
    players = photos["players"]
    assert isinstance(players, Path)
    (folder / "players.jpg").write_bytes(players.read_bytes())
    (folder / "broken.jpg").write_bytes(b"not an image")
    yao = photos["yaoming"]
    assert isinstance(yao, Path)
    enroll(data, engine, yao)
    window = make_window(data)
    scan_by_drop(qtbot, window, [folder])
    matches = window.matches_page
    assert matches.export_button.isEnabled()
    [card] = matches.visible_cards()
    matches.show_detail(card.item.id)
    assert matches.detail.title.text() == "players.jpg"
    window.photos_page.status.setText("3 photos were added.")  # an old message
    settings = window.settings_page
    settings.confirm = lambda parent, text: True
    with qtbot.waitSignal(settings.deleted, timeout=30_000):
        settings.delete_button.click()
    detail = matches.detail
    assert detail.item is None
    assert not detail.preview.has_image()
    for label in (detail.title, detail.where, detail.synthetic, detail.reference_name):
        assert label.text() == ""
    assert matches.stack.currentWidget() is not detail
    assert not matches.export_button.isEnabled()
    assert "nothing to export" in matches.export_button.toolTip() or "Choose" in (
        matches.export_button.toolTip()
    )
    scan = window.scan_page
    assert scan.status.text() == "Drop something above to begin."
    assert not scan.progress_bar.isTextVisible()  # no "0 of 1" left behind
    assert scan.errors_list.count() == 0
    assert window.photos_page.status.text() == ""
    window.close()
    again = make_window(data)
    assert again.current_page() == "welcome"  # not an empty Matches page


def test_review_by_keyboard_moves_marks_and_goes_back(
    qtbot: QtBot,
    make_window: WindowFactory,
    photos: dict[str, object],
    engine: object,
    tmp_path: object,
) -> None:
    from pathlib import Path

    from likeness_guard.core.domain.records import Verdict
    from likeness_guard.core.engine.face_engine import FaceEngine
    from tests.gui.conftest import copies_with_changes, enroll, scan_by_drop

    assert isinstance(tmp_path, Path)
    assert isinstance(engine, FaceEngine)
    yao = photos["yaoming"]
    assert isinstance(yao, Path)
    folder = tmp_path / "folder"
    copies_with_changes(yao, folder, 3)  # three different pictures, all of the same face
    data = tmp_path / "data"
    enroll(data, engine, yao)
    window = make_window(data)
    window.show()
    scan_by_drop(qtbot, window, [folder])
    window.show_page("matches")
    page = window.matches_page
    order = [card.item.id for card in page.visible_cards()]
    assert len(order) == 3
    page.show_detail(order[0])
    detail = page.detail
    QTest.keyClick(detail.back_button, Qt.Key.Key_J)
    assert detail.item is not None
    assert detail.item.id == order[1]
    QTest.keyClick(detail.back_button, Qt.Key.Key_K)
    assert detail.item.id == order[0]
    QTest.keyClick(detail.back_button, Qt.Key.Key_N)  # "not me", then the next one
    assert detail.item.id == order[1]
    first = next(tile for tile in page.tiles if tile.item.id == order[0])
    assert first.item.verdict is Verdict.NOT_ME
    QTest.keyClick(detail.back_button, Qt.Key.Key_M)
    assert detail.item.id == order[2]
    QTest.keyClick(detail.back_button, Qt.Key.Key_J)  # past the end: stays, and says so
    assert detail.item.id == order[2]
    assert "last match" in detail.message.text()
    QTest.keyClick(detail.back_button, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is not detail


def test_ai_evidence_reads_as_words_with_the_raw_data_behind_details() -> None:
    import json

    from likeness_guard.core.domain.synthetic import (
        ProvenanceIndicator,
        Strength,
        SyntheticReport,
        SyntheticStatus,
    )
    from likeness_guard.gui.pages.match_detail import raw_evidence, synthetic_details

    evidence = {
        "generator": "ComfyUI",
        "prompt": "a portrait " * 60,
        "models": ["sdxl_base", "lora_face"],
        "nodes": {"3": {"class_type": "KSampler"}, "4": {"class_type": "CheckpointLoader"}},
    }
    indicator = ProvenanceIndicator("generator_metadata", Strength.STRONG, "Settings", evidence)
    report = SyntheticReport(SyntheticStatus.AI_GENERATED, (indicator,))
    text = synthetic_details(report)
    assert "{" not in text  # no raw JSON in what a person reads
    assert "   generator: ComfyUI" in text
    assert "   models: sdxl_base, lora_face" in text
    assert "   nodes: 2 entries (see Details)" in text
    prompt_line = next(line for line in text.splitlines() if "prompt:" in line)
    assert prompt_line.endswith("…")
    assert len(prompt_line) < 180
    raw = json.loads(raw_evidence(report))
    assert raw[0]["evidence"]["nodes"]["3"]["class_type"] == "KSampler"  # all of it, there
