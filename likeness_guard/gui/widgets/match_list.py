"""The scrolled list of the Matches page: the grid of tiles, the heading above the possible
matches, and in their place, when nothing shows, what to do instead."""

from collections.abc import Callable

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from likeness_guard.gui.match_tiles import MatchTile
from likeness_guard.gui.style import heading_font, muted_color, set_text_color
from likeness_guard.gui.widgets.match_card import MatchCard
from likeness_guard.gui.widgets.match_grid import NAVIGATION_KEYS, MatchGrid
from likeness_guard.locale import N_, _

POSSIBLE_HEADING = N_(
    "Might be you — check these. They are less like your photos than a match, but more than "
    "strangers usually are (AI-made and drawn pictures often land here). They go into "
    "reports and notices only once you mark them “This is me”."
)


class MatchList(QScrollArea):
    """Scrolls `grid` (cards made by `make_card(tile)`); `scan_button` ("Go to Scan") is
    offered with the empty hint when there is nothing scanned or found."""

    def __init__(
        self, make_card: Callable[[MatchTile], MatchCard], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        set_text_color(self.empty_label, muted_color(self.palette()))
        self.scan_button = QPushButton(_("Go to Scan"))
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.empty_label)
        column.addWidget(self.scan_button)
        self.possible_heading = QLabel(_(POSSIBLE_HEADING))
        self.possible_heading.setWordWrap(True)
        self.possible_heading.setFont(heading_font(self.font(), 1.0))
        self.grid = MatchGrid(self, self.possible_heading, make_card)
        column.addWidget(self.grid)
        column.addStretch(1)
        self.setWidgetResizable(True)
        self.setWidget(content)
        self.setAccessibleName(_("Matched images"))

    def show_empty(self, text: str, *, offer_scan: bool) -> None:
        """Say `text` in place of the grid ("" hides it); offer "Go to Scan" or not."""
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))
        self.scan_button.setVisible(offer_scan)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows, Home/End and Page Up/Down move between tiles once a tile has the keyboard:
        they go on to the page instead of scrolling the view under the focused tile."""
        in_grid = self.grid.focused_tile(QApplication.focusWidget()) is not None
        if in_grid and event.key() in NAVIGATION_KEYS:
            event.ignore()
            return
        super().keyPressEvent(event)
