"""One match in the Matches list: blurred preview, optional clear face crop, score, badge."""

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.domain.words import (
    segments_summary,
    similarity_words,
    timecode,
    verdict_words,
)
from likeness_guard.gui.previews import PreviewImages
from likeness_guard.gui.style import heading_font, muted_color, ok_color, set_text_color
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview, sync_reveal_button
from likeness_guard.gui.widgets.face_thumbnail import FaceThumbnail
from likeness_guard.gui.widgets.synthetic_badge import SyntheticBadge
from likeness_guard.gui.widgets.timeline_strip import TimelineStrip

CARD_PREVIEW_SIDE = 360  # decoded pixels; enough for the card on a 2x screen


def source_name(item: ScanItem) -> str:
    """The file name, or the address for web images."""
    return Path(item.path).name if item.path else item.source


def breakable(text: str) -> str:
    """Let long paths and addresses wrap after each slash."""
    return text.replace("/", "/\u200b")


def score_text(item: ScanItem, threshold: float) -> str:
    similarity = item.best_similarity or 0.0
    return f"{similarity_words(similarity, threshold)} ({similarity:.2f})"


class MatchCard(QFrame):
    """Signals: `details_requested(item_id)`; the reveal button toggles this card only."""

    details_requested = Signal(int)

    def __init__(self, item: ScanItem, threshold: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.preview = BlurredPreview(QSize(200, 150))
        self.preview.setFixedSize(QSize(200, 150))
        best = item.best_face
        self.preview.set_boxes([(best.bbox, True)] if best and best in item.shown_faces else [])
        self.face = FaceThumbnail(96)
        self.face.set_placeholder("face")
        self.face.setToolTip("The matched face, shown clearly")
        name = source_name(item)
        self.title = QLabel(name)
        self.title.setFont(heading_font(self.font(), 1.05))
        where = QLabel(
            breakable(item.source if item.file is None else str(Path(item.source).parent))
        )
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_text_color(where, muted_color(self.palette()))
        self.score = QLabel(score_text(item, threshold))
        self.score.setAccessibleName("How similar")
        self.badge = SyntheticBadge()
        self.badge.set_synthetic(item.synthetic)
        self.verdict = QLabel()
        set_text_color(self.verdict, ok_color(self.palette()))
        self.reveal_button = QPushButton("Show image")
        self.reveal_button.setCheckable(True)
        self.reveal_button.setAccessibleName(f"Show {name} clearly")
        self.reveal_button.toggled.connect(self.set_revealed)
        self.details_button = QPushButton("Details…")
        self.details_button.setAccessibleName(f"Details of {name}")
        self.details_button.clicked.connect(self._ask_details)

        info = QVBoxLayout()
        info.addWidget(self.title)
        info.addWidget(where)
        info.addWidget(self.score)
        self.timeline: TimelineStrip | None = None
        if item.is_video and item.video is not None:
            # A video: where in it the face was found, as a strip and in words.
            self.timeline = TimelineStrip()
            self.timeline.set_video(item.video)
            self.moments = QLabel(f"Video, {timecode(item.video.duration_s)}: ")
            self.moments.setText(self.moments.text() + segments_summary(item.video))
            self.moments.setWordWrap(True)
            info.addWidget(self.timeline)
            info.addWidget(self.moments)
        info.addWidget(self.badge)
        info.addWidget(self.verdict)
        info.addStretch()
        buttons = QVBoxLayout()
        buttons.addWidget(self.reveal_button)
        buttons.addWidget(self.details_button)
        buttons.addStretch()
        layout = QHBoxLayout(self)
        layout.addWidget(self.preview)
        layout.addWidget(self.face, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(info, 1)
        layout.addLayout(buttons)
        self.setAccessibleName(f"Match: {name}, {self.score.text()}")
        self.set_verdict(item.verdict)

    def set_images(self, images: PreviewImages) -> None:
        self.preview.set_images(images)
        if images.face_crops and self.item.best_face is not None:
            faces = list(self.item.shown_faces)
            best = self.item.best_face
            index = faces.index(best) if best in faces else 0
            if index < len(images.face_crops):
                self.face.set_image(images.face_crops[index])

    def set_face_visible(self, visible: bool) -> None:
        self.face.setVisible(visible)

    def set_revealed(self, revealed: bool) -> None:
        self.preview.set_revealed(revealed)
        sync_reveal_button(self.reveal_button, revealed)

    def set_verdict(self, verdict: Verdict | None) -> None:
        self.item = replace(self.item, verdict=verdict)
        self.verdict.setText(verdict_words(verdict))
        self.verdict.setVisible(bool(verdict))

    def _ask_details(self) -> None:
        self.details_requested.emit(self.item.id)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._ask_details()
