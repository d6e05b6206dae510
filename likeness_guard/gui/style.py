"""Colours and fonts derived from the system palette, so light and dark themes both work."""

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QWidget

# Amber for "look at this", never red: red is kept for real errors.
NOTICE_LIGHT = QColor("#8a5a00")
NOTICE_DARK = QColor("#f0c36b")
ERROR_LIGHT = QColor("#a1262b")
ERROR_DARK = QColor("#ff8a8a")
OK_LIGHT = QColor("#2e6b30")
OK_DARK = QColor("#8fd18f")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def notice_color(palette: QPalette) -> QColor:
    return NOTICE_DARK if is_dark(palette) else NOTICE_LIGHT


def error_color(palette: QPalette) -> QColor:
    return ERROR_DARK if is_dark(palette) else ERROR_LIGHT


def ok_color(palette: QPalette) -> QColor:
    return OK_DARK if is_dark(palette) else OK_LIGHT


def muted_color(palette: QPalette) -> QColor:
    """Secondary text: between text and background, still readable (unlike "disabled")."""
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    mix = 0.68
    return QColor(
        round(text.red() * mix + back.red() * (1 - mix)),
        round(text.green() * mix + back.green() * (1 - mix)),
        round(text.blue() * mix + back.blue() * (1 - mix)),
    )


def set_text_color(widget: QWidget, color: QColor) -> None:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    palette.setColor(QPalette.ColorRole.Text, color)
    widget.setPalette(palette)


def heading_font(base: QFont, scale: float = 1.5) -> QFont:
    font = QFont(base)
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * scale)
    font.setBold(True)
    return font
