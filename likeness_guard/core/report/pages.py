"""The report's pages: cover, summary, one section per match (image or video), method and
limits, appendices; and laying them all out as the unsigned PDF."""

import json
from dataclasses import dataclass
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.records import EvidenceStatus, ScanItem, Verdict
from likeness_guard.core.domain.synthetic import SyntheticStatus
from likeness_guard.core.domain.words import (
    ABSENCE_IS_NO_PROOF,
    EVIDENCE_WORDS,
    NO_MARKER_CAVEAT,
    describe_synthetic,
    images_count,
    incomplete_scan_warning,
    matches_count,
    moment,
)
from likeness_guard.core.report import texts
from likeness_guard.core.report.chat_facts import chat_rows
from likeness_guard.core.report.document import PageFrame, PdfInfo, lay_out, numbered_canvas
from likeness_guard.core.report.facts import MatchEntry
from likeness_guard.core.report.flowables import RULE, SHADE, ReportStyles, Typesetter, section_mark
from likeness_guard.core.report.fonts import load_fonts
from likeness_guard.core.report.prepare import PreparedReport
from likeness_guard.core.report.signing import UTC_READABLE, spaced, utc_text
from likeness_guard.core.report.video_facts import segment_rows, video_rows
from likeness_guard.locale import _, ngettext

ReportTypesetter = Typesetter[ReportStyles]

PAGE_INSET = 50.0  # points between the paper edge and the text (the top one adds 8)


@dataclass(frozen=True)
class LaidOut:
    """The report as laid out, before it is signed."""

    pdf: bytes
    page_count: int


def lay_out_report(prepared: PreparedReport, fingerprint: str) -> LaidOut:
    """The report's pages as an unsigned PDF; `fingerprint` is the signing certificate's."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.platypus import PageBreak

    size = LETTER if prepared.size_name == "Letter" else A4
    fonts = load_fonts()
    t = ReportTypesetter(fonts, size[0] - 2 * PAGE_INSET, ReportStyles(fonts))
    entries = prepared.entries
    story: list[Any] = cover(t, prepared, fingerprint)
    story += [PageBreak(), *summary(t, entries)]
    for entry in entries:
        story += [PageBreak(), *match_section(t, entry, len(entries), prepared.unblurred)]
    story += [PageBreak(), *method(t), PageBreak(), *appendix(t, entries), *next_steps(t)]
    footer = f"{APP_NAME} evidence report · generated {utc_text(prepared.now, UTC_READABLE)}"
    pages: list[int] = []
    top_margin = PAGE_INSET + 8
    canvas_class = numbered_canvas(fonts, footer, pages, prepared.now, size[1] - top_margin)
    info = PdfInfo(
        title="Evidence report (confidential)",
        author=APP_NAME,
        subject=texts.RUNNING_HEADER,
        creator=f"{APP_NAME} {__version__}",
    )
    pdf = lay_out(story, PageFrame(size, PAGE_INSET, top_margin), info, canvas_class)
    return LaidOut(pdf, pages[-1] if pages else 0)


def cover(t: ReportTypesetter, prepared: PreparedReport, fingerprint: str) -> list[Any]:
    """The first page: who it is for, what was scanned and how, what is in the report."""
    from reportlab.platypus import Spacer

    s = t.styles
    unblurred = prepared.unblurred
    return [
        Spacer(1, 30),
        t.p("Evidence report", s.title),
        t.p("Images that show a person's face, found with " + APP_NAME, s.subtitle),
        Spacer(1, 14),
        t.facts_table(_cover_rows(t, prepared, fingerprint)),
        Spacer(1, 14),
        t.p(texts.INTRO),
        Spacer(1, 6),
        t.p(
            texts.UNBLURRED_NOTE if unblurred else texts.BLUR_NOTE, s.alert if unblurred else s.body
        ),
    ]


def _cover_rows(t: ReportTypesetter, prepared: PreparedReport, fingerprint: str) -> list[Any]:
    scan, counts, entries = prepared.scan, prepared.counts, prepared.entries
    model = scan.model_pack
    confirmed = sum(entry.review == "confirmed" for entry in entries)
    rows: list[tuple[str, Any]] = [
        ("Prepared for", prepared.presenter.name),
        ("Generated", utc_text(prepared.now, UTC_READABLE) + " (all times in this report are UTC)"),
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
        (f"  {name}", t.p(f"SHA-256 {digest}", t.styles.mono))
        for name, digest in model.files.items()
    ]
    rows += [
        (
            "Matching",
            f"threshold {scan.threshold:.2f}"
            + (f" (preset “{scan.preset}”)" if scan.preset else " (set by hand)"),
        ),
        ("What was scanned", t.lines(scan.inputs) if scan.inputs else "—"),
        (
            "Results of the scan",
            # Translators: counts with their nouns ("12 images", "3 faces", "1 match").
            _("{images}, {faces}, {matches}, {unreadable} that could not be read").format(
                images=images_count(counts.items),
                faces=ngettext("{count} face", "{count} faces", counts.faces).format(
                    count=counts.faces
                ),
                matches=matches_count(counts.matches),
                unreadable=images_count(counts.errors),
            ),
        ),
        ("In this report", f"{len(entries)} matches ({prepared.selection})"),
        (
            "Reviewed",
            f"{confirmed} confirmed by the person as “This is me”, "
            f"{len(entries) - confirmed} not reviewed yet (marked “unreviewed”)",
        ),
        (
            "Images",
            "shown without blurring" if prepared.unblurred else "blurred except the matched face",
        ),
        (
            "Signature",
            t.p(
                "This PDF is signed with a key made for one installation of "
                f"{APP_NAME}. Certificate SHA-256 fingerprint:\n{spaced(fingerprint)}",
                t.styles.small,
            ),
        ),
    ]
    if left_out := prepared.own_photos_left_out:
        rows.append(
            (
                "Left out",
                ngettext(
                    "{count} copy of the person's own reference photos found by the scan",
                    "{count} copies of the person's own reference photos found by the scan",
                    left_out,
                ).format(count=left_out),
            )
        )
    return rows


def _listing(t: ReportTypesetter, rows: list[list[Any]], widths: list[float]) -> Any:
    """A table with a shaded header row that repeats on each page it runs over."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(SHADE)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
            ]
        )
    )
    return table


def summary(t: ReportTypesetter, entries: list[MatchEntry]) -> list[Any]:
    """One row per match: thumbnail, source, similarity, AI signs, hash."""
    s = t.styles
    header = [
        t.p(h, s.label) for h in ("#", "Image", "Source", "Similarity", "AI signs", "SHA-256")
    ]
    rows = [header]
    for entry in entries:
        rows.append(
            [
                t.p(str(entry.number), s.small),
                t.image(entry.thumb_jpeg, 44, 44),
                t.value(entry.item.source, s.small),
                t.p(f"{entry.similarity:.2f}\n{entry.words}\n{entry.review}", s.small),
                t.p(describe_synthetic(entry.item.synthetic).badge, s.small),
                t.p((entry.item.sha256 or "—")[:16] + "…", s.mono),
            ]
        )
    widths = [22, 52, t.width - 22 - 52 - 70 - 90 - 80, 70, 90, 80]
    table = _listing(t, rows, widths)
    return [section_mark("Summary of matches"), t.p("Summary of matches", s.h1), table]


def match_section(t: ReportTypesetter, entry: MatchEntry, total: int, unblurred: bool) -> list[Any]:
    """A match's pages: its picture and face beside the score, where it was found, its
    removal history, its facts and hashes, and its synthetic-media indicators."""
    from reportlab.platypus import KeepTogether, Spacer

    s = t.styles
    item = entry.item
    title = f"Match {entry.number} of {total}"
    flow: list[Any] = [section_mark(title), t.p(title, s.h1), _match_top(t, entry, unblurred)]
    flow.append(Spacer(1, 6))
    flow.append(
        KeepTogether([t.p("Where it was found", s.h2), t.facts_table(_provenance_rows(item))])
    )
    if entry.takedown_history:
        flow.append(
            KeepTogether(
                [
                    t.p("Removal requests and re-checks", s.h2),
                    t.p("\n".join(entry.takedown_history), s.small),
                ]
            )
        )
    if item.is_video:
        flow += video_section(t, entry, unblurred)
    else:
        flow.append(
            KeepTogether(
                [t.p("Image facts and hashes", s.h2), t.facts_table(_image_rows(t, entry))]
            )
        )
    flow += [t.p("Synthetic-media indicators", s.h2), *_synthetic(t, item)]
    return flow


def _match_top(t: ReportTypesetter, entry: MatchEntry, unblurred: bool) -> Any:
    """The picture as found (left), and the faces compared with the score (right)."""
    from reportlab.platypus import Spacer, Table, TableStyle

    s = t.styles
    picture_w = t.width * 0.56
    side_w = t.width - picture_w - 12
    if entry.detail_jpeg is not None:
        caption = (
            "As found (not blurred at the user's request); the matched face is outlined."
            if unblurred
            else "Blurred except the matched face, which is outlined."
        )
        left = [t.image(entry.detail_jpeg, picture_w, 300), t.p(caption, s.caption)]
    else:
        left = [t.p(_no_picture(entry), s.alert)]
    face = t.image(entry.face_jpeg, side_w / 2 - 6, 110)
    ref = t.image(entry.reference.thumbnail_png if entry.reference else None, side_w / 2 - 6, 110)
    faces = Table(
        [[face, ref], [t.p("Face in this image", s.caption), t.p(_ref_caption(entry), s.caption)]],
        colWidths=[side_w / 2, side_w / 2],
    )
    faces.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")])
    )
    score = [
        faces,
        Spacer(1, 8),
        t.p(f"Similarity {entry.similarity:.4f}: {entry.words}", s.h2),
        t.p(
            f"Threshold {entry.threshold:.2f}: faces scoring at least this are reported as "
            "matches. Resemblance is not proof of identity (see “Method and limits”).",
            s.small,
        ),
        *(t.p(note, s.small) for note in entry.face_notes),  # found turned, looks drawn
    ]
    item = entry.item
    if item.verdict == Verdict.ME:
        when = f" on {item.verdict_at}" if item.verdict_at else ""
        score.append(t.p(f"The person confirmed “This is me”{when}.", s.small))
    else:
        score.append(
            t.p("Unreviewed: the person has not yet confirmed that this is them.", s.alert)
        )
    if entry.own_photo:
        score.append(t.p("These are the exact bytes of one of the person's own reference photos."))
    top = Table([[left, score]], colWidths=[picture_w + 12, side_w])
    top.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return top


def _image_rows(t: ReportTypesetter, entry: MatchEntry) -> list[tuple[str, Any]]:
    s = t.styles
    item = entry.item
    dims = f"{item.width} \u00d7 {item.height} pixels" if item.width else "—"
    frames = f", {item.frame_count} frames" if (item.frame_count or 1) > 1 else ""
    camera = (entry.exif.get("camera_make"), entry.exif.get("camera_model"))
    rows: list[tuple[str, Any]] = [
        ("Format", f"{item.format or '—'}, {dims}{frames}"),
        (
            "Date taken (EXIF)",
            entry.exif.get("date_taken") or entry.exif.get("date_modified") or "none recorded",
        ),
        ("Camera (EXIF)", " ".join(v for v in camera if v) or "none recorded"),
        ("Software (EXIF)", entry.exif.get("software") or "none recorded"),
        ("SHA-256", t.p(item.sha256 or "—", s.mono)),
    ]
    if entry.pdq is not None:
        note = "" if entry.pdq.reliable else " (low quality: unreliable for matching)"
        rows.append(
            (
                "PDQ hash (stored pixels, as platforms compute it)",
                t.p(f"{entry.pdq.hex}\nquality {entry.pdq.quality}{note}", s.mono),
            )
        )
        if entry.pdq_displayed is not None:
            rows.append(
                (
                    f"PDQ hash (as displayed: EXIF orientation {entry.orientation} applied)",
                    t.p(
                        f"{entry.pdq_displayed.hex}\nquality {entry.pdq_displayed.quality}",
                        s.mono,
                    ),
                )
            )
    else:
        rows.append(("PDQ hash", "not available: " + _no_picture(entry)))
    rows.append(("Kept evidence", EVIDENCE_WORDS[entry.evidence_status]))
    return rows


def video_section(t: ReportTypesetter, entry: MatchEntry, unblurred: bool) -> list[Any]:
    """The flowables of a video match's facts, moments and best frames."""
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Table, TableStyle

    s = t.styles
    flow: list[Any] = [
        KeepTogether([t.p("Video facts and hashes", s.h2), t.facts_table(video_rows(entry))])
    ]
    rows = segment_rows(entry)
    header = ["#", "Seen (hh:mm:ss)", "Best similarity", "Best frame at"]
    table = Table(
        [[t.p(cell, s.small) for cell in row] for row in [header, *rows]],
        colWidths=[24, 170, 100, 100],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    flow.append(t.p("Moments where the face was found", s.h2))
    flow.append(table if rows else t.p("None in the frames examined.", s.small))
    if entry.video_frames:
        width = t.width / max(1, len(entry.video_frames)) - 6
        pictures = [t.image(jpeg, width, 110) for _when, jpeg in entry.video_frames]
        captions = [t.p(moment(when), s.caption) for when, _jpeg in entry.video_frames]
        strip = Table([pictures, captions])
        strip.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        how = "not blurred, at the user's request" if unblurred else "blurred"
        flow += [t.p(f"Best frame of each moment ({how})", s.small), strip]
    return flow


def short_json(value: Any, limit: int = 1500) -> str:
    """A compact, readable rendering of raw evidence for the PDF, cut at `limit` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more]"


def _synthetic(t: ReportTypesetter, item: ScanItem) -> list[Any]:
    s = t.styles
    synthetic = item.synthetic
    words = describe_synthetic(synthetic)
    if synthetic is None:
        return [t.p(words.explanation, s.small)]
    flow: list[Any] = [t.p(f"Result: {words.result}", s.body)]
    for indicator in synthetic.indicators:
        rows: list[tuple[str, Any]] = [
            (
                "Indicator",
                f"{indicator.summary}\n(kind {indicator.kind}, strength {indicator.strength})",
            ),
        ]
        rows += [
            (f"  {key}", t.p(short_json(value), s.mono))
            for key, value in indicator.evidence.items()
        ]
        flow.append(t.facts_table(rows))
    for note in synthetic.notes:
        flow.append(t.p(f"Note: {note}", s.small))
    if synthetic.status is SyntheticStatus.NO_MARKER_FOUND:
        flow.append(t.p(_(NO_MARKER_CAVEAT), s.small))
    elif synthetic.status is not SyntheticStatus.AI_GENERATED:
        flow.append(t.p(_(ABSENCE_IS_NO_PROOF), s.small))
    return flow


def _headed_texts(t: ReportTypesetter, title: str, parts: tuple[tuple[str, str], ...]) -> list[Any]:
    """A section of fixed texts, each under its own heading."""
    flow = [section_mark(title), t.p(title, t.styles.h1)]
    for heading, text in parts:
        flow += [t.p(heading, t.styles.h2), t.p(text)]
    return flow


def method(t: ReportTypesetter) -> list[Any]:
    """How matches were found, and what they can and cannot show."""
    return _headed_texts(t, "Method and limits", texts.METHOD)


def appendix(t: ReportTypesetter, entries: list[MatchEntry]) -> list[Any]:
    """Appendix A: every match's hashes and source."""
    s = t.styles
    rows = [[t.p(h, s.label) for h in ("#", "SHA-256 and PDQ", "Source")]]
    for entry in entries:
        pdq = entry.pdq.hex if entry.pdq else "—"
        hashes = f"SHA-256 {entry.item.sha256 or '—'}\nPDQ {pdq} (stored pixels)"
        if entry.pdq_displayed is not None:
            hashes += f"\nPDQ {entry.pdq_displayed.hex} (as displayed)"
        rows.append(
            [
                t.p(str(entry.number), s.small),
                t.p(hashes, s.mono),
                t.value(entry.item.source, s.small),
            ]
        )
    table = _listing(t, rows, [22, 330, t.width - 352])
    title = "Appendix A: hash manifest"
    return [section_mark(title), t.p(title, s.h1), table]


def next_steps(t: ReportTypesetter) -> list[Any]:
    """Appendix B: what the person can do next."""
    return _headed_texts(t, "Appendix B: what you can do next", texts.NEXT_STEPS)


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
    if item.chat:  # a chat export's picture: its channel, message, time and sender
        rows += chat_rows(item.chat)
    return rows
