"""Ordinary JPEG, PNG and WebP stills are decoded by OpenCV: the same pixels, turned the same
way, as Pillow gives; anything unusual is left to Pillow."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import decode_image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg(image: Image.Image, **options: object) -> bytes:
    return encoded(image, "JPEG", quality=90, **options)


def by_pillow(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_each_exif_orientation_is_applied_as_pillow_applies_it(
    orientation: int, photos: dict[str, Path]
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    with Image.open(photos["t1"]) as photo:
        data = jpeg(photo.convert("RGB").crop((0, 0, 300, 200)), exif=exif)
    decoded = decode_image(data)
    (frame,) = decoded.frames
    assert np.array_equal(frame, by_pillow(data))
    assert (decoded.width, decoded.height) == (frame.shape[1], frame.shape[0])
    assert decoded.first_as_stored is (orientation == 1)


def test_grey_and_cmyk_jpegs_give_the_same_pixels_as_pillow(photos: dict[str, Path]) -> None:
    with Image.open(photos["gdp"]) as photo:
        for mode in ("L", "CMYK"):
            data = jpeg(photo.convert(mode))
            (frame,) = decode_image(data).frames
            assert np.array_equal(frame, by_pillow(data)), mode


def test_a_jpeg_cut_short_is_still_refused(photos: dict[str, Path]) -> None:
    data = photos["players"].read_bytes()
    with pytest.raises(ImageError, match="damaged or incomplete"):
        decode_image(data[: len(data) // 2])


def test_ordinary_stills_take_the_quick_way_and_unusual_ones_do_not(
    photos: dict[str, Path],
) -> None:
    from likeness_guard.core.imaging.decode import _by_opencv, _opened

    with Image.open(photos["gdp"]) as photo:
        rgb = photo.convert("RGB")
    two_frames = [rgb, rgb.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    png = encoded(rgb, "PNG")
    cases = [
        (photos["players"].read_bytes(), True),
        (jpeg(rgb.convert("L")), True),
        (png, True),
        (encoded(rgb, "WEBP", quality=80), True),
        (encoded(rgb, "WEBP", lossless=True), True),
        (jpeg(rgb.convert("CMYK")), False),
        (jpeg(rgb)[:-2], False),  # no end marker
        (png[:-12], False),  # no IEND chunk
        (encoded(rgb.convert("RGBA"), "PNG"), False),
        (encoded(rgb.convert("P"), "PNG"), False),
        (encoded(two_frames[0], "WEBP", save_all=True, append_images=two_frames[1:]), False),
    ]
    for data, quick in cases:
        with _opened(data) as (kind, image):
            assert (_by_opencv(data, kind, image) is not None) is quick, (kind, image.mode)
        if quick:
            (frame,) = decode_image(data).frames
            assert np.array_equal(frame, by_pillow(data)), kind


def test_a_png_cut_short_is_still_refused(photos: dict[str, Path]) -> None:
    with Image.open(photos["gdp"]) as photo:
        data = encoded(photo.convert("RGB"), "PNG")
    with pytest.raises(ImageError, match="damaged or incomplete"):
        decode_image(data[: len(data) - 40])
