"""The report's pages: cover, summary, one section per match (image or video), method and
limits, appendices; and laying them all out as the unsigned PDF."""

import json
from dataclasses import dataclass
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.audit import AuditEntry
from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.domain.synthetic import SyntheticStatus
from likeness_guard.core.domain.words import (
    ABSENCE_IS_NO_PROOF,
    NO_MARKER_CAVEAT,
    describe_synthetic,
    images_count,
    incomplete_scan_warning,
    matches_count,
    moment,
)
from likeness_guard.core.report import texts
from likeness_guard.core.report.document import PageFrame, PdfInfo, lay_out, numbered_canvas
from likeness_guard.core.report.facts import MatchEntry
from likeness_guard.core.report.flowables import RULE, SHADE, ReportStyles, Typesetter, section_mark
from likeness_guard.core.report.fonts import load_fonts
from likeness_guard.core.report.prepare import PreparedReport
from likeness_guard.core.report.rows import (
    image_rows,
    no_picture,
    preset_words,
    provenance_rows,
    ref_caption,
    review_words,
    status_words,
)
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
    if prepared.audit:
        story += [PageBreak(), *audit_log(t, prepared.audit)]
    footer = _("{app} evidence report · generated {time}").format(
        app=APP_NAME, time=utc_text(prepared.now, UTC_READABLE)
    )
    pages: list[int] = []
    top_margin = PAGE_INSET + 8
    canvas_class = numbered_canvas(fonts, footer, pages, prepared.now, size[1] - top_margin)
    info = PdfInfo(
        title=_("Evidence report (confidential)"),
        author=APP_NAME,
        subject=_(texts.RUNNING_HEADER),
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
        t.p(_("Evidence report"), s.title),
        t.p(
            _("Images that show a person's face, found with {app}").format(app=APP_NAME), s.subtitle
        ),
        Spacer(1, 14),
        t.facts_table(_cover_rows(t, prepared, fingerprint)),
        Spacer(1, 14),
        t.p(_(texts.INTRO)),
        Spacer(1, 6),
        t.p(
            _(texts.UNBLURRED_NOTE if unblurred else texts.BLUR_NOTE),
            s.alert if unblurred else s.body,
        ),
    ]


def _cover_rows(t: ReportTypesetter, prepared: PreparedReport, fingerprint: str) -> list[Any]:
    """The cover's table: for whom, when and by what; the scan and its models; then what
    was found and is in the report."""
    scan = prepared.scan
    model = scan.model_pack
    rows: list[tuple[str, Any]] = [
        (_("Prepared for"), prepared.presenter.name),
        (
            _("Generated"),
            _("{time} (all times in this report are UTC)").format(
                time=utc_text(prepared.now, UTC_READABLE)
            ),
        ),
        (_("Software"), f"{APP_NAME} {__version__}"),
        (
            _("Scan"),
            # Translators: {status} is the scan's status as stored (finished, cancelled...).
            _("number {number}, status {status}\nstarted {started}, finished {finished}").format(
                number=scan.id,
                status=status_words(scan.status),
                started=scan.started_at,
                finished=scan.finished_at or "—",
            ),
        ),
        (_("Face models"), model.name),
    ]
    if (warning := incomplete_scan_warning(scan.status)) is not None:
        rows.insert(4, (_("WARNING"), warning))
    rows += [
        (f"  {name}", t.p(f"SHA-256 {digest}", t.styles.mono))
        for name, digest in model.files.items()
    ]
    return rows + _result_rows(t, prepared, fingerprint)


def _result_rows(t: ReportTypesetter, prepared: PreparedReport, fingerprint: str) -> list[Any]:
    """The cover's rows on matching, what was found, what the report holds, and its key."""
    scan, counts, entries = prepared.scan, prepared.counts, prepared.entries
    confirmed = sum(entry.review == "confirmed" for entry in entries)
    rows: list[tuple[str, Any]] = [
        (
            _("Matching"),
            (
                _("threshold {threshold} (preset “{preset}”)")
                if scan.preset
                else _("threshold {threshold} (set by hand)")
            ).format(threshold=f"{scan.threshold:.2f}", preset=preset_words(scan.preset)),
        ),
        (_("What was scanned"), t.lines(scan.inputs) if scan.inputs else "—"),
        (
            _("Results of the scan"),
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
        (
            _("In this report"),
            # Translators: {matches} is a count with its noun ("12 matches"); {selection}
            # says how they were chosen.
            _("{matches} ({selection})").format(
                matches=matches_count(len(entries)), selection=_(prepared.selection)
            ),
        ),
        (
            _("Reviewed"),
            _(
                "{confirmed} confirmed by the person as “This is me”, {unreviewed} not "
                "reviewed yet (marked “unreviewed”)"
            ).format(confirmed=confirmed, unreviewed=len(entries) - confirmed),
        ),
        (
            _("Images"),
            _("shown without blurring")
            if prepared.unblurred
            else _("blurred except the matched face"),
        ),
        (
            _("Signature"),
            t.p(
                _(
                    "This PDF is signed with a key made for one installation of {app}. "
                    "Certificate SHA-256 fingerprint:\n{fingerprint}"
                ).format(app=APP_NAME, fingerprint=spaced(fingerprint)),
                t.styles.small,
            ),
        ),
    ]
    if left_out := prepared.own_photos_left_out:
        rows.append(
            (
                _("Left out"),
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
    names = ("#", _("Image"), _("Source"), _("Similarity"), _("AI signs"), "SHA-256")
    header = [t.p(h, s.label) for h in names]
    rows = [header]
    for entry in entries:
        rows.append(
            [
                t.p(str(entry.number), s.small),
                t.image(entry.thumb_jpeg, 44, 44),
                t.value(entry.item.source, s.small),
                t.p(f"{entry.similarity:.2f}\n{entry.words}\n{review_words(entry)}", s.small),
                t.p(describe_synthetic(entry.item.synthetic).badge, s.small),
                t.p((entry.item.sha256 or "—")[:16] + "…", s.mono),
            ]
        )
    widths = [22, 52, t.width - 22 - 52 - 70 - 90 - 80, 70, 90, 80]
    table = _listing(t, rows, widths)
    title = _("Summary of matches")
    return [section_mark(title), t.p(title, s.h1), table]


def match_section(t: ReportTypesetter, entry: MatchEntry, total: int, unblurred: bool) -> list[Any]:
    """A match's pages: its picture and face beside the score, where it was found, its
    removal history, its facts and hashes, and its synthetic-media indicators."""
    from reportlab.platypus import KeepTogether, Spacer

    s = t.styles
    item = entry.item
    title = _("Match {number} of {total}").format(number=entry.number, total=total)
    flow: list[Any] = [section_mark(title), t.p(title, s.h1), _match_top(t, entry, unblurred)]
    flow.append(Spacer(1, 6))
    flow.append(
        KeepTogether([t.p(_("Where it was found"), s.h2), t.facts_table(provenance_rows(item))])
    )
    if entry.takedown_history:
        flow.append(
            KeepTogether(
                [
                    t.p(_("Removal requests and re-checks"), s.h2),
                    t.p("\n".join(entry.takedown_history), s.small),
                ]
            )
        )
    if item.is_video:
        flow += video_section(t, entry, unblurred)
    else:
        flow.append(
            KeepTogether(
                [t.p(_("Image facts and hashes"), s.h2), t.facts_table(image_rows(t, entry))]
            )
        )
    flow += [t.p(_("Synthetic-media indicators"), s.h2), *_synthetic(t, item)]
    return flow


def _match_top(t: ReportTypesetter, entry: MatchEntry, unblurred: bool) -> Any:
    """The picture as found (left), and the faces compared with the score (right)."""
    from reportlab.platypus import Spacer, Table, TableStyle

    s = t.styles
    picture_w = t.width * 0.56
    side_w = t.width - picture_w - 12
    if entry.detail_jpeg is not None:
        caption = (
            _("As found (not blurred at the user's request); the matched face is outlined.")
            if unblurred
            else _("Blurred except the matched face, which is outlined.")
        )
        left = [t.image(entry.detail_jpeg, picture_w, 300), t.p(caption, s.caption)]
    else:
        left = [t.p(no_picture(entry), s.alert)]
    face = t.image(entry.face_jpeg, side_w / 2 - 6, 110)
    ref = t.image(entry.reference.thumbnail_png if entry.reference else None, side_w / 2 - 6, 110)
    faces = Table(
        [
            [face, ref],
            [t.p(_("Face in this image"), s.caption), t.p(ref_caption(entry), s.caption)],
        ],
        colWidths=[side_w / 2, side_w / 2],
    )
    faces.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")])
    )
    score = [
        faces,
        Spacer(1, 8),
        t.p(
            _("Similarity {score}: {words}").format(
                score=f"{entry.similarity:.4f}", words=entry.words
            ),
            s.h2,
        ),
        t.p(
            # Translators: “Method and limits” is the title of a later section: translate it
            # the same way.
            _(
                "Threshold {threshold}: faces scoring at least this are reported as matches. "
                "Resemblance is not proof of identity (see “Method and limits”)."
            ).format(threshold=f"{entry.threshold:.2f}"),
            s.small,
        ),
        *(t.p(note, s.small) for note in entry.face_notes),  # found turned, looks drawn
    ]
    item = entry.item
    if item.verdict == Verdict.ME:
        confirmed = (
            _("The person confirmed “This is me” on {when}.").format(when=item.verdict_at)
            if item.verdict_at
            else _("The person confirmed “This is me”.")
        )
        score.append(t.p(confirmed, s.small))
    else:
        score.append(
            t.p(_("Unreviewed: the person has not yet confirmed that this is them."), s.alert)
        )
    if entry.own_photo:
        score.append(
            t.p(_("These are the exact bytes of one of the person's own reference photos."))
        )
    top = Table([[left, score]], colWidths=[picture_w + 12, side_w])
    top.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return top


def video_section(t: ReportTypesetter, entry: MatchEntry, unblurred: bool) -> list[Any]:
    """The flowables of a video match's facts, moments and best frames."""
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Table, TableStyle

    s = t.styles
    flow: list[Any] = [
        KeepTogether([t.p(_("Video facts and hashes"), s.h2), t.facts_table(video_rows(entry))])
    ]
    rows = segment_rows(entry)
    header = ["#", _("Seen (hh:mm:ss)"), _("Best similarity"), _("Best frame at")]
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
    flow.append(t.p(_("Moments where the face was found"), s.h2))
    flow.append(table if rows else t.p(_("None in the frames examined."), s.small))
    if entry.video_frames:
        width = t.width / max(1, len(entry.video_frames)) - 6
        pictures = [t.image(jpeg, width, 110) for _when, jpeg in entry.video_frames]
        captions = [t.p(moment(when), s.caption) for when, _jpeg in entry.video_frames]
        strip = Table([pictures, captions])
        strip.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        how = (
            _("Best frame of each moment (not blurred, at the user's request)")
            if unblurred
            else _("Best frame of each moment (blurred)")
        )
        flow += [t.p(how, s.small), strip]
    return flow


def short_json(value: Any, limit: int = 1500) -> str:
    """A compact, readable rendering of raw evidence for the PDF, cut at `limit` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) <= limit:
        return text
    # Translators: after raw evidence cut short: how many more characters it has.
    return text[:limit] + _("… [{count} more]").format(count=len(text) - limit)


def _synthetic(t: ReportTypesetter, item: ScanItem) -> list[Any]:
    s = t.styles
    synthetic = item.synthetic
    words = describe_synthetic(synthetic)
    if synthetic is None:
        return [t.p(words.explanation, s.small)]
    flow: list[Any] = [t.p(_("Result: {result}").format(result=words.result), s.body)]
    for indicator in synthetic.indicators:
        rows: list[tuple[str, Any]] = [
            (
                _("Indicator"),
                # Translators: {kind} and {strength} are codes kept as they are (c2pa, strong).
                _("{summary}\n(kind {kind}, strength {strength})").format(
                    summary=indicator.summary, kind=indicator.kind, strength=indicator.strength
                ),
            ),
        ]
        rows += [
            (f"  {key}", t.p(short_json(value), s.mono))
            for key, value in indicator.evidence.items()
        ]
        flow.append(t.facts_table(rows))
    for note in synthetic.notes:
        flow.append(t.p(_("Note: {note}").format(note=note), s.small))
    if synthetic.status is SyntheticStatus.NO_MARKER_FOUND:
        flow.append(t.p(_(NO_MARKER_CAVEAT), s.small))
    elif synthetic.status is not SyntheticStatus.AI_GENERATED:
        flow.append(t.p(_(ABSENCE_IS_NO_PROOF), s.small))
    return flow


def _headed_texts(t: ReportTypesetter, title: str, parts: tuple[tuple[str, str], ...]) -> list[Any]:
    """A section of fixed texts, each under its own heading."""
    flow = [section_mark(title), t.p(title, t.styles.h1)]
    for heading, text in parts:
        flow += [t.p(_(heading), t.styles.h2), t.p(_(text))]
    return flow


def method(t: ReportTypesetter) -> list[Any]:
    """How matches were found, and what they can and cannot show."""
    return _headed_texts(t, _("Method and limits"), texts.METHOD)


def appendix(t: ReportTypesetter, entries: list[MatchEntry]) -> list[Any]:
    """Appendix A: every match's hashes and source."""
    s = t.styles
    rows = [[t.p(h, s.label) for h in ("#", _("SHA-256 and PDQ"), _("Source"))]]
    for entry in entries:
        pdq = entry.pdq.hex if entry.pdq else "—"
        hashes = _("SHA-256 {sha256}\nPDQ {pdq} (stored pixels)").format(
            sha256=entry.item.sha256 or "—", pdq=pdq
        )
        if entry.pdq_displayed is not None:
            hashes += "\n" + _("PDQ {pdq} (as displayed)").format(pdq=entry.pdq_displayed.hex)
        rows.append(
            [
                t.p(str(entry.number), s.small),
                t.p(hashes, s.mono),
                t.value(entry.item.source, s.small),
            ]
        )
    table = _listing(t, rows, [22, 330, t.width - 352])
    title = _("Appendix A: hash manifest")
    return [section_mark(title), t.p(title, s.h1), table]


def next_steps(t: ReportTypesetter) -> list[Any]:
    """Appendix B: what the person can do next."""
    return _headed_texts(t, _("Appendix B: what you can do next"), texts.NEXT_STEPS)


def audit_log(t: ReportTypesetter, audit: list[AuditEntry]) -> list[Any]:
    """Appendix C: the case's audit log, who did what and when, oldest first."""
    s = t.styles
    title = _("Appendix C: audit log")
    # Translators: the column headings of the audit log in the evidence report.
    headings = (_("Time (UTC)"), _("Caseworker"), _("What was done"), _("Subject and details"))
    rows = [[t.p(h, s.label) for h in headings]]
    for entry in audit:
        rows.append(
            [
                t.p(entry.at, s.small),
                t.value(entry.caseworker_words(), s.small),
                t.p(entry.action_words(), s.small),
                t.value(entry.words(), s.small),
            ]
        )
    table = _listing(t, rows, [92, 100, 110, t.width - 302])
    intro = _(
        "Everything done in this case before this report was written, as the app recorded "
        "it: the caseworker named when the app was started, or nobody named."
    )
    return [section_mark(title), t.p(title, s.h1), t.p(intro, s.small), table]
