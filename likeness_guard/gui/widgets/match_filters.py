"""The Matches page's filter row (which images show, how large, "Blur all"), what the
filters leave shown, and the sentences that say so above and in place of the grid."""

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from likeness_guard.core.domain.records import Verdict
from likeness_guard.gui.match_tiles import MatchTile
from likeness_guard.gui.widgets.match_card import TILE_SIDES
from likeness_guard.locale import _, ngettext

SLIDER_MIN_WIDTH = 120


@dataclass(frozen=True)
class FilterCounts:
    """Of all tiles: how many the filters show, carry signs of AI, were marked "Not me"."""

    shown: int
    flagged: int
    rejected: int


class MatchFilters(QWidget):
    """The check boxes that filter the grid, the picture size and "Blur all"; the page
    connects to the widgets themselves."""

    def __init__(self, *, show_faces: bool, tile_side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flagged_only = QCheckBox(_("Only images with signs of &AI"))
        self.hide_rejected = QCheckBox(_("&Hide images I marked “Not me”"))
        self.hide_rejected.setChecked(True)
        self.show_faces = QCheckBox(_("Show the matched &face clearly"))
        self.show_faces.setChecked(show_faces)
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(*TILE_SIDES)
        self.size_slider.setSingleStep(20)
        self.size_slider.setValue(tile_side)
        # Never squeezed to its handle (styles give a slider a 15 px minimum): when the row
        # is too narrow, the size and "Blur all" go to a line of their own instead.
        self.size_slider.setMinimumWidth(SLIDER_MIN_WIDTH)
        self.size_slider.setMaximumWidth(160)
        self.size_slider.setAccessibleName(_("Picture size"))
        size_label = QLabel(_("Si&ze:"))
        size_label.setBuddy(self.size_slider)
        self.blur_all_button = QPushButton(_("&Blur all"))
        self.blur_all_button.setToolTip(_("Blur every picture again (B)"))
        self.size_row = QWidget()
        size_layout = QHBoxLayout(self.size_row)
        size_layout.setContentsMargins(0, 0, 0, 0)
        size_layout.addWidget(size_label)
        size_layout.addWidget(self.size_slider)
        size_layout.addWidget(self.blur_all_button)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._boxes = (self.flagged_only, self.hide_rejected, self.show_faces)
        self._arranged: int | None = None
        self._arrange()

    def _columns_that_fit(self) -> int:
        """How many items of the row fit side by side: the three check boxes and the size
        controls (4), the check boxes only (3, the size on a line of its own), fewer."""
        spacing = self._layout.horizontalSpacing()
        widths = [box.sizeHint().width() for box in self._boxes]
        widths.append(self.size_row.sizeHint().width())
        for count in (4, 3, 2):
            if sum(widths[:count]) + spacing * count <= self.width():
                return count
        return 1

    def _arrange(self) -> None:
        """Lay the filters out in as many lines as the width needs: nothing squeezed."""
        columns = self._columns_that_fit()
        if columns == self._arranged:
            return
        self._arranged = columns
        for widget in (*self._boxes, self.size_row):
            self._layout.removeWidget(widget)
        per_line = min(columns, 3)
        for number, box in enumerate(self._boxes):
            self._layout.addWidget(box, number // per_line, number % per_line)
        if columns == 4:
            self._layout.addWidget(self.size_row, 0, 4)
        else:
            line = (len(self._boxes) - 1) // per_line + 1
            self._layout.addWidget(self.size_row, line, 0, 1, 5, Qt.AlignmentFlag.AlignRight)
        for column in range(5):
            self._layout.setColumnStretch(column, 0)
        self._layout.setColumnStretch(3 if columns == 4 else per_line, 1)
        self.updateGeometry()  # more lines: the page gives the row more height

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange()
        super().resizeEvent(event)

    def apply(self, tiles: Iterable[MatchTile]) -> FilterCounts:
        """Mark each tile shown or hidden as the check boxes say; returns the counts."""
        flagged_only = self.flagged_only.isChecked()
        hide_rejected = self.hide_rejected.isChecked()
        shown = flagged = rejected = 0
        for tile in tiles:
            is_flagged = tile.item.synthetic is not None and tile.item.synthetic.flagged
            is_rejected = tile.item.verdict == Verdict.NOT_ME
            flagged += int(is_flagged)
            rejected += int(is_rejected)
            visible = not (flagged_only and not is_flagged) and not (hide_rejected and is_rejected)
            tile.shown = visible
            shown += int(visible)
        return FilterCounts(shown, flagged, rejected)


def empty_words(*, has_scans: bool, total: int, shown: int) -> str:
    """What stands in place of an empty grid, and what to do; "" when tiles show."""
    if not has_scans:
        return _(
            "Nothing to show yet. Add photos of yourself on My photos, then drop a folder "
            "or paste a web address on the Scan page."
        )
    if total == 0:
        return _(
            "No image in this scan looks like you. You can check other folders or web "
            "pages on the Scan page."
        )
    if shown == 0:
        return _("No match fits the filters above. Untick them to see every match.")
    return ""


def summary_words(
    tiles: Iterable[MatchTile], counts: FilterCounts, *, hiding_rejected: bool
) -> str:
    """The line above the grid: how many may show the person, how many might, that they
    are blurred, and what the filters hide; "" when there are no tiles."""
    possibles = [tile.possible for tile in tiles]
    if not possibles:
        return ""
    possible = sum(possibles)
    likely = len(possibles) - possible
    parts = [
        ngettext(
            "{count} image may show you, most similar first.",
            "{count} images may show you, most similar first.",
            likely,
        ).format(count=likely)
    ]
    if possible:
        parts.append(
            ngettext(
                "{count} more image might be you: check it below.",
                "{count} more images might be you: check them below.",
                possible,
            ).format(count=possible)
        )
    parts.append(_("Previews are blurred; show one only when you are ready."))
    if counts.flagged:
        flagged = counts.flagged
        parts.append(
            ngettext("{count} carries signs of AI.", "{count} carry signs of AI.", flagged).format(
                count=flagged
            )
        )
    if counts.rejected and hiding_rejected:
        rejected = counts.rejected
        parts.append(
            ngettext(
                "{count} marked “Not me” is hidden.",
                "{count} marked “Not me” are hidden.",
                rejected,
            ).format(count=rejected)
        )
    return " ".join(parts)
