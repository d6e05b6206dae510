"""Every control a person can reach on every page has a name a screen reader can say.

Walks each page of a window with a scan's matches and the detail open, through Qt's
accessibility interfaces (what NVDA, VoiceOver and Orca read), offscreen."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from likeness_guard.gui.accessibility import ROLES
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview
from likeness_guard.gui.widgets.drop_zone import DropZone
from likeness_guard.gui.widgets.match_card import MatchCard
from tests.gui.conftest import ScannedWindow

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


# Parts of a standard control that a screen reader announces by their role and their
# owner's items (a table's header cells, a scroll area's scroll bar).
SPOKEN_BY_OWNER = (QHeaderView, QScrollBar)


def reachable(widget: QWidget) -> bool:
    """A control a person can use: interactive by kind, or any widget that takes focus."""
    if isinstance(widget, SPOKEN_BY_OWNER):
        return False
    takes_focus = widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isEnabled()
    return isinstance(widget, INTERACTIVE) or (takes_focus and type(widget) is not QWidget)


def unnamed_controls(page: QWidget) -> list[str]:
    found = []
    for widget in page.findChildren(QWidget):
        inner = widget.objectName().startswith("qt_")  # a spin box's own line edit: it speaks
        if widget.isVisibleTo(page) and reachable(widget) and not inner and not spoken_name(widget):
            found.append(
                f"{type(widget).__name__} {widget.objectName()!r} in {type(page).__name__}"
            )
    return found


def test_every_control_on_every_page_has_a_name(
    qtbot: QtBot, scanned_window: ScannedWindow
) -> None:
    window, _scan_id = scanned_window("players", "yaoming", "gdp")
    window.resize(1200, 800)
    problems: list[str] = []
    for key, page in window.pages.items():
        window.show_page(key)
        qtbot.wait(10)  # one turn of the event loop: the page lays itself out
        problems += unnamed_controls(page)
    matches = window.matches_page
    window.show_page("matches")
    matches.show_detail(matches.tiles[0].item.id)
    qtbot.wait(10)
    problems += unnamed_controls(matches)
    # The Case menu: the menus have names, and each entry says what it does.
    menu = window.case_menu
    menu.fill()
    for owner in (menu, menu.switch_menu):
        if not spoken_name(owner):
            problems.append(f"menu {owner.title()!r} has no name")
        problems += [
            f"an entry of the menu {owner.title()!r} has no text"
            for action in owner.actions()
            if not action.isSeparator() and not action.text().strip()
        ]
    assert not problems, "\n".join(problems)


def role_problems(page: QWidget) -> list[str]:
    """The window's own widgets shown without a role (said as nothing) or without a name."""
    found = []
    for widget in page.findChildren(QWidget):
        if type(widget) not in ROLES or not widget.isVisibleTo(page):
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        assert interface is not None
        name = interface.text(QAccessible.Text.Name).strip()
        if interface.role() != ROLES[type(widget)] or not name:
            found.append(f"{type(widget).__name__}: role {interface.role()}, name {name!r}")
    return found


def test_the_windows_own_widgets_say_what_they_are(
    qtbot: QtBot, scanned_window: ScannedWindow
) -> None:
    window, _scan_id = scanned_window("players", "yaoming", "gdp")
    seen: set[type] = set()
    problems: list[str] = []
    for key, page in window.pages.items():
        window.show_page(key)
        qtbot.wait(10)
        problems += role_problems(page)
        seen |= {type(w) for w in page.findChildren(QWidget) if w.isVisibleTo(page)}
    matches = window.matches_page
    window.show_page("matches")
    matches.show_detail(matches.tiles[0].item.id)
    qtbot.wait(10)
    problems += role_problems(matches)
    seen |= {type(w) for w in matches.findChildren(QWidget) if w.isVisibleTo(matches)}
    assert not problems, "\n".join(problems)
    assert {DropZone, MatchCard, BlurredPreview} <= seen  # the walk reached them
    card = matches.grid.card_of(matches.tiles[0])
    assert card is not None
    card.setFocus()
    state = QAccessible.queryAccessibleInterface(card).state()
    assert state.focused  # a tile says where the keyboard is
