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


def dark_palette() -> QPalette:
    """A dark palette like common dark desktop themes (for screenshots and tests): its Mid
    colour is barely different from the background, as many themes ship it."""
    palette = QPalette()
    for role, value in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#f0f0f0"),
        (QPalette.ColorRole.Base, "#232323"),
        (QPalette.ColorRole.AlternateBase, "#2e2e2e"),
        (QPalette.ColorRole.Text, "#f0f0f0"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#f0f0f0"),
        (QPalette.ColorRole.Mid, "#2e2e2e"),
        (QPalette.ColorRole.Highlight, "#2a82da"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.Link, "#7fb8ff"),
        (QPalette.ColorRole.ToolTipBase, "#353535"),
        (QPalette.ColorRole.ToolTipText, "#f0f0f0"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
    ):
        palette.setColor(role, QColor(value))
    return palette


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


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21)."""

    def luminance(color: QColor) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.red())
            + 0.7152 * channel(color.green())
            + 0.0722 * channel(color.blue())
        )

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def visible_against(
    color: QColor, background: QColor, toward: QColor, ratio: float = 3.0
) -> QColor:
    """`color`, moved toward `toward` just enough to reach `ratio` against `background`.

    Non-text parts a person must see (borders of a drop area) need 3:1 (WCAG 1.4.11);
    themes' "mid" colours are often far below that on dark backgrounds.
    """
    for step in range(11):
        share = step / 10
        mixed = QColor(
            round(color.red() * (1 - share) + toward.red() * share),
            round(color.green() * (1 - share) + toward.green() * share),
            round(color.blue() * (1 - share) + toward.blue() * share),
        )
        if contrast_ratio(mixed, background) >= ratio:
            return mixed
    return QColor(toward)


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
