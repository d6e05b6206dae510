"""The enrollment quality gate turns bad reference photos away with a usable reason."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.quality import (
    GOOD_FACE_WIDTH,
    MIN_FACE_WIDTH,
    check_reference,
    head_pose,
)


def check(engine: FaceEngine, image: Image.Image) -> str | None:
    return check_reference(engine.analyze(np.asarray(image.convert("RGB")))).reason


@pytest.fixture(scope="module")
def yao(photos: dict[str, Path]) -> Image.Image:
    return Image.open(photos["yaoming"]).convert("RGB")


def test_a_clear_frontal_face_is_accepted(engine: FaceEngine, yao: Image.Image) -> None:
    assert check(engine, yao) is None


def test_a_group_photo_is_refused(engine: FaceEngine, photos: dict[str, Path]) -> None:
    reason = check(engine, Image.open(photos["t1"]))
    assert reason == "6 faces found — choose which one is you, or crop the photo to just your face"


def test_a_blurred_photo_is_refused(engine: FaceEngine, yao: Image.Image) -> None:
    assert (
        check(engine, yao.filter(ImageFilter.GaussianBlur(3))) == "too blurry — use a sharper photo"
    )


def test_a_small_face_is_refused(engine: FaceEngine, yao: Image.Image) -> None:
    reason = check(engine, yao.resize((yao.width // 3, yao.height // 3)))
    assert reason is not None
    assert reason.startswith("your face is too small in this photo")


def scaled_to_face_width(engine: FaceEngine, yao: Image.Image, width: float) -> np.ndarray:
    """yaoming.jpg shrunk so that its face is `width` pixels wide."""
    scale = width / engine.analyze(np.asarray(yao))[0].width
    size = (round(yao.width * scale), round(yao.height * scale))
    small = yao.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(small)


@pytest.mark.parametrize("width", [59, 50])
def test_a_face_of_48_to_59_pixels_is_accepted_with_a_warning(
    engine: FaceEngine, yao: Image.Image, width: int
) -> None:
    faces = engine.analyze(scaled_to_face_width(engine, yao, width))
    result = check_reference(faces)
    assert result.accepted
    assert round(faces[0].width) == width
    assert result.warning == (
        f"your face is small in this photo ({width} pixels wide), so it is kept, but a larger "
        f"photo ({GOOD_FACE_WIDTH} pixels or more across the face) would work better"
    )
    # Still the same face: the small copy scores high against the full-size one.
    full = engine.analyze(np.asarray(yao))[0].embedding
    assert float(faces[0].embedding @ full) > 0.9


def test_a_face_under_48_pixels_is_refused(engine: FaceEngine, yao: Image.Image) -> None:
    result = check_reference(engine.analyze(scaled_to_face_width(engine, yao, 40)))
    assert not result.accepted
    assert result.reason == (
        f"your face is too small in this photo (40 pixels wide, at least {MIN_FACE_WIDTH} "
        "needed) — use a closer or larger photo"
    )


def test_a_large_face_has_no_warning(engine: FaceEngine, yao: Image.Image) -> None:
    assert check_reference(engine.analyze(np.asarray(yao))).warning is None


def test_choosing_a_face_of_a_group_photo(engine: FaceEngine, photos: dict[str, Path]) -> None:
    faces = engine.analyze(np.asarray(Image.open(photos["t1"]).convert("RGB")))
    refused = check_reference(faces)
    assert refused.several_faces
    assert not refused.accepted
    chosen = check_reference(faces, face_number=2)
    assert chosen.face is faces[1]
    assert not chosen.several_faces
    assert check_reference(faces, face_number=len(faces) + 1).reason == (
        f"there is no face {len(faces) + 1} in this photo — it has {len(faces)} faces, "
        f"numbered 1 to {len(faces)}, largest first"
    )


def test_no_face_is_refused(engine: FaceEngine) -> None:
    assert check(engine, Image.new("RGB", (300, 300), (90, 120, 150))) == (
        "no face found — use a photo where your face is clearly visible"
    )


def test_a_face_turned_aside_is_refused(engine: FaceEngine, photos: dict[str, Path]) -> None:
    # The third largest face of t1.jpg looks well to the side (yaw about -0.5).
    faces = engine.analyze(np.asarray(Image.open(photos["t1"]).convert("RGB")))
    turned = max(faces, key=lambda f: abs(head_pose(f.landmarks)[0]))
    assert check_reference([turned]).reason == (
        "the face is turned too far to the side — use a photo looking at the camera"
    )


def test_head_pose_of_synthetic_landmarks() -> None:
    frontal = np.array([[40, 50], [80, 50], [60, 70], [45, 90], [75, 90]], np.float32)
    yaw, pitch = head_pose(frontal)
    assert abs(yaw) < 0.01
    assert pitch == pytest.approx(0.5)
    turned = frontal.copy()
    turned[2, 0] = 78  # the nose near one eye
    assert head_pose(turned)[0] > 0.4
