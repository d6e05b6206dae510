"""An item's AI-marker verdict as a one-line badge (the words come from domain/words.py)."""

from PySide6.QtWidgets import QLabel, QWidget

from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.domain.words import SyntheticWords, describe_synthetic
from likeness_guard.gui.style import muted_color, notice_color, set_text_color


class SyntheticBadge(QLabel):
    """A one-line badge; amber when the image is flagged as AI, muted otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def set_synthetic(self, synthetic: SyntheticReport | None) -> SyntheticWords:
        words = describe_synthetic(synthetic)
        self.setText(words.badge)
        self.setToolTip(words.explanation)
        self.setAccessibleName(words.badge)
        palette = self.palette()
        set_text_color(self, notice_color(palette) if words.flagged else muted_color(palette))
        return words
