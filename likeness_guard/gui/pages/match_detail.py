"""The detail view of one match: larger image, where it is, every face, the best reference."""

import json
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.domain.synthetic import SyntheticReport, SyntheticStatus
from likeness_guard.core.domain.words import describe_synthetic, similarity_words, verdict_words
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.previews import PreviewImages
from likeness_guard.gui.style import heading_font, muted_color, ok_color, set_text_color
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview, sync_reveal_button
from likeness_guard.gui.widgets.face_thumbnail import FaceThumbnail
from likeness_guard.gui.widgets.match_card import (
    breakable,
    score_text,
    source_name,
)

DETAIL_PREVIEW_SIDE = 1400


def _size_text(size: object) -> str:
    if not isinstance(size, int):
        return "unknown"
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


class MatchDetail(QWidget):
    """Signals: `back_requested`, `verdict_changed(item_id, verdict or None)`."""

    back_requested = Signal()
    verdict_changed = Signal(int, object)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.item: ScanItem | None = None
        self.threshold = 0.36

        self.back_button = QPushButton("← Back to all matches")
        self.back_button.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.title.setFont(heading_font(self.font(), 1.3))
        self.title.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)

        self.preview = BlurredPreview(QSize(360, 300))
        self.reveal_button = QPushButton("Show image")
        self.reveal_button.setCheckable(True)
        self.reveal_button.setAccessibleName("Show this image clearly")
        self.reveal_button.toggled.connect(self.set_revealed)
        blur_note = QLabel("Blurred so that you can look safely. Show it only if you want to.")
        blur_note.setWordWrap(True)
        set_text_color(blur_note, muted_color(self.palette()))
        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        reveal_row = QHBoxLayout()
        reveal_row.addWidget(self.reveal_button)
        reveal_row.addWidget(blur_note, 1)
        left.addLayout(reveal_row)

        self.score = QLabel()
        self.score.setFont(heading_font(self.font(), 1.1))
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setAccessibleName("Where the image is")
        self.size_label = QLabel()
        self.faces = QLabel()
        self.faces.setWordWrap(True)
        self.reference = FaceThumbnail(80)
        self.reference_name = QLabel()
        self.reference_name.setWordWrap(True)
        reference_row = QHBoxLayout()
        reference_row.addWidget(self.reference)
        reference_row.addWidget(self.reference_name, 1)
        self.synthetic = QLabel()
        self.synthetic.setWordWrap(True)
        self.synthetic.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.synthetic.setAccessibleName("Signs of AI")
        self.verdict = QLabel()
        set_text_color(self.verdict, ok_color(self.palette()))
        self.message = QLabel()
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow("How similar:", self.score)
        form.addRow("Where:", self.where)
        form.addRow("File:", self.size_label)
        form.addRow("Faces found:", self.faces)
        form.addRow("Your photo:", reference_row)
        form.addRow("Signs of AI:", self.synthetic)

        self.me_button = QPushButton("This is &me")
        self.me_button.clicked.connect(self._mark_me)
        self.not_me_button = QPushButton("&Not me")
        self.not_me_button.clicked.connect(self._mark_not_me)
        self.open_button = QPushButton("&Open containing folder")
        self.open_button.clicked.connect(self.open_folder)
        self.copy_button = QPushButton("Co&py path")
        self.copy_button.clicked.connect(self.copy_path)
        actions = QVBoxLayout()
        for pair in ((self.me_button, self.not_me_button), (self.open_button, self.copy_button)):
            row = QHBoxLayout()
            for button in pair:
                row.addWidget(button)
            row.addStretch()
            actions.addLayout(row)

        right_widget = QWidget()
        right = QVBoxLayout(right_widget)
        right.addLayout(form)
        right.addWidget(self.verdict)
        right.addLayout(actions)
        right.addWidget(self.message)
        right.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(340)

        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(scroll, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def show_item(self, item: ScanItem, threshold: float) -> None:
        self.item = item
        self.threshold = threshold
        self.set_revealed(False)
        self.message.clear()
        self.title.setText(source_name(item))
        self.score.setText(score_text(item, threshold))
        where = item.source
        if item.web and item.web.page_url:
            where += f"\nfound on the page {item.web.page_url}"
        if item.path and not Path(item.path).exists():
            where += "\n(the file is no longer there; the copy kept as evidence is shown)"
        self.where.setText(breakable(where))
        size = item.file.size if item.file else None
        dimensions = f"{item.width} \u00d7 {item.height} pixels" if item.width else "size unknown"
        self.size_label.setText(f"{item.format or 'image'}, {dimensions}, {_size_text(size)}")
        best = item.best_face
        self.faces.setText(faces_summary(item, threshold))
        reference = self.store.reference(item.best_reference_id) if item.best_reference_id else None
        if reference is not None:
            self.reference.set_png(reference.thumbnail_png)
            self.reference_name.setText(reference.source_name)
        else:
            self.reference.set_png(None)
            self.reference.set_placeholder("removed")
            self.reference_name.setText("That photo of you was removed since the scan.")
        self.synthetic.setText(synthetic_details(item.synthetic))
        self.preview.set_boxes([(f.bbox, f is best) for f in item.faces if f.frame == 0])
        self._show_verdict(item.verdict)
        is_file = item.file is not None
        self.open_button.setVisible(is_file)
        self.copy_button.setText("Co&py path" if is_file else "Co&py address")

    def set_images(self, images: PreviewImages) -> None:
        self.preview.set_images(images)

    def set_revealed(self, revealed: bool) -> None:
        self.preview.set_revealed(revealed)
        sync_reveal_button(self.reveal_button, revealed)

    def _show_verdict(self, verdict: Verdict | None) -> None:
        self.verdict.setText(verdict_words(verdict))
        self.me_button.setText("This is &me ✓" if verdict == Verdict.ME else "This is &me")
        self.not_me_button.setText("&Not me ✓" if verdict == Verdict.NOT_ME else "&Not me")

    def set_verdict(self, verdict: Verdict | None) -> None:
        """Store the user's answer (pressing the chosen one again clears it)."""
        if self.item is None:
            return
        if self.item.verdict == verdict:
            verdict = None
        self.store.set_verdict(self.item.id, verdict)
        self.item = replace(self.item, verdict=verdict)
        self._show_verdict(verdict)
        self.verdict_changed.emit(self.item.id, verdict)

    def _mark_me(self) -> None:
        self.set_verdict(Verdict.ME)

    def _mark_not_me(self) -> None:
        self.set_verdict(Verdict.NOT_ME)

    def open_folder(self) -> None:
        if self.item is None or not self.item.path:
            return
        folder = Path(self.item.path).parent
        if not folder.is_dir():
            self.message.setText("That folder no longer exists.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def copy_path(self) -> None:
        if self.item is None:
            return
        text = self.item.path or self.item.source
        QGuiApplication.clipboard().setText(text)
        self.message.setText("Copied.")


def faces_summary(item: ScanItem, threshold: float) -> str:
    """How many faces, which look like the person, and how close the others came."""
    faces = sorted(item.faces, key=lambda f: -f.similarity)
    matched = [f for f in faces if f.match]
    others = [f for f in faces if not f.match]
    lines = [f"{len(faces)} face{'s' if len(faces) != 1 else ''} in the image (outlined)."]
    for face in matched:
        words = similarity_words(face.similarity, threshold)
        lines.append(f"Looks like you: {words} ({face.similarity:.2f}), outlined in colour.")
    if others:
        lines.append(
            f"{len(others)} other{'s' if len(others) != 1 else ''}: probably not you "
            f"(closest {others[0].similarity:.2f})."
        )
    return "\n".join(lines)


def synthetic_details(synthetic: SyntheticReport | None) -> str:
    """Every indicator with its evidence, or the caveat when no marker was found."""
    words = describe_synthetic(synthetic)
    if synthetic is None or synthetic.status is SyntheticStatus.NO_MARKER_FOUND:
        return words.explanation
    lines = [words.badge]
    for indicator in synthetic.indicators:
        lines.append(f"• {indicator.summary} ({indicator.strength})")
        evidence = indicator.evidence
        if evidence:
            text = json.dumps(evidence, ensure_ascii=False)
            lines.append(f"   evidence: {text[:400]}{'…' if len(text) > 400 else ''}")
    return "\n".join(lines)
