"""Pictures for the report: scaled, blurred except the matched face, face crops, JPEG bytes."""

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# Pixelating to 1/PIXELATE of the long side, then blurring, leaves shapes and colours but no
# detail: enough to see that an image is the one described, not enough to look at it.
PIXELATE = 28
# The matched face keeps this much margin around its box, as a share of the box size.
FACE_MARGIN = 0.25
OUTLINE = (230, 57, 70)
JPEG_QUALITY = 85

Box = tuple[float, float, float, float]


def _scaled(rgb: np.ndarray, max_side: int) -> tuple[Image.Image, float]:
    """The image as Pillow, scaled down to fit `max_side` (never up), and the scale used."""
    image = Image.fromarray(rgb)
    scale = min(1.0, max_side / max(image.size))
    if scale < 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image, scale


def strong_blur(image: Image.Image) -> Image.Image:
    """Blur an image beyond recognition of anything but shapes and colours."""
    width, height = image.size
    longest = max(width, height)
    small = (max(1, round(width / longest * PIXELATE)), max(1, round(height / longest * PIXELATE)))
    coarse = image.resize(small, Image.Resampling.BOX).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    return coarse.filter(ImageFilter.GaussianBlur(radius=max(2.0, max(width, height) / 60)))


def _face_area(box: Box, scale: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (value * scale for value in box)
    margin_x, margin_y = (x2 - x1) * FACE_MARGIN, (y2 - y1) * FACE_MARGIN
    return (
        max(0, int(x1 - margin_x)),
        max(0, int(y1 - margin_y)),
        min(size[0], int(np.ceil(x2 + margin_x))),
        min(size[1], int(np.ceil(y2 + margin_y))),
    )


def detail_picture(
    rgb: np.ndarray, face: Box | None, max_side: int, *, unblurred: bool = False
) -> Image.Image:
    """The image for a match's section: blurred except the matched face, which is outlined.

    With `unblurred`, the image is shown as it is (still outlined); without a face box, all
    of it is blurred.
    """
    image, scale = _scaled(rgb, max_side)
    shown = image if unblurred else strong_blur(image)
    if face is not None:
        area = _face_area(face, scale, image.size)
        if area[2] > area[0] and area[3] > area[1]:
            if not unblurred:
                shown.paste(image.crop(area), area[:2])
            line = max(1, round(max(image.size) / 300))
            ImageDraw.Draw(shown).rectangle(area, outline=OUTLINE, width=line)
    return shown


def thumbnail_picture(rgb: np.ndarray, max_side: int) -> Image.Image:
    """A small picture for the summary table, blurred all over."""
    image, _ = _scaled(rgb, max_side)
    return strong_blur(image)


def face_crop(rgb: np.ndarray, face: Box, max_side: int = 224) -> Image.Image:
    """The matched face with a little margin, as found in the image."""
    height, width = rgb.shape[:2]
    area = _face_area(face, 1.0, (width, height))
    crop = Image.fromarray(rgb[area[1] : area[3], area[0] : area[2]])
    if max(crop.size) > max_side:
        crop.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return crop


def jpeg_bytes(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """Encode a picture as baseline JPEG (reportlab embeds it without re-encoding)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
