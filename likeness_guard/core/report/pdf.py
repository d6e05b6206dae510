"""The evidence report: a PDF of a scan's matches, with its JSON manifest, written atomically."""

import contextlib
import functools
import hashlib
import io
import locale
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import (
    EvidenceStatus,
    Scan,
    ScanCounts,
    ScanItem,
    Verdict,
)
from likeness_guard.core.domain.synthetic import SyntheticStatus
from likeness_guard.core.domain.words import (
    ABSENCE_IS_NO_PROOF,
    EVIDENCE_WORDS,
    NO_MARKER_CAVEAT,
    counted,
    describe_synthetic,
    incomplete_scan_warning,
)
from likeness_guard.core.report import texts
from likeness_guard.core.report.facts import MatchEntry, iter_entries, short_json
from likeness_guard.core.report.fonts import ReportFonts, load_fonts, markup
from likeness_guard.core.report.manifest import (
    ATTACHMENT_NAME,
    canonical,
    manifest_document,
    manifest_path_for,
    with_pdf_hash,
)
from likeness_guard.core.report.privacy import Presenter, ReportPrivacy
from likeness_guard.core.report.signing import installation_identity, sign_pdf, spaced
from likeness_guard.core.storage.fs import atomic_output, write_atomic
from likeness_guard.core.storage.store import Store

# Territories whose paper is US Letter (CLDR's paperSize data); everywhere else uses A4.
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "PR", "BZ", "CL", "CO", "CR", "GT", "NI", "PA", "SV", "VE"}
)

_INK = "#1d2433"
_MUTED = "#5b6272"
_RULE = "#c9ced8"
_SHADE = "#eef1f6"
_ALERT = "#9b1c31"
_LINK = "#1f4fa3"


class ReportCancelled(Exception):
    """Raised when the caller cancelled the report; nothing was written."""


@dataclass(frozen=True)
class ReportResult:
    """What was written."""

    pdf_path: Path
    manifest_path: Path
    pdf_sha256: str
    item_count: int
    page_count: int
    page_size: str  # "A4" or "Letter"
    unblurred: bool
    fingerprint: str = ""  # SHA-256 of the signing certificate
    timestamped: bool = False
    own_photos_left_out: int = 0


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
            # Windows names territories in words ("English_United States").
            return "Letter" if territory in LETTER_TERRITORIES | _LETTER_NAMES else "A4"
    return "A4"


_LETTER_NAMES = frozenset({"UNITED STATES", "CANADA", "MEXICO", "PHILIPPINES", "PUERTO RICO"})


def select_items(
    store: Store, scan_id: int, *, only_confirmed: bool, item_ids: list[int] | None
) -> list[ScanItem]:
    """The matches to include, most similar first; "not me" matches are always left out,
    and possible matches are in only when confirmed.

    Raises UserFacingError when nothing is left to report.
    """
    if item_ids is not None:
        chosen = [store.item(item_id) for item_id in item_ids]
        items = [i for i in chosen if i is not None and i.scan_id == scan_id]
        items.sort(key=lambda i: (-(i.best_similarity or 0.0), i.id))
    else:
        items = store.reportable_matches(scan_id)
    if only_confirmed:
        items = [i for i in items if i.verdict == Verdict.ME]
    if not items:
        what = "confirmed matches" if only_confirmed else "matches"
        raise UserFacingError(f"Scan {scan_id} has no {what} to put in a report.")
    return items


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class _Styles:
    """Paragraph styles, built after reportlab is imported."""

    def __init__(self, fonts: ReportFonts) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        base = ParagraphStyle(
            "body",
            fontName=fonts.sans,
            fontSize=9.5,
            leading=13,
            textColor=colors.HexColor(_INK),
            splitLongWords=True,
        )
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
        self.mono = ParagraphStyle("mono", parent=self.small, fontSize=7.6, leading=10)
        self.label = ParagraphStyle("label", parent=self.small, textColor=colors.HexColor(_MUTED))
        self.title = ParagraphStyle("title", parent=base, fontSize=22, leading=28, spaceAfter=6)
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=13, leading=18, textColor=colors.HexColor(_MUTED)
        )
        self.h1 = ParagraphStyle(
            "h1", parent=base, fontSize=15, leading=20, spaceBefore=4, spaceAfter=8
        )
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=3
        )
        self.alert = ParagraphStyle("alert", parent=base, textColor=colors.HexColor(_ALERT))
        self.caption = ParagraphStyle(
            "caption", parent=self.small, alignment=1, textColor=colors.HexColor(_MUTED)
        )


class _Builder:
    """Turns entries into flowables; one instance per report."""

    def __init__(self, fonts: ReportFonts, width: float) -> None:
        self.fonts = fonts
        self.styles = _Styles(fonts)
        self.width = width

    def p(self, text: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        lines = [markup(line, self.fonts) for line in str(text).split("\n")]
        return Paragraph("<br/>".join(lines), style or self.styles.body)

    def value(self, text: str, style: Any = None) -> Any:
        """Text, or a clickable, unbroken-looking link when it is a web address."""
        style = style or self.styles.small
        if _is_web_address(text):
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
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(_RULE)),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    def image(self, data: bytes | None, max_w: float, max_h: float) -> Any:
        from reportlab.platypus import Spacer

        if data is None:
            return Spacer(max_w, 1)
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(data)) as probe:
            width, height = probe.size
        scale = min(max_w / width, max_h / height)
        return _picture_class()(data, width * scale, height * scale)

    # ---- parts --------------------------------------------------------------------------

    def cover(
        self,
        scan: Scan,
        counts: ScanCounts,
        title_name: str,
        entries: list[MatchEntry],
        selection: str,
        unblurred: bool,
        now: datetime,
        fingerprint: str,
        own_photos_left_out: int,
    ) -> list[Any]:
        from reportlab.platypus import Spacer

        s = self.styles
        model = scan.model_pack
        confirmed = sum(entry.review == "confirmed" for entry in entries)
        rows: list[tuple[str, Any]] = [
            ("Prepared for", title_name),
            ("Generated", _utc(now) + " (all times in this report are UTC)"),
            ("Software", f"{APP_NAME} {__version__}"),
            (
                "Scan",
                f"number {scan.id}, status {scan.status}\n"
                f"started {scan.started_at}, finished {scan.finished_at or '—'}",
            ),
            ("Face models", model.name),
        ]
        if (warning := incomplete_scan_warning(scan.status)) is not None:
            rows.insert(4, ("WARNING", warning))
        rows += [
            (f"  {name}", self.p(f"SHA-256 {digest}", s.mono))
            for name, digest in model.files.items()
        ]
        rows += [
            (
                "Matching",
                f"threshold {scan.threshold:.2f}"
                + (f" (preset “{scan.preset}”)" if scan.preset else " (set by hand)"),
            ),
            ("What was scanned", self.lines(scan.inputs) if scan.inputs else "—"),
            (
                "Results of the scan",
                f"{counted(counts.items, 'image')}, {counted(counts.faces, 'face')}, "
                f"{counted(counts.matches, 'match', 'matches')}, "
                f"{counted(counts.errors, 'image')} that could not be read",
            ),
            ("In this report", f"{len(entries)} matches ({selection})"),
            (
                "Reviewed",
                f"{confirmed} confirmed by the person as “This is me”, "
                f"{len(entries) - confirmed} not reviewed yet (marked “unreviewed”)",
            ),
            (
                "Images",
                "shown without blurring" if unblurred else "blurred except the matched face",
            ),
            (
                "Signature",
                self.p(
                    "This PDF is signed with a key made for one installation of "
                    f"{APP_NAME}. Certificate SHA-256 fingerprint:\n{spaced(fingerprint)}",
                    s.small,
                ),
            ),
        ]
        if own_photos_left_out:
            rows.append(
                (
                    "Left out",
                    f"{counted(own_photos_left_out, 'copy', 'copies')} of the person's own "
                    "reference photos found by the scan",
                )
            )
        return [
            Spacer(1, 30),
            self.p("Evidence report", s.title),
            self.p("Images that show a person's face, found with " + APP_NAME, s.subtitle),
            Spacer(1, 14),
            self.facts_table(rows),
            Spacer(1, 14),
            self.p(texts.INTRO),
            Spacer(1, 6),
            self.p(
                texts.UNBLURRED_NOTE if unblurred else texts.BLUR_NOTE,
                s.alert if unblurred else s.body,
            ),
        ]

    def summary(self, entries: list[MatchEntry]) -> list[Any]:
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        s = self.styles
        header = [
            self.p(h, s.label)
            for h in ("#", "Image", "Source", "Similarity", "AI signs", "SHA-256")
        ]
        rows = [header]
        for entry in entries:
            rows.append(
                [
                    self.p(str(entry.number), s.small),
                    self.image(entry.thumb_jpeg, 44, 44),
                    self.value(entry.item.source, s.small),
                    self.p(f"{entry.similarity:.2f}\n{entry.words}\n{entry.review}", s.small),
                    self.p(describe_synthetic(entry.item.synthetic).badge, s.small),
                    self.p((entry.item.sha256 or "—")[:16] + "…", s.mono),
                ]
            )
        widths = [22, 52, self.width - 22 - 52 - 70 - 90 - 80, 70, 90, 80]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_SHADE)),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(_RULE)),
                ]
            )
        )
        return [_mark("Summary of matches"), self.p("Summary of matches", s.h1), table]

    def section(self, entry: MatchEntry, total: int, unblurred: bool) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

        s = self.styles
        item = entry.item
        title = f"Match {entry.number} of {total}"
        flow: list[Any] = [_mark(title), self.p(title, s.h1)]
        picture_w = self.width * 0.56
        side_w = self.width - picture_w - 12
        if entry.detail_jpeg is not None:
            caption = (
                "As found (not blurred at the user's request); the matched face is outlined."
                if unblurred
                else "Blurred except the matched face, which is outlined."
            )
            left = [self.image(entry.detail_jpeg, picture_w, 300), self.p(caption, s.caption)]
        else:
            left = [self.p(_no_picture(entry), s.alert)]
        face = self.image(entry.face_jpeg, side_w / 2 - 6, 110)
        ref = self.image(
            entry.reference.thumbnail_png if entry.reference else None, side_w / 2 - 6, 110
        )
        faces = Table(
            [
                [face, ref],
                [self.p("Face in this image", s.caption), self.p(_ref_caption(entry), s.caption)],
            ],
            colWidths=[side_w / 2, side_w / 2],
        )
        faces.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")])
        )
        score = [
            faces,
            Spacer(1, 8),
            self.p(f"Similarity {entry.similarity:.4f}: {entry.words}", s.h2),
            self.p(
                f"Threshold {entry.threshold:.2f}: faces scoring at least this are reported as "
                "matches. Resemblance is not proof of identity (see “Method and limits”).",
                s.small,
            ),
        ]
        if item.verdict == Verdict.ME:
            when = f" on {item.verdict_at}" if item.verdict_at else ""
            score.append(self.p(f"The person confirmed “This is me”{when}.", s.small))
        else:
            score.append(
                self.p("Unreviewed: the person has not yet confirmed that this is them.", s.alert)
            )
        if entry.own_photo:
            score.append(
                self.p("These are the exact bytes of one of the person's own reference photos.")
            )
        top = Table([[left, score]], colWidths=[picture_w + 12, side_w])
        top.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        )
        flow += [top, Spacer(1, 6)]
        flow.append(
            KeepTogether(
                [self.p("Where it was found", s.h2), self.facts_table(_provenance_rows(item))]
            )
        )
        if entry.takedown_history:
            flow.append(
                KeepTogether(
                    [
                        self.p("Removal requests and re-checks", s.h2),
                        self.p("\n".join(entry.takedown_history), s.small),
                    ]
                )
            )
        if item.is_video:
            from likeness_guard.core.report.video_facts import video_section

            flow += video_section(self, entry, unblurred)
        else:
            flow.append(
                KeepTogether(
                    [
                        self.p("Image facts and hashes", s.h2),
                        self.facts_table(self._image_rows(entry)),
                    ]
                )
            )
        flow += [self.p("Synthetic-media indicators", s.h2), *self._synthetic(item)]
        return flow

    def _image_rows(self, entry: MatchEntry) -> list[tuple[str, Any]]:
        s = self.styles
        item = entry.item
        dims = f"{item.width} \u00d7 {item.height} pixels" if item.width else "—"
        frames = f", {item.frame_count} frames" if (item.frame_count or 1) > 1 else ""
        rows: list[tuple[str, Any]] = [
            ("Format", f"{item.format or '—'}, {dims}{frames}"),
            (
                "Date taken (EXIF)",
                entry.exif.get("date_taken") or entry.exif.get("date_modified") or "none recorded",
            ),
            (
                "Camera (EXIF)",
                " ".join(
                    v for v in (entry.exif.get("camera_make"), entry.exif.get("camera_model")) if v
                )
                or "none recorded",
            ),
            ("Software (EXIF)", entry.exif.get("software") or "none recorded"),
            ("SHA-256", self.p(item.sha256 or "—", s.mono)),
        ]
        if entry.pdq is not None:
            note = "" if entry.pdq.reliable else " (low quality: unreliable for matching)"
            rows.append(
                (
                    "PDQ hash (stored pixels, as platforms compute it)",
                    self.p(f"{entry.pdq.hex}\nquality {entry.pdq.quality}{note}", s.mono),
                )
            )
            if entry.pdq_displayed is not None:
                rows.append(
                    (
                        f"PDQ hash (as displayed: EXIF orientation {entry.orientation} applied)",
                        self.p(
                            f"{entry.pdq_displayed.hex}\nquality {entry.pdq_displayed.quality}",
                            s.mono,
                        ),
                    )
                )
        else:
            rows.append(("PDQ hash", "not available: " + _no_picture(entry)))
        rows.append(("Kept evidence", EVIDENCE_WORDS[entry.evidence_status]))
        return rows

    def _synthetic(self, item: ScanItem) -> list[Any]:
        s = self.styles
        synthetic = item.synthetic
        words = describe_synthetic(synthetic)
        if synthetic is None:
            return [self.p(words.explanation, s.small)]
        flow: list[Any] = [self.p(f"Result: {words.result}", s.body)]
        for indicator in synthetic.indicators:
            rows: list[tuple[str, Any]] = [
                (
                    "Indicator",
                    f"{indicator.summary}\n(kind {indicator.kind}, strength {indicator.strength})",
                ),
            ]
            rows += [
                (f"  {key}", self.p(short_json(value), s.mono))
                for key, value in indicator.evidence.items()
            ]
            flow.append(self.facts_table(rows))
        for note in synthetic.notes:
            flow.append(self.p(f"Note: {note}", s.small))
        if synthetic.status is SyntheticStatus.NO_MARKER_FOUND:
            flow.append(self.p(NO_MARKER_CAVEAT, s.small))
        elif synthetic.status is not SyntheticStatus.AI_GENERATED:
            flow.append(self.p(ABSENCE_IS_NO_PROOF, s.small))
        return flow

    def method(self) -> list[Any]:
        flow = [_mark("Method and limits"), self.p("Method and limits", self.styles.h1)]
        for heading, text in texts.METHOD:
            flow += [self.p(heading, self.styles.h2), self.p(text)]
        return flow

    def appendix(self, entries: list[MatchEntry]) -> list[Any]:
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        s = self.styles
        rows = [[self.p(h, s.label) for h in ("#", "SHA-256 and PDQ", "Source")]]
        for entry in entries:
            pdq = entry.pdq.hex if entry.pdq else "—"
            hashes = f"SHA-256 {entry.item.sha256 or '—'}\nPDQ {pdq} (stored pixels)"
            if entry.pdq_displayed is not None:
                hashes += f"\nPDQ {entry.pdq_displayed.hex} (as displayed)"
            rows.append(
                [
                    self.p(str(entry.number), s.small),
                    self.p(hashes, s.mono),
                    self.value(entry.item.source, s.small),
                ]
            )
        table = Table(rows, colWidths=[22, 330, self.width - 352], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_SHADE)),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(_RULE)),
                ]
            )
        )
        title = "Appendix A: hash manifest"
        flow = [_mark(title), self.p(title, s.h1), table]
        return flow

    def next_steps(self) -> list[Any]:
        title = "Appendix B: what you can do next"
        flow = [_mark(title), self.p(title, self.styles.h1)]
        for heading, text in texts.NEXT_STEPS:
            flow += [self.p(heading, self.styles.h2), self.p(text)]
        return flow


def _no_picture(entry: MatchEntry) -> str:
    if entry.evidence_status is EvidenceStatus.MISSING:
        return "the image's bytes were not kept, so it cannot be shown here."
    if entry.evidence_status is EvidenceStatus.CHANGED:
        return "the kept copy no longer matches its SHA-256 hash, so it is not shown."
    return f"the image could not be decoded ({entry.decode_error})."


def _ref_caption(entry: MatchEntry) -> str:
    if entry.reference is None:
        return "Reference photo (no longer stored)"
    return f"Best reference: {entry.reference_label or entry.reference.source_name}"


def _provenance_rows(item: ScanItem) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [("Source", item.source)]
    web = item.web
    if web:
        http = web.http
        rows.append(("Image address", web.url or "—"))
        if web.final_url and web.final_url != web.url:
            rows.append(("Final address", web.final_url))
        if http and http.redirects:
            rows.append(("Redirects, in order", list(http.redirects)))
        rows.append(("Found on page", web.page_url or "given directly"))
        rows.append(("Retrieved (UTC)", web.retrieved_at or "—"))
        rows.append(("HTTP status", str(http.status) if http else "—"))
        for name, value in (http.headers if http else {}).items():
            rows.append((f"  {name}", value))
        if web.page:
            rows.append(
                (
                    "Page as retrieved",
                    f"SHA-256 {web.page.sha256}\nretrieved {web.page.retrieved_at}, "
                    f"HTTP {web.page.http.status}",
                )
            )
    if item.file:
        rows.append(("File path", item.file.path))
        rows.append(("File size", f"{item.file.size:,} bytes"))
        rows.append(("Modified (file system)", item.file.modified_at))
    return rows


@dataclass
class PreparedReport:
    """A report's content, gathered before anything is written (see `prepare_report`)."""

    scan: Scan  # as shown: the chosen name, paths relative to what was scanned
    counts: ScanCounts
    entries: list[MatchEntry]
    presenter: Presenter
    selection: str
    size_name: str
    unblurred: bool
    now: datetime
    own_photos_left_out: int


def prepare_report(
    store: Store,
    scan_id: int,
    *,
    only_confirmed: bool = False,
    item_ids: list[int] | None = None,
    unblurred: bool = False,
    privacy: ReportPrivacy | None = None,
    page_size: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PreparedReport:
    """Choose the matches and gather their facts and pictures, under the privacy rules.

    Raises UserFacingError for a missing scan or nothing to report, ReportCancelled.
    """
    privacy = privacy or ReportPrivacy()
    scan = store.scan(scan_id)
    if scan is None:
        raise UserFacingError(f"There is no scan number {scan_id}.")
    items = select_items(store, scan_id, only_confirmed=only_confirmed, item_ids=item_ids)
    references = store.references(scan.profile_id) if scan.profile_id is not None else []
    presenter = Presenter(scan, references, privacy)
    own = [item for item in items if presenter.is_own_photo(item)]
    if not privacy.include_own_photos:
        items = [item for item in items if not presenter.is_own_photo(item)]
        if not items:
            raise UserFacingError(
                f"Scan {scan_id} found only copies of your own reference photos. They are "
                "left out of reports unless you ask for them (--include-own-photos)."
            )
    size_name = page_size or page_size_for_locale()
    size_name = "Letter" if size_name.lower() == "letter" else "A4"
    entries = []
    for entry in iter_entries(
        store,
        scan,
        [presenter.item(item) for item in items],
        unblurred=unblurred,
        progress=progress,
        cancelled=cancelled,
    ):
        entry.reference_label = presenter.reference_label(entry.item.best_reference_id)
        entry.own_photo = presenter.is_own_photo(entry.item)
        entries.append(entry)
    if len(entries) < len(items):
        raise ReportCancelled()
    selection = (
        "chosen by hand"
        if item_ids is not None
        else "confirmed as “This is me”"
        if only_confirmed
        else "all matches not marked “not me”"
    )
    return PreparedReport(
        scan=presenter.scan(),
        counts=store.scan_counts([scan_id])[scan_id],
        entries=entries,
        presenter=presenter,
        selection=selection,
        size_name=size_name,
        unblurred=unblurred,
        now=datetime.now(UTC).replace(microsecond=0),
        own_photos_left_out=0 if privacy.include_own_photos else len(own),
    )


def write_report(
    prepared: PreparedReport,
    out: Path,
    data_folder: Path,
    *,
    timestamp_url: str | None = None,
    package: dict[str, Any] | None = None,
) -> ReportResult:
    """Lay out the PDF, attach its manifest, sign it with this installation's key (kept in
    `data_folder`) and write it with the manifest beside it, atomically.

    `package` is the evidence package's section of the manifest, when there is one.
    Raises UserFacingError when the files cannot be written or no time-stamp can be had.
    """
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate

    size = LETTER if prepared.size_name == "Letter" else A4
    fonts = load_fonts()
    now = prepared.now
    margin = 50.0
    builder = _Builder(fonts, size[0] - 2 * margin)
    identity = installation_identity(data_folder)
    entries = prepared.entries
    name = prepared.presenter.name
    story: list[Any] = builder.cover(
        prepared.scan,
        prepared.counts,
        name,
        entries,
        prepared.selection,
        prepared.unblurred,
        now,
        identity.fingerprint,
        prepared.own_photos_left_out,
    )
    story += [PageBreak(), *builder.summary(entries)]
    for entry in entries:
        story += [PageBreak(), *builder.section(entry, len(entries), prepared.unblurred)]
    story += [
        PageBreak(),
        *builder.method(),
        PageBreak(),
        *builder.appendix(entries),
        *builder.next_steps(),
    ]
    privacy = prepared.presenter.privacy
    document = manifest_document(
        prepared.scan,
        entries,
        pdf_name=out.name,
        generated_at=now,
        unblurred=prepared.unblurred,
        title_name=name,
        page_size=prepared.size_name,
        selection=prepared.selection,
        signature={
            "certificate_sha256": identity.fingerprint,
            "certificate_pem": identity.cert_pem.decode("ascii"),
            "timestamp_url": timestamp_url,
        },
        privacy={
            "full_paths": privacy.full_paths,
            "reference_names": privacy.reference_names,
            "own_reference_photos_left_out": prepared.own_photos_left_out,
            "times": "UTC",
        },
        package=package,
    )

    footer = f"{APP_NAME} evidence report · generated {_utc(now)}"
    pages: list[int] = []
    top_margin = margin + 8
    canvas_class = _numbered_canvas(fonts, footer, pages, now, size[1] - top_margin)
    layout = io.BytesIO()
    doc = BaseDocTemplate(
        layout,
        pagesize=size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=top_margin,
        bottomMargin=margin,
        title="Evidence report (confidential)",
        author=APP_NAME,
        creator=f"{APP_NAME} {__version__}",
        subject=texts.RUNNING_HEADER,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=canvas_class)
    del story
    signed = sign_pdf(
        layout.getvalue(),
        identity,
        attachment=canonical(document),
        attachment_name=ATTACHMENT_NAME,
        signed_at=now,
        timestamp_url=timestamp_url,
    )
    digest = hashlib.sha256(signed).hexdigest()
    manifest_path = manifest_path_for(out)
    try:
        with atomic_output(out) as tmp:
            tmp.write_bytes(signed)
            write_atomic(manifest_path, canonical(with_pdf_hash(document, digest)))
    except OSError as exc:
        raise UserFacingError(
            f"The report could not be written to {out} ({exc.strerror or exc})."
        ) from exc
    return ReportResult(
        out,
        manifest_path,
        digest,
        len(entries),
        pages[-1] if pages else 0,
        prepared.size_name,
        prepared.unblurred,
        fingerprint=identity.fingerprint,
        timestamped=timestamp_url is not None,
        own_photos_left_out=prepared.own_photos_left_out,
    )


def build_report(
    store: Store,
    scan_id: int,
    out_path: Path | str,
    *,
    only_confirmed: bool = False,
    item_ids: list[int] | None = None,
    unblurred: bool = False,
    title_name: str | None = None,
    page_size: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    privacy: ReportPrivacy | None = None,
    timestamp_url: str | None = None,
) -> ReportResult:
    """Write the signed evidence report PDF and its manifest for a scan's matches.

    `item_ids` picks matches by hand; `only_confirmed` keeps those marked "This is me";
    matches marked "not me" are never included. `title_name` (or `privacy.name`) replaces
    the profile's name everywhere. `page_size` is "A4" or "Letter" (default: from the
    locale). `progress(done, total)` is called after each match is prepared and
    `cancelled()` is checked between matches (raises ReportCancelled; nothing is written).
    `timestamp_url` asks that time-stamping authority (RFC 3161) to time-stamp the
    signature: the only network use. Raises UserFacingError for a missing scan, no
    matches, an unwritable file, or a time-stamp that could not be had.
    """
    privacy = privacy or ReportPrivacy()
    if title_name:
        privacy = replace(privacy, name=title_name)
    prepared = prepare_report(
        store,
        scan_id,
        only_confirmed=only_confirmed,
        item_ids=item_ids,
        unblurred=unblurred,
        privacy=privacy,
        page_size=page_size,
        progress=progress,
        cancelled=cancelled,
    )
    return write_report(prepared, Path(out_path), store.folder, timestamp_url=timestamp_url)


def _is_web_address(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


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
            href = escape(self.url, {'"': "&quot;"})
            lines = url_lines(
                self.url, available_width - 1, self.style.fontName, self.style.fontSize
            )
            text = "<br/>".join(
                f'<a href="{href}" color="{_LINK}">{markup(line, self.fonts)}</a>' for line in lines
            )
            self._paragraph = Paragraph(text, self.style)
            width, height = self._paragraph.wrap(available_width, available_height)
            self.width, self.height = width, height
            return width, height

        def draw(self) -> None:
            self._paragraph.drawOn(self.canv, 0, 0)

    return Link


def _mark(title: str) -> Any:
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


def _numbered_canvas(
    fonts: ReportFonts, footer: str, pages: list[int], now: datetime, frame_top: float
) -> Any:
    """A canvas class that draws the running header and "Page N of M" on every page, a
    heading on pages that continue a section, and writes its dates in UTC."""
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
            self.setFillColor(colors.HexColor(_ALERT))
            self.setFont(fonts.sans, 8.5)
            self.drawCentredString(width / 2, height - 32, texts.RUNNING_HEADER)
            self.setStrokeColor(colors.HexColor(_RULE))
            self.setLineWidth(0.5)
            self.line(50, height - 38, width - 50, height - 38)
            self.line(50, 38, width - 50, 38)
            self.setFillColor(colors.HexColor(_MUTED))
            self.setFont(fonts.sans, 7.5)
            self.drawString(50, 26, footer)
            self.drawRightString(width - 50, 26, f"Page {self._pageNumber} of {total}")
            if self._section_at_start and not self._starts_with_heading:
                self.setFillColor(colors.HexColor(_INK))
                self.setFont(fonts.sans, 10)
                self.drawString(50, height - 52, f"{self._section_at_start} (continued)")
            self.restoreState()

    return NumberedCanvas
