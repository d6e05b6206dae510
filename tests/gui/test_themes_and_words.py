"""Every page in light, dark and high-contrast themes with no control squeezed, and one name
for each setting wherever a sentence points to it."""

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QSlider
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import ScanCounts, ScanOutcome
from likeness_guard.core.domain.words import PRIVATE_ADDRESS_REFUSED, outcome_sentence
from likeness_guard.gui.screenshots import collapsed_controls, take_screenshots
from likeness_guard.gui.style import dark_palette
from tests.gui.conftest import WindowFactory

PAGES = ("welcome", "photos", "scan", "matches", "detail", "video", "settings")
THEMES = ("", "-dark", "-high-contrast")
SOURCE = Path(__file__).parents[2] / "likeness_guard"


def test_every_page_in_every_theme_keeps_its_controls_at_their_size(
    qtbot: QtBot, tmp_path: Path
) -> None:
    taken = take_screenshots(tmp_path)
    names = {path.stem for path in taken.paths}
    assert names == {page + theme for page in PAGES for theme in THEMES}
    assert all(path.stat().st_size > 10_000 for path in taken.paths)
    assert taken.collapsed == {}


def test_a_squeezed_slider_is_found(qtbot: QtBot) -> None:
    holder = QGroupBox()
    qtbot.addWidget(holder)
    slider = QSlider(Qt.Orientation.Horizontal, holder)
    slider.resize(slider.sizeHint())
    holder.show()
    assert collapsed_controls(holder) == []
    slider.setFixedWidth(15)  # what a dark theme did to the Size slider: its handle only
    assert len(collapsed_controls(holder)) == 1


def _named_settings() -> set[str]:
    """Every setting a sentence names: “…” after "Settings" in the sources' literals, and
    in the sentences made from constants."""
    names = set()
    pattern = re.compile(r"Settings[^“\"]{0,12}[(→]\s*[“\"]([^”\"{]+)[”\"]")
    for path in SOURCE.rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    counts = ScanCounts(items=1, errors=1, matches=0)
    refused = outcome_sentence(ScanOutcome.FAILED, counts, PRIVATE_ADDRESS_REFUSED)
    names.update(pattern.findall(refused))
    return names


def test_every_setting_named_in_a_sentence_is_in_settings_by_that_name(
    make_window: WindowFactory, data_dir: Path
) -> None:
    named = _named_settings()
    assert named  # the refused-address sentence names one
    window = make_window(data_dir)
    page = window.settings_page
    shown = {
        widget.text().replace("&", "")
        for widget in page.findChildren(QAbstractButton) + page.findChildren(QLabel)
    }
    shown |= {box.title().replace("&", "") for box in page.findChildren(QGroupBox)}
    assert named <= shown, named - shown


def test_a_narrow_dark_window_keeps_the_size_slider_whole(
    make_window: WindowFactory, data_dir: Path
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette = app.style().name(), app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    try:
        window = make_window(data_dir)
        window.show_page("matches")
        for width in (1100, 960, 800):
            window.resize(width, 700)
            QApplication.processEvents()
            slider = window.matches_page.filters.size_slider
            assert slider.width() >= slider.sizeHint().width(), width
            squeezed = collapsed_controls(window)
            assert squeezed == [], (width, squeezed)
    finally:
        app.setStyle(style)
        app.setPalette(palette)
