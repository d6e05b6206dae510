"""Turning similarities into decisions: presets, thresholds and words a person understands."""

import enum

import numpy as np


class Preset(enum.StrEnum):
    """How eager matching is: fewer false alarms or fewer missed images."""

    STRICT = "strict"
    BALANCED = "balanced"
    LENIENT = "lenient"


# Cosine similarity between ArcFace embeddings (buffalo_s). On 300 labeled pairs of other
# people's photos, same-person pairs scored 0.45-0.85 and different people at most 0.25;
# see README.md ("How sure is a match?") for the rates measured for these values.
PRESET_THRESHOLDS = {Preset.STRICT: 0.45, Preset.BALANCED: 0.36, Preset.LENIENT: 0.28}
DEFAULT_PRESET = Preset.BALANCED
# At or above this, a match is described as "very likely you".
VERY_LIKELY = 0.50

PRESET_MEANINGS = {
    Preset.STRICT: "Fewest false alarms; may miss heavily edited or low-quality images.",
    Preset.BALANCED: "Recommended: catches most images of you with few false alarms.",
    Preset.LENIENT: "Misses the fewest images; expect more look-alikes to check by hand.",
}


def resolve_threshold(preset: str | None, threshold: float | None) -> tuple[float, str | None]:
    """Return (threshold, preset name); an explicit threshold wins over a preset.

    Raises ValueError for a threshold outside (0, 1) or an unknown preset.
    """
    if threshold is not None:
        if not 0.0 < threshold < 1.0:
            raise ValueError("the threshold must be between 0 and 1 (for example 0.36)")
        return float(threshold), None
    chosen = Preset(preset) if preset else DEFAULT_PRESET
    return PRESET_THRESHOLDS[chosen], chosen.value


def similarity_words(similarity: float, threshold: float) -> str:
    """Describe a similarity in plain words, relative to the threshold in use."""
    if similarity >= max(VERY_LIKELY, threshold):
        return "very likely you"
    if similarity >= threshold:
        return "possibly you"
    return "probably not you"


def best_references(faces: np.ndarray, references: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each face embedding (N x 512), its best similarity and the index of that reference.

    Embeddings are unit length, so the dot product is the cosine similarity.
    """
    if not len(faces) or not len(references):
        return np.zeros(len(faces), np.float32), np.full(len(faces), -1, np.int64)
    similarities = faces @ references.T
    best = similarities.argmax(axis=1)
    return similarities[np.arange(len(faces)), best].astype(np.float32), best
