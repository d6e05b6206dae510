"""The one blur policy that protects the person, on screen and in the report.

Pictures go in and come out as RGB uint8 arrays (HxWx3): the window turns them into
QImages, the report into JPEG bytes, and both blur them with the same functions.
"""

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from likeness_guard.core.imaging.resize import fit_within

# One policy for the window and the report. The picture is averaged into BLUR_CELLS cells
# along its longest side, then smoothed by a Gaussian of half a cell. At 12 cells even a
# close-up is a soft blob in its own colours, and a group a band of colours with a few
# upright shapes: enough to tell which image it is, while no feature, body part, skin
# detail or text can be made out. Both steps scale with the picture, so the detail is gone
# from the pixels and showing them larger reveals nothing. The matched face stays clear
# with FACE_MARGIN of its box around it: the hairline and chin that a tight detector box
# cuts off, not the body below.
BLUR_CELLS = 12
FACE_MARGIN = 0.15
OUTLINE = (230, 57, 70)
JPEG_QUALITY = 85

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in original image pixels
Area = tuple[int, int, int, int]  # left, top, right, bottom in the picture's pixels


def strong_blur(rgb: np.ndarray) -> np.ndarray:
    """The whole picture blurred by the policy: colours and rough shapes, no detail.

    Returns a new array of the same size as `rgb`.
    """
    height, width = rgb.shape[:2]
    if not height or not width:
        return rgb.copy()
    longest = max(width, height)
    cells = (
        min(width, max(1, round(width / longest * BLUR_CELLS))),
        min(height, max(1, round(height / longest * BLUR_CELLS))),
    )
    coarse = (
        Image.fromarray(rgb)
        .resize(cells, Image.Resampling.BOX)
        .resize((width, height), Image.Resampling.BICUBIC)
    )
    cell = longest / max(cells)
    smooth = coarse.filter(ImageFilter.GaussianBlur(radius=cell / 2))
    return np.array(smooth, dtype=np.uint8)  # a writable copy: callers may paint on it


def face_area(face: Box, scale: float, size: tuple[int, int]) -> Area | None:
    """Where `face` (with FACE_MARGIN) lies in a picture of `size` (width, height) that is
    `scale` times the original; None when that is outside the picture."""
    x1, y1, x2, y2 = (value * scale for value in face)
    margin_x, margin_y = (x2 - x1) * FACE_MARGIN, (y2 - y1) * FACE_MARGIN
    left, top = max(0, int(x1 - margin_x)), max(0, int(y1 - margin_y))
    right = min(size[0], int(np.ceil(x2 + margin_x)))
    bottom = min(size[1], int(np.ceil(y2 + margin_y)))
    return (left, top, right, bottom) if right > left and bottom > top else None


def blurred_except_face(
    rgb: np.ndarray, face: Box | None, scale: float = 1.0, *, unblurred: bool = False
) -> np.ndarray:
    """`rgb` blurred except the matched face, which is outlined.

    `face` is in original pixels and `rgb` is `scale` times the original. Without a face
    (or one outside the picture) all of it is blurred; with `unblurred` nothing is, and the
    face is still outlined.
    """
    shown = rgb.copy() if unblurred else strong_blur(rgb)
    height, width = rgb.shape[:2]
    area = face_area(face, scale, (width, height)) if face is not None else None
    if area is None:
        return shown
    left, top, right, bottom = area
    shown[top:bottom, left:right] = rgb[top:bottom, left:right]
    picture = Image.fromarray(shown)
    line = max(1, round(max(width, height) / 300))
    # Pillow's rectangle includes its right and bottom edges: stay on the clear area.
    ImageDraw.Draw(picture).rectangle(
        (left, top, right - 1, bottom - 1), outline=OUTLINE, width=line
    )
    return np.array(picture, dtype=np.uint8)


def face_crop(
    rgb: np.ndarray, face: Box, max_side: int = 224, *, scale: float = 1.0
) -> np.ndarray | None:
    """The face with FACE_MARGIN around it, clear, at most `max_side` pixels on a side.

    `face` is in original pixels and `rgb` is `scale` times the original. None when the
    face lies outside the picture.
    """
    height, width = rgb.shape[:2]
    area = face_area(face, scale, (width, height))
    if area is None:
        return None
    left, top, right, bottom = area
    crop, _ = fit_within(np.ascontiguousarray(rgb[top:bottom, left:right]), max_side)
    return crop


def detail_picture(
    rgb: np.ndarray, face: Box | None, max_side: int, *, unblurred: bool = False
) -> np.ndarray:
    """The report's picture of a match: `rgb` fitted into `max_side`, blurred except the
    outlined face (see blurred_except_face)."""
    shown, scale = fit_within(rgb, max_side)
    return blurred_except_face(shown, face, scale, unblurred=unblurred)


def thumbnail_picture(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """A small picture fitted into `max_side`, blurred all over."""
    shown, _ = fit_within(rgb, max_side)
    return strong_blur(shown)


def jpeg_bytes(rgb: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """Encode a picture as baseline JPEG (reportlab embeds it without re-encoding)."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
