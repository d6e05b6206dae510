"""A list of the languages a report or a notice can be written in, each named in its own
language (the window's own language may differ: a notice goes to someone else)."""

from PySide6.QtWidgets import QComboBox, QWidget

from likeness_guard.locale import ENGLISH, LANGUAGE_NAMES, available_languages


class WritingLanguage(QComboBox):
    """English and every language with a catalog; `code()` is the one chosen."""

    def __init__(self, chosen: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        for code in available_languages():
            self.addItem(LANGUAGE_NAMES.get(code, code), code)
        index = self.findData(chosen)
        if index < 0:
            index = self.findData(chosen.split("_")[0])
        self.setCurrentIndex(max(0, index if index >= 0 else self.findData(ENGLISH)))

    def code(self) -> str:
        chosen = self.currentData()
        return chosen if isinstance(chosen, str) else ENGLISH
