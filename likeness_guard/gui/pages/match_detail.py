"""The detail view of one match: larger image, where it is, every face, the best reference."""

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.records import MatchTier, ScanItem, Verdict, face_tier
from likeness_guard.core.domain.synthetic import SyntheticReport, SyntheticStatus
from likeness_guard.core.domain.words import (
    POSSIBLE_WORDS,
    describe_synthetic,
    face_found_words,
    moment,
    similarity_words,
    verdict_words,
)
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.reviewing import set_verdict
from likeness_guard.gui.previews import PreviewImages
from likeness_guard.gui.style import heading_font, muted_color, ok_color, set_text_color
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview, sync_reveal_button
from likeness_guard.gui.widgets.face_thumbnail import FaceThumbnail
from likeness_guard.gui.widgets.labels import selectable_label
from likeness_guard.gui.widgets.match_card import (
    breakable,
    score_text,
    source_name,
)
from likeness_guard.gui.widgets.takedown_status import TakedownStatus
from likeness_guard.gui.widgets.video_moments import VideoMoments, video_file_text
from likeness_guard.locale import _, ngettext, pgettext

DETAIL_PREVIEW_SIDE = 1400


def _size_text(size: object) -> str:
    if not isinstance(size, int):
        return pgettext("file size", "unknown")
    if size < 1024:
        return ngettext("{count} byte", "{count} bytes", size).format(count=size)
    value = size / 1024
    if value < 1024:
        return _("{size} KB").format(size=f"{value:.1f}")
    value /= 1024
    if value < 1024:
        return _("{size} MB").format(size=f"{value:.1f}")
    return _("{size} GB").format(size=f"{value / 1024:.1f}")


class MatchDetail(QWidget):
    """Signals: `back_requested`, `verdict_changed(item_id, verdict or None)`."""

    back_requested = Signal()
    step_requested = Signal(int)  # +1 next match, -1 previous
    verdict_changed = Signal(int, object)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.item: ScanItem | None = None
        self.threshold = 0.36

        top = self._build_top()
        self._add_review_keys()
        body = QHBoxLayout()
        body.addLayout(self._build_picture(), 3)
        body.addWidget(self._build_side_panel(store), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    # ---- building the view ---------------------------------------------------------------

    def _build_top(self) -> QHBoxLayout:
        """Back to the list, the file's name, previous and next match."""
        self.back_button = QPushButton(_("← Back to all matches"))
        self.back_button.clicked.connect(self.back_requested)
        self.previous_button = QPushButton(_("◀ Previous"))
        # Translators: K and ← are the keys that go back; they stay the same in every language.
        self.previous_button.setToolTip(_("The previous match (K or ←)"))
        self.previous_button.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next_button = QPushButton(_("Next ▶"))
        # Translators: J and → are the keys that go on; they stay the same in every language.
        self.next_button.setToolTip(_("The next match (J or →)"))
        self.next_button.clicked.connect(lambda: self.step_requested.emit(1))
        self.title = QLabel()
        self.title.setFont(heading_font(self.font(), 1.3))
        self.title.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        return top

    def _add_review_keys(self) -> None:
        """Review by keyboard, as in photo managers: move, go back, mark and move on."""
        self._keys: list[QShortcut] = []
        for keys, slot in (
            (("Escape", "Alt+Left", "Backspace"), self.back_requested.emit),
            (("J", "Right"), lambda: self.step_requested.emit(1)),
            (("K", "Left"), lambda: self.step_requested.emit(-1)),
            (("M",), lambda: self._mark_and_advance(Verdict.ME)),
            (("N",), lambda: self._mark_and_advance(Verdict.NOT_ME)),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                self._keys.append(shortcut)

    def _build_picture(self) -> QVBoxLayout:
        """The blurred picture, with the faces outlined, and the button that shows it."""
        self.preview = BlurredPreview(QSize(360, 300))
        self.reveal_button = QPushButton(_("Show image"))
        self.reveal_button.setCheckable(True)
        self.reveal_button.setAccessibleName(_("Show this image clearly"))
        self.reveal_button.toggled.connect(self.set_revealed)
        blur_note = QLabel(_("Blurred so that you can look safely. Show it only if you want to."))
        blur_note.setWordWrap(True)
        set_text_color(blur_note, muted_color(self.palette()))
        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        reveal_row = QHBoxLayout()
        reveal_row.addWidget(self.reveal_button)
        reveal_row.addWidget(blur_note, 1)
        left.addLayout(reveal_row)
        return left

    def _build_side_panel(self, store: Store) -> QScrollArea:
        """The facts, the answer given, what can be done with the file, and a message line."""
        form = self._build_facts(store)
        actions = self._build_actions()
        self.verdict = QLabel()
        set_text_color(self.verdict, ok_color(self.palette()))
        self.message = QLabel()
        self.message.setWordWrap(True)
        right_widget = QWidget()
        right = QVBoxLayout(right_widget)
        right.addLayout(form)
        right.addWidget(self.verdict)
        right.addLayout(actions)
        right.addWidget(self.message)
        right.addStretch()
        scroll = QScrollArea()
        scroll.setAccessibleName(_("Facts about this image"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(right_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Never narrower than its widest row of buttons (at 200 % text, in a language with
        # long words); what is wider still (a long path without spaces) scrolls sideways
        # rather than being cut, on the right or, right to left, on the left.
        # Its width never changes when the facts outgrow the height: a scroll bar arriving
        # late left the form laid out for the wider panel, its edge cut off.
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(max(340, right_widget.minimumSizeHint().width() + bar))
        return scroll

    def _build_facts(self, store: Store) -> QFormLayout:
        """How similar, where, the file, its faces, the photo it matched, signs of AI, the
        moments in a video and whether it was taken down."""
        self.score = QLabel()
        self.score.setFont(heading_font(self.font(), 1.1))
        self.where = selectable_label(_("Where the image is"))
        self.size_label = QLabel()
        self.size_label.setWordWrap(True)
        self.faces = QLabel()
        self.faces.setWordWrap(True)
        self.reference = FaceThumbnail(80)
        self.reference.setAccessibleName(_("Your reference photo that looks most like it"))
        self.reference_name = QLabel()
        self.reference_name.setWordWrap(True)
        reference_row = QHBoxLayout()
        reference_row.addWidget(self.reference)
        reference_row.addWidget(self.reference_name, 1)
        form = self._form = QFormLayout()
        form.addRow(_("How similar:"), self.score)
        form.addRow(_("Where:"), self.where)
        form.addRow(_("File:"), self.size_label)
        form.addRow(_("Faces found:"), self.faces)
        form.addRow(_("Your photo:"), reference_row)
        form.addRow(_("Signs of AI:"), self._build_synthetic_box())
        self.video = VideoMoments(store.evidence)
        form.addRow(_("In the video:"), self.video)
        self.takedown = TakedownStatus(store)
        form.addRow(_("Removal:"), self.takedown)
        return form

    def _build_synthetic_box(self) -> QVBoxLayout:
        """The signs of AI in words, and their raw data behind "Details"."""
        self.synthetic = selectable_label(_("Signs of AI"))
        self.raw_button = QPushButton(_("Details"))
        self.raw_button.setCheckable(True)
        self.raw_button.setToolTip(_("Show the raw data the file holds, as it was read"))
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setAccessibleName(_("Raw data of the signs of AI"))
        self.raw.setVisible(False)
        self.raw_button.toggled.connect(self.raw.setVisible)
        synthetic_box = QVBoxLayout()
        synthetic_box.addWidget(self.synthetic)
        synthetic_box.addWidget(self.raw_button, 0, Qt.AlignmentFlag.AlignLeft)
        synthetic_box.addWidget(self.raw)
        return synthetic_box

    def _build_actions(self) -> QVBoxLayout:
        """This is me / Not me; open the folder, copy the path, report the address."""
        self.me_button = QPushButton(_("This is &me"))
        self.me_button.clicked.connect(self._mark_me)
        self.not_me_button = QPushButton(_("&Not me"))
        self.not_me_button.clicked.connect(self._mark_not_me)
        self.open_button = QPushButton(_("&Open containing folder"))
        self.open_button.clicked.connect(self.open_folder)
        self.copy_button = QPushButton(_("Co&py path"))
        self.copy_button.clicked.connect(self.copy_path)
        actions = QVBoxLayout()
        for pair in (
            (self.me_button, self.not_me_button),
            (self.open_button, self.copy_button, self.takedown.report_button),
        ):
            row = QHBoxLayout()
            for button in pair:
                row.addWidget(button)
            row.addStretch()
            actions.addLayout(row)
        return actions

    # ---- showing an item -----------------------------------------------------------------

    def use_store(self, store: Store) -> None:
        """Work with the session's store opened again (after a passphrase change or a
        deletion of everything): the old one is closed."""
        self.store = store
        self.takedown.store = store
        self.video.use_evidence(store.evidence)

    def show_item(self, item: ScanItem, threshold: float) -> None:
        self.item = item
        self.threshold = threshold
        self.preview.clear()  # never the last match's picture under this one's name
        self.set_revealed(False)
        self.message.clear()
        self.title.setText(source_name(item))
        self.score.setText(score_text(item, threshold))
        where = item.source
        if item.web and item.web.page_url:
            where += "\n" + _("found on the page {address}").format(address=item.web.page_url)
        if item.path and not Path(item.path).exists():
            where += "\n" + _("(the file is no longer there; the copy kept as evidence is shown)")
        self.where.setText(breakable(where))
        size = item.file.size if item.file else None
        if item.width:
            dimensions = _("{width} \u00d7 {height} pixels").format(
                width=item.width, height=item.height
            )
        else:
            dimensions = _("size unknown")
        # Translators: {format} is a file format such as JPEG; {size} a size such as 1.2 MB.
        file_line = _("{format}, {dimensions}, {size}")
        kind = item.format or pgettext("file format", "image")
        self.size_label.setText(
            file_line.format(format=kind, dimensions=dimensions, size=_size_text(size))
        )
        if item.is_video:
            self.size_label.setText(video_file_text(item, _size_text(size)))
        self.video.set_item(item)
        self._form.setRowVisible(self.video, item.is_video)
        best = item.best_face
        self.faces.setText(faces_summary(item, threshold))
        reference = self.store.reference(item.best_reference_id) if item.best_reference_id else None
        if reference is not None:
            self.reference.set_png(reference.thumbnail_png)
            self.reference_name.setText(reference.source_name)
        else:
            self.reference.set_png(None)
            self.reference.set_placeholder(pgettext("reference photo", "removed"))
            self.reference_name.setText(_("That photo of you was removed since the scan."))
        self.synthetic.setText(synthetic_details(item.synthetic))
        self.raw.setPlainText(raw_evidence(item.synthetic))
        self.raw_button.setChecked(False)
        self.raw_button.setVisible(bool(item.synthetic and item.synthetic.indicators))
        self.takedown.set_item(item)
        self._form.setRowVisible(self.takedown, item.web is not None)
        self.takedown.report_button.setVisible(item.web is not None)
        self.preview.set_boxes([(f.bbox, f is best) for f in item.shown_faces])
        self._show_verdict(item.verdict)
        is_file = item.file is not None
        self.open_button.setVisible(is_file)
        self.copy_button.setText(_("Co&py path") if is_file else _("Co&py address"))

    def clear(self) -> None:
        """Show nothing of the last item: its data may have been deleted."""
        self.item = None
        self.preview.clear()
        self.set_revealed(False)
        for label in (self.title, self.score, self.where, self.size_label, self.faces):
            label.clear()
        for label in (self.reference_name, self.synthetic, self.verdict, self.message):
            label.clear()
        self.raw.clear()
        self.raw_button.setChecked(False)
        self.reference.set_png(None)
        self.takedown.clear()

    def set_images(self, images: PreviewImages) -> None:
        self.preview.set_images(images)

    def set_revealed(self, revealed: bool) -> None:
        self.preview.set_revealed(revealed)
        sync_reveal_button(self.reveal_button, revealed)

    def _show_verdict(self, verdict: Verdict | None) -> None:
        self.verdict.setText(verdict_words(verdict))
        self.me_button.setText(_("This is &me ✓") if verdict == Verdict.ME else _("This is &me"))
        self.not_me_button.setText(_("&Not me ✓") if verdict == Verdict.NOT_ME else _("&Not me"))

    def set_verdict(self, verdict: Verdict | None) -> None:
        """Store the user's answer for the image's bytes, as `review` does (pressing the
        chosen one again clears it)."""
        if self.item is None or self.item.sha256 is None:
            return
        if self.item.verdict == verdict:
            verdict = None
        when = set_verdict(self.store, self.item.sha256, verdict)
        self.item = replace(self.item, verdict=verdict, verdict_at=when)
        self._show_verdict(verdict)
        self.verdict_changed.emit(self.item.id, verdict)

    def _mark_and_advance(self, verdict: Verdict) -> None:
        """M / N: give the answer (never clearing it) and go on to the next match."""
        if self.item is None:
            return
        if self.item.verdict is not verdict:
            self.set_verdict(verdict)
        self.step_requested.emit(1)

    def _mark_me(self) -> None:
        self.set_verdict(Verdict.ME)

    def _mark_not_me(self) -> None:
        self.set_verdict(Verdict.NOT_ME)

    def open_folder(self) -> None:
        if self.item is None or not self.item.path:
            return
        folder = Path(self.item.path).parent
        if not folder.is_dir():
            self.message.setText(_("That folder no longer exists."))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def copy_path(self) -> None:
        if self.item is None:
            return
        text = self.item.path or self.item.source
        QGuiApplication.clipboard().setText(text)
        self.message.setText(_("Copied."))


def faces_summary(item: ScanItem, threshold: float) -> str:
    """How many faces, which look like the person, and how close the others came."""
    faces = sorted(item.faces, key=lambda f: -f.similarity)
    matched = [f for f in faces if f.match]
    possible = [f for f in faces if face_tier(f) is MatchTier.POSSIBLE]
    others = [f for f in faces if face_tier(f) is MatchTier.NONE]
    count = len(faces)
    if item.is_video and item.video is not None:
        when = moment(item.video.best_frame_s)
        lines = [
            ngettext(
                "{count} face in the frame shown ({when}).",
                "{count} faces in the frame shown ({when}).",
                count,
            ).format(count=count, when=when)
        ]
    else:
        lines = [
            ngettext(
                "{count} face in the image (outlined).",
                "{count} faces in the image (outlined).",
                count,
            ).format(count=count)
        ]
    for face in matched:
        words = similarity_words(face.similarity, min(threshold, face.similarity))
        # Translators: {words} says how likely ("very likely you"); {score} is 0.00 to 1.00.
        looks = _("Looks like you: {words} ({score}), outlined in colour.")
        lines.append(looks.format(words=words, score=f"{face.similarity:.2f}"))
        lines += face_found_words(face, threshold)  # found turned, or matched as drawn
    for face in possible:
        possible_line = _("{words} ({score}).")
        lines.append(
            possible_line.format(
                words=_(POSSIBLE_WORDS).capitalize(), score=f"{face.similarity:.2f}"
            )
        )
    if others:
        rest = len(others)
        lines.append(
            ngettext(
                "{count} other: probably not you (closest {score}).",
                "{count} others: probably not you (closest {score}).",
                rest,
            ).format(count=rest, score=f"{others[0].similarity:.2f}")
        )
    return "\n".join(lines)


def synthetic_details(synthetic: SyntheticReport | None) -> str:
    """Every indicator with its evidence in readable lines, or the caveat when none."""
    words = describe_synthetic(synthetic)
    if synthetic is None or synthetic.status is SyntheticStatus.NO_MARKER_FOUND:
        return words.explanation
    lines = [words.badge]
    for indicator in synthetic.indicators:
        lines.append(f"• {indicator.summary} ({indicator.strength})")
        lines += [f"   {name}: {value}" for name, value in readable_evidence(indicator.evidence)]
    return "\n".join(lines)


def readable_evidence(evidence: Mapping[str, object], limit: int = 160) -> list[tuple[str, str]]:
    """Evidence as "name: value" pairs a person can read: names in words, long values cut,
    lists joined, nested groups counted (the raw data is behind "Details")."""
    pairs = []
    for key, value in evidence.items():
        name = str(key).replace("_", " ")
        if isinstance(value, Mapping | list | tuple):
            listed = ", ".join(str(v) for v in value if not isinstance(v, Mapping | list))
            entries = ngettext(
                "{count} entry (see Details)", "{count} entries (see Details)", len(value)
            )
            text = (not isinstance(value, Mapping) and listed) or entries.format(count=len(value))
        else:
            text = str(value)
        text = " ".join(text.split())
        pairs.append((name, text if len(text) <= limit else text[: limit - 1] + "…"))
    return pairs


def raw_evidence(synthetic: SyntheticReport | None) -> str:
    """All indicators' raw evidence, as JSON, for the Details view."""
    if synthetic is None:
        return ""
    return json.dumps(
        [{"kind": i.kind, "evidence": i.evidence} for i in synthetic.indicators],
        ensure_ascii=False,
        indent=2,
    )
