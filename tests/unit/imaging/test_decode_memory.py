"""Decoding holds a bounded number of pixels, whatever the file claims."""

import io
import subprocess
import sys

import pytest
from PIL import Image

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import (
    MAX_DECODED_PIXELS,
    REDUCE_TO_PIXELS,
    decode_image,
    frame_count,
)
from tests.hostile.corpus import (
    _giant_tiff,
    _png_lying_chunk_length,
    _tiff_with_huge_second_page,
)


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


@pytest.mark.parametrize("kind", [b"IDAT", b"IEND"])
def test_a_png_chunk_claiming_4_gb_is_read_without_allocating_it(kind: bytes) -> None:
    # In a fresh process, so that the peak measured is this decode's alone (VmHWM: the
    # rusage peak would carry over the memory of the forked test process).
    code = (
        "import re, sys\n"
        "from likeness_guard.core.domain.errors import ImageError\n"
        "from likeness_guard.core.imaging.decode import decode_image\n"
        "try:\n"
        "    print(decode_image(sys.stdin.buffer.read()).frames[0].shape)\n"
        "except ImageError as exc:\n"
        "    print(exc)\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s*(\\d+)', status).group(1)) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=_png_lying_chunk_length(kind),
        capture_output=True,
        check=True,
        timeout=60,
    )
    outcome, peak_mb = done.stdout.decode().split("\n")[:2]
    # Pillow reads the pixels that are there, or says the file is damaged.
    assert outcome == "(1, 60000, 3)" or "damaged" in outcome
    assert int(peak_mb) < 500  # 4,000 MB when OpenCV was handed the file
