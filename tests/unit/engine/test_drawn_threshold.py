"""Faces that look drawn are matched against a lower threshold (issue 28), and only they.

The renderings are made here from the sample photos (tests/stylise.py); the numbers the
thresholds rest on are measured by benchmarks/drawn_threshold.py.
"""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.records import MatchTier, item_tier
from likeness_guard.core.domain.serialize import item_json
from likeness_guard.core.domain.thresholds import (
    DRAWN_MATCH_FLOOR,
    POSSIBLE_FLOOR,
    PRESET_THRESHOLDS,
    Preset,
    match_threshold,
)
from likeness_guard.core.domain.words import face_found_words, score_words
from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine, flat_shaded
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.services.reviewing import rematch
from likeness_guard.core.storage.store import Store
from tests.stylise import STYLES, portrait

BALANCED = PRESET_THRESHOLDS[Preset.BALANCED]


def _anime_of(engine: FaceEngine, photo: Path, index: int = 0) -> np.ndarray:
    """A strong anime rendering of the photo's face number `index` (largest first)."""
    image = decode_image(photo.read_bytes()).frames[0]
    face = engine.analyze(image)[index]
    crop, points = portrait(image, face.bbox, face.landmarks)
    return STYLES["anime, strong"](crop, points)


def _portrayed(engine: FaceEngine, picture: np.ndarray) -> DetectedFace:
    """The face in the middle of a rendering."""
    centre = np.array(picture.shape[1::-1]) / 2
    found = engine.analyze(picture)
    assert found
    return min(found, key=lambda f: float(np.linalg.norm(f.landmarks.mean(axis=0) - centre)))


def test_the_lower_threshold_never_rises_and_never_falls_below_its_floor() -> None:
    for threshold in (*PRESET_THRESHOLDS.values(), 0.2, 0.27, 0.6):
        assert match_threshold(threshold, False) == threshold
        lowered = match_threshold(threshold, True)
        assert lowered <= threshold
        assert lowered >= min(threshold, DRAWN_MATCH_FLOOR)
    assert POSSIBLE_FLOOR < match_threshold(BALANCED, True) < BALANCED


def test_an_anime_rendering_looks_drawn_and_a_retouched_photo_does_not(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    drawn = _portrayed(engine, _anime_of(engine, photos["tom_hanks"]))
    assert drawn.drawn
    # The t1 photo is a retouched studio picture: some of its faces are as flat as anime,
    # but they have no ink outlines, so none is matched against the lower threshold.
    faces = engine.analyze(decode_image(photos["t1"].read_bytes()).frames[0])
    assert any(flat_shaded(f.width, f.aligned[:, :, ::-1]) for f in faces)
    assert not any(f.drawn for f in faces)
    yao = engine.analyze(decode_image(photos["yaoming"].read_bytes()).frames[0])
    assert not any(f.drawn for f in yao)


def test_an_anime_rendering_of_you_is_a_match_and_strangers_are_not_even_possible(
    store: Store, engine: FaceEngine, photos: dict[str, Path], tmp_path: Path
) -> None:
    profile = store.profile("me", create=True)
    assert profile is not None
    assert enroll_file(store, engine, profile, photos["tom_hanks"]).accepted
    profile = store.profile("me")
    assert profile is not None
    folder = tmp_path / "found"
    folder.mkdir()
    Image.fromarray(_anime_of(engine, photos["tom_hanks"])).save(folder / "you.png")
    for index in range(3):  # three other people, drawn the same way
        stranger = _anime_of(engine, photos["t1"], index)
        Image.fromarray(stranger).save(folder / f"stranger{index}.png")
    scan_id = run_scan(store, engine, profile, [str(folder)], ScanOptions(threshold=BALANCED))

    items = {Path(item.source).name: item for item in store.items(scan_id)}
    you = items["you.png"]
    face = you.best_face
    assert face is not None
    assert face.drawn
    # Below the threshold for photos: only the lower one for drawn faces makes it a match.
    assert match_threshold(BALANCED, True) <= face.similarity < BALANCED
    assert you.match
    assert item_tier(you) is MatchTier.MATCH
    assert item_json(you)["faces"][0]["looks_drawn"] is True
    assert score_words(face.similarity, BALANCED, MatchTier.MATCH) == "possibly you"
    (note,) = face_found_words(face, BALANCED)
    assert f"{match_threshold(BALANCED, True):.2f}" in note
    for name in ("stranger0.png", "stranger1.png", "stranger2.png"):
        assert item_tier(items[name]) is MatchTier.NONE, name
        assert (items[name].best_similarity or 0.0) < POSSIBLE_FLOOR, name

    # Re-matching from the face cache decides the same way: the flag is kept with the face.
    assert rematch(store, scan_id).matches_after == 1
    again = {Path(item.source).name: item for item in store.items(scan_id)}
    assert again["you.png"].match
    assert again["you.png"].faces[0].drawn
    # At the strict preset the drawn face needs more and no longer matches.
    assert rematch(store, scan_id, preset=Preset.STRICT.value).matches_after == 0


@pytest.mark.parametrize("drawn", [True, False])
def test_the_flag_alone_decides_between_the_two_thresholds(drawn: bool) -> None:
    from likeness_guard.core.pipeline.incremental import face_hit
    from likeness_guard.core.storage.face_cache import CachedFace

    face = CachedFace(0, (0.0, 0.0, 120.0, 140.0), 0.8, np.zeros(512, np.float32), drawn)
    between = (match_threshold(BALANCED, True) + BALANCED) / 2
    hit = face_hit(face, between, 1, BALANCED)
    assert hit.match is drawn
    assert hit.drawn is drawn
