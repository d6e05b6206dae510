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


def high_contrast_palette() -> QPalette:
    """A high-contrast palette (white on black, yellow selection) as systems offer for low
    vision: every control must keep its size and stay readable in it."""
    palette = QPalette()
    for role, value in (
        (QPalette.ColorRole.Window, "#000000"),
        (QPalette.ColorRole.WindowText, "#ffffff"),
        (QPalette.ColorRole.Base, "#000000"),
        (QPalette.ColorRole.AlternateBase, "#1a1a1a"),
        (QPalette.ColorRole.Text, "#ffffff"),
        (QPalette.ColorRole.Button, "#000000"),
        (QPalette.ColorRole.ButtonText, "#ffffff"),
        (QPalette.ColorRole.Light, "#ffffff"),
        (QPalette.ColorRole.Mid, "#ffffff"),
        (QPalette.ColorRole.Dark, "#ffffff"),
        (QPalette.ColorRole.Highlight, "#ffff00"),
        (QPalette.ColorRole.HighlightedText, "#000000"),
        (QPalette.ColorRole.Link, "#00ffff"),
        (QPalette.ColorRole.ToolTipBase, "#000000"),
        (QPalette.ColorRole.ToolTipText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#c0c0c0"),
    ):
        palette.setColor(role, QColor(value))
    return palette


def is_high_contrast(palette: QPalette) -> bool:
    """Whether the theme is a high-contrast one (text on background at 15:1 or more)."""
    text = palette.color(QPalette.ColorRole.WindowText)
    return contrast_ratio(text, palette.color(QPalette.ColorRole.Window)) >= 15 and is_dark(palette)


# Styles draw slider grooves and check box edges a little darker than the background: on
# the black of a high-contrast theme they vanish, and a slider seems shrunk to its handle.
HIGH_CONTRAST_SHEET = """
QSlider::groove:horizontal { height: 6px; border: 1px solid palette(window-text);
    background: palette(window); }
QSlider::sub-page:horizontal { background: palette(highlight); }
QSlider::handle:horizontal { width: 14px; margin: -6px 0; border: 2px solid palette(window-text);
    background: palette(window); }
QCheckBox::indicator { width: 13px; height: 13px; border: 2px solid palette(window-text);
    background: palette(base); }
QCheckBox::indicator:checked { background: palette(highlight); }
"""


def theme_sheet(palette: QPalette) -> str:
    """The style sheet the window needs in this theme: "" except in high contrast."""
    return HIGH_CONTRAST_SHEET if is_high_contrast(palette) else ""


# The kinds of coloured text, so that a change of theme can colour them again.
_TEXT_KINDS = {
    "muted": muted_color,
    "ok": ok_color,
    "notice": notice_color,
    "error": error_color,
}


def set_text_color(widget: QWidget, color: QColor) -> None:
    """Colour a widget's text; a colour made by muted_color, ok_color, notice_color or
    error_color follows the theme when it changes (`follow_theme`)."""
    kind = next((k for k, of in _TEXT_KINDS.items() if of(widget.palette()) == color), None)
    widget.setProperty("text_kind", kind)
    _paint_text(widget, color)


def _paint_text(widget: QWidget, color: QColor) -> None:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    palette.setColor(QPalette.ColorRole.Text, color)
    widget.setPalette(palette)


def follow_theme(root: QWidget, theme: QPalette) -> None:
    """Colour the text set by `set_text_color` under `root` again for the palette `theme`
    (the system switched between light, dark or high contrast while the window was open)."""
    for widget in (root, *root.findChildren(QWidget)):
        of = _TEXT_KINDS.get(str(widget.property("text_kind")))
        if of is not None:
            _paint_text(widget, of(theme))


def heading_font(base: QFont, scale: float = 1.5) -> QFont:
    font = QFont(base)
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * scale)
    font.setBold(True)
    return font
