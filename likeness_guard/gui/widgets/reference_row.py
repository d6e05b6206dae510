"""One reference photo in My photos: its face crop, and "accepted" or why it was refused."""

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from likeness_guard.core.services.enrolling import FaceChoice
from likeness_guard.gui.style import muted_color, notice_color, ok_color, set_text_color
from likeness_guard.gui.widgets.face_choice import FaceChoiceStrip
from likeness_guard.gui.widgets.face_thumbnail import FaceThumbnail
from likeness_guard.locale import _, pgettext


class ReferenceRow(QFrame):
    """A row whose state goes from "checking" to accepted (removable) or refused (dismissable).

    `remove_requested` carries the reference id; `dismiss_requested` asks to drop the row.
    """

    remove_requested = Signal(int)
    dismiss_requested = Signal()
    face_chosen = Signal(int)  # in a photo with several faces: the number of the one clicked

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = name
        self.reference_id: int | None = None
        self.path: Path | None = None  # the photo on disk, kept to enroll a chosen face
        self.state = "checking"
        self.face_choice: FaceChoiceStrip | None = None
        self.thumbnail = FaceThumbnail(72)
        self.thumbnail.setAccessibleName(_("Your face in this reference photo"))
        self.thumbnail.set_placeholder("…")
        self.title = QLabel(name)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel(_("Checking this photo…"))
        self.status.setWordWrap(True)
        set_text_color(self.status, muted_color(self.palette()))
        self.note = QLabel()  # what this reference adds, and any size warning
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        set_text_color(self.note, muted_color(self.palette()))
        self.button = QPushButton(_("Remove"))
        self.button.setVisible(False)
        self.button.clicked.connect(self._on_button)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.status)
        text.addWidget(self.note)
        self._text = text
        layout = QHBoxLayout(self)
        layout.addWidget(self.thumbnail)
        layout.addLayout(text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setAccessibleName(_("{name}: checking").format(name=name))

    def show_accepted(self, reference_id: int, thumbnail_png: bytes | None, note: str = "") -> None:
        self.state = "accepted"
        self._drop_face_choice()
        self.reference_id = reference_id
        self.thumbnail.set_png(thumbnail_png)
        if note:
            # Translators: a reference photo was accepted; {note} says what it adds.
            self.status.setText(_("accepted — {note}").format(note=note))
        else:
            self.status.setText(pgettext("reference photo", "accepted"))
        set_text_color(self.status, ok_color(self.palette()))
        self.button.setText(_("Remove"))
        # Translators: {name} is the file name of a reference photo.
        self.button.setAccessibleName(_("Remove {name}").format(name=self.name))
        self.button.setVisible(True)
        self.setAccessibleName(_("{name}: accepted").format(name=self.name))

    def set_note(self, text: str) -> None:
        """Show what this reference adds next to the others (empty hides the line)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def show_checking(self) -> None:
        """Back to "checking", e.g. while the face the person chose is enrolled."""
        self.state = "checking"
        self._drop_face_choice()
        self.status.setText(_("Checking this photo…"))
        set_text_color(self.status, muted_color(self.palette()))
        self.button.setVisible(False)
        self.setAccessibleName(_("{name}: checking").format(name=self.name))

    def offer_faces(self, choices: tuple[FaceChoice, ...], smaller_faces: int) -> None:
        """Under a refused photo with several faces, show them so the person can pick theirs."""
        self._drop_face_choice()
        self.face_choice = FaceChoiceStrip(choices, smaller_faces)
        self.face_choice.chosen.connect(self.face_chosen)
        self._text.addWidget(self.face_choice)

    def _drop_face_choice(self) -> None:
        if self.face_choice is not None:
            self._text.removeWidget(self.face_choice)
            self.face_choice.deleteLater()
            self.face_choice = None

    def show_refused(self, reason: str, thumbnail_png: bytes | None) -> None:
        self.state = "refused"
        self.thumbnail.set_png(thumbnail_png)
        if not self.thumbnail.has_image():
            self.thumbnail.set_placeholder(_("no face"))
        # Translators: a reference photo was refused; {reason} says why.
        self.status.setText(_("not used: {reason}").format(reason=reason))
        set_text_color(self.status, notice_color(self.palette()))
        self.button.setText(_("Dismiss"))
        self.button.setAccessibleName(_("Dismiss {name}").format(name=self.name))
        self.button.setVisible(True)
        self.setAccessibleName(
            _("{name}: not used, {reason}").format(name=self.name, reason=reason)
        )

    def _on_button(self) -> None:
        if self.state == "accepted" and self.reference_id is not None:
            self.remove_requested.emit(self.reference_id)
        else:
            self.dismiss_requested.emit()
