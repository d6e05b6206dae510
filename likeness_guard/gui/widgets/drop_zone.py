"""A large area that accepts files, folders and web addresses dragged onto it."""

from PySide6.QtCore import QMimeData, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from likeness_guard.gui.style import heading_font, visible_against


def dropped_inputs(mime: QMimeData, *, accept_web: bool) -> list[str]:
    """Local paths and (when accepted) http(s) addresses carried by a drag, in order."""
    found: list[str] = []
    for url in mime.urls():
        if url.isLocalFile():
            found.append(url.toLocalFile())
        elif accept_web and url.scheme() in ("http", "https"):
            found.append(url.toString())
    if not found and accept_web and mime.hasText():
        # Browsers drag plain text for a selected address; one per line is accepted too.
        for line in mime.text().splitlines():
            candidate = QUrl(line.strip())
            if candidate.scheme() in ("http", "https") and candidate.host():
                found.append(candidate.toString())
    return found


def _accept_as_copy(event: QDropEvent) -> None:
    """Accept as a copy: a file manager told "move" would delete the user's original."""
    event.setDropAction(Qt.DropAction.CopyAction)
    event.accept()


def border_color(palette: QPalette, *, active: bool) -> QColor:
    """The drop area's border: the theme's colour, darkened or lightened to 3:1 at least."""
    role = QPalette.ColorRole.Highlight if active else QPalette.ColorRole.Mid
    return visible_against(
        palette.color(role),
        palette.color(QPalette.ColorRole.Base),
        palette.color(QPalette.ColorRole.WindowText),
    )


class DropZone(QWidget):
    """Emits `dropped` with paths (and addresses) and `activated` on click, Enter or Space."""

    dropped = Signal(list)
    activated = Signal()

    def __init__(
        self, title: str, hint: str, *, accept_web: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.accept_web = accept_web
        self._hovering = False
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(title)
        self.setAccessibleDescription(hint)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(120)
        self._title = QLabel(title)
        self._title.setFont(heading_font(self.font(), 1.25))
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint = QLabel(hint)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch()
        layout.addWidget(self._title)
        layout.addWidget(self._hint)
        layout.addStretch()

    def _accepts(self, mime: QMimeData) -> bool:
        return bool(dropped_inputs(mime, accept_web=self.accept_web))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accepts(event.mimeData()):
            _accept_as_copy(event)
            self._hovering = True
            self.update()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event.mimeData()):
            _accept_as_copy(event)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: object) -> None:
        self._hovering = False
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._hovering = False
        self.update()
        inputs = dropped_inputs(event.mimeData(), accept_web=self.accept_web)
        if not inputs:
            event.ignore()
            return
        _accept_as_copy(event)
        self.dropped.emit(inputs)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.activated.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        active = self._hovering or self.hasFocus()
        fill = palette.color(QPalette.ColorRole.Base)
        border = border_color(palette, active=active)
        if self._hovering:
            fill = palette.color(QPalette.ColorRole.Highlight)
            fill.setAlpha(40)
        pen = QPen(border, 2.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(2, 2, -2, -2), 12, 12)
