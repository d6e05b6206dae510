"""The font files the window needs on a bare system for Hangul, kana and kanji, Devanagari
and Arabic: the files the evidence report embeds, plus Noto Sans Devanagari."""

import logging
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.report.fonts import CJK_CANDIDATES

log = logging.getLogger(__name__)

# Font packages from the index (SIL OFL 1.1), each with the family name it registers.
_PACKAGED = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Devanagari")


@dataclass(frozen=True)
class ScriptFont:
    """One font file bundled with the app."""

    family: str  # as the font names itself once loaded (the caller reads it back)
    path: Path


def bundled_script_fonts() -> list[ScriptFont]:
    """Every bundled font file that is present, the Latin one first; a missing package is
    logged, not raised (the window still opens, with the system's fonts)."""
    fonts = []
    try:
        import fontpkg
    except ImportError:
        log.warning("the font packages are not installed: the window uses the system's fonts")
        return []
    for family in _PACKAGED:
        try:
            fonts.append(ScriptFont(family, Path(fontpkg.path(family))))
        except Exception as exc:  # a missing package must not stop the window
            log.warning("font %s not found: %s", family, exc)
    cjk = next((path for path, _index in CJK_CANDIDATES if path.is_file()), None)
    if cjk is not None:
        fonts.append(ScriptFont("CJK", cjk))
    return fonts
