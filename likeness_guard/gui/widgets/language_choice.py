"""Settings → Language: which language the window speaks (each named in its own language)."""

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from likeness_guard.gui.preferences import Preferences
from likeness_guard.locale import LANGUAGE_NAMES, _, available_languages

SYSTEM = ""  # the stored choice that means "as the computer is set"


class LanguageChoice(QGroupBox):
    """A list of the languages with a catalog; the choice applies at the next start (the
    whole window, its layout direction included, is built in one language)."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(_("Language"), parent)
        self.preferences = preferences
        self.choice = QComboBox()
        self.choice.setAccessibleName(_("Language of the window"))
        self.choice.addItem(_("As this computer is set"), SYSTEM)
        for code in available_languages():
            self.choice.addItem(LANGUAGE_NAMES.get(code, code), code)
        index = self.choice.findData(preferences.language)
        self.choice.setCurrentIndex(max(0, index))
        self.choice.currentIndexChanged.connect(self._on_choice)
        self.note = QLabel()
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.choice)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def _on_choice(self) -> None:
        chosen = self.choice.currentData()
        self.preferences.language = chosen if isinstance(chosen, str) else SYSTEM
        self.note.setText(_("The new language is used the next time Likeness Guard starts."))
