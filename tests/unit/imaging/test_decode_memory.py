"""Decoding holds a bounded number of pixels, whatever the file claims."""

import io

import pytest
from PIL import Image

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import (
    MAX_DECODED_PIXELS,
    REDUCE_TO_PIXELS,
    decode_image,
    frame_count,
)
from tests.hostile.corpus import _giant_tiff, _tiff_with_huge_second_page


def test_a_multi_page_giant_tiff_decodes_within_the_pixel_cap() -> None:
    data = _giant_tiff(4, 9400)  # under 1 MB; 4 x 88 megapixels (1 GB as RGB) uncapped
    image = decode_image(data)
    decoded = sum(frame.shape[0] * frame.shape[1] for frame in image.frames)
    assert decoded <= MAX_DECODED_PIXELS
    assert all(frame.shape[0] * frame.shape[1] <= REDUCE_TO_PIXELS for frame in image.frames)
    assert image.frame_count == 4
    assert frame_count(data) == 4


def test_a_giant_flat_png_is_shrunk_before_conversion() -> None:
    buffer = io.BytesIO()
    Image.new("L", (9400, 9400), 200).save(buffer, "PNG", optimize=True)
    image = decode_image(buffer.getvalue())
    (frame,) = image.frames
    assert frame.shape[0] * frame.shape[1] <= REDUCE_TO_PIXELS
    assert frame.shape[2] == 3


def test_a_later_page_larger_than_the_limit_is_refused_before_decoding() -> None:
    with pytest.raises(ImageError, match="frame 2 is too large"):
        decode_image(_tiff_with_huge_second_page())


def test_only_pixels_exactly_as_stored_are_marked_so() -> None:
    def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        return buffer.getvalue()

    plain = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter
    assert decode_image(encoded(plain, "PNG")).first_as_stored
    assert not decode_image(encoded(plain, "PNG", exif=exif)).first_as_stored
    assert not decode_image(encoded(plain.convert("RGBA"), "PNG")).first_as_stored
    assert not decode_image(encoded(plain.convert("P"), "PNG")).first_as_stored
    giant = Image.new("RGB", (9400, 9400), 200)
    assert not decode_image(encoded(giant, "PNG", compress_level=1)).first_as_stored
