"""The one blur policy: no detail left at any display size, colours and layout kept, the
matched face clear and outlined, and no second policy anywhere in the package."""

import ast
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import likeness_guard
from likeness_guard.core.imaging import blur
from likeness_guard.core.imaging.resize import fit_within

YAO = (720.0, 142.0, 765.0, 192.0)  # Yao Ming's face in players.jpg (1237x800)


@pytest.fixture(scope="module")
def players(photos: dict[str, Path]) -> np.ndarray:
    return np.asarray(Image.open(photos["players"]).convert("RGB"))


def through(rgb: np.ndarray, side: int) -> np.ndarray:
    """`rgb` shrunk to `side` px on its longest side and enlarged back: what survives is
    all the detail a picture of that size can hold."""
    height, width = rgb.shape[:2]
    small, _ = fit_within(rgb, side)
    back = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    return np.asarray(back, dtype=np.int16)


@pytest.mark.parametrize("side", [96, 300, 1237])
def test_the_blur_leaves_no_more_detail_than_a_tiny_picture_at_any_size(
    players: np.ndarray, side: int
) -> None:
    shown, _ = fit_within(players, side)
    blurred = blur.strong_blur(shown)
    tiny = 4 * blur.BLUR_CELLS  # 48 px across: no face, text or body detail fits in it
    # However large it is shown, the blurred picture is a 48-pixel one enlarged...
    assert np.abs(blurred - through(blurred, tiny)).mean() < 2.0
    # ...which the original is not (the comparison can tell the difference).
    assert np.abs(shown - through(shown, tiny)).mean() > 8.0


def test_the_blur_keeps_colours_and_layout(players: np.ndarray) -> None:
    shown, _ = fit_within(players, 600)
    blurred = blur.strong_blur(shown).astype(np.float64)
    original = shown.astype(np.float64)
    assert blurred.shape == original.shape
    assert np.abs(blurred.mean(axis=(0, 1)) - original.mean(axis=(0, 1))).max() < 4.0
    # A 3x3 grid of mean colours still matches: where the red shirts and the floor are.
    h, w = original.shape[0] // 3, original.shape[1] // 3
    grid = [
        (slice(r * h, (r + 1) * h), slice(c * w, (c + 1) * w)) for r in range(3) for c in range(3)
    ]
    ours = np.array([blurred[cell].mean(axis=(0, 1)) for cell in grid]).ravel()
    theirs = np.array([original[cell].mean(axis=(0, 1)) for cell in grid]).ravel()
    assert np.corrcoef(ours, theirs)[0, 1] > 0.95


def test_only_the_matched_face_stays_clear_and_it_is_outlined(players: np.ndarray) -> None:
    shown, scale = fit_within(players, 640)
    picture = blur.detail_picture(players, YAO, 640)
    area = blur.face_area(YAO, scale, (shown.shape[1], shown.shape[0]))
    assert area is not None
    left, top, right, bottom = area
    line = max(1, round(640 / 300))
    inside = (slice(top + line, bottom - line), slice(left + line, right - line))
    np.testing.assert_array_equal(picture[inside], shown[inside])
    assert (picture[top, left:right] == blur.OUTLINE).all()
    assert (picture[bottom - 1, left:right] == blur.OUTLINE).all()
    assert (picture[top:bottom, right - 1] == blur.OUTLINE).all()
    # Everywhere else it is exactly the one blur.
    outside = np.ones(shown.shape[:2], dtype=bool)
    outside[top:bottom, left:right] = False
    np.testing.assert_array_equal(picture[outside], blur.strong_blur(shown)[outside])


def test_the_face_margin_is_the_policys(players: np.ndarray) -> None:
    x1, y1, x2, y2 = YAO
    area = blur.face_area(YAO, 1.0, (1237, 800))
    assert area is not None
    assert area[0] == int(x1 - (x2 - x1) * blur.FACE_MARGIN)
    assert area[3] == int(np.ceil(y2 + (y2 - y1) * blur.FACE_MARGIN))
    crop = blur.face_crop(players, YAO)
    assert crop is not None
    np.testing.assert_array_equal(crop, players[area[1] : area[3], area[0] : area[2]])


def test_unblurred_pictures_are_as_found_but_outlined(players: np.ndarray) -> None:
    shown, _ = fit_within(players, 640)
    picture = blur.detail_picture(players, YAO, 640, unblurred=True)
    different = np.any(picture != shown, axis=-1)
    assert different.any()
    assert (picture[different] == blur.OUTLINE).all()  # only the outline was drawn


def test_a_face_outside_the_picture_blurs_everything(players: np.ndarray) -> None:
    outside = (5000.0, 5000.0, 5100.0, 5100.0)
    shown, _ = fit_within(players, 300)
    np.testing.assert_array_equal(
        blur.detail_picture(players, outside, 300), blur.strong_blur(shown)
    )
    assert blur.face_crop(players, outside) is None


def test_face_crops_from_a_preview_use_its_scale(players: np.ndarray) -> None:
    shown, scale = fit_within(players, 400)
    from_preview = blur.face_crop(shown, YAO, 400, scale=scale)
    from_original = blur.face_crop(players, YAO, 400)
    assert from_preview is not None
    assert from_original is not None
    height, width = from_original.shape[:2]
    assert from_preview.shape[0] == pytest.approx(height * scale, abs=2)
    assert from_preview.shape[1] == pytest.approx(width * scale, abs=2)


def test_jpeg_bytes_hold_the_picture(players: np.ndarray) -> None:
    thumb = blur.thumbnail_picture(players, 96)
    assert thumb.shape == (62, 96, 3)
    decoded = np.asarray(Image.open(io.BytesIO(blur.jpeg_bytes(thumb))), dtype=np.int16)
    assert decoded.shape == thumb.shape
    assert np.abs(decoded - thumb).mean() < 3


def numbers_named(tree: ast.Module) -> set[str]:
    """Module-level names that are assigned a number."""
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, int | float)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def test_the_package_has_one_blur_policy() -> None:
    """No module but imaging/blur.py sets a blur strength or face margin, and the window
    imports nothing from Pillow (it decodes and blurs through core imaging)."""
    root = Path(likeness_guard.__file__).parent
    policy = root / "core" / "imaging" / "blur.py"
    assert {"BLUR_CELLS", "FACE_MARGIN"} <= numbers_named(ast.parse(policy.read_text("utf-8")))
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path != policy:
            own = {n for n in numbers_named(tree) if re.search("BLUR|PIXELAT|MARGIN", n)}
            assert not own, f"{path} sets its own blur policy: {own}"
        if root / "gui" in path.parents:
            modules = {
                node.module if isinstance(node, ast.ImportFrom) else alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in node.names
            }
            assert not {m for m in modules if m and m.split(".")[0] == "PIL"}, path
