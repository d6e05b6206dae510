"""Scaling RGB pictures down to fit a display size, shared by previews and the report."""

import numpy as np
from PIL import Image


def fit_within(rgb: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """`rgb` scaled down (never up) so its longest side is at most `max_side`, and the scale.

    The scale is displayed pixels per pixel of `rgb` (1.0 when it already fits). Raises
    ValueError when `max_side` is not positive.
    """
    if max_side < 1:
        raise ValueError(f"max_side must be positive, not {max_side}")
    height, width = rgb.shape[:2]
    longest = max(width, height)
    if longest <= max_side:
        return rgb, 1.0
    fit = max_side / longest
    size = (max(1, round(width * fit)), max(1, round(height * fit)))
    resized = Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.ascontiguousarray(np.asarray(resized, dtype=np.uint8)), max(size) / longest
