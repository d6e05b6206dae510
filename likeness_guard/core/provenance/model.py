"""What the provenance checks report: indicators, their strength, and the overall status."""

import enum
from dataclasses import dataclass, field
from typing import Any

NO_MARKER_CAVEAT = (
    "No sign of AI was found in this file, but that does not mean the image is real: "
    "most fakes carry no marker at all, and markers are lost when an image is re-saved, "
    "cropped or screenshotted."
)

# Evidence strings longer than this are cut, so that a hostile or huge prompt cannot bloat
# the scan JSON or the PDF report; 2000 characters keep any real prompt readable.
MAX_EVIDENCE_TEXT = 2000
# Lists in evidence are cut too (a ComfyUI graph can name hundreds of nodes).
MAX_EVIDENCE_ITEMS = 50
_MAX_DEPTH = 6


class Strength(enum.StrEnum):
    """How much an indicator is worth.

    DECLARED: the file states it in a standard field (C2PA, IPTC digital source type).
    STRONG: the file betrays it (generation settings, a decoded watermark).
    WEAK: a hint or a note that does not by itself say anything about AI.
    """

    DECLARED = "declared"
    STRONG = "strong"
    WEAK = "weak"


class SyntheticStatus(enum.StrEnum):
    """The overall verdict for one image."""

    AI_GENERATED = "ai_generated"
    AI_EDITED = "ai_edited"
    NO_MARKER_FOUND = "no_marker_found"
    UNREADABLE = "unreadable"


class Effect(enum.IntEnum):
    """What an indicator says about the picture; internal, ordered by weight."""

    NONE = 0
    EDITED = 1
    GENERATED = 2


@dataclass(frozen=True)
class ProvenanceIndicator:
    """One thing found in the file, with a one-line summary and the raw evidence."""

    kind: str
    strength: Strength
    summary: str
    evidence: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "strength": str(self.strength),
            "summary": self.summary,
            "evidence": jsonable(self.evidence),
        }


@dataclass(frozen=True)
class Finding:
    """An indicator plus what it means for the status (kept out of the public indicator)."""

    indicator: ProvenanceIndicator
    effect: Effect = Effect.NONE


@dataclass(frozen=True)
class SyntheticReport:
    """The result of inspecting one image's bytes.

    `notes` lists checks that could not run (for example the watermark check on a very large
    image), so that "nothing found" is never mistaken for "everything was checked".
    """

    status: SyntheticStatus
    indicators: tuple[ProvenanceIndicator, ...]
    format: str | None
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """Return the `synthetic` object of the scan and inspect JSON."""
        out: dict[str, Any] = {
            "status": str(self.status),
            "indicators": [indicator.to_json() for indicator in self.indicators],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    @property
    def flagged(self) -> bool:
        """True when the image declares or betrays AI generation or editing."""
        return self.status in (SyntheticStatus.AI_GENERATED, SyntheticStatus.AI_EDITED)

    @property
    def badge(self) -> str | None:
        """Short text for a badge next to a match, or None when there is nothing to flag."""
        if not self.flagged:
            return None
        # The inspector puts the indicator that decided the status first.
        lead = self.indicators[0] if self.indicators else None
        named = lead.evidence.get("generator") if lead is not None else None
        who = named if isinstance(named, str) and named else None
        if self.status is SyntheticStatus.AI_GENERATED:
            if lead is not None and lead.kind in ("generator_metadata", "stealth_metadata"):
                return f"AI settings found — {who}" if who else "AI settings found"
            if lead is not None and lead.kind == "watermark":
                return "AI watermark found — Stable Diffusion"
            if lead is not None and lead.kind.startswith("c2pa"):
                return (
                    f"AI-generated — Content Credentials from {who}"
                    if who
                    else ("AI-generated — Content Credentials")
                )
            return f"AI-generated — {who}" if who else "AI-generated"
        if lead is not None and lead.kind.startswith("c2pa"):
            return (
                f"AI-edited — Content Credentials from {who}"
                if who
                else ("AI-edited — Content Credentials")
            )
        return f"AI-edited — {who}" if who else "AI-edited"


def clip_text(text: str, limit: int = MAX_EVIDENCE_TEXT) -> str:
    """Return `text` cut to `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"… [{len(text) - limit} more characters]"


def jsonable(value: Any, depth: int = 0) -> Any:
    """Return `value` as plain JSON types with long strings and lists cut."""
    if depth > _MAX_DEPTH:
        return "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return clip_text(value)
    if isinstance(value, bytes):
        return clip_text(value.decode("latin-1"), 200)
    if isinstance(value, dict):
        items = list(value.items())
        out = {str(k): jsonable(v, depth + 1) for k, v in items[:MAX_EVIDENCE_ITEMS]}
        if len(items) > MAX_EVIDENCE_ITEMS:
            out["…"] = f"{len(items) - MAX_EVIDENCE_ITEMS} more entries"
        return out
    if isinstance(value, list | tuple | set | frozenset):
        seq = list(value)
        cut = [jsonable(v, depth + 1) for v in seq[:MAX_EVIDENCE_ITEMS]]
        if len(seq) > MAX_EVIDENCE_ITEMS:
            cut.append(f"… {len(seq) - MAX_EVIDENCE_ITEMS} more")
        return cut
    return clip_text(str(value))
