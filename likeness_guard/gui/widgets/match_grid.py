"""The Matches grid's canvas: tiles in rows, with widgets only for the rows near the screen."""

from collections import Counter
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from likeness_guard.gui.match_tiles import (
    GridRow,
    MatchTile,
    TileList,
    grid_rows,
    rows_between,
    widen_to,
)
from likeness_guard.gui.widgets.match_card import DEFAULT_TILE_SIDE, MatchCard, narrowest_side

GRID_SPACING = 12
# Rows up to one screen above and below the visible part have cards (and their previews):
# scrolling by a screen never uncovers an empty tile, and pictures are decoded ahead.
LIVE_SCREENS = 1.0
# The built rows change only when the visible part comes within a quarter screen of their
# edge, so scrolling does not rebuild cards at every step.
KEEP_SCREENS = 0.25
# At least this many tiles have cards: a short list is built whole, and so is the start of a
# list whose page has not been laid out yet (its scroll area has no size).
MIN_LIVE_TILES = 48
TILE_PADDING = 18  # a tile is this much wider than its picture, for its words
# The keys that move the keyboard between tiles (`MatchGrid.moved`).
NAVIGATION_KEYS = frozenset(
    {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }
)


class MatchGrid(QWidget):
    """Lays out the shown tiles of `tiles` in as many columns as the scroll area's width holds.

    Only the rows near the visible part of `scroll_area` have a MatchCard (made by
    `make_card(tile)`); the other rows are empty space of their measured height (estimated
    for rows never built). `card_dropped(card)` comes just before a card is deleted, so that
    what it asked for (a preview) can be withdrawn. A card holding the keyboard focus stays.
    `heading` is placed on the row between the matches and the possible matches.
    """

    card_dropped = Signal(object)

    def __init__(
        self,
        scroll_area: QScrollArea,
        heading: QWidget,
        make_card: Callable[[MatchTile], MatchCard],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.scroll_area = scroll_area
        self.heading = heading
        heading.setParent(self)
        heading.setVisible(False)
        self.make_card = make_card
        self.columns = 0
        self._side = max(DEFAULT_TILE_SIDE, narrowest_side())
        self._tiles: Sequence[MatchTile] | TileList = ()
        self._rows: list[GridRow] = []
        self._where: dict[MatchTile, tuple[int, int]] = {}
        self._heights: list[int] = []
        self._tops: list[int] = []
        self._built = range(0)
        self._cards: dict[MatchTile, MatchCard] = {}
        self._tile_heights: dict[MatchTile, int] = {}  # of cards built at this side
        self._seen_heights: Counter[int] = Counter()
        scroll_area.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        scroll_area.viewport().installEventFilter(self)

    # ---- what to show --------------------------------------------------------------------

    def set_tiles(self, tiles: Sequence[MatchTile] | TileList) -> None:
        """Show other tiles: every card goes, the rows are laid out again."""
        for tile in list(self._cards):
            self._drop(tile)
        self._tiles = tiles
        self._tile_heights.clear()
        self.relayout()

    def set_side(self, side: int) -> None:
        """The pictures' size (never so small that a tile's buttons cut their words): every
        card is resized and measured again."""
        side = max(side, narrowest_side())
        self._side = side
        self._tile_heights.clear()
        self._seen_heights.clear()
        for card in self._cards.values():
            card.set_side(side)
        self.relayout()

    @property
    def rows(self) -> list[GridRow]:
        return self._rows

    def position(self, tile: MatchTile) -> tuple[int, int] | None:
        """(row, column) of a shown tile; None when the filters hide it."""
        return self._where.get(tile)

    def tile_below(self, tile: MatchTile, step: int) -> MatchTile | None:
        """The tile in the same column `step` rows down (up when negative), over the heading;
        the last one of a shorter row; the top or bottom row's when there are fewer rows;
        `tile` itself when it is already there; None when the filters hide `tile`."""
        position = self._where.get(tile)
        if position is None:
            return None
        number, column = position
        rows = [n for n, row in enumerate(self._rows) if not row.is_heading]
        at = rows.index(number) + step
        row = self._rows[rows[min(max(at, 0), len(rows) - 1)]]
        return row.tiles[min(column, len(row.tiles) - 1)]

    def rows_on_screen(self) -> int:
        """How many rows of tiles the visible part holds (at least one): a page of them."""
        heights = [h for h, row in zip(self._heights, self._rows, strict=True) if row.tiles]
        tallest = max(heights, default=self._estimate())
        return max(1, self.scroll_area.viewport().height() // (tallest + GRID_SPACING))

    def moved(self, tile: MatchTile | None, key: Qt.Key) -> MatchTile | None:
        """Where a navigation key takes the keyboard from `tile` (None: no tile yet):
        arrows to the neighbour, Page Up/Down by a screen of rows, Home/End to the ends;
        None for any other key or when nothing is shown."""
        shown = [t for row in self._rows for t in row.tiles]
        if not shown or key not in NAVIGATION_KEYS:
            return None
        if key is Qt.Key.Key_Home or tile not in self._where:
            return shown[-1] if key is Qt.Key.Key_End else shown[0]
        assert tile is not None
        if key is Qt.Key.Key_End:
            return shown[-1]
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            index = shown.index(tile) + (1 if key is Qt.Key.Key_Right else -1)
            return shown[min(max(index, 0), len(shown) - 1)]
        rows = self.rows_on_screen() if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) else 1
        down = key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
        return self.tile_below(tile, rows if down else -rows)

    def cards(self) -> list[MatchCard]:
        """The cards that exist now (rows near the screen), in grid order."""
        placed = [(self._where[t], card) for t, card in self._cards.items() if t in self._where]
        return [card for _, card in sorted(placed, key=lambda pair: pair[0])]

    def card_of(self, tile: MatchTile) -> MatchCard | None:
        return self._cards.get(tile)

    def focused_tile(self, focus: QWidget | None) -> MatchTile | None:
        """The shown tile whose card is, or holds, `focus` (the keyboard focus)."""
        for tile, card in self._cards.items():
            if tile in self._where and (
                card.hasFocus() or (focus is not None and card.isAncestorOf(focus))
            ):
                return tile
        return None

    # ---- layout --------------------------------------------------------------------------

    def relayout(self) -> None:
        """The tiles, the filters, the width or a card's height changed: rows again."""
        self.columns = self._columns_for_width()
        self._rows = grid_rows(self._tiles, self.columns)
        self._where = {
            tile: (number, column)
            for number, row in enumerate(self._rows)
            for column, tile in enumerate(row.tiles)
        }
        self._built = range(0)  # rows moved: decide afresh which to build
        self._update(force=True)

    def _columns_for_width(self) -> int:
        width = self.scroll_area.viewport().width() - 4
        bar = self.scroll_area.verticalScrollBar()
        if not bar.isVisible():  # room for it kept: its arrival must not drop a column
            width -= bar.sizeHint().width()
        return max(1, (width + GRID_SPACING) // (self._side + TILE_PADDING + GRID_SPACING))

    def _tile_width(self) -> int:
        return self._side + TILE_PADDING

    def _heading_width(self) -> int:
        return self.columns * (self._tile_width() + GRID_SPACING) - GRID_SPACING

    def _estimate(self) -> int:
        """The height of a tile never built: the most common height of those built."""
        if self._seen_heights:
            return self._seen_heights.most_common(1)[0][0]
        return round(self._side * 0.75) + 170

    def _measure(self) -> None:
        for tile, card in self._cards.items():
            height = max(card.sizeHint().height(), card.minimumHeight())
            if self._tile_heights.get(tile) != height:
                self._tile_heights[tile] = height
                self._seen_heights[height] += 1
        estimate = self._estimate()
        heading = self.heading.heightForWidth(self._heading_width())
        self._heights = [
            max(heading, self.heading.sizeHint().height())
            if row.is_heading
            else max(self._tile_heights.get(tile, estimate) for tile in row.tiles)
            for row in self._rows
        ]
        self._tops = []
        top = 0
        for height in self._heights:
            self._tops.append(top)
            top += height + GRID_SPACING

    def _visible_band(self) -> tuple[int, int]:
        """The part of the grid on screen, in the grid's coordinates."""
        top = self.scroll_area.verticalScrollBar().value() - self.y()
        return top, top + max(1, self.scroll_area.viewport().height())

    def _update(self, *, force: bool = False) -> None:
        self._measure()
        top, bottom = self._visible_band()
        screen = bottom - top
        if not force:
            keep = round(screen * KEEP_SCREENS)
            needed = rows_between(self._tops, self._heights, top - keep, bottom + keep)
            if needed.start >= self._built.start and needed.stop <= self._built.stop:
                return
        margin = round(screen * LIVE_SCREENS)
        near = rows_between(self._tops, self._heights, top - margin, bottom + margin)
        self._build(widen_to(self._rows, near, MIN_LIVE_TILES))

    def _build(self, wanted: range) -> None:
        keep = {tile for number in wanted for tile in self._rows[number].tiles}
        focus = QApplication.focusWidget()
        for tile, card in list(self._cards.items()):
            has_focus = focus is not None and (card is focus or card.isAncestorOf(focus))
            if tile not in self._where or (tile not in keep and not has_focus):
                self._drop(tile)
        for number in wanted:
            for tile in self._rows[number].tiles:
                if tile not in self._cards:
                    card = self.make_card(tile)
                    card.setParent(self)
                    self._cards[tile] = card
        self._built = wanted
        self._measure()  # new cards have their own heights: rows below move
        self._place()

    def _place(self) -> None:
        width = self._tile_width()
        for tile, card in self._cards.items():
            number, column = self._where[tile]
            height = self._tile_heights.get(tile, self._heights[number])
            card.setGeometry(column * (width + GRID_SPACING), self._tops[number], width, height)
            card.show()
        heading_row = next((n for n, row in enumerate(self._rows) if row.is_heading), None)
        self.heading.setVisible(heading_row is not None)
        if heading_row is not None:
            self.heading.setGeometry(
                0, self._tops[heading_row], self._heading_width(), self._heights[heading_row]
            )
        total = self._tops[-1] + self._heights[-1] if self._rows else 0
        self.setMinimumWidth(width if self._rows else 0)
        self.setFixedHeight(total)

    def _drop(self, tile: MatchTile) -> None:
        card = self._cards.pop(tile)
        self.card_dropped.emit(card)
        card.preview.clear()  # its pixels go now, not when Qt gets round to deleting it
        card.hide()
        card.deleteLater()

    # ---- following the scroll area -------------------------------------------------------

    def bring_into_view(self, tile: MatchTile) -> MatchCard | None:
        """Build the card of a shown tile (when its row is far from the screen) and scroll to
        it; None when the filters hide the tile."""
        where = self._where.get(tile)
        if where is None:
            return None
        if tile not in self._cards:
            number = where[0]
            screen = max(1, self.scroll_area.viewport().height())
            margin = round(screen * LIVE_SCREENS)
            near = rows_between(
                self._tops,
                self._heights,
                self._tops[number] - margin,
                self._tops[number] + self._heights[number] + margin,
            )
            self._build(widen_to(self._rows, near, MIN_LIVE_TILES))
        card = self._cards[tile]
        # The scroll area learns the grid's new height from posted layout requests.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        self.scroll_area.ensureWidgetVisible(card)
        return card

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        self._update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The columns follow the width of the scrolled area, which settles after the page's.
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            if self._columns_for_width() != self.columns:
                self.relayout()
            else:
                self._update()
        return super().eventFilter(watched, event)
