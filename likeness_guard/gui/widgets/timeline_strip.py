"""A strip for a video's length, with the stretches where the person's face was found."""

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from likeness_guard.core.domain.records import VideoFacts
from likeness_guard.core.domain.words import segments_summary, timecode
from likeness_guard.locale import _

MIN_MARK_PIXELS = 3.0  # a one-second stretch in an hour stays visible


class TimelineStrip(QWidget):
    """Paints the clip as a bar: found stretches in the highlight colour, the best frame as
    a tick, and any part that was not examined hatched."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._video: VideoFacts | None = None
        self.setMinimumHeight(14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Timeline of the video"))

    def sizeHint(self) -> QSize:
        return QSize(240, 16)

    def set_video(self, video: VideoFacts | None) -> None:
        self._video = video
        if video is None:
            self.setToolTip("")
            self.setAccessibleDescription("")
        else:
            summary = segments_summary(video)
            length = timecode(self.length_s())
            # Translators: {length} is a time such as 0:01:30; {summary} says where the face is.
            text = _("Length {length}: {summary}.").format(length=length, summary=summary)
            self.setToolTip(text)
            self.setAccessibleDescription(text)
        self.update()

    def length_s(self) -> float:
        video = self._video
        if video is None:
            return 0.0
        ends = [video.duration_s or 0.0, video.examined_until_s or 0.0]
        ends += [segment.end_s for segment in video.segments]
        return max(ends)

    def marked_spans(self) -> list[tuple[float, float]]:
        """Where the found stretches are drawn, in pixels from the left (for tests)."""
        video = self._video
        length = self.length_s()
        if video is None or length <= 0:
            return []
        width = float(self.width())
        spans = []
        for segment in video.segments:
            left = segment.start_s / length * width
            right = max(segment.end_s / length * width, left + MIN_MARK_PIXELS)
            spans.append((left, min(right, width)))
        return spans

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        bar = QRectF(0, 3, self.width(), self.height() - 6)
        painter.fillRect(bar, palette.color(QPalette.ColorRole.Mid))
        video = self._video
        length = self.length_s()
        if video is None or length <= 0:
            return
        examined = video.examined_until_s
        if not video.complete and examined is not None and examined < length:
            left = examined / length * self.width()
            rest = QRectF(left, bar.top(), self.width() - left, bar.height())
            painter.fillRect(
                rest, QBrush(palette.color(QPalette.ColorRole.Dark), Qt.BrushStyle.BDiagPattern)
            )
        highlight = palette.color(QPalette.ColorRole.Highlight)
        for left, right in self.marked_spans():
            painter.fillRect(QRectF(left, 0, right - left, self.height()), highlight)
        if video.best_frame_s is not None and video.segments:
            x = video.best_frame_s / length * self.width()
            painter.setPen(QPen(QColor(0, 0, 0, 180), 2))
            painter.drawLine(round(x), 0, round(x), self.height())
