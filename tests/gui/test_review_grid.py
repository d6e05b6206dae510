"""The Matches grid: one tile per distinct image, answers that stick to the bytes, keys."""

import io
import shutil
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QStyle, QWidget
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import Verdict
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.gui.widgets.match_card import TILE_SIDES
from tests.gui.conftest import WindowFactory, enroll, scan_by_drop


def _distinct_copies(photo: Path, folder: Path, distinct: int, copies: int) -> None:
    """`distinct` different pictures of the same face (placed elsewhere on a background of
    another colour, every other one mirrored: PDQ hashes at least 96 bits apart), each
    saved `copies` times."""
    folder.mkdir(parents=True)
    face = Image.open(photo).convert("RGB")
    width, height = face.size
    for number in range(distinct):
        colour = ((number * 73) % 256, (number * 151) % 256, (number * 37) % 256)
        picture = Image.new("RGB", (width * 2, height * 2), colour)
        shown = ImageOps.mirror(face) if number % 2 else face
        picture.paste(shown, ((number % 4) * width // 3, (number // 4) * height // 2))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=60)
        for copy in range(copies):
            (folder / f"img{number:02d}_copy{copy}.jpg").write_bytes(buffer.getvalue())


def _versions(photo: Path, folder: Path) -> None:
    """One picture twice as the same bytes, and as two other versions: half the size, and
    re-encoded with a caption along the bottom."""
    folder.mkdir(parents=True)
    shutil.copy(photo, folder / "original.jpg")
    shutil.copy(photo, folder / "same-bytes.jpg")
    face = Image.open(photo).convert("RGB")
    face.resize((face.width // 2, face.height // 2)).save(folder / "half.jpg", quality=80)
    captioned = face.copy()
    draw = ImageDraw.Draw(captioned)
    draw.rectangle((0, face.height - 20, face.width, face.height), fill=(0, 0, 0))
    draw.text((4, face.height - 18), "leaked - more at example.org", fill="white")
    captioned.save(folder / "captioned.jpg", quality=70)


def test_eleven_images_found_four_times_give_eleven_tiles(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "downloads"
    _distinct_copies(photos["yaoming"], folder, distinct=11, copies=4)
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [folder])
    page = window.matches_page
    tiles = page.visible_cards()
    assert len(tiles) == 11
    assert {tile.found.text() for tile in tiles} == {"found 4 times"}
    assert all(len(tile.copies) == 4 for tile in tiles)


def test_other_versions_of_a_picture_share_its_tile_and_its_answer(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "reposted"
    _versions(photos["yaoming"], folder)
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [folder])
    page = window.matches_page
    [tile] = page.visible_cards()
    assert tile.found.text() == "found 4 times, in 3 versions"
    assert len(tile.copies) + len(tile.similar) == 4
    assert all(name in tile.found.toolTip() for name in ("half.jpg", "same-bytes.jpg"))
    tile.not_me_button.click()
    assert page.visible_cards() == []
    store = window.session.store
    verdicts = {Path(item.source).name: item.verdict for item in store.items(tile.item.scan_id)}
    assert verdicts == dict.fromkeys(
        ["original.jpg", "same-bytes.jpg", "half.jpg", "captioned.jpg"], Verdict.NOT_ME
    )


def test_an_answer_sticks_to_the_bytes_in_a_later_scan(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    shutil.copy(photos["players"], first / "players.jpg")
    shutil.copy(photos["players"], later / "same-bytes-other-name.jpg")
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [first])
    page = window.matches_page
    [tile] = page.visible_cards()
    tile.not_me_button.click()  # marked on the tile itself
    assert tile.item.verdict is Verdict.NOT_ME
    assert page.visible_cards() == []  # hidden once marked
    scan_by_drop(qtbot, window, [later])
    page.filters.hide_rejected.setChecked(False)
    page.reload()  # the later scan found it, already marked
    [again] = page.visible_cards()
    assert again.item.source.endswith("same-bytes-other-name.jpg")
    assert again.item.verdict is Verdict.NOT_ME
    assert again.verdict.text() == "You said: not me"


def test_the_grid_is_reviewed_by_keyboard_and_resized(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "downloads"
    _distinct_copies(photos["yaoming"], folder, distinct=4, copies=1)
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    window.resize(1200, 800)
    window.show()
    scan_by_drop(qtbot, window, [folder])
    window.show_page("matches")
    page = window.matches_page
    page.filters.hide_rejected.setChecked(False)
    tiles = page.visible_cards()
    assert len(tiles) == 4
    page._focus(tiles[0])
    QTest.keyClick(page, Qt.Key.Key_Right)
    assert tiles[1].hasFocus()
    QTest.keyClick(page, Qt.Key.Key_M)  # "this is me", and on to the next
    assert tiles[1].item.verdict is Verdict.ME
    assert tiles[2].hasFocus()
    tiles[2].reveal_button.setChecked(True)
    QTest.keyClick(page, Qt.Key.Key_B)  # blur everything at once
    assert not tiles[2].preview.revealed
    QTest.keyClick(page, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.detail
    assert page.detail.item is not None
    assert page.detail.item.id == tiles[2].item.id
    page.show_list()
    page.filters.size_slider.setValue(TILE_SIDES[0])  # the narrowest tiles: every label still fits
    card = tiles[0]
    margin = 2 * card.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin)
    for revealed in (False, True):
        card.set_revealed(revealed)
        qtbot.wait(10)
        for button in (card.reveal_button, card.me_button, card.not_me_button, card.details_button):
            text = button.fontMetrics().horizontalAdvance(button.text())
            assert text + margin <= button.width(), button.text()
    wide = page.grid.columns
    page.filters.size_slider.setValue(360)
    assert page.grid.columns < wide  # larger pictures, fewer columns
    assert tiles[0].preview.width() == 360
    assert window.session.preferences.tile_side == 360  # remembered


def test_possible_matches_are_shown_apart_after_the_matches(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    from PIL import ImageFilter

    folder = tmp_path / "downloads"
    folder.mkdir()
    yao = Image.open(photos["yaoming"]).convert("RGB")
    yao.filter(ImageFilter.GaussianBlur(6.5)).save(folder / "blurred.jpg", quality=95)
    shutil.copy(photos["players"], folder / "players.jpg")
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    window.resize(1200, 800)
    window.show()
    scan_by_drop(qtbot, window, [folder])
    page = window.matches_page
    tiles = page.visible_cards()
    assert [tile.possible for tile in tiles] == [False, True]  # the match first
    assert tiles[1].score.text().startswith("might be you — check it")
    assert page.scroll_area.possible_heading.isVisibleTo(page)

    def row_of(widget: QWidget) -> int:
        assert widget.parentWidget() is page.grid
        return widget.y()

    heading, tile, match = (
        row_of(w) for w in (page.scroll_area.possible_heading, tiles[1], tiles[0])
    )
    assert match < heading < tile  # apart, under their own heading
    assert "1 more image might be you" in page.summary.text()
