"""Laying a story of flowables out as PDF pages: the paper size, the document template, and
the report's canvas that numbers, heads and dates every page (in UTC)."""

import contextlib
import io
import locale
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from likeness_guard.core.report import texts
from likeness_guard.core.report.flowables import ALERT, INK, MUTED, RULE
from likeness_guard.core.report.fonts import ReportFonts, font_runs, visual_order
from likeness_guard.locale import _

# Territories whose paper is US Letter (CLDR's paperSize data); everywhere else uses A4.
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "PR", "BZ", "CL", "CO", "CR", "GT", "NI", "PA", "SV", "VE"}
)
# Windows names territories in words ("English_United States").
_LETTER_NAMES = frozenset({"UNITED STATES", "CANADA", "MEXICO", "PHILIPPINES", "PUERTO RICO"})


def page_size_for_locale(name: str | None = None) -> str:
    """ "Letter" when the locale's territory uses US Letter paper, else "A4".

    `name` is a locale such as "en_US.UTF-8"; by default LC_ALL, LC_PAPER and LANG are
    consulted, then (on Windows and macOS, where they are usually unset) the process locale.
    """
    candidates = [name] if name else [os.environ.get(v) for v in ("LC_ALL", "LC_PAPER", "LANG")]
    if not name and sys.platform in ("win32", "darwin"):
        # Python maps the C locale to en_US, so this is only asked where that cannot happen.
        with contextlib.suppress(ValueError):
            candidates.append(locale.getlocale()[0])
    for candidate in candidates:
        if not candidate or candidate in ("C", "POSIX") or candidate.startswith("C."):
            continue
        parts = candidate.split(".")[0].split("@")[0].replace("-", "_").split("_")
        if len(parts) > 1:
            territory = parts[-1].upper()
            return "Letter" if territory in LETTER_TERRITORIES | _LETTER_NAMES else "A4"
    return "A4"


@dataclass(frozen=True)
class PdfInfo:
    """The PDF's document information: what a reader's "properties" window shows."""

    title: str
    author: str
    subject: str
    creator: str


@dataclass(frozen=True)
class PageFrame:
    """The paper (width, height in points) and the margins of the text frame."""

    size: tuple[float, float]
    margin: float
    top_margin: float | None = None  # None: the same as the others


def lay_out(story: list[Any], page: PageFrame, info: PdfInfo, canvas_class: Any = None) -> bytes:
    """The PDF of `story`, one text frame a page, drawn by `canvas_class` (by default a plain
    canvas that dates the PDF in UTC: reportlab's own would write the computer's time zone).
    `story` is used up: each flowable leaves it once laid out, so that its pictures can be
    freed."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    pdf_date = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")

    class UtcCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *local_time: pdf_date)

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=page.size,
        leftMargin=page.margin,
        rightMargin=page.margin,
        topMargin=page.margin if page.top_margin is None else page.top_margin,
        bottomMargin=page.margin,
        title=info.title,
        author=info.author,
        creator=info.creator,
        subject=info.subject,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=canvas_class or UtcCanvas)
    return out.getvalue()


def numbered_canvas(
    fonts: ReportFonts, footer: str, pages: list[int], now: datetime, frame_top: float
) -> Any:
    """A canvas class that draws the running header and "Page N of M" on every page, a
    heading on pages that continue a section, and writes its dates in UTC. The page count
    is appended to `pages` when the PDF is saved."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    pdf_date = now.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Keeps each page's state until the end, when the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._states: list[dict[str, Any]] = []
            # reportlab would write the computer's local time and time zone.
            self.setDateFormatter(lambda *local_time: pdf_date)
            self._section: str | None = None  # the section being drawn
            self._section_at_start: str | None = None  # ... when this page began
            self._starts_with_heading = False

        def section_marked(self, title: str, y: float) -> None:
            if y >= frame_top - 12:  # the first thing on the page: its heading follows
                self._starts_with_heading = True
            self._section = title

        def showPage(self) -> None:
            self._states.append(dict(self.__dict__))
            self._startPage()
            self._section_at_start = self._section
            self._starts_with_heading = False

        def save(self) -> None:
            total = len(self._states)
            for state in self._states:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            pages.append(total)
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFillColor(colors.HexColor(ALERT))
            self._text(width / 2, height - 32, _(texts.RUNNING_HEADER), 8.5, "centre")
            self.setStrokeColor(colors.HexColor(RULE))
            self.setLineWidth(0.5)
            self.line(50, height - 38, width - 50, height - 38)
            self.line(50, 38, width - 50, 38)
            self.setFillColor(colors.HexColor(MUTED))
            self._text(50, 26, footer, 7.5)
            page = _("Page {page} of {total}").format(page=self._pageNumber, total=total)
            self._text(width - 50, 26, page, 7.5, "right")
            if self._section_at_start and not self._starts_with_heading:
                self.setFillColor(colors.HexColor(INK))
                # Translators: the heading of a page that continues a section.
                title = _("{section} (continued)").format(section=self._section_at_start)
                self._text(50, height - 52, title, 10)
            self.restoreState()

        def _text(self, x: float, y: float, text: str, size: float, align: str = "left") -> None:
            """One line at `x` (its left, centre or right), each script in a font that has
            it, Arabic shaped and in display order."""
            from reportlab.pdfbase.pdfmetrics import stringWidth

            runs = list(font_runs(visual_order(text), fonts))
            width = sum(stringWidth(run, font, size) for font, run in runs)
            x -= {"left": 0.0, "centre": width / 2, "right": width}[align]
            for font, run in runs:
                if (font, size) != (self._fontname, self._fontsize):
                    self.setFont(font, size)
                self.drawString(x, y, run)
                x += stringWidth(run, font, size)

    return NumberedCanvas
