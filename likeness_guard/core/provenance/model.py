"""What a provenance reader finds, before the inspector decides the status (internal)."""

import enum
from dataclasses import dataclass

from likeness_guard.core.domain.synthetic import ProvenanceIndicator, Strength


class Effect(enum.IntEnum):
    """What an indicator says about the picture; ordered by weight."""

    NONE = 0
    EDITED = 1
    GENERATED = 2


@dataclass(frozen=True)
class Finding:
    """An indicator plus what it means for the status (kept out of the public indicator)."""

    indicator: ProvenanceIndicator
    effect: Effect = Effect.NONE


def unreadable(summary: str, where: str, reason: object) -> Finding:
    """A note that a block of the file could not be read (never evidence of AI)."""
    return Finding(
        ProvenanceIndicator(
            kind="unreadable",
            strength=Strength.WEAK,
            summary=summary,
            evidence={"block": where, "reason": str(reason)[:500]},
        )
    )
