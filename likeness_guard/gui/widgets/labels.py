"""Labels the pages share: a status line that says what just happened, and a selectable fact."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from likeness_guard.gui.style import error_color, set_text_color
from likeness_guard.gui.widgets.announce import Announcer


class StatusLine(QLabel):
    """A wrapping label named for screen readers; `say` sets its sentence and colour and
    announces it (errors interrupt, anything else is said when the reader is free)."""

    def __init__(self, accessible_name: str, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setAccessibleName(accessible_name)
        self.announcer = Announcer(self)

    def say(self, text: str, *, error: bool = False) -> None:
        """Show `text`, in the error colour or in the page's own text colour."""
        self.setText(text)
        self.setAccessibleDescription(text)
        self.announcer.say(text, urgent=error)
        # The page's palette, not this label's: after an error the label's own says red.
        palette = (self.parentWidget() or self).palette()
        color = error_color(palette) if error else palette.color(QPalette.ColorRole.WindowText)
        set_text_color(self, color)


class WholeLabel(QLabel):
    """A wrapping label that asks for the height its lines need at its width: inside a form
    in a scroll area Qt may give wrapped text less (large text cut its last line)."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def _fit(self) -> None:
        needed = self.heightForWidth(self.width()) if self.width() > 0 else -1
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


def selectable_label(accessible_name: str, text: str = "") -> QLabel:
    """A wrapping label whose text (a path, an address, what a file says) can be selected
    and copied, named for screen readers."""
    label = WholeLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(accessible_name)
    return label
