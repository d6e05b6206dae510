"""The report's tables of facts about one match (where it was found, the image's facts and
hashes) and the words for values the manifest keeps as data (scan status, preset, review),
in the report's language."""

from typing import Any

from likeness_guard.core.domain.records import EvidenceStatus, ScanItem, ScanStatus
from likeness_guard.core.domain.words import EVIDENCE_WORDS
from likeness_guard.core.report.chat_facts import chat_rows
from likeness_guard.core.report.facts import MatchEntry
from likeness_guard.core.report.flowables import ReportStyles, Typesetter
from likeness_guard.locale import _, ngettext, pgettext


def status_words(status: ScanStatus) -> str:
    """A scan's status as the cover names it (in English, its stored value)."""
    words = {
        ScanStatus.RUNNING: pgettext("scan status", "running"),
        ScanStatus.FINISHED: pgettext("scan status", "finished"),
        ScanStatus.CANCELLED: pgettext("scan status", "cancelled"),
        ScanStatus.INTERRUPTED: pgettext("scan status", "interrupted"),
        ScanStatus.FAILED: pgettext("scan status", "failed"),
    }
    return words.get(status, str(status))


def preset_words(preset: str | None) -> str:
    """A matching preset's name as the cover gives it (in English, its stored value)."""
    words = {
        "strict": pgettext("preset", "strict"),
        "balanced": pgettext("preset", "balanced"),
        "lenient": pgettext("preset", "lenient"),
    }
    return words.get(preset or "", preset or "")


def review_words(entry: MatchEntry) -> str:
    """ "confirmed" or "unreviewed" (the manifest's `review`), in the report's language."""
    if entry.review == "confirmed":
        return pgettext("review", "confirmed")
    return pgettext("review", "unreviewed")


def no_picture(entry: MatchEntry) -> str:
    """Why a match's picture is not shown."""
    if entry.evidence_status is EvidenceStatus.MISSING:
        return _("the image's bytes were not kept, so it cannot be shown here.")
    if entry.evidence_status is EvidenceStatus.CHANGED:
        return _("the kept copy no longer matches its SHA-256 hash, so it is not shown.")
    return _("the image could not be decoded ({reason}).").format(reason=entry.decode_error)


def ref_caption(entry: MatchEntry) -> str:
    """The caption under the reference photo the face was closest to."""
    if entry.reference is None:
        return _("Reference photo (no longer stored)")
    name = entry.reference_caption or entry.reference_label or entry.reference.source_name
    return _("Best reference: {name}").format(name=name)


def image_rows(t: Typesetter[ReportStyles], entry: MatchEntry) -> list[tuple[str, Any]]:
    """The "Image facts and hashes" table: format, EXIF facts, SHA-256 and PDQ."""
    s = t.styles
    item = entry.item
    none = _("none recorded")
    camera = (entry.exif.get("camera_make"), entry.exif.get("camera_model"))
    date = entry.exif.get("date_taken") or entry.exif.get("date_modified") or none
    rows: list[tuple[str, Any]] = [
        (_("Format"), _format_words(item)),
        (_("Date taken (EXIF)"), date),
        (_("Camera (EXIF)"), " ".join(v for v in camera if v) or none),
        (_("Software (EXIF)"), entry.exif.get("software") or none),
        ("SHA-256", t.p(item.sha256 or "—", s.mono)),
    ]
    if entry.pdq is not None:
        quality = (
            _("{hash}\nquality {quality}")
            if entry.pdq.reliable
            else _("{hash}\nquality {quality} (low quality: unreliable for matching)")
        )
        rows.append(
            (
                _("PDQ hash (stored pixels, as platforms compute it)"),
                t.p(quality.format(hash=entry.pdq.hex, quality=entry.pdq.quality), s.mono),
            )
        )
        if entry.pdq_displayed is not None:
            shown = entry.pdq_displayed
            rows.append(
                (
                    _("PDQ hash (as displayed: EXIF orientation {orientation} applied)").format(
                        orientation=entry.orientation
                    ),
                    t.p(
                        _("{hash}\nquality {quality}").format(
                            hash=shown.hex, quality=shown.quality
                        ),
                        s.mono,
                    ),
                )
            )
    else:
        rows.append((_("PDQ hash"), _("not available: {reason}").format(reason=no_picture(entry))))
    rows.append((_("Kept evidence"), EVIDENCE_WORDS[entry.evidence_status]))
    return rows


def _format_words(item: ScanItem) -> str:
    """ "JPEG, 640 by 480 pixels" in words (and the frame count of an animated image)."""
    size = (
        _("{width} \u00d7 {height} pixels").format(width=item.width, height=item.height)
        if item.width
        else "—"
    )
    frames = item.frame_count or 1
    if frames > 1:
        return ngettext(
            "{format}, {size}, {count} frame", "{format}, {size}, {count} frames", frames
        ).format(format=item.format or "—", size=size, count=frames)
    return _("{format}, {size}").format(format=item.format or "—", size=size)


def provenance_rows(item: ScanItem) -> list[tuple[str, Any]]:
    """The "Where it was found" table: the source, its web addresses and HTTP exchange, the
    local file, or the chat message."""
    rows: list[tuple[str, Any]] = [(_("Source"), item.source)]
    web = item.web
    if web:
        http = web.http
        rows.append((_("Image address"), web.url or "—"))
        if web.final_url and web.final_url != web.url:
            rows.append((_("Final address"), web.final_url))
        if http and http.redirects:
            rows.append((_("Redirects, in order"), list(http.redirects)))
        rows.append((_("Found on page"), web.page_url or _("given directly")))
        rows.append((_("Retrieved (UTC)"), web.retrieved_at or "—"))
        rows.append((_("HTTP status"), str(http.status) if http else "—"))
        for name, value in (http.headers if http else {}).items():
            rows.append((f"  {name}", value))
        if web.page:
            rows.append(
                (
                    _("Page as retrieved"),
                    _("SHA-256 {sha256}\nretrieved {when}, HTTP {status}").format(
                        sha256=web.page.sha256,
                        when=web.page.retrieved_at,
                        status=web.page.http.status,
                    ),
                )
            )
    if item.file:
        rows.append((_("File path"), item.file.path))
        rows.append(
            (
                _("File size"),
                ngettext("{size} byte", "{size} bytes", item.file.size).format(
                    size=f"{item.file.size:,}"
                ),
            )
        )
        rows.append((_("Modified (file system)"), item.file.modified_at))
    if item.chat:  # a chat export's picture: its channel, message, time and sender
        rows += chat_rows(item.chat)
    return rows
