"""The first-run screen: what the app does, and that nothing leaves the computer."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from likeness_guard import APP_NAME
from likeness_guard.gui.style import heading_font
from likeness_guard.locale import N_, _

# Translators: {app} is the app's name, Likeness Guard.
WHAT_IT_DOES = N_(
    "{app} looks through folders and web pages for pictures that show your face, "
    "so you can find images that were made or shared without your consent."
)
NOTHING_LEAVES = N_(
    "Everything happens on this computer: your photos, your face and what is found never leave it."
)


class WelcomePage(QWidget):
    """Two sentences and one button that leads to My photos."""

    start_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(_("Welcome to {app}").format(app=APP_NAME))
        title.setFont(heading_font(self.font(), 1.8))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel(f"{_(WHAT_IT_DOES).format(app=APP_NAME)}\n\n{_(NOTHING_LEAVES)}")
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setMaximumWidth(560)
        larger = heading_font(self.font(), 1.15)
        larger.setBold(False)
        body.setFont(larger)
        self.start_button = QPushButton(_("Add photos of me to begin"))
        self.start_button.setDefault(True)
        self.start_button.setAccessibleName(_("Add photos of me to begin"))
        self.start_button.clicked.connect(self.start_requested)
        steps = QLabel(
            _(
                "1. Add a few clear photos of your face.   2. Drop a folder to check.   "
                "3. Look at what was found, safely blurred."
            )
        )
        steps.setWordWrap(True)
        steps.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addSpacing(16)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(body)
        row.addStretch()
        layout.addLayout(row)
        layout.addSpacing(24)
        layout.addWidget(steps)
        layout.addSpacing(24)
        button_row = QHBoxLayout()
        button_row.addStretch()
        button_row.addWidget(self.start_button)
        button_row.addStretch()
        layout.addLayout(button_row)
        layout.addStretch(3)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The one action of this page answers Enter wherever the focus is on it.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.start_requested.emit()
        else:
            super().keyPressEvent(event)
