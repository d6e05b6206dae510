"""Turning similarities into decisions: presets, thresholds and the default profile."""

import enum

from likeness_guard.locale import _


class Preset(enum.StrEnum):
    """How eager matching is: fewer false alarms or fewer missed images."""

    STRICT = "strict"
    BALANCED = "balanced"
    LENIENT = "lenient"


# Cosine similarity between ArcFace embeddings (buffalo_s). On 300 labeled pairs of other
# people's photos, same-person pairs scored 0.45-0.85 and different people at most 0.25;
# see docs/matching.md for the rates measured for these values.
PRESET_THRESHOLDS = {Preset.STRICT: 0.45, Preset.BALANCED: 0.36, Preset.LENIENT: 0.28}
DEFAULT_PRESET = Preset.BALANCED
# The profile used when none is named (one profile per person).
DEFAULT_PROFILE = "me"
# At or above this, a match is described as "very likely you".
VERY_LIKELY = 0.50
# Below the threshold but far above strangers: "possibly you — check it". AI-made images
# from identity adapters and stylised renderings of a person often score 0.24-0.36, while
# different people stay under 0.23 for faces large enough to compare (the 99th percentile
# of strangers in third-party measurements: 0.18). Small faces are left out of this tier:
# strangers' faces under 45 px reached 0.33 on the sample photos
# (benchmarks/calibrate_threshold.py measures both).
POSSIBLE_FLOOR = 0.25
POSSIBLE_MIN_FACE = 64  # pixels wide, in the scanned image
# Faces that look drawn (cartoons, anime, flat paintings: engine/face_engine.py looks_drawn,
# at least 64 px wide, flat-shaded and outlined) are matched against a threshold this much
# lower, but never below DRAWN_MATCH_FLOOR: a drawing of a person scores lower than a photo.
# Calibrated by benchmarks/drawn_threshold.py on the stylised renderings: at 0.30 (balanced)
# anime-like faces reach the match tier 23 of 24 times (20 at 0.36) and cartoons 24 of 24
# (23), while strangers' drawn faces stay at or under 0.197 and photographed ones under 0.19;
# 0.25 would add one anime face and leave no margin above the possible floor.
DRAWN_LOWERING = 0.06
DRAWN_MATCH_FLOOR = 0.27


def match_threshold(threshold: float, drawn: bool) -> float:
    """The similarity a face needs to match at `threshold`: lower for a face that looks
    drawn (DRAWN_LOWERING, not below DRAWN_MATCH_FLOOR), never higher than `threshold`."""
    if not drawn:
        return threshold
    return round(min(threshold, max(DRAWN_MATCH_FLOOR, threshold - DRAWN_LOWERING)), 4)


def resolve_threshold(preset: str | None, threshold: float | None) -> tuple[float, str | None]:
    """Return (threshold, preset name); an explicit threshold wins over a preset.

    Raises ValueError for a threshold outside (0, 1) or an unknown preset.
    """
    if threshold is not None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(_("the threshold must be between 0 and 1 (for example 0.36)"))
        return float(threshold), None
    chosen = Preset(preset) if preset else DEFAULT_PRESET
    return PRESET_THRESHOLDS[chosen], chosen.value
