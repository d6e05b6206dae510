"""A video match in the window: a blurred best frame, a timeline, the moments, a play button."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging import blur
from likeness_guard.core.imaging.resize import fit_within
from likeness_guard.core.imaging.video import grab_frame
from tests.gui.conftest import WindowFactory, enroll, scan_by_drop
from tests.gui.test_previews import detail, rgb_of
from tests.video_maker import Shot, make_video


@pytest.fixture
def video_folder(tmp_path: Path, photos: dict[str, Path]) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    shots = [Shot(photos["gdp"], 2), Shot(photos["yaoming"], 2), Shot(photos["tom_hanks"], 2)]
    make_video(folder / "party.mp4", shots)
    return folder


def test_a_video_match_shows_its_moments_blurred_until_revealed(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    video_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_by_drop(qtbot, window, [video_folder])
    matches = window.matches_page
    window.show_page("matches")
    [card] = matches.visible_cards()
    assert card.item.is_video
    assert card.timeline is not None
    [(left, right)] = card.timeline.marked_spans()
    width = card.timeline.width()
    assert 0.25 * width <= left <= 0.42 * width  # 2 s of 6
    assert 0.58 * width <= right <= 0.75 * width
    assert "00:00:02.0 to 00:00:03.6" in card.moments.text()  # to the tenth of a second
    qtbot.waitUntil(card.preview.has_image, timeout=10_000)
    assert not card.preview.revealed
    images = card.preview._images
    assert images is not None
    assert images.blurred is not None
    assert images.clear is not None
    # The preview is the best frame, blurred by the one policy.
    assert card.item.video is not None
    assert card.item.video.best_frame_s is not None
    best = grab_frame(video_folder / "party.mp4", card.item.video.best_frame_s)
    shown, _ = fit_within(best, matches.preview_side())  # decoded for the tile's size
    np.testing.assert_array_equal(rgb_of(images.clear), shown)
    np.testing.assert_array_equal(rgb_of(images.blurred), blur.strong_blur(shown))
    assert detail(images.clear) > 4 * detail(images.blurred)
    card.reveal_button.click()
    assert card.preview.revealed

    card.details_button.click()
    view = matches.detail
    assert matches.stack.currentWidget() is view
    qtbot.waitUntil(view.preview.has_image, timeout=10_000)
    assert view.video.isVisible()
    assert view.video.moments.text().startswith("00:00:02.0 to 00:00:03.6: best ")
    assert "frames examined" in view.video.examined.text()
    assert "mp4 video (h264), 480 \u00d7 270 pixels, 00:00:06 long" in view.size_label.text()
    assert "in the frame shown (00:00:0" in view.faces.text()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    view.video.play_button.click()
    assert [url.toLocalFile() for url in opened] == [str(video_folder / "party.mp4")]


def test_an_image_match_has_no_video_row(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "yao.jpg").write_bytes(photos["yaoming"].read_bytes())
    scan_by_drop(qtbot, window, [folder])
    window.show_page("matches")
    [card] = window.matches_page.visible_cards()
    assert card.timeline is None
    card.details_button.click()
    assert not window.matches_page.detail.video.isVisible()
