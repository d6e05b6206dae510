"""Every sentence a person reads about a similarity, an AI marker or a status, in one place.

The window, the command line and the PDF report all take their words from here, so that a
score or a marker is never described in two different ways.
"""

from dataclasses import dataclass
from enum import StrEnum

from likeness_guard.core.domain.records import (
    EvidenceStatus,
    MatchTier,
    ScanCounts,
    ScanOutcome,
    ScanStatus,
    Verdict,
    VideoFacts,
    VideoSegment,
    VideoStop,
)
from likeness_guard.core.domain.synthetic import SyntheticReport, SyntheticStatus
from likeness_guard.core.domain.takedown import PageStatus, Recheck, RecheckStatus
from likeness_guard.core.domain.thresholds import VERY_LIKELY, Preset
from likeness_guard.locale import _

NO_MARKER_CAVEAT = (
    "No sign of AI was found in this file, but that does not mean the image is real: "
    "most fakes carry no marker at all, and markers are lost when an image is re-saved, "
    "cropped or screenshotted."
)
# For an image that is edited with AI or unreadable: nothing proves the rest of it is real.
ABSENCE_IS_NO_PROOF = (
    "The absence of a marker does not prove an image is real: most fakes carry no marker, "
    "and markers are lost when an image is re-saved."
)
NOT_CHECKED = (
    "This image was not checked for signs of AI; that says nothing about whether it is real."
)

_RESULT = {
    SyntheticStatus.AI_GENERATED: "the file declares or betrays AI generation",
    SyntheticStatus.AI_EDITED: "the file declares or betrays editing with AI",
    SyntheticStatus.NO_MARKER_FOUND: "no sign of AI found",
    SyntheticStatus.UNREADABLE: "the file's metadata could not be read",
}

PRESET_MEANINGS = {
    Preset.STRICT: "Fewest false alarms; may miss heavily edited or low-quality images.",
    Preset.BALANCED: "Recommended: catches most images of you with few false alarms.",
    Preset.LENIENT: "Misses the fewest images; expect more look-alikes to check by hand.",
}

EVIDENCE_WORDS = {
    EvidenceStatus.KEPT: "the exact bytes are kept by Likeness Guard and still match the SHA-256",
    EvidenceStatus.MISSING: "the exact bytes were not kept",
    EvidenceStatus.CHANGED: (
        "WARNING: the kept copy no longer matches the SHA-256 recorded at scan time"
    ),
}

# The refusal of an address on this computer or the local network (web sources say it; the
# scan's closing sentence recognises it to name the setting that allows such addresses).
PRIVATE_ADDRESS_REFUSED = "refused: address is on a private network"
# The name of the Settings check box that allows such addresses: every sentence that tells
# a person to use it names it exactly so (a test compares them with the Settings page).
ALLOW_PRIVATE_SETTING = "Allow addresses on this computer or my own network (intranet, home server)"

OUTCOME_WORDS = {
    ScanOutcome.RUNNING: "running",
    ScanOutcome.FINISHED: "finished",
    ScanOutcome.FINISHED_WITH_ERRORS: "finished with errors",
    ScanOutcome.FAILED: "failed",
    ScanOutcome.CANCELLED: "stopped by you",
    ScanOutcome.INTERRUPTED: "interrupted (the app was closed or crashed)",
}

SCAN_STATUS_WORDS = {
    ScanStatus.RUNNING: "running",
    ScanStatus.FINISHED: "finished",
    ScanStatus.CANCELLED: "stopped by you",
    ScanStatus.INTERRUPTED: "interrupted (the app was closed or crashed)",
    ScanStatus.FAILED: "failed",
}


def similarity_words(similarity: float, threshold: float) -> str:
    """Describe a similarity in plain words, relative to the threshold in use."""
    if similarity >= max(VERY_LIKELY, threshold):
        return "very likely you"
    if similarity >= threshold:
        return "possibly you"
    return "probably not you"


# What the user said about a match: (as a sentence, in a word or two for lists).
_VERDICT_WORDS: dict[Verdict | None, tuple[str, str]] = {
    Verdict.ME: ("You said: this is me", "this is me"),
    Verdict.NOT_ME: ("You said: not me", "not me"),
    None: ("", "unreviewed"),
}


def verdict_words(verdict: Verdict | None) -> str:
    """What the user said about a match, or "" when they have not said."""
    return _VERDICT_WORDS[verdict][0]


def verdict_label(verdict: Verdict | None) -> str:
    """A verdict in a word or two, for lists: "this is me", "not me" or "unreviewed"."""
    return _VERDICT_WORDS[verdict][1]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`1 image`, `2 images`: a count with its noun in the right number."""
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


@dataclass(frozen=True)
class SyntheticWords:
    """What to say about an image's AI markers.

    badge: one short line next to a match; result: the verdict as a clause ("the file
    declares or betrays AI generation"); explanation: what it means, with the caveat that
    must accompany every "no marker found".
    """

    badge: str
    result: str
    explanation: str
    flagged: bool


def describe_synthetic(report: SyntheticReport | None) -> SyntheticWords:
    """Words for an item's AI-marker report (None when the check did not run)."""
    if report is None:
        return SyntheticWords("AI markers not checked", "not checked", NOT_CHECKED, False)
    result = _RESULT[report.status]
    if report.flagged:
        what = "generation" if report.status is SyntheticStatus.AI_GENERATED else "editing"
        return SyntheticWords(
            _flagged_badge(report),
            result,
            f"The file itself declares or betrays AI {what}. This supports a report that "
            "the image is fake.",
            True,
        )
    if report.status is SyntheticStatus.UNREADABLE:
        return SyntheticWords(
            "AI markers could not be checked",
            result,
            "The file's metadata could not be read, so nothing can be said about AI either way.",
            False,
        )
    return SyntheticWords(
        "No AI marker found — this does not mean the image is real",
        result,
        NO_MARKER_CAVEAT,
        False,
    )


def _flagged_badge(report: SyntheticReport) -> str:
    lead = report.lead
    named = lead.evidence.get("generator") if lead is not None else None
    who = named if isinstance(named, str) and named else None
    kind = lead.kind if lead is not None else ""
    if report.status is SyntheticStatus.AI_GENERATED:
        if kind in ("generator_metadata", "stealth_metadata"):
            return f"AI settings found — {who}" if who else "AI settings found"
        if kind == "watermark":
            return "AI watermark found — Stable Diffusion"
        label = "AI-generated"
    else:
        label = "AI-edited"
    if kind.startswith("c2pa"):
        label += " — Content Credentials"
        return f"{label} from {who}" if who else label
    return f"{label} — {who}" if who else label


def recheck_words(recheck: Recheck) -> str:
    """What a re-check found at the image's address, and on its page, in a few words."""
    if recheck.status is RecheckStatus.ONLINE_SAME:
        image = "still online (the same image)"
    elif recheck.status is RecheckStatus.ONLINE_SAME_PICTURE:
        image = _("still online (the same picture, saved again: {bits} PDQ bits apart)").format(
            bits=recheck.pdq_distance
        )
    elif recheck.status is RecheckStatus.ONLINE_CHANGED:
        image = "online, but something else is there now"
    elif recheck.status is RecheckStatus.GONE:
        image = _("gone (the address answers {status})").format(status=recheck.http_status)
    else:
        image = f"could not be checked: {recheck.error or 'no answer'}"
    if recheck.page_status is PageStatus.STILL_LINKS:
        return _("{image}; its page still shows it").format(image=image)
    if recheck.page_status is PageStatus.NO_LONGER_LINKS:
        return _("{image}; its page no longer shows it").format(image=image)
    if recheck.page_status is PageStatus.GONE:
        return _("{image}; its page is gone").format(image=image)
    if recheck.page_status is PageStatus.UNREACHABLE:
        return _("{image}; its page could not be checked").format(image=image)
    return image


def online_words(latest: Recheck | None) -> str:
    """Whether an address is still online, as the window and the reports say it."""
    if latest is None:
        return "not checked again yet"
    day = latest.checked_at[:10]
    if latest.removed:
        return f"removed (found gone on {day})"
    if latest.online and latest.page_status in (PageStatus.GONE, PageStatus.NO_LONGER_LINKS):
        return _(
            "still online on {day} at its own address, though its page no longer shows it"
        ).format(day=day)
    if latest.online:
        return f"still online on {day}"
    return f"could not be checked on {day}"


def timecode(seconds: float | None) -> str:
    """A moment in a video as hh:mm:ss ("--:--:--" when unknown)."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--:--"
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def moment(seconds: float | None) -> str:
    """A moment in a video as hh:mm:ss.d, to the tenth of a second ("--:--:--.-" when
    unknown): a face seen from 4.2 to 5.8 s is not "00:00:04 to 00:00:05"."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--:--.-"
    whole, tenth = divmod(round(seconds * 10), 10)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{tenth}"


def segment_words(segment: VideoSegment) -> str:
    """One stretch of a video where the face was found: "00:00:08.0 to 00:00:12.4", or
    "00:00:08.0" when it lasts less than a tenth of a second."""
    start, end = moment(segment.start_s), moment(segment.end_s)
    return start if start == end else f"{start} to {end}"


def video_stop_words(video: VideoFacts) -> str | None:
    """Why a video was not examined to its end and how far it got; None when it was."""
    stop = video.stopped
    if stop is None:
        return None
    until = timecode(video.examined_until_s)
    if stop is VideoStop.FRAME_CAP:
        return (
            f"Only the first {until} were examined: the limit of {video.frames_examined} "
            "frames per video was reached. Raise the limit to examine the rest."
        )
    if stop is VideoStop.DECODE_LIMIT:
        return (
            f"Only the first {until} were examined: the video holds far more frames than a "
            "real clip of its length, so the rest was not decoded."
        )
    if stop is VideoStop.DAMAGED:
        return (
            f"The video data is damaged after {until}; the part before it was examined. "
            "A fresh copy of the file may play further."
        )
    if stop is VideoStop.ENDS_EARLY:
        return (
            f"The file ends at {until}, before the {timecode(video.duration_s)} it declares: it "
            "is probably an unfinished download. The part that is there was examined."
        )
    return f"You stopped the scan at {until} in this video; the part before it was examined."


def segments_summary(video: VideoFacts) -> str:
    """Where in a video the face was found, for a line in a list or a terminal."""
    if not video.segments:
        return "the face was not found in any examined frame"
    parts = [segment_words(segment) for segment in video.segments[:4]]
    more = len(video.segments) - len(parts)
    return "found at " + ", ".join(parts) + (f" and {more} more" if more > 0 else "")


_INCOMPLETE = {
    ScanStatus.RUNNING: "was still running when this was written",
    ScanStatus.INTERRUPTED: "was interrupted (the app was closed or crashed)",
    ScanStatus.CANCELLED: "was stopped before the end",
    ScanStatus.FAILED: "failed before the end",
}


def incomplete_scan_warning(status: ScanStatus) -> str | None:
    """A warning for anything made from a scan that did not finish; None when it did."""
    how = _INCOMPLETE.get(status)
    if how is None:
        return None
    return (
        f"Incomplete scan: it {how}, so images it had not reached yet are not included. "
        "Scan the same folders or addresses again to complete it."
    )


def interrupted_notice(scan_id: int, profile_name: str, items: int) -> str:
    """Said at start when a scan was found interrupted by a kill or a crash."""
    return (
        f"Scan {scan_id} of '{profile_name}' was interrupted (the app was closed or "
        f"crashed) after {counted(items, 'image')}; what it found is kept. Scan the same "
        "folders again to continue it from where it stopped."
    )


FINISHED_DELETION_NOTICE = (
    "A deletion interrupted last time (or postponed by a full disk) has now been finished."
)
FINISHED_PROTECTION_NOTICE = (
    "A change of the passphrase protection interrupted last time has now been finished."
)


def inputs_words(inputs: tuple[str, ...] | list[str]) -> str:
    """What a scan looked at, short: "Downloads/party", "example.org/page.html and 2 more"."""
    if not inputs:
        return "nothing"
    first = inputs[0]
    if "://" in first:
        rest = first.split("://", 1)[1].rstrip("/")
        host, _, path = rest.partition("/")
        shown = host + ("/" + path.rsplit("/", 1)[-1] if path else "")
    else:
        parts = [p for p in first.replace("\\", "/").rstrip("/").split("/") if p]
        shown = "/".join(parts[-2:]) or first
    if len(shown) > 48:
        shown = "…" + shown[-47:]
    return shown if len(inputs) == 1 else f"{shown} and {len(inputs) - 1} more"


def outcome_sentence(outcome: ScanOutcome, counts: ScanCounts, first_error: str | None) -> str:
    """The sentence a scan ends with: what happened, with honest counts, and what to do."""
    checked = counts.items - counts.errors
    found = counted(counts.matches, "image")
    if outcome is ScanOutcome.FAILED:
        if first_error == PRIVATE_ADDRESS_REFUSED:
            return (
                "0 images checked: the address was refused because it is on this computer or "
                "your local network. To scan such addresses, allow them in Settings "
                f"(“{ALLOW_PRIVATE_SETTING}”)."
            )
        if counts.items:
            reason = f": {first_error}" if first_error else ""
            return (
                f"0 images checked: {counted(counts.items, 'item')} could not be read{reason}. "
                "Nothing was found, because nothing could be looked at."
            )
        return "The scan failed before any image was checked. Try again."
    if outcome is ScanOutcome.CANCELLED:
        return (
            f"Stopped. {counted(checked, 'image')} checked before that "
            f"{'is' if checked == 1 else 'are'} kept, with {found} that may show you."
        )
    if counts.items == 0:
        return "There were no images in what you gave. Try another folder or address."
    errors = (
        f" {counted(counts.errors, 'item')} could not be read (listed below)."
        if counts.errors
        else ""
    )
    if counts.matches:
        return (
            f"Done: {counted(checked, 'image')} checked, {found} that may show you. They are "
            f"blurred until you choose.{errors}"
        )
    return (
        f"Done: {counted(checked, 'image')} checked. None of them looks like you.{errors} "
        "You can drop another folder or web address."
    )


POSSIBLE_WORDS = "might be you — check it"


def score_words(similarity: float, threshold: float, tier: MatchTier) -> str:
    """A score in words: the similarity words, or "might be you" for a possible match."""
    if tier is MatchTier.POSSIBLE:
        return POSSIBLE_WORDS
    return similarity_words(similarity, threshold)


# ---- enrollment: advice, the faces of a group photo, what each reference adds ----------

ENROLL_ADVICE = (
    "Best results come from the exact photos you fear were misused, and from several "
    "different photos of you (other days, light and angles)."
)
# Cosine similarity between two of a person's own reference photos. Different photos of one
# person usually score 0.45-0.85 and copies of one photo above 0.9; different people at most
# about 0.3.
REFERENCE_VERY_LIKE = 0.80
REFERENCE_NEW_VIEW = 0.60
REFERENCE_UNLIKE = 0.30


def reference_adds_words(best_similarity: float | None, closest_number: int | None) -> str:
    """What one reference photo adds, from its best similarity to the person's other photos.

    `closest_number` is the 1-based number (in My photos order) of the most similar other
    photo; `best_similarity` is None when it is the only photo.
    """
    if best_similarity is None or closest_number is None:
        return "your only photo so far — add a few different photos of your face"
    score = f"{best_similarity:.2f}"
    if best_similarity < REFERENCE_UNLIKE:
        return (
            f"does not look like your other photos (at most {score}) — check that this "
            "face is you, and remove it if not"
        )
    if best_similarity < REFERENCE_NEW_VIEW:
        return f"adds a new view of your face (at most {score} to your other photos)"
    if best_similarity < REFERENCE_VERY_LIKE:
        return f"adds some variety ({score} to your photo {closest_number})"
    return (
        f"very like your other photo {closest_number} ({score}), so it adds little — a "
        "different photo of you would help more"
    )


def face_position_words(
    bbox: tuple[float, float, float, float], image_width: int, image_height: int
) -> str:
    """Where a face is in a photo, in plain words ("top left", "middle", "bottom right")."""
    centre_x = (bbox[0] + bbox[2]) / 2 / max(image_width, 1)
    centre_y = (bbox[1] + bbox[3]) / 2 / max(image_height, 1)
    row = "top" if centre_y < 1 / 3 else "bottom" if centre_y > 2 / 3 else ""
    column = "left" if centre_x < 1 / 3 else "right" if centre_x > 2 / 3 else ""
    if row and column:
        return f"{row} {column}"
    return row or column or "middle"


def not_rematched_words(items: int) -> str:
    """After a re-match: the items it could not compare again (window and CLI)."""
    return (
        f"{counted(items, 'item')} (videos, files that could not be read, or items from an "
        "older version) keep what their scan found; scan them again to update them."
    )


def without_copy_words(matches: int) -> str:
    """After a re-match: new matches whose bytes were not kept, since nothing was read."""
    have = "has" if matches == 1 else "have"
    return (
        f"{counted(matches, 'new match', 'new matches')} {have} no kept copy yet, because no "
        "file was read again. Scan the same folders again to keep copies as evidence."
    )


def found_words(times: int, versions: int) -> str:
    """Under a tile: how often its picture was found, and in how many versions (other
    bytes: resized, re-encoded, captioned); empty when it was found once."""
    if times < 2:
        return ""
    return f"found {times} times" + (f", in {versions} versions" if versions > 1 else "")


class ProtectionAction(StrEnum):
    """What the person asked of the passphrase protection."""

    PROTECT = "protect"
    CHANGE = "change"
    REMOVE = "remove"


def protection_words(action: ProtectionAction, kept_files: int, damaged_files: int = 0) -> str:
    """What a finished passphrase change did, with its counts, in plain words (the window
    and the CLI)."""
    files = counted(kept_files, "kept file")
    if action is ProtectionAction.PROTECT:
        text = (
            f"Your data is now encrypted ({files} sealed). Keep the passphrase safe: without "
            "it nobody can open your data, including you."
        )
    elif action is ProtectionAction.CHANGE:
        text = (
            f"Your data is now encrypted with the new passphrase ({files} sealed again). The "
            "old passphrase no longer opens it."
        )
    else:
        text = f"Your data is no longer encrypted ({files} decrypted)."
    if damaged_files == 1:
        text += " One damaged kept file could not be opened and was left out."
    elif damaged_files > 1:
        text += f" {damaged_files} damaged kept files could not be opened and were left out."
    return text
