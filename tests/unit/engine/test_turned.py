"""Pictures turned sideways or upside down are searched turned; boxes come back in place."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.records import FaceHit
from likeness_guard.core.domain.serialize import item_json
from likeness_guard.core.domain.thresholds import PRESET_THRESHOLDS, Preset
from likeness_guard.core.domain.words import face_found_words
from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
from likeness_guard.core.engine.quality import MIN_FACE_WIDTH
from likeness_guard.core.engine.turned import confident_upright, turned_back
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.services.reviewing import rematch
from likeness_guard.core.storage.store import Store

MATCH = PRESET_THRESHOLDS[Preset.BALANCED]
PHOTOS = ("yaoming", "gdp", "t1", "tom_hanks")


def _picture(photos: dict[str, Path], name: str) -> np.ndarray:
    return decode_image(photos[name].read_bytes()).frames[0]


def _upright_box(face: DetectedFace, quarters: int, turned: np.ndarray) -> np.ndarray:
    """The face's box (found in `turned`, the upright picture turned by `quarters`) in the
    upright picture's pixels."""
    height, width = np.rot90(turned, -quarters).shape[:2]
    boxes = np.array([[*face.bbox, face.det_score]], np.float32)
    mapped, _ = turned_back(boxes, np.zeros((1, 5, 2), np.float32), quarters, width, height)
    return mapped[0, :4]


def _found_as_matches(engine: FaceEngine, photos: dict[str, Path], quarters: int) -> int:
    """Faces of the sample photos large enough to enroll that the turned copy shows as a
    match, in the right place."""
    found = 0
    for name in PHOTOS:
        picture = _picture(photos, name)
        turned = np.ascontiguousarray(np.rot90(picture, quarters))
        faces = engine.analyze(turned)
        for upright in engine.analyze(picture):
            if upright.width < MIN_FACE_WIDTH:
                continue
            for face in faces:
                box = _upright_box(face, quarters, turned)
                in_place = np.abs(box - np.array(upright.bbox)).max() < 0.15 * upright.width
                if in_place and float(face.embedding @ upright.embedding) >= MATCH:
                    found += 1
                    # The copy turned it counter-clockwise: it is turned clockwise by the rest.
                    assert face.turned == (360 - 90 * quarters) % 360
                    break
    return found


def test_turned_copies_are_found_as_matches_as_often_as_upright_ones(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    upright = _found_as_matches(engine, photos, 0)
    assert upright == 11  # yaoming 1, gdp 3 (of 5), t1 6, tom_hanks 1
    for quarters in (1, 2, 3):
        assert _found_as_matches(engine, photos, quarters) == upright, 90 * quarters


def test_without_the_turned_search_upside_down_faces_do_not_match(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    """Why the search exists: upside down, the detector finds faces with wrong landmarks."""
    picture = _picture(photos, "yaoming")
    reference = engine.analyze(picture)[0].embedding
    upside_down = np.ascontiguousarray(np.rot90(picture, 2))
    found = engine.analyze(upside_down, turns=False)
    assert all(float(f.embedding @ reference) < 0.25 for f in found)
    (face,) = engine.analyze(upside_down)
    assert face.turned == 180
    assert float(face.embedding @ reference) > 0.9


def test_a_sideways_face_comes_back_in_the_pictures_own_pixels(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    picture = _picture(photos, "yaoming")
    (upright,) = engine.analyze(picture)
    height = picture.shape[0]
    # Turned clockwise (as a phone photo whose orientation flag was lost): np.rot90 by -1.
    sideways = np.ascontiguousarray(np.rot90(picture, -1))
    (face,) = engine.analyze(sideways)
    assert face.turned == 90
    x1, y1, x2, y2 = upright.bbox
    # The upright box, turned clockwise: (x, y) goes to (height - y, x).
    expected = (height - y2, x1, height - y1, x2)
    np.testing.assert_allclose(face.bbox, expected, atol=0.1 * upright.width)
    assert face.landmarks.shape == (5, 2)
    assert all(
        0 <= x <= sideways.shape[1] and 0 <= y <= sideways.shape[0] for x, y in face.landmarks
    )


def test_an_upright_group_photo_is_not_searched_turned(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    faces = engine.analyze(_picture(photos, "players"))
    assert len(faces) == 22
    assert all(face.turned == 0 for face in faces)
    boxes = np.array([[*f.bbox, f.det_score] for f in faces], np.float32)
    assert confident_upright(boxes, np.stack([f.landmarks for f in faces]))


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_boxes_map_back_exactly(quarters: int) -> None:
    height, width = 30, 50
    picture = np.arange(height * width).reshape(height, width)  # every pixel its own value
    turned = np.rot90(picture, quarters)
    # A pixel's corners in the turned picture map to that pixel's corners in the picture.
    row, col = 7, 41
    (t_row,), (t_col,) = np.nonzero(turned == picture[row, col])
    box = np.array([[t_col, t_row, t_col + 1, t_row + 1, 0.9]], np.float32)
    points = np.array([[[t_col + 0.5, t_row + 0.5]] * 5], np.float32)
    mapped, landmarks = turned_back(box, points, quarters, width, height)
    np.testing.assert_allclose(mapped[0], [col, row, col + 1, row + 1, 0.9], atol=1e-5)
    np.testing.assert_allclose(landmarks[0, 0], [col + 0.5, row + 0.5], atol=1e-5)


def test_a_face_found_turned_is_said_so_in_the_record_and_the_report(
    store: Store, engine: FaceEngine, photos: dict[str, Path], tmp_path: Path
) -> None:
    """The turn travels from the engine through the scan, the face cache and a re-match to
    the item's faces, its JSON and the report's sentence about the face."""
    profile = store.profile("me", create=True)
    assert profile is not None
    assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
    profile = store.profile("me")
    assert profile is not None
    folder = tmp_path / "found"
    folder.mkdir()
    picture = _picture(photos, "yaoming")
    Image.fromarray(np.ascontiguousarray(np.rot90(picture, 2))).save(folder / "upside.png")
    Image.fromarray(picture).save(folder / "upright.png")
    scan_id = run_scan(store, engine, profile, [str(folder)], ScanOptions(threshold=MATCH))

    def faces() -> dict[str, FaceHit]:
        found = {}
        for item in store.items(scan_id):
            assert item.match
            assert item.best_face is not None
            found[Path(item.source).name] = item.best_face
        return found

    before = faces()
    assert before["upside.png"].turned == 180
    assert before["upright.png"].turned == 0
    assert face_found_words(before["upright.png"], MATCH) == []
    (note,) = face_found_words(before["upside.png"], MATCH)
    assert "180°" in note
    documents = {Path(i.source).name: item_json(i) for i in store.items(scan_id)}
    assert documents["upside.png"]["faces"][0]["turned"] == 180
    assert "turned" not in documents["upright.png"]["faces"][0]  # photos found upright: as before
    assert rematch(store, scan_id).matches_after == 2
    assert faces()["upside.png"].turned == 180  # kept in the face cache
