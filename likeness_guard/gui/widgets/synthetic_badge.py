"""How an item's synthetic-media indicators are put into words and shown as a badge."""

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from likeness_guard.gui.style import muted_color, notice_color, set_text_color


def no_marker_caveat() -> str:
    """The sentence that must accompany every "no marker found"."""
    from likeness_guard.core.provenance import NO_MARKER_CAVEAT

    return NO_MARKER_CAVEAT


@dataclass(frozen=True)
class SyntheticWords:
    """A badge text, a longer explanation, and whether the image is flagged as AI."""

    badge: str
    explanation: str
    flagged: bool


_STRENGTH_ORDER = {"declared": 0, "strong": 1, "weak": 2}


def describe_synthetic(synthetic: dict[str, Any] | None) -> SyntheticWords:
    """Words for ItemRecord.synthetic (None when the check did not run)."""
    if not synthetic:
        return SyntheticWords("AI markers not checked", "This image was not checked.", False)
    status = synthetic.get("status")
    indicators = sorted(
        (i for i in synthetic.get("indicators") or [] if isinstance(i, dict)),
        key=lambda i: _STRENGTH_ORDER.get(str(i.get("strength")), 3),
    )
    top = str(indicators[0].get("summary", "")) if indicators else ""
    if status in ("ai_generated", "ai_edited"):
        label = "AI-generated" if status == "ai_generated" else "AI-edited"
        badge = f"{label} — {top}" if top else label
        return SyntheticWords(
            badge,
            f"{label}: the file itself says so or betrays it. This supports a report that "
            "the image is fake.",
            True,
        )
    if status == "unreadable":
        return SyntheticWords(
            "AI markers could not be checked",
            "The file's metadata could not be read, so nothing can be said about AI either way.",
            False,
        )
    caveat = no_marker_caveat()
    return SyntheticWords(f"No AI marker found — {_short_caveat()}", caveat, False)


def _short_caveat() -> str:
    return "this does not mean the image is real"


class SyntheticBadge(QLabel):
    """A one-line badge; amber when the image is flagged as AI, muted otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def set_synthetic(self, synthetic: dict[str, Any] | None) -> SyntheticWords:
        words = describe_synthetic(synthetic)
        self.setText(words.badge)
        self.setToolTip(words.explanation)
        self.setAccessibleName(words.badge)
        palette = self.palette()
        set_text_color(self, notice_color(palette) if words.flagged else muted_color(palette))
        return words
