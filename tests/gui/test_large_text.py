"""Text at 200 %: every page of a window the size of a small laptop screen shows every word
whole (the page scrolls rather than squeezing labels and buttons until words are cut)."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ScannedWindow

SMALL_SCREEN = (1280, 720)  # 1920 x 1080 at a 150 % display scale


@pytest.fixture
def double_text(qapp: QApplication) -> Iterator[None]:
    before = QFont(qapp.font())
    bigger = QFont(before)
    bigger.setPointSizeF(before.pointSizeF() * 2)
    qapp.setFont(bigger)
    yield
    qapp.setFont(before)


def cut_words(page: QWidget) -> list[str]:
    """Labels, buttons and lists shown smaller than their words need, and panels that do not
    scroll sideways holding something wider than they are."""
    found = []
    for area in page.findChildren(QScrollArea):
        inner = area.widget()
        sideways = area.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        shown = area.isVisibleTo(page) and not sideways and inner is not None
        if shown and inner is not None and inner.width() > area.viewport().width():
            found.append(f"a panel {area.accessibleName()!r} is cut at its right edge")
    for widget in page.findChildren(QWidget):
        if not widget.isVisibleTo(page) or widget.width() <= 0:
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                short = need > widget.height() + 1
            else:
                hint = widget.sizeHint()
                short = hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1
            text = widget.text()
        elif isinstance(widget, QAbstractButton | QComboBox):
            hint = widget.minimumSizeHint() if isinstance(widget, QComboBox) else widget.sizeHint()
            short = hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        else:
            continue
        if short:
            found.append(f"{type(widget).__name__} {text[:50]!r} in {type(page).__name__}")
    return found


def settled_cut_words(qtbot: QtBot, page: QWidget) -> list[str]:
    """`cut_words` once the page's layout has settled (wrapped labels take a few turns of
    the event loop to get their height); what is still cut after a second is a fault."""
    try:
        qtbot.waitUntil(lambda: not cut_words(page), timeout=1000)
    except qtbot.TimeoutError:
        return cut_words(page)
    return []


def test_every_page_shows_every_word_at_double_text_size(
    qtbot: QtBot, double_text: None, scanned_window: ScannedWindow
) -> None:
    window, _scan_id = scanned_window("players", "yaoming", "gdp")
    window.resize(*SMALL_SCREEN)
    qtbot.wait(20)
    assert window.width() <= SMALL_SCREEN[0]
    assert window.height() <= SMALL_SCREEN[1]
    problems: list[str] = []
    for key, page in window.pages.items():
        window.show_page(key)
        problems += settled_cut_words(qtbot, page)
    window.show_page("matches")
    window.matches_page.show_detail(window.matches_page.tiles[0].item.id)
    problems += settled_cut_words(qtbot, window.matches_page)
    assert not problems, "\n".join(problems)
