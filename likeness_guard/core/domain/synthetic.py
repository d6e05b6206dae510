"""What the AI-marker checks found in one image: indicators, their strength, the verdict.

The provenance readers build these, the store keeps them and every layer reads them. Their
JSON form is in `domain/serialize.py`, the words people read about them in `domain/words.py`.
"""

import enum
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any

# Raw evidence as read from a file: plain JSON values only.
JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
JsonObject = dict[str, JsonValue]

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


STRENGTH_ORDER = {Strength.DECLARED: 0, Strength.STRONG: 1, Strength.WEAK: 2}


class SyntheticStatus(enum.StrEnum):
    """The overall verdict for one image."""

    AI_GENERATED = "ai_generated"
    AI_EDITED = "ai_edited"
    NO_MARKER_FOUND = "no_marker_found"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ProvenanceIndicator:
    """One thing found in the file, with a one-line summary and the raw evidence.

    The evidence is cut to JSON-safe sizes when the indicator is made; `clip=False` is for
    evidence read back from the store, which was cut when it was first made.
    """

    kind: str
    strength: Strength
    summary: str
    # Raw evidence as read from the file: arbitrary JSON values (cut to size when made).
    evidence: Mapping[str, Any]
    clip: InitVar[bool] = True

    def __post_init__(self, clip: bool) -> None:
        if clip:
            cut = jsonable(self.evidence)
            object.__setattr__(self, "evidence", cut if isinstance(cut, dict) else {})


@dataclass(frozen=True)
class SyntheticReport:
    """The result of inspecting one image's bytes.

    The inspector puts the indicator that decided the status first. `notes` lists checks
    that could not run (for example the watermark check on a very large image), so that
    "nothing found" is never mistaken for "everything was checked".
    """

    status: SyntheticStatus
    indicators: tuple[ProvenanceIndicator, ...]
    format: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> bool:
        """True when the image declares or betrays AI generation or editing."""
        return self.status in (SyntheticStatus.AI_GENERATED, SyntheticStatus.AI_EDITED)

    @property
    def lead(self) -> ProvenanceIndicator | None:
        """The indicator that decided the status (the first), if any."""
        return self.indicators[0] if self.indicators else None


def clip_text(text: str, limit: int = MAX_EVIDENCE_TEXT) -> str:
    """Return `text` cut to `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"… [{len(text) - limit} more characters]"


def jsonable(value: object, depth: int = 0) -> JsonValue:
    """Return `value` as plain JSON types with long strings and lists cut."""
    if depth > _MAX_DEPTH:
        return "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return clip_text(value)
    if isinstance(value, bytes):
        return clip_text(value.decode("latin-1"), 200)
    if isinstance(value, Mapping):
        items = list(value.items())
        out: JsonObject = {str(k): jsonable(v, depth + 1) for k, v in items[:MAX_EVIDENCE_ITEMS]}
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
