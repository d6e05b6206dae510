"""The window draws Korean, Japanese, Hindi and Arabic as text on a system without fonts for
them (this machine has only DejaVu, which draws Hangul as boxes): every character of a
sentence lands in a font that has its glyph."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QTextLayout
from PySide6.QtWidgets import QApplication

from likeness_guard.gui.fonts import use_script_fonts

SENTENCES = {
    "ko": "가능한 일치 항목을 검토하세요",
    "ja": "参照写真を追加してください。ひらがなとカタカナ",
    "hi": "संभावित मिलान की समीक्षा करें",
    "ar": "راجعي التطابقات المحتملة",
}


@pytest.fixture
def app_font(qapp: QApplication) -> Iterator[QApplication]:
    before = QFont(qapp.font())
    yield qapp
    qapp.setFont(before)


def boxes_drawn(text: str, font: QFont) -> int:
    """How many glyphs of `text` come out as the empty box (glyph 0, ".notdef") in the fonts
    Qt chose for them; -1 when nothing was laid out at all."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    line.setPosition(QPointF(0, 0))
    runs = layout.glyphRuns()
    if not runs:
        return -1
    return sum(list(run.glyphIndexes()).count(0) for run in runs)


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_every_language_of_the_app_is_drawn_as_text(app_font: QApplication, language: str) -> None:
    added = use_script_fonts(app_font)
    assert added, "no bundled font was loaded"
    assert boxes_drawn(SENTENCES[language], app_font.font()) == 0


def test_the_system_font_stays_first(app_font: QApplication) -> None:
    first = app_font.font().families()[:1] or [app_font.font().family()]
    use_script_fonts(app_font)
    assert app_font.font().families()[0] == first[0]
    assert "Noto Sans Devanagari" in app_font.font().families()
