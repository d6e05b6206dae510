"""Every sentence a person reads about a similarity, an AI marker or a status, in one place.

The window, the command line and the PDF report all take their words from here, so that a
score or a marker is never described in two different ways.
"""

from dataclasses import dataclass

from likeness_guard.core.domain.records import EvidenceStatus, ScanStatus, Verdict
from likeness_guard.core.domain.synthetic import SyntheticReport, SyntheticStatus
from likeness_guard.core.domain.thresholds import VERY_LIKELY, Preset

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


def verdict_words(verdict: Verdict | None) -> str:
    """What the user said about a match, or "" when they have not said."""
    if verdict is Verdict.ME:
        return "You said: this is me"
    if verdict is Verdict.NOT_ME:
        return "You said: not me"
    return ""


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
