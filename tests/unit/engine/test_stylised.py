"""Drawn renderings of a face (tests/stylise.py) land in the tiers docs/matching.md states."""

from pathlib import Path

import numpy as np
import pytest

from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.decode import decode_image
from tests.stylise import STYLES, portrait


def _rendered(engine: FaceEngine, photo: Path, style: str) -> np.ndarray:
    image = decode_image(photo.read_bytes()).frames[0]
    face = engine.analyze(image)[0]
    crop, points = portrait(image, face.bbox, face.landmarks, size=256)
    found = engine.analyze(STYLES[style](crop, points))
    assert found, f"no face found in the {style} rendering"
    return found[0].embedding


@pytest.mark.parametrize("style", ["cartoon", "anime", "oil"])
def test_a_rendering_of_you_is_at_least_possible_and_of_a_stranger_is_not(
    engine: FaceEngine, photos: dict[str, Path], style: str
) -> None:
    reference = engine.analyze(decode_image(photos["yaoming"].read_bytes()).frames[0])[0]
    you = float(_rendered(engine, photos["yaoming"], style) @ reference.embedding)
    stranger = float(_rendered(engine, photos["t1"], style) @ reference.embedding)
    assert you >= POSSIBLE_FLOOR
    assert stranger < POSSIBLE_FLOOR


def test_every_style_keeps_the_picture_size(engine: FaceEngine, photos: dict[str, Path]) -> None:
    image = decode_image(photos["yaoming"].read_bytes()).frames[0]
    face = engine.analyze(image)[0]
    crop, points = portrait(image, face.bbox, face.landmarks, size=128)
    for style, render in STYLES.items():
        out = render(crop, points)
        assert out.shape == crop.shape, style
        assert out.dtype == np.uint8, style
    assert not np.array_equal(STYLES["cartoon"](crop, points), crop)
