"""Every sentence a person reads about a similarity, an AI marker or a status, in one place.

The window, the command line and the PDF report all take their words from here, so that a
score or a marker is never described in two different ways.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

# Parts of the vocabulary kept in their own modules, named here too (one place to import).
from likeness_guard.core.domain.enroll_words import ENROLL_ADVICE as ENROLL_ADVICE
from likeness_guard.core.domain.enroll_words import REFERENCE_NEW_VIEW as REFERENCE_NEW_VIEW
from likeness_guard.core.domain.enroll_words import REFERENCE_UNLIKE as REFERENCE_UNLIKE
from likeness_guard.core.domain.enroll_words import REFERENCE_VERY_LIKE as REFERENCE_VERY_LIKE
from likeness_guard.core.domain.enroll_words import face_position_words as face_position_words
from likeness_guard.core.domain.enroll_words import reference_adds_words as reference_adds_words
from likeness_guard.core.domain.records import (
    EvidenceStatus,
    FaceHit,
    MatchTier,
    ScanCounts,
    ScanOutcome,
    ScanStatus,
    Verdict,
)
from likeness_guard.core.domain.synthetic import SyntheticReport, SyntheticStatus
from likeness_guard.core.domain.takedown import PageStatus, Recheck, RecheckStatus
from likeness_guard.core.domain.thresholds import VERY_LIKELY, Preset, match_threshold
from likeness_guard.core.domain.video_words import moment as moment
from likeness_guard.core.domain.video_words import segment_words as segment_words
from likeness_guard.core.domain.video_words import segments_summary as segments_summary
from likeness_guard.core.domain.video_words import timecode as timecode
from likeness_guard.core.domain.video_words import video_stop_words as video_stop_words
from likeness_guard.locale import N_, _, ngettext, pgettext

# Sentences kept in constants are marked with N_() and translated where they are shown,
# `_(NO_MARKER_CAVEAT)`: a constant is made before the language is chosen. Tables of words
# are `LiveWords`, which make their words again at each look-up, in the language in use.
_Key = TypeVar("_Key")


class LiveWords(Mapping[_Key, str]):
    """A table of words in the language in use: `make` is called at each look-up (a dict
    made at import time would keep the language of that moment, English)."""

    def __init__(self, make: Callable[[], dict[_Key, str]]) -> None:
        self._make = make

    def __getitem__(self, key: _Key) -> str:
        return self._make()[key]

    def __iter__(self) -> Iterator[_Key]:
        return iter(self._make())

    def __len__(self) -> int:
        return len(self._make())


NO_MARKER_CAVEAT = N_(
    "No sign of AI was found in this file, but that does not mean the image is real: "
    "most fakes carry no marker at all, and markers are lost when an image is re-saved, "
    "cropped or screenshotted."
)
# For an image that is edited with AI or unreadable: nothing proves the rest of it is real.
ABSENCE_IS_NO_PROOF = N_(
    "The absence of a marker does not prove an image is real: most fakes carry no marker, "
    "and markers are lost when an image is re-saved."
)
NOT_CHECKED = N_(
    "This image was not checked for signs of AI; that says nothing about whether it is real."
)

_RESULT = LiveWords(
    lambda: {
        SyntheticStatus.AI_GENERATED: _("the file declares or betrays AI generation"),
        SyntheticStatus.AI_EDITED: _("the file declares or betrays editing with AI"),
        SyntheticStatus.NO_MARKER_FOUND: _("no sign of AI found"),
        SyntheticStatus.UNREADABLE: _("the file's metadata could not be read"),
    }
)

PRESET_MEANINGS = LiveWords(
    lambda: {
        Preset.STRICT: _("Fewest false alarms; may miss heavily edited or low-quality images."),
        Preset.BALANCED: _("Recommended: catches most images of you with few false alarms."),
        Preset.LENIENT: _("Misses the fewest images; expect more look-alikes to check by hand."),
    }
)

EVIDENCE_WORDS = LiveWords(
    lambda: {
        EvidenceStatus.KEPT: _(
            "the exact bytes are kept by Likeness Guard and still match the SHA-256"
        ),
        EvidenceStatus.MISSING: _("the exact bytes were not kept"),
        EvidenceStatus.CHANGED: _(
            "WARNING: the kept copy no longer matches the SHA-256 recorded at scan time"
        ),
    }
)

# The refusal of an address on this computer or the local network (web sources say it; the
# scan's closing sentence recognises it to name the setting that allows such addresses).
PRIVATE_ADDRESS_REFUSED = N_("refused: address is on a private network")
# The name of the Settings check box that allows such addresses: every sentence that tells
# a person to use it names it exactly so (a test compares them with the Settings page).
ALLOW_PRIVATE_SETTING = N_(
    "Allow addresses on this computer or my own network (intranet, home server)"
)

OUTCOME_WORDS = LiveWords(
    lambda: {
        ScanOutcome.RUNNING: pgettext("scan status", "running"),
        ScanOutcome.FINISHED: pgettext("scan status", "finished"),
        ScanOutcome.FINISHED_WITH_ERRORS: pgettext("scan status", "finished with errors"),
        ScanOutcome.FAILED: pgettext("scan status", "failed"),
        ScanOutcome.CANCELLED: pgettext("scan status", "stopped by you"),
        ScanOutcome.INTERRUPTED: pgettext(
            "scan status", "interrupted (the app was closed or crashed)"
        ),
    }
)

SCAN_STATUS_WORDS = LiveWords(
    lambda: {
        ScanStatus.RUNNING: pgettext("scan status", "running"),
        ScanStatus.FINISHED: pgettext("scan status", "finished"),
        ScanStatus.CANCELLED: pgettext("scan status", "stopped by you"),
        ScanStatus.INTERRUPTED: pgettext(
            "scan status", "interrupted (the app was closed or crashed)"
        ),
        ScanStatus.FAILED: pgettext("scan status", "failed"),
    }
)


def similarity_words(similarity: float, threshold: float) -> str:
    """Describe a similarity in plain words, relative to the threshold in use."""
    if similarity >= max(VERY_LIKELY, threshold):
        # Translators: how much a face in an image looks like the person's own photos.
        return _("very likely you")
    if similarity >= threshold:
        return _("possibly you")
    return _("probably not you")


def verdict_words(verdict: Verdict | None) -> str:
    """What the user said about a match, or "" when they have not said."""
    if verdict is Verdict.ME:
        return _("You said: this is me")
    if verdict is Verdict.NOT_ME:
        return _("You said: not me")
    return ""


def verdict_label(verdict: Verdict | None) -> str:
    """A verdict in a word or two, for lists: "this is me", "not me" or "unreviewed"."""
    if verdict is Verdict.ME:
        # Translators: what the person said about an image found by a scan, in a list.
        return pgettext("verdict", "this is me")
    if verdict is Verdict.NOT_ME:
        return pgettext("verdict", "not me")
    return pgettext("verdict", "unreviewed")


def images_count(count: int) -> str:
    """ "1 image", "3 images": a count of images, put into a whole sentence."""
    # Translators: a count of images, put into sentences such as "Done: {checked} checked".
    return ngettext("{count} image", "{count} images", count).format(count=count)


def matches_count(count: int) -> str:
    """ "1 match", "3 matches": a count of matches, put into a whole sentence."""
    # Translators: a count of images that show the person, put into a longer sentence.
    return ngettext("{count} match", "{count} matches", count).format(count=count)


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
        return SyntheticWords(
            _("AI markers not checked"),
            pgettext("AI markers", "not checked"),
            _(NOT_CHECKED),
            False,
        )
    result = _RESULT[report.status]
    if report.flagged:
        if report.status is SyntheticStatus.AI_GENERATED:
            explanation = _(
                "The file itself declares or betrays AI generation. This supports a report "
                "that the image is fake."
            )
        else:
            explanation = _(
                "The file itself declares or betrays AI editing. This supports a report that "
                "the image is fake."
            )
        return SyntheticWords(_flagged_badge(report), result, explanation, True)
    if report.status is SyntheticStatus.UNREADABLE:
        return SyntheticWords(
            _("AI markers could not be checked"),
            result,
            _("The file's metadata could not be read, so nothing can be said about AI either way."),
            False,
        )
    return SyntheticWords(
        _("No AI marker found — this does not mean the image is real"),
        result,
        _(NO_MARKER_CAVEAT),
        False,
    )


def _badges() -> dict[tuple[bool, bool, bool], str]:
    """The badge of a flagged image by (made by AI rather than edited, the marker is
    Content Credentials, the generator is named as {who})."""
    return {
        # Translators: {who} is the name of an AI tool or company, e.g. "Adobe Firefly".
        (True, True, True): _("AI-generated — Content Credentials from {who}"),
        (True, True, False): _("AI-generated — Content Credentials"),
        (True, False, True): _("AI-generated — {who}"),
        (True, False, False): _("AI-generated"),
        (False, True, True): _("AI-edited — Content Credentials from {who}"),
        (False, True, False): _("AI-edited — Content Credentials"),
        (False, False, True): _("AI-edited — {who}"),
        (False, False, False): _("AI-edited"),
    }


def _flagged_badge(report: SyntheticReport) -> str:
    lead = report.lead
    named = lead.evidence.get("generator") if lead is not None else None
    who = named if isinstance(named, str) and named else None
    kind = lead.kind if lead is not None else ""
    generated = report.status is SyntheticStatus.AI_GENERATED
    if generated and kind in ("generator_metadata", "stealth_metadata"):
        return _("AI settings found — {who}").format(who=who) if who else _("AI settings found")
    if generated and kind == "watermark":
        return _("AI watermark found — Stable Diffusion")
    return _badges()[(generated, kind.startswith("c2pa"), who is not None)].format(who=who)


def recheck_words(recheck: Recheck) -> str:
    """What a re-check found at the image's address, and on its page, in a few words."""
    if recheck.status is RecheckStatus.ONLINE_SAME:
        image = _("still online (the same image)")
    elif recheck.status is RecheckStatus.ONLINE_SAME_PICTURE:
        image = _("still online (the same picture, saved again: {bits} PDQ bits apart)").format(
            bits=recheck.pdq_distance
        )
    elif recheck.status is RecheckStatus.ONLINE_CHANGED:
        image = _("online, but something else is there now")
    elif recheck.status is RecheckStatus.GONE:
        image = _("gone (the address answers {status})").format(status=recheck.http_status)
    else:
        image = _("could not be checked: {reason}").format(reason=recheck.error or _("no answer"))
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
        return _("not checked again yet")
    day = latest.checked_at[:10]
    if latest.removed:
        return _("removed (found gone on {day})").format(day=day)
    if latest.online and latest.page_status in (PageStatus.GONE, PageStatus.NO_LONGER_LINKS):
        return _(
            "still online on {day} at its own address, though its page no longer shows it"
        ).format(day=day)
    if latest.online:
        return _("still online on {day}").format(day=day)
    return _("could not be checked on {day}").format(day=day)


_INCOMPLETE = LiveWords(
    lambda: {
        ScanStatus.RUNNING: _(
            "Incomplete scan: it was still running when this was written, so images it had "
            "not reached yet are not included. Scan the same folders or addresses again to "
            "complete it."
        ),
        ScanStatus.INTERRUPTED: _(
            "Incomplete scan: it was interrupted (the app was closed or crashed), so images "
            "it had not reached yet are not included. Scan the same folders or addresses "
            "again to complete it."
        ),
        ScanStatus.CANCELLED: _(
            "Incomplete scan: it was stopped before the end, so images it had not reached "
            "yet are not included. Scan the same folders or addresses again to complete it."
        ),
        ScanStatus.FAILED: _(
            "Incomplete scan: it failed before the end, so images it had not reached yet are "
            "not included. Scan the same folders or addresses again to complete it."
        ),
    }
)


def incomplete_scan_warning(status: ScanStatus) -> str | None:
    """A warning for anything made from a scan that did not finish; None when it did."""
    return _INCOMPLETE.get(status)


def interrupted_notice(scan_id: int, profile_name: str, items: int) -> str:
    """Said at start when a scan was found interrupted by a kill or a crash."""
    return ngettext(
        "Scan {scan} of '{name}' was interrupted (the app was closed or crashed) after "
        "{count} image; what it found is kept. Scan the same folders again to continue it "
        "from where it stopped.",
        "Scan {scan} of '{name}' was interrupted (the app was closed or crashed) after "
        "{count} images; what it found is kept. Scan the same folders again to continue it "
        "from where it stopped.",
        items,
    ).format(scan=scan_id, name=profile_name, count=items)


# Said when the data folder is opened (translated there: `_(FINISHED_DELETION_NOTICE)`).
FINISHED_DELETION_NOTICE = N_(
    "A deletion interrupted last time (or postponed by a full disk) has now been finished."
)
FINISHED_PROTECTION_NOTICE = N_(
    "A change of the passphrase protection interrupted last time has now been finished."
)


def inputs_words(inputs: tuple[str, ...] | list[str]) -> str:
    """What a scan looked at, short: "Downloads/party", "example.org/page.html and 2 more"."""
    if not inputs:
        return pgettext("scanned", "nothing")
    first = inputs[0]
    if "://" in first:
        rest = first.split("://", 1)[1].rstrip("/")
        host, _slash, path = rest.partition("/")
        shown = host + ("/" + path.rsplit("/", 1)[-1] if path else "")
    else:
        parts = [p for p in first.replace("\\", "/").rstrip("/").split("/") if p]
        shown = "/".join(parts[-2:]) or first
    if len(shown) > 48:
        shown = "…" + shown[-47:]
    more = len(inputs) - 1
    if not more:
        return shown
    # Translators: {shown} is a folder or a web address, e.g. "example.org/page.html".
    return ngettext("{shown} and {count} more", "{shown} and {count} more", more).format(
        shown=shown, count=more
    )


def outcome_sentence(outcome: ScanOutcome, counts: ScanCounts, first_error: str | None) -> str:
    """The sentence a scan ends with: what happened, with honest counts, and what to do."""
    checked = counts.items - counts.errors
    if outcome is ScanOutcome.FAILED:
        return _failed_sentence(counts.items, first_error)
    if outcome is ScanOutcome.CANCELLED:
        # Translators: {found} is a count of images, such as "2 images".
        return ngettext(
            "Stopped. {count} image checked before that is kept, with {found} that may show you.",
            "Stopped. {count} images checked before that are kept, with {found} that may show you.",
            checked,
        ).format(count=checked, found=images_count(counts.matches))
    if counts.items == 0:
        return _("There were no images in what you gave. Try another folder or address.")
    errors = ngettext(
        "{count} item could not be read (listed below).",
        "{count} items could not be read (listed below).",
        counts.errors,
    ).format(count=counts.errors)
    if counts.matches:
        # Translators: {checked} is a count of images, such as "12 images".
        done = ngettext(
            "Done: {checked} checked, {count} image that may show you. They are blurred "
            "until you choose.",
            "Done: {checked} checked, {count} images that may show you. They are blurred "
            "until you choose.",
            counts.matches,
        ).format(checked=images_count(checked), count=counts.matches)
        return f"{done} {errors}" if counts.errors else done
    # Translators: {checked} is a count of images, such as "12 images".
    done = _("Done: {checked} checked. None of them looks like you.").format(
        checked=images_count(checked)
    )
    more = _("You can drop another folder or web address.")
    return f"{done} {errors} {more}" if counts.errors else f"{done} {more}"


def _failed_sentence(items: int, first_error: str | None) -> str:
    """Why a scan failed, and what to do."""
    if first_error in (PRIVATE_ADDRESS_REFUSED, _(PRIVATE_ADDRESS_REFUSED)):
        # Translators: {setting} is the name of a check box in Settings, translated apart.
        return _(
            "0 images checked: the address was refused because it is on this computer or "
            "your local network. To scan such addresses, allow them in Settings "
            "(“{setting}”)."
        ).format(setting=_(ALLOW_PRIVATE_SETTING))
    if items and first_error:
        return ngettext(
            "0 images checked: {count} item could not be read: {reason}. Nothing was found, "
            "because nothing could be looked at.",
            "0 images checked: {count} items could not be read: {reason}. Nothing was found, "
            "because nothing could be looked at.",
            items,
        ).format(count=items, reason=first_error)
    if items:
        return ngettext(
            "0 images checked: {count} item could not be read. Nothing was found, because "
            "nothing could be looked at.",
            "0 images checked: {count} items could not be read. Nothing was found, because "
            "nothing could be looked at.",
            items,
        ).format(count=items)
    return _("The scan failed before any image was checked. Try again.")


# Translators: said of an image whose face is a little like the person's: a "possible match".
POSSIBLE_WORDS = N_("might be you — check it")


def score_words(similarity: float, threshold: float, tier: MatchTier) -> str:
    """A score in words: the similarity words, or "might be you" for a possible match."""
    if tier is MatchTier.POSSIBLE:
        return _(POSSIBLE_WORDS)
    if tier is MatchTier.MATCH:  # a drawn face matches below the threshold (match_threshold)
        threshold = min(threshold, similarity)
    return similarity_words(similarity, threshold)


def face_found_words(face: FaceHit, threshold: float) -> list[str]:
    """Sentences on how a face was found and judged at `threshold`: turned, or drawn and
    matched against the lower threshold for drawn faces; none for an upright photo."""
    notes = []
    if face.turned:
        notes.append(
            _(
                "This face was found turned by {degrees}° in the picture (sideways or upside "
                "down): the picture was searched again, turned upright, to find it."
            ).format(degrees=face.turned)
        )
    lowered = match_threshold(threshold, face.drawn)
    if face.drawn and lowered < threshold:
        notes.append(
            _(
                "This face looks drawn (a cartoon, anime or a painting). Drawn faces are "
                "reported as matches from a similarity of {threshold}, since a drawing of a "
                "person scores lower than a photo of them."
            ).format(threshold=f"{lowered:.2f}")
        )
    return notes


def not_rematched_words(items: int) -> str:
    """After a re-match: the items it could not compare again (window and CLI)."""
    return ngettext(
        "{count} item (a video, a file that could not be read, or an item from an older "
        "version) keeps what its scan found; scan it again to update it.",
        "{count} items (videos, files that could not be read, or items from an older version) "
        "keep what their scan found; scan them again to update them.",
        items,
    ).format(count=items)


def without_copy_words(matches: int) -> str:
    """After a re-match: new matches whose bytes were not kept, since nothing was read."""
    return ngettext(
        "{count} new match has no kept copy yet, because no file was read again. Scan the "
        "same folders again to keep copies as evidence.",
        "{count} new matches have no kept copy yet, because no file was read again. Scan the "
        "same folders again to keep copies as evidence.",
        matches,
    ).format(count=matches)


def found_words(times: int, versions: int) -> str:
    """Under a tile: how often its picture was found, and in how many versions (other
    bytes: resized, re-encoded, captioned); empty when it was found once."""
    if times < 2:
        return ""
    if versions > 1:
        # Translators: versions are other files of the same picture (resized, re-saved).
        return ngettext(
            "found {count} time, in {versions} versions",
            "found {count} times, in {versions} versions",
            times,
        ).format(count=times, versions=versions)
    return ngettext("found {count} time", "found {count} times", times).format(count=times)


class ProtectionAction(StrEnum):
    """What the person asked of the passphrase protection."""

    PROTECT = "protect"
    CHANGE = "change"
    REMOVE = "remove"


def protection_words(action: ProtectionAction, kept_files: int, damaged_files: int = 0) -> str:
    """What a finished passphrase change did, with its counts, in plain words (the window
    and the CLI)."""
    if action is ProtectionAction.PROTECT:
        text = ngettext(
            "Your data is now encrypted ({count} kept file sealed). Keep the passphrase safe: "
            "without it nobody can open your data, including you.",
            "Your data is now encrypted ({count} kept files sealed). Keep the passphrase safe: "
            "without it nobody can open your data, including you.",
            kept_files,
        )
    elif action is ProtectionAction.CHANGE:
        text = ngettext(
            "Your data is now encrypted with the new passphrase ({count} kept file sealed "
            "again). The old passphrase no longer opens it.",
            "Your data is now encrypted with the new passphrase ({count} kept files sealed "
            "again). The old passphrase no longer opens it.",
            kept_files,
        )
    else:
        text = ngettext(
            "Your data is no longer encrypted ({count} kept file decrypted).",
            "Your data is no longer encrypted ({count} kept files decrypted).",
            kept_files,
        )
    text = text.format(count=kept_files)
    if damaged_files == 1:
        text += " " + _("One damaged kept file could not be opened and was left out.")
    elif damaged_files > 1:
        text += " " + ngettext(
            "{count} damaged kept file could not be opened and was left out.",
            "{count} damaged kept files could not be opened and were left out.",
            damaged_files,
        ).format(count=damaged_files)
    return text
