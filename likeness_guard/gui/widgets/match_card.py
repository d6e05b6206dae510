"""One tile of the Matches grid: blurred preview, clear face crop, score, badge, answers."""

import functools
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.records import MatchTier, ScanItem, Verdict, item_tier
from likeness_guard.core.domain.words import (
    found_words,
    score_words,
    segments_summary,
    timecode,
    verdict_words,
)
from likeness_guard.gui.previews import PreviewImages
from likeness_guard.gui.style import heading_font, muted_color, ok_color, set_text_color
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview, sync_reveal_button
from likeness_guard.gui.widgets.face_thumbnail import FaceThumbnail
from likeness_guard.gui.widgets.synthetic_badge import SyntheticBadge
from likeness_guard.gui.widgets.timeline_strip import TimelineStrip
from likeness_guard.locale import N_, _, current_language

CARD_PREVIEW_SIDE = 360  # decoded pixels; enough for the largest tile on a 2x screen
# A tile's picture is decoded at the smallest of these sizes that covers it on this screen:
# small tiles (the default) hold a quarter of the pixels of large ones.
CARD_PREVIEW_SIDES = (180, 240, CARD_PREVIEW_SIDE)
DEFAULT_TILE_SIDE = 160
TILE_SIDES = (120, 360)  # the size slider's range


def card_preview_side(tile_side: int, pixel_ratio: float = 1.0) -> int:
    """The decoded size (longest side, in pixels) for a tile of `tile_side` on a screen with
    `pixel_ratio` device pixels per pixel."""
    needed = tile_side * pixel_ratio
    return next((side for side in CARD_PREVIEW_SIDES if side >= needed), CARD_PREVIEW_SIDE)


def source_name(item: ScanItem) -> str:
    """The file name, or the address for web images."""
    return Path(item.path).name if item.path else item.source


def breakable(text: str) -> str:
    """Let long paths and addresses wrap after each slash."""
    return text.replace("/", "/\u200b")


def score_text(item: ScanItem, threshold: float) -> str:
    similarity = item.best_similarity or 0.0
    words = score_words(similarity, threshold, item_tier(item))
    # Translators: {words} says how similar in words ("very likely you"), {score} as 0.00-1.00.
    return _("{words} ({score})").format(words=words, score=f"{similarity:.2f}")


def other_version_words(verdict: Verdict | None) -> str:
    """An answer given to another version of a picture (resized, re-encoded), and how to
    confirm it for this one; "" for none."""
    if verdict is Verdict.ME:
        return _("Answered for another version: this is me. Press “Me” to confirm.")
    if verdict is Verdict.NOT_ME:
        return _("Answered for another version: not me. Press “Not me” to confirm.")
    return ""


def narrowest_side() -> int:
    """The smallest picture size whose tile shows its buttons' words whole in the window's
    font: with text at 200 %, or in a language with longer words, tiles grow instead of
    cutting "Not me" short (two buttons a row share the picture's width)."""
    return _narrowest_side(QApplication.font().key(), current_language())


@functools.cache
def _narrowest_side(_font: str, _language: str) -> int:  # once per font and language
    words = (_("Me ✓"), _("Not me ✓"), _("Show"), _("Blur"), _("Details"))
    widest = max(QPushButton(word).sizeHint().width() for word in words)
    return 2 * widest + 6  # the button grid's spacing


class MatchCard(QFrame):
    """One tile of the Matches grid: the blurred picture, the score, what the file says about
    AI, the answer given, and how often these bytes were found.

    Signals: `details_requested(item_id)`, `verdict_requested(item_id, Verdict)`. The reveal
    button shows this picture only; the tile takes keyboard focus for review.
    """

    details_requested = Signal(int)
    verdict_requested = Signal(int, object)

    def __init__(
        self,
        item: ScanItem,
        threshold: float,
        parent: QWidget | None = None,
        *,
        side: int = DEFAULT_TILE_SIDE,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.copies: list[ScanItem] = [item]
        self.similar: list[ScanItem] = []  # other versions of the picture (other bytes)
        self.possible = item_tier(item) is MatchTier.POSSIBLE  # shown apart, to check
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        name = source_name(item)
        self._build_labels(item, threshold, name)
        buttons = self._build_buttons(name)
        name_row = QHBoxLayout()
        name_row.addWidget(self.face, 0, Qt.AlignmentFlag.AlignVCenter)
        name_row.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(name_row)
        layout.addWidget(self.score)
        layout.addWidget(self.where)
        self.timeline: TimelineStrip | None = None
        self._add_video_lines(layout, item)
        for label in (self.badge, self.verdict, self.found):
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(buttons)
        # Translators: "Match" is a noun here: an image that looks like the person.
        match = _("Match: {name}, {score}")
        self.setAccessibleName(match.format(name=name, score=self.score.text()))
        self.set_side(side)
        self._show_found()
        self.set_verdict(item.verdict)

    def _build_labels(self, item: ScanItem, threshold: float, name: str) -> None:
        """The picture, the clear face, the name, where, how similar, the AI badge, the
        answer given and how often it was found."""
        self.preview = BlurredPreview(QSize(96, 72))
        best = item.best_face
        self.preview.set_boxes([(best.bbox, True)] if best and best in item.shown_faces else [])
        self.face = FaceThumbnail(40)
        self.face.setAccessibleName(_("The face that looks like you"))
        self.face.set_placeholder(_("face"))
        self.face.setToolTip(_("The matched face, shown clearly"))
        self.title = QLabel(name)
        self.title.setFont(heading_font(self.font(), 1.0))
        self.title.setToolTip(item.source)
        self.where = QLabel()
        set_text_color(self.where, muted_color(self.palette()))
        self.score = QLabel(score_text(item, threshold))
        self.score.setAccessibleName(_("How similar"))
        self.score.setWordWrap(True)
        self.badge = SyntheticBadge()
        self.badge.set_synthetic(item.synthetic)
        self.verdict = QLabel()
        set_text_color(self.verdict, ok_color(self.palette()))
        self.found = QLabel()
        set_text_color(self.found, muted_color(self.palette()))

    def _build_buttons(self, name: str) -> QGridLayout:
        """Me, Not me, Show and Details, named with the file for screen readers."""
        self.reveal_button = QPushButton(_("Show"))
        self.reveal_button.setCheckable(True)
        self.reveal_button.setAccessibleName(_("Show {name} clearly").format(name=name))
        self.reveal_button.toggled.connect(self.set_revealed)
        # Translators: the answer "this is me" on a tile, in a word or two.
        self.me_button = QPushButton(_("Me"))
        # Translators: (M) is the key that gives this answer; it stays M in every language.
        self.me_button.setToolTip(_("This is me (M)"))
        self.me_button.setAccessibleName(_("{name}: this is me").format(name=name))
        self.me_button.clicked.connect(lambda: self._ask_verdict(Verdict.ME))
        self.not_me_button = QPushButton(_("Not me"))
        # Translators: (N) is the key that gives this answer; it stays N in every language.
        self.not_me_button.setToolTip(_("Not me (N)"))
        self.not_me_button.setAccessibleName(_("{name}: not me").format(name=name))
        self.not_me_button.clicked.connect(lambda: self._ask_verdict(Verdict.NOT_ME))
        self.details_button = QPushButton(_("Details"))
        self.details_button.setAccessibleName(_("Details of {name}").format(name=name))
        self.details_button.clicked.connect(self._ask_details)
        # Two buttons a row: three in a row cut "Not me" short on the narrowest tiles.
        buttons = QGridLayout()
        buttons.addWidget(self.me_button, 0, 0)
        buttons.addWidget(self.not_me_button, 0, 1)
        buttons.addWidget(self.reveal_button, 1, 0)
        buttons.addWidget(self.details_button, 1, 1)
        return buttons

    def _add_video_lines(self, layout: QVBoxLayout, item: ScanItem) -> None:
        """A video: where in it the face was found, as a strip and in words."""
        video = item.video
        if not item.is_video or video is None:
            return
        self.timeline = TimelineStrip()
        self.timeline.set_video(video)
        # Translators: {length} is the video's length (0:01:30); {summary} where the face is.
        moments = _("Video, {length}: {summary}")
        length, summary = timecode(video.duration_s), segments_summary(video)
        self.moments = QLabel(moments.format(length=length, summary=summary))
        self.moments.setWordWrap(True)
        layout.addWidget(self.timeline)
        layout.addWidget(self.moments)

    def _fit_height(self) -> None:
        # Wrapped lines need more height than the layout's minimum says; the width is fixed,
        # so the height those lines need is known: never let the grid squeeze the tile.
        layout = self.layout()
        if layout is not None:
            self.setMinimumHeight(layout.totalHeightForWidth(self.width()))

    def set_side(self, side: int) -> None:
        """The picture's size in the grid (the tile is a little wider for its words)."""
        side = max(side, narrowest_side())
        self.preview.setFixedSize(QSize(side, round(side * 0.75)))
        self.setFixedWidth(side + 18)
        metrics = self.title.fontMetrics()
        self.title.setText(
            metrics.elidedText(source_name(self.item), Qt.TextElideMode.ElideMiddle, side - 48)
        )
        where = self.item.source if self.item.file is None else str(Path(self.item.source).parent)
        self.where.setText(
            self.where.fontMetrics().elidedText(where, Qt.TextElideMode.ElideMiddle, side)
        )
        self._fit_height()

    def add_copy(self, item: ScanItem) -> None:
        """The same bytes found again elsewhere, or (other bytes) another version of the
        same picture: one tile, "found 4 times, in 3 versions"."""
        if any(known.id == item.id for known in (*self.copies, *self.similar)):
            return  # already counted (a live result and a reload can both bring it)
        (self.copies if item.sha256 == self.item.sha256 else self.similar).append(item)
        self._show_found()

    def _show_found(self) -> None:
        found = [*self.copies, *self.similar]
        self.found.setText(found_words(len(found), len({item.sha256 for item in found})))
        self.found.setVisible(len(found) > 1)
        tip = [copy.source for copy in self.copies]
        if self.similar:
            tip += ["", _("Other versions (resized, re-encoded or edited):")]
            tip += [other.source for other in self.similar]
        self.found.setToolTip("\n".join(tip))
        self._fit_height()

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
        # Short words: a tile's buttons share its width ("Show image" was cut to "how imag").
        sync_reveal_button(self.reveal_button, revealed, (N_("Show"), N_("Blur")))

    def set_verdict(self, verdict: Verdict | None, other_version: Verdict | None = None) -> None:
        """The answer given to these bytes; without one, `other_version` is the answer given
        to another version of the picture, said as such until the person confirms it."""
        self.item = replace(self.item, verdict=verdict)
        self.copies = [replace(copy, verdict=verdict) for copy in self.copies]
        self.similar = [replace(other, verdict=verdict) for other in self.similar]
        said = verdict_words(verdict) or other_version_words(other_version)
        self.verdict.setText(said)
        self.verdict.setVisible(bool(said))
        self.setAccessibleDescription(said)
        self.me_button.setText(_("Me ✓") if verdict is Verdict.ME else _("Me"))
        self.not_me_button.setText(_("Not me ✓") if verdict is Verdict.NOT_ME else _("Not me"))
        self._fit_height()

    def _ask_verdict(self, verdict: Verdict) -> None:
        self.verdict_requested.emit(self.item.id, verdict)

    def _ask_details(self) -> None:
        self.details_requested.emit(self.item.id)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.setFrameShape(QFrame.Shape.Box)  # where the keyboard is, plainly
        self.setLineWidth(2)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setLineWidth(1)
        super().focusOutEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._ask_details()
