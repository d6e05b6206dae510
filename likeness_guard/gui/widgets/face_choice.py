"""The faces of a photo with several, as clickable thumbnails: the person clicks theirs."""

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from likeness_guard.core.services.enrolling import FaceChoice
from likeness_guard.locale import _, ngettext

COLUMNS = 8
SIDE = 56


class FaceChoiceStrip(QWidget):
    """A wrapped row of face buttons; `chosen` carries the face number (1 = the largest)."""

    chosen = Signal(int)

    def __init__(
        self, choices: tuple[FaceChoice, ...], smaller_faces: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.buttons: list[QToolButton] = []
        prompt = _("Several faces are in this photo. Click yours to use it.")
        if smaller_faces:
            prompt = ngettext(
                "Several faces are in this photo. Click yours to use it."
                " ({count} more is too small to use.)",
                "Several faces are in this photo. Click yours to use it."
                " ({count} more are too small to use.)",
                smaller_faces,
            ).format(count=smaller_faces)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, choice in enumerate(choices):
            button = QToolButton()
            image = QImage()
            image.loadFromData(choice.thumbnail_png)
            button.setIcon(QIcon(QPixmap.fromImage(image)))
            button.setIconSize(QSize(SIDE, SIDE))
            # Translators: {position} is where the face is in the photo, e.g. "top left".
            label = _("Face {number}: {width} pixels wide, {position}").format(
                number=choice.number, width=choice.width, position=choice.position
            )
            tip = _("Face {number}: {width} pixels wide, {position}. Click if this is you.")
            button.setToolTip(
                tip.format(number=choice.number, width=choice.width, position=choice.position)
            )
            button.setAccessibleName(label)
            button.setProperty("face_number", choice.number)
            button.clicked.connect(lambda _=False, n=choice.number: self._choose(n))
            grid.addWidget(button, index // COLUMNS, index % COLUMNS)
            self.buttons.append(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.prompt)
        layout.addLayout(grid)

    def button_for(self, face_number: int) -> QToolButton:
        """The button of one face (for keyboard users' focus, and for tests)."""
        for button in self.buttons:
            if button.property("face_number") == face_number:
                return button
        raise KeyError(face_number)

    def _choose(self, face_number: int) -> None:
        for button in self.buttons:
            button.setEnabled(False)  # one choice per photo; the row shows the outcome
        self.chosen.emit(face_number)
