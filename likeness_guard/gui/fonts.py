"""The window's fonts: the bundled fonts for Hangul, kana and kanji, Devanagari and Arabic
added behind the system's own, so that every language of the app shows as text on a system
that has none of them (a bare Linux desktop, a minimal Windows install)."""

import logging

from PySide6.QtCore import QLoggingCategory
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from likeness_guard.core.services.fonts import bundled_script_fonts

log = logging.getLogger(__name__)


def use_script_fonts(app: QApplication) -> list[str]:
    """Load the bundled fonts and make them the fallbacks of the application font; returns
    the families added (the system's font stays first, so the window keeps its native look)."""
    # Qt asks every system font about Devanagari and says so on the terminal for each that
    # lacks its tables ("OpenType support missing"); the bundled font answers instead.
    QLoggingCategory.setFilterRules("qt.text.font.db.warning=false")
    added: list[str] = []
    for font in bundled_script_fonts():
        font_id = QFontDatabase.addApplicationFont(str(font.path))
        if font_id < 0:
            log.warning("Qt cannot load the font %s", font.path)
            continue
        added += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in added]
    base = app.font()
    first = base.families() or [base.family()]
    chosen = QFont(base)
    chosen.setFamilies([*first, *(family for family in added if family not in first)])
    app.setFont(chosen)
    return added
