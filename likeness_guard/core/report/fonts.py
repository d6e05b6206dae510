"""Embedded fonts for the report, and text runs marked up so every script prints as text."""

import functools
import logging
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from likeness_guard import RESOURCES
from likeness_guard.locale import _

log = logging.getLogger(__name__)

# Names under which the fonts are registered with reportlab.
SANS = "LG-Sans"  # Latin, Cyrillic, Greek, Devanagari (Noto Sans 2.x has all four)
ARABIC = "LG-Arabic"  # Arabic, including presentation forms (Noto Sans Arabic)
CJK = "LG-CJK"  # Chinese, Japanese, Korean: LG-CJK1, LG-CJK2 from the first two found
MAX_CJK_FONTS = 2

# reportlab embeds only TrueType outlines (glyf), not CFF, so the CJK font must be a .ttf or
# a TrueType collection. First the project's own resources, then Debian's packages (the CI
# installs fonts-wqy-microhei, which also covers Korean, and fonts-droid-fallback), then
# fonts that ship with Windows and macOS. Two are kept, so that one fills the other's gaps.
_RESOURCES = RESOURCES / "fonts"
CJK_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (_RESOURCES / "wqy-microhei.ttc", 0),
    (_RESOURCES / "DroidSansFallbackFull.ttf", 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    (Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts" / "msyh.ttc", 0),
    (Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts" / "simsun.ttc", 0),
    (Path("/Library/Fonts/Arial Unicode.ttf"), 0),
    (Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"), 0),
)


@dataclass(frozen=True)
class ReportFonts:
    """The registered fonts and the characters each one can draw."""

    sans: str
    fallbacks: tuple[str, ...]  # tried in order for characters the main font lacks
    sources: dict[str, str]  # font name -> file it was embedded from
    _coverage: dict[str, frozenset[int]]

    def font_for(self, char: str) -> str:
        """The first font that has a glyph for `char` (the main font when none has)."""
        code = ord(char)
        for name in (self.sans, *self.fallbacks):
            if code in self._coverage[name]:
                return name
        return self.sans

    def missing(self, text: str) -> set[str]:
        """Printable characters of `text` that no embedded font can draw."""
        return {
            ch
            for ch in text
            if not ch.isspace()
            and unicodedata.category(ch)[0] != "C"
            and not any(ord(ch) in cover for cover in self._coverage.values())
        }


def _font_files() -> dict[str, tuple[Path, int]]:
    """Find the font files; raises RuntimeError when the main font is missing."""
    found: dict[str, tuple[Path, int]] = {}
    try:
        import fontpkg

        found[SANS] = (Path(fontpkg.path("Noto Sans")), 0)
        found[ARABIC] = (Path(fontpkg.path("Noto Sans Arabic")), 0)
    except Exception as exc:  # a missing font package must not hide which one
        raise RuntimeError(
            _(
                "The report fonts are not installed: install the fontpkg-noto-sans and "
                "fontpkg-noto-sans-arabic packages ({reason})."
            ).format(reason=exc)
        ) from exc
    cjk = [(path, index) for path, index in CJK_CANDIDATES if path.is_file()]
    for number, (path, index) in enumerate(cjk[:MAX_CJK_FONTS], start=1):
        found[f"{CJK}{number}"] = (path, index)
    if not cjk:
        log.warning("no TrueType CJK font found; Chinese, Japanese and Korean will not print")
    return found


@functools.cache
def load_fonts() -> ReportFonts:
    """Register the report fonts with reportlab once per process and return them.

    Raises RuntimeError when the main fonts are not installed.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    coverage: dict[str, frozenset[int]] = {}
    sources: dict[str, str] = {}
    for name, (path, index) in _font_files().items():
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except Exception as exc:  # a damaged or CFF font: skip it, say which
            if name == SANS:
                raise RuntimeError(
                    _("The report font {path} cannot be used ({reason}).").format(
                        path=path, reason=exc
                    )
                ) from exc
            log.warning("cannot use the font %s: %s", path, exc)
            continue
        pdfmetrics.registerFont(font)
        coverage[name] = frozenset(font.face.charToGlyph)
        sources[name] = str(path)
    return ReportFonts(
        sans=SANS,
        fallbacks=tuple(name for name in coverage if name != SANS),
        sources=sources,
        _coverage=coverage,
    )


def _is_rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def right_to_left(text: str) -> tuple[bool, bool]:
    """(has right-to-left letters, reads right to left: its first letter with a direction
    is one of them)."""
    first = next(
        (unicodedata.bidirectional(ch) for ch in text if unicodedata.bidirectional(ch) in _STRONG),
        "L",
    )
    return any(_is_rtl(ch) for ch in text), first in ("R", "AL")


_STRONG = frozenset({"L", "R", "AL"})


def needs_shaping(text: str) -> bool:
    """True for text in a script whose letters change shape and order as they join, which
    reportlab draws right only when HarfBuzz shapes it (Devanagari: vowel signs drawn before
    their consonant, conjuncts). Arabic is shaped beforehand (`visual_order`)."""
    return any("\u0900" <= ch <= "\u097f" for ch in text) and not any(_is_rtl(ch) for ch in text)


def visual_order(text: str) -> str:
    """Shape Arabic letters and put right-to-left runs in display order.

    reportlab draws glyphs left to right without shaping, so Arabic is first turned into its
    joined presentation forms (arabic-reshaper) and then reordered by the Unicode
    bidirectional algorithm (python-bidi). Text without right-to-left letters is unchanged.
    """
    if not any(_is_rtl(ch) for ch in text):
        return text
    import arabic_reshaper
    from bidi import get_display

    shaped: str = arabic_reshaper.reshape(text)
    result: str = get_display(shaped)
    return result


def font_runs(text: str, fonts: ReportFonts) -> Iterator[tuple[str, str]]:
    """Split `text` into (font, run) pieces; spaces stay with the run they are in."""
    current: str | None = None
    run: list[str] = []
    for ch in text:
        font = current if (ch.isspace() and current is not None) else fonts.font_for(ch)
        if font != current and run:
            assert current is not None
            yield current, "".join(run)
            run = []
        current = font
        run.append(ch)
    if run and current is not None:
        yield current, "".join(run)


def markup(text: str, fonts: ReportFonts | None = None) -> str:
    """Return `text` as reportlab paragraph markup, escaped, with per-script fonts.

    Characters the main font lacks are drawn with the first font that has them, so a
    Chinese file name or an Arabic pseudonym prints as text rather than as boxes.
    """
    fonts = fonts or load_fonts()
    text = visual_order(_printable(text))
    parts = []
    for font, run in font_runs(text, fonts):
        piece = escape(run)
        parts.append(piece if font == fonts.sans else f'<font name="{font}">{piece}</font>')
    return "".join(parts)


def _printable(text: str) -> str:
    """Replace control characters (which break the PDF's text) with visible escapes."""
    if all(unicodedata.category(ch) != "Cc" or ch in "\n\t" for ch in text):
        return text
    return "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" and ch not in "\n\t" else ch
        for ch in text
    )
