"""Flat-shaded faces are softened before they are embedded; photographed faces are not."""

from pathlib import Path

import numpy as np
import pytest

from likeness_guard.core.domain.thresholds import PRESET_THRESHOLDS, Preset
from likeness_guard.core.engine import face_engine
from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
from likeness_guard.core.engine.flat_faces import FLAT_SHARE, flat_share, for_recognizer
from likeness_guard.core.imaging.decode import decode_image
from tests.stylise import STYLES, portrait

MATCH = PRESET_THRESHOLDS[Preset.BALANCED]


def _faces(engine: FaceEngine, photo: Path) -> list[DetectedFace]:
    return engine.analyze(decode_image(photo.read_bytes()).frames[0])


def _rendered(engine: FaceEngine, photo: Path, style: str, face_number: int = 0) -> DetectedFace:
    image = decode_image(photo.read_bytes()).frames[0]
    face = engine.analyze(image)[face_number]
    crop, points = portrait(image, face.bbox, face.landmarks, size=256)
    found = engine.analyze(STYLES[style](crop, points))
    assert found, f"no face found in the {style} rendering"
    return found[0]


def _bgr(face: DetectedFace) -> np.ndarray:
    return np.ascontiguousarray(face.aligned[:, :, ::-1])


def test_a_photographed_face_is_given_to_the_recognizer_as_it_is(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    for name in ("yaoming", "tom_hanks"):
        crop = _bgr(_faces(engine, photos[name])[0])
        assert flat_share(crop) < FLAT_SHARE, name
        assert for_recognizer(crop) is crop


@pytest.mark.parametrize("style", ["anime", "cartoon"])
def test_a_flat_shaded_rendering_is_softened(
    engine: FaceEngine, photos: dict[str, Path], style: str
) -> None:
    crop = _bgr(_rendered(engine, photos["yaoming"], style))
    assert flat_share(crop) > FLAT_SHARE
    softened = for_recognizer(crop)
    assert softened.shape == crop.shape
    assert softened.dtype == np.uint8
    # Outlines lose contrast; the picture as a whole stays the same.
    assert np.abs(softened.astype(int) - crop).max() > 20
    assert abs(float(softened.mean()) - float(crop.mean())) < 1.0


def test_softening_lifts_anime_renderings_towards_their_person(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    """The measured effect, on three faces (benchmarks/stylised_faces.py measures it on all
    24): each anime rendering scores higher against its own reference, and more of them
    reach a match."""
    gained, matched_before, matched_after = [], 0, 0
    for name in ("yaoming", "gdp", "t1"):
        reference = _faces(engine, photos[name])[0]
        rendering = _rendered(engine, photos[name], "anime")
        shipped = engine.embed_aligned([rendering.aligned])[0]
        before = engine.embed_aligned([rendering.aligned], soften=False)[0]
        np.testing.assert_allclose(shipped, rendering.embedding, atol=1e-5)  # one recipe
        after_score = float(shipped @ reference.embedding)
        before_score = float(before @ reference.embedding)
        gained.append(after_score - before_score)
        matched_before += before_score >= MATCH
        matched_after += after_score >= MATCH
    assert min(gained) > 0.0
    assert matched_after > matched_before


def test_softening_keeps_a_stranger_a_stranger(engine: FaceEngine, photos: dict[str, Path]) -> None:
    reference = _faces(engine, photos["yaoming"])[0]
    for name, number in (("gdp", 0), ("t1", 0), ("t1", 1)):
        rendering = _rendered(engine, photos[name], "anime", number)
        assert float(rendering.embedding @ reference.embedding) < 0.25, name


@pytest.mark.parametrize("enlarged", [1, 3])
def test_a_drawn_face_the_detector_missed_is_found_by_a_softened_second_search(
    engine: FaceEngine, photos: dict[str, Path], enlarged: int
) -> None:
    import cv2

    image = decode_image(photos["t1"].read_bytes()).frames[0]
    person = engine.analyze(image)[1]
    crop, points = portrait(image, person.bbox, person.landmarks, size=384)
    picture = STYLES["anime, strong"](crop, points)
    if enlarged > 1:  # 1152 px: the second search shrinks it, its boxes come back enlarged
        picture = cv2.resize(picture, None, fx=enlarged, fy=enlarged)
    assert engine.analyze(picture, soften=False) == []

    (found,) = engine.analyze(picture)
    centre = np.array(picture.shape[1::-1]) / 2
    assert np.linalg.norm(found.landmarks.mean(axis=0) - centre) < 0.1 * picture.shape[0]
    assert 0.25 * picture.shape[1] < found.width < 0.75 * picture.shape[1]
    assert float(found.embedding @ person.embedding) >= 0.25  # and it is the same person


def smooth_colour_fields(seed: int) -> np.ndarray:
    """A faceless picture without outlines: blurred blocks of colour with fine noise."""
    from PIL import Image

    coarse = np.random.default_rng(seed).integers(0, 255, (6, 8, 3)).astype(np.uint8)
    fields = np.asarray(Image.fromarray(coarse).resize((800, 600), Image.Resampling.BICUBIC))
    noise = np.random.default_rng(seed + 1000).normal(0, 6, (600, 800, 3))
    return np.clip(fields + noise, 0, 255).astype(np.uint8)


def test_a_picture_without_outlines_is_not_searched_again(
    engine: FaceEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = smooth_colour_fields(362)
    bgr = np.ascontiguousarray(picture[:, :, ::-1])
    assert face_engine.edge_share(bgr) < face_engine.DRAWN_EDGE_SHARE
    assert engine.analyze(picture) == []
    # Why: searched softened anyway, this picture gets a face that is not there.
    monkeypatch.setattr(face_engine, "DRAWN_EDGE_SHARE", 0.0)
    assert len(engine.analyze(picture)) == 1
    assert engine.analyze(picture, soften=False) == []


def test_a_drawn_face_missed_beside_a_found_one_is_found_by_the_softened_search(
    engine: FaceEngine, photos: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drawing of two people: the detector finds one and misses the other, which the
    softened search finds because the found face looks drawn."""
    image = decode_image(photos["t1"].read_bytes()).frames[0]
    person = engine.analyze(image)[1]
    crop, points = portrait(image, person.bbox, person.landmarks, size=384)
    missed = STYLES["anime, strong"](crop, points)
    assert engine.analyze(missed, soften=False) == []
    yao = decode_image(photos["yaoming"].read_bytes()).frames[0]
    face = engine.analyze(yao)[0]
    crop, points = portrait(yao, face.bbox, face.landmarks, size=384)
    drawing = np.vstack([STYLES["cartoon"](crop, points), missed])

    monkeypatch.setattr(face_engine, "DRAWN_FACE_PIXELS", 10_000)  # the extra search off
    (only,) = engine.analyze(drawing)
    assert only.bbox[3] < 384  # the cartoon on top
    monkeypatch.undo()
    assert face_engine.flat_shaded(only.width, only.aligned[:, :, ::-1])
    faces = engine.analyze(drawing)
    assert len(faces) == 2
    below = max(faces, key=lambda f: f.bbox[1])
    assert below.bbox[1] > 384
    assert float(below.embedding @ person.embedding) >= 0.25  # the same person
