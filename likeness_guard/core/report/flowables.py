"""The report's typesetting primitives: colours, paragraph styles, and the flowables pages are
made of (paragraphs of marked-up text, tables of facts, web addresses as links, pictures
decoded only while drawn, section marks), shared by the report and the takedown notices."""

import functools
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar
from xml.sax.saxutils import escape

from likeness_guard.core.report.fonts import (
    ReportFonts,
    font_runs,
    markup,
    needs_shaping,
    right_to_left,
    visual_order,
)
from likeness_guard.core.sources.web.addresses import is_web_address

INK = "#1d2433"
MUTED = "#5b6272"
RULE = "#c9ced8"
SHADE = "#eef1f6"
ALERT = "#9b1c31"
LINK = "#1f4fa3"


class ReportStyles:
    """The report's paragraph styles, built after reportlab is imported."""

    def __init__(self, fonts: ReportFonts) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        base = ParagraphStyle(
            "body",
            fontName=fonts.sans,
            fontSize=9.5,
            leading=13,
            textColor=colors.HexColor(INK),
            splitLongWords=True,
        )
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
        self.mono = ParagraphStyle("mono", parent=self.small, fontSize=7.6, leading=10)
        self.label = ParagraphStyle("label", parent=self.small, textColor=colors.HexColor(MUTED))
        self.title = ParagraphStyle("title", parent=base, fontSize=22, leading=28, spaceAfter=6)
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=13, leading=18, textColor=colors.HexColor(MUTED)
        )
        self.h1 = ParagraphStyle(
            "h1", parent=base, fontSize=15, leading=20, spaceBefore=4, spaceAfter=8
        )
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=3
        )
        self.alert = ParagraphStyle("alert", parent=base, textColor=colors.HexColor(ALERT))
        self.caption = ParagraphStyle(
            "caption", parent=self.small, alignment=1, textColor=colors.HexColor(MUTED)
        )


class Styles(Protocol):
    """What a set of paragraph styles must have for a `Typesetter`."""

    body: Any  # paragraphs
    small: Any  # values in tables
    label: Any  # labels in tables


StylesT = TypeVar("StylesT", bound=Styles)


class Typesetter(Generic[StylesT]):
    """Turns text, facts and pictures into flowables `width` points wide, in `styles`."""

    def __init__(self, fonts: ReportFonts, width: float, styles: StylesT) -> None:
        self.fonts = fonts
        self.styles = styles
        self.width = width

    def p(self, text: str, style: Any = None) -> Any:
        """A paragraph; each line of `text` on its own line, every script in a font that
        has it."""
        from reportlab.platypus import Paragraph

        style = style or self.styles.body
        if right_to_left(str(text))[1]:  # (an Arabic name in Latin text: set as before)
            return _rtl_class()(str(text), _right_aligned(style), self.fonts)
        lines = [markup(line, self.fonts) for line in str(text).split("\n")]
        if needs_shaping(str(text)):
            style = _shaping(style)
        return Paragraph("<br/>".join(lines), style)

    def value(self, text: str, style: Any = None) -> Any:
        """Text, or a clickable, unbroken-looking link when it is a web address."""
        style = style or self.styles.small
        if is_web_address(text):
            return _link_class()(text, style, self.fonts)
        return self.p(text, style)

    def lines(self, texts: Sequence[str], style: Any = None) -> Any:
        """Several values, one under the other; web addresses are links."""
        return [self.value(text, style) for text in texts]

    def facts_table(self, rows: list[tuple[str, Any]], label_width: float = 120) -> Any:
        """A two-column table of label and value; values may be text, lists of text (one
        per line) or flowables. Web addresses become links."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        def cell(value: Any) -> Any:
            if isinstance(value, str):
                return self.value(value)
            if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
                return self.lines(value)
            return value

        data = [[self.p(label, self.styles.label), cell(value)] for label, value in rows]
        table = Table(data, colWidths=[label_width, self.width - label_width])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    def image(self, data: bytes | None, max_w: float, max_h: float) -> Any:
        """A picture (JPEG or PNG bytes) scaled to fit; an empty space when there is none."""
        from reportlab.platypus import Spacer

        if data is None:
            return Spacer(max_w, 1)
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(data)) as probe:
            width, height = probe.size
        scale = min(max_w / width, max_h / height)
        return _picture_class()(data, width * scale, height * scale)


def link_markup(url: str, text: str, color: str) -> str:
    """Paragraph markup of `text` (already marked up) as a link to the whole of `url`."""
    href = escape(url, {'"': "&quot;"})
    return f'<a href="{href}" color="{color}">{text}</a>'


# A web address is broken across lines only after these characters, never inside a word.
_URL_BREAK_AFTER = re.compile(r"(?<=[/?&=#\-_.~])")


def url_lines(url: str, width: float, font: str, size: float) -> list[str]:
    """`url` in lines that fit `width` points, broken after / ? & = # - _ . ~ (a part
    longer than a whole line is cut where it must be)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def fits(text: str) -> bool:
        return bool(stringWidth(text, font, size) <= width)

    lines: list[str] = []
    current = ""
    for piece in (p for p in _URL_BREAK_AFTER.split(url) if p):
        if fits(current + piece):
            current += piece
            continue
        if current:
            lines.append(current)
        while not fits(piece) and len(piece) > 1:
            cut = next(n for n in range(len(piece) - 1, 0, -1) if fits(piece[:n]))
            lines.append(piece[:cut])
            piece = piece[cut:]
        current = piece
    if current or not lines:
        lines.append(current)
    return lines


@functools.cache
def _link_class() -> Any:
    """A web address as a paragraph whose every line links to the whole address."""
    from reportlab.platypus import Flowable, Paragraph

    class Link(Flowable):  # type: ignore[misc]
        def __init__(self, url: str, style: Any, fonts: ReportFonts) -> None:
            super().__init__()
            self.url = url
            self.style = style
            self.fonts = fonts
            self._paragraph: Any = None

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            lines = url_lines(
                self.url, available_width - 1, self.style.fontName, self.style.fontSize
            )
            text = "<br/>".join(
                link_markup(self.url, markup(line, self.fonts), LINK) for line in lines
            )
            self._paragraph = Paragraph(text, self.style)
            width, height = self._paragraph.wrap(available_width, available_height)
            self.width, self.height = width, height
            return width, height

        def draw(self) -> None:
            self._paragraph.drawOn(self.canv, 0, 0)

    return Link


def _shaping(style: Any) -> Any:
    """`style`, shaping its text with HarfBuzz (uharfbuzz): only paragraphs that need it, so
    that every other one is laid out exactly as before."""
    return _shaping_styles(style, style.name)


@functools.cache
def _shaping_styles(style: Any, name: str) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{name}-shaped", parent=style, shaping=1)


@functools.cache
def _right_aligned(style: Any) -> Any:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)


@functools.cache
def _rtl_class() -> Any:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable, Paragraph

    class RightToLeft(Flowable):  # type: ignore[misc]
        """A paragraph holding right-to-left text, broken into lines in reading order and
        only then shaped and put in display order, line by line: reportlab would break the
        display-ordered text from its end, so a long Arabic sentence would read upwards."""

        def __init__(self, text: str, style: Any, fonts: ReportFonts) -> None:
            super().__init__()
            self.text, self.style, self.fonts = text, style, fonts
            self._paragraph: Any = None

        def _width(self, text: str) -> float:
            runs = font_runs(visual_order(text), self.fonts)
            return float(sum(stringWidth(run, font, self.style.fontSize) for font, run in runs))

        def _lines(self, width: float) -> Iterator[str]:
            for logical in self.text.split("\n"):
                current = ""
                for word in logical.split(" "):
                    trial = f"{current} {word}" if current else word
                    if current and self._width(trial) > width:
                        yield current
                        current = word
                    else:
                        current = trial
                yield current

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            lines = [markup(line, self.fonts) for line in self._lines(available_width)]
            self._paragraph = Paragraph("<br/>".join(lines), self.style)
            size: tuple[float, float] = self._paragraph.wrap(available_width, available_height)
            return size

        def split(self, available_width: float, available_height: float) -> list[Any]:
            self.wrap(available_width, available_height)
            parts: list[Any] = self._paragraph.split(available_width, available_height)
            return parts

        def draw(self) -> None:
            self._paragraph.drawOn(self.canv, 0, 0)

    return RightToLeft


def section_mark(title: str) -> Any:
    """A flowable that draws nothing but tells the canvas where section `title` starts, so
    that a page continuing it gets a heading with its name."""
    mark = _mark_class()()
    mark.title = title
    return mark


@functools.cache
def _mark_class() -> Any:
    from reportlab.platypus import Flowable

    class SectionMark(Flowable):  # type: ignore[misc]
        title = ""

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return 0, 0

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            canvas.section_marked(self.title, y)

        def draw(self) -> None:
            return None

    return SectionMark


@functools.cache
def _picture_class() -> Any:
    """A flowable that decodes its picture only while drawing it.

    reportlab's own Image flowable keeps the decoded pixels after drawing (to fingerprint
    them), which for hundreds of matches adds up to hundreds of megabytes.
    """
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    class Picture(Flowable):  # type: ignore[misc]
        def __init__(self, data: bytes, width: float, height: float) -> None:
            super().__init__()
            self.data = data
            self.width = width
            self.height = height

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            reader = ImageReader(io.BytesIO(self.data))
            self.canv.drawImage(reader, 0, 0, self.width, self.height)

    return Picture
