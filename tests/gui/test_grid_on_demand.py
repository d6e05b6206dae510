"""A long Matches grid: cards and decoded previews only near the screen, a bounded cache."""

from dataclasses import replace
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import FileFacts
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.pdq import picture_pdq
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.store import Store
from likeness_guard.gui import previews as previews_module
from likeness_guard.gui.main_window import MainWindow
from likeness_guard.gui.previews import PreviewImages, PreviewRequest, PreviewService
from tests.gui.conftest import WindowFactory, copies_with_changes, enroll

TILES = 300
CACHE_BYTES = 3 * 1024 * 1024  # about 20 small previews: fewer than the cards built


@pytest.fixture
def long_scan(
    data_dir: Path, engine: FaceEngine, photos: dict[str, Path], tmp_path: Path
) -> list[Path]:
    """A stored scan with 300 distinct matched files: one real scan of one photo, its item
    stored again for 299 other files (other pictures, so 300 tiles)."""
    files = copies_with_changes(photos["yaoming"], tmp_path / "many", TILES)
    enroll(data_dir, engine, photos["yaoming"])
    with Store.open(data_dir) as store:
        profile = store.profile("me")
        assert profile is not None
        scan_id = run_scan(store, engine, profile, [str(files[0])], ScanOptions(threshold=0.36))
        [item] = store.items(scan_id)
        assert item.match
        for number, path in enumerate(files[1:], 1):
            store.add_item(
                replace(
                    item,
                    seq=number,
                    source=str(path),
                    sha256=f"{number:064x}",
                    file=FileFacts(str(path), path.stat().st_size, "2026-01-01T00:00:00Z"),
                    best_similarity=(item.best_similarity or 1.0) - number * 1e-4,
                    picture_pdq=picture_pdq(path.read_bytes()),
                )
            )
    return files


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The key of every preview the window decodes (the real decoder, only counted), with a
    small cache bound for the windows made in the test."""
    keys: list[str] = []
    decode = previews_module.decode_preview

    def counting(request: PreviewRequest, evidence: object) -> PreviewImages:
        keys.append(request.key)
        return decode(request, evidence)  # type: ignore[arg-type]

    monkeypatch.setattr(previews_module, "decode_preview", counting)
    monkeypatch.setattr(previews_module, "PREVIEW_CACHE_BYTES", CACHE_BYTES)
    return keys


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.previews.pending_count() == 0, timeout=30_000)


def matches_window(make_window: WindowFactory, data_dir: Path) -> MainWindow:
    """A window of a fixed size showing the long scan's matches."""
    window = make_window(data_dir)
    window.resize(1040, 720)
    window.show_page("matches")
    return window


def test_only_tiles_near_the_screen_get_cards_and_previews(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    long_scan: list[Path],
    decoded: list[str],
) -> None:
    window = matches_window(make_window, data_dir)
    page = window.matches_page
    service = window.previews
    largest = [0]
    service.ready.connect(lambda _: largest.append(service.cached_bytes()))
    settle(qtbot, window)

    assert len(page.tiles) == TILES
    first, last = page.tiles[0], page.tiles[TILES - 1]
    cards = page.visible_cards()
    assert 0 < len(cards) < TILES / 3
    assert all(card.preview.has_image() for card in cards)
    assert {f"{card.item.id}:{page.preview_side()}" for card in cards} <= set(decoded)
    assert len(set(decoded)) < TILES / 3  # none for the tiles further down
    assert page.grid.card_of(last) is None
    first_card = page.grid.card_of(first)
    assert first_card is not None
    first_card.reveal_button.setChecked(True)  # shown clearly, on purpose

    bar = page.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())  # to the end of the list
    settle(qtbot, window)
    last_card = page.grid.card_of(last)
    assert last_card is not None
    assert last_card.preview.has_image()
    assert page.grid.card_of(first) is None  # far away now: its card and pixels went
    assert not shiboken6.isValid(first_card)
    assert len(page.visible_cards()) < TILES / 3
    assert len(set(decoded)) < TILES / 2
    assert max(largest) <= CACHE_BYTES
    assert service.cache_limit == CACHE_BYTES

    bar.setValue(0)
    settle(qtbot, window)
    again = page.grid.card_of(first)
    assert again is not None
    assert again is not first_card  # a new card, that remembers what was revealed
    assert again.preview.has_image()
    assert again.preview.revealed
    assert max(largest) <= CACHE_BYTES
    QTest.keyClick(page, Qt.Key.Key_B)  # blurs every picture, built or not
    assert not again.preview.revealed
    assert not any(tile.revealed for tile in page.tiles)


def test_the_keyboard_reaches_tiles_far_down_the_list(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    long_scan: list[Path],
    decoded: list[str],
) -> None:
    window = matches_window(make_window, data_dir)
    page = window.matches_page
    settle(qtbot, window)
    page._focus(page.tiles[0])
    bar = page.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())  # scrolled away with the wheel: the focused card stays
    focused = page.grid.card_of(page.tiles[0])
    assert focused is not None
    assert focused.hasFocus()
    QTest.keyClick(page, Qt.Key.Key_J)
    second = page.grid.card_of(page.tiles[1])
    assert second is not None
    assert second.hasFocus()
    for _ in range(TILES):  # down, row by row, to the last row
        QTest.keyClick(page, Qt.Key.Key_Down)
    column = page.grid.position(page.tiles[1])
    last_row = page.grid.rows[-1].tiles
    target = last_row[min(column[1] if column else 0, len(last_row) - 1)]
    card = page.grid.card_of(target)
    assert card is not None
    assert card.hasFocus()
    assert page.grid.card_of(page.tiles[1]) is None  # far above now
    QTest.keyClick(page, Qt.Key.Key_Return)
    assert page.detail.item is not None
    assert page.detail.item.id == target.item.id
    page.show_list()
    assert card.details_button.hasFocus() or page.grid.card_of(target) is not None
    settle(qtbot, window)
    assert len(set(decoded)) < TILES


def test_the_preview_cache_keeps_its_bound_and_withdrawn_requests_are_not_decoded(
    qtbot: QtBot, photos: dict[str, Path], tmp_path: Path, decoded: list[str]
) -> None:
    files = copies_with_changes(photos["players"], tmp_path / "copies", 8)
    one = previews_module.decode_preview(
        PreviewRequest("probe", str(files[0]), None, 360), EvidenceFolder(tmp_path)
    )
    size = previews_module.preview_bytes(one)
    service = PreviewService(tmp_path / "evidence", cache_bytes=size * 3)
    try:
        decoded.clear()
        got: list[str] = []
        service.ready.connect(lambda images: got.append(images.key))
        for number, path in enumerate(files):
            service.request(PreviewRequest(f"{number}:360", str(path), None, 360))
        for number in (3, 4, 5):
            service.cancel(f"{number}:360")  # scrolled far away before their turn
        qtbot.waitUntil(lambda: service.pending_count() == 0, timeout=30_000)
        assert sorted(got) == ["0:360", "1:360", "2:360", "6:360", "7:360"]
        assert sorted(decoded) == sorted(got)
        assert service.cached_bytes() <= size * 3
        assert service.cached_keys() == ["2:360", "6:360", "7:360"]  # the oldest went first
        service.request(PreviewRequest("6:360", str(files[6]), None, 360))  # from the cache
        assert got[-1] == "6:360"
        assert service.cached_keys()[-1] == "6:360"
        assert len(decoded) == 5
    finally:
        service.shutdown()
