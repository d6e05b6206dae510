"""The enrollment quality gate turns bad reference photos away with a usable reason."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.quality import check_reference, head_pose


def check(engine: FaceEngine, image: Image.Image) -> str | None:
    return check_reference(engine.analyze(np.asarray(image.convert("RGB")))).reason


@pytest.fixture(scope="module")
def yao(photos: dict[str, Path]) -> Image.Image:
    return Image.open(photos["yaoming"]).convert("RGB")


def test_a_clear_frontal_face_is_accepted(engine: FaceEngine, yao: Image.Image) -> None:
    assert check(engine, yao) is None


def test_a_group_photo_is_refused(engine: FaceEngine, photos: dict[str, Path]) -> None:
    reason = check(engine, Image.open(photos["t1"]))
    assert reason == "6 faces found — crop the photo to just your face"


def test_a_blurred_photo_is_refused(engine: FaceEngine, yao: Image.Image) -> None:
    assert (
        check(engine, yao.filter(ImageFilter.GaussianBlur(3))) == "too blurry — use a sharper photo"
    )


def test_a_small_face_is_refused(engine: FaceEngine, yao: Image.Image) -> None:
    reason = check(engine, yao.resize((yao.width // 3, yao.height // 3)))
    assert reason is not None
    assert reason.startswith("your face is too small in this photo")


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
