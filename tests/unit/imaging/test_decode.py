"""Safe decoding of every format and pixel mode, and clear errors for bad input."""

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.imaging.formats import sniff_format


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def photo(photos: dict[str, Path]) -> Image.Image:
    return Image.open(photos["yaoming"]).convert("RGB")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("JPEG", "jpeg"),
        ("PNG", "png"),
        ("WEBP", "webp"),
        ("BMP", "bmp"),
        ("TIFF", "tiff"),
        ("GIF", "gif"),
        ("HEIF", "heif"),
        ("AVIF", "avif"),
    ],
)
def test_every_format_decodes_to_rgb(photo: Image.Image, fmt: str, expected: str) -> None:
    decoded = decode_image(encode(photo, fmt))
    assert decoded.format == expected
    assert (decoded.width, decoded.height) == photo.size
    frame = decoded.frames[0]
    assert frame.shape == (photo.height, photo.width, 3)
    assert frame.dtype == np.uint8
    # Lossy formats and GIF's palette change pixels a little, never the picture.
    assert np.abs(frame.astype(int) - np.asarray(photo, dtype=int)).mean() < 12


@pytest.mark.parametrize("mode", ["L", "CMYK", "P", "RGBA", "LA", "1"])
def test_pixel_modes_become_rgb(photo: Image.Image, mode: str) -> None:
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    decoded = decode_image(encode(photo.convert(mode), fmt))
    assert decoded.frames[0].shape == (photo.height, photo.width, 3)
    assert decoded.frames[0].std() > 20  # a picture, not a blank


def test_sixteen_bit_grayscale_is_scaled_not_clipped(photo: Image.Image) -> None:
    gray16 = (np.asarray(photo.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    decoded = decode_image(encode(Image.fromarray(gray16), "PNG"))
    frame = decoded.frames[0]
    assert frame.max() > 200  # not all white (clipped) or black (truncated)
    np.testing.assert_allclose(frame[..., 0], np.asarray(photo.convert("L")), atol=2)


def test_transparency_is_laid_over_white() -> None:
    clear = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    assert (decode_image(encode(clear, "PNG")).frames[0] == 255).all()


def test_exif_orientation_is_applied(photo: Image.Image) -> None:
    rotated = photo.transpose(Image.Transpose.ROTATE_90)  # stored sideways...
    exif = Image.Exif()
    exif[0x0112] = 6  # ...with "rotate 90° clockwise to display"
    decoded = decode_image(encode(rotated, "JPEG", exif=exif.tobytes(), quality=95))
    assert (decoded.width, decoded.height) == photo.size
    assert np.abs(decoded.frames[0].astype(int) - np.asarray(photo, dtype=int)).mean() < 12


def test_animation_frames_are_sampled_up_to_the_cap(photo: Image.Image) -> None:
    frames = [photo.point(lambda v, i=i: (v + 10 * i) % 256) for i in range(20)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    decoded = decode_image(data, max_frames=5)
    assert decoded.frame_count == 20
    assert len(decoded.frames) == 5


def test_the_format_comes_from_the_bytes_not_the_name(photo: Image.Image) -> None:
    assert sniff_format(encode(photo, "PNG")) == "png"
    assert sniff_format(b"<html><body>not an image</body></html>") is None


def png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat_data = zlib.compress(b"\x00" * 100)
    idat = struct.pack(">I", len(idat_data)) + b"IDAT" + idat_data
    idat += struct.pack(">I", zlib.crc32(b"IDAT" + idat_data))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + b"\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello, this is a text file named photo.jpg\n", "not an image"),
        (png_claiming(50000, 50000), "too large"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 30, "damaged"),
    ],
    ids=["zero-bytes", "text", "png-bomb-header", "jpeg-garbage"],
)
def test_bad_input_is_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        decode_image(data)


def test_a_truncated_jpeg_is_a_clear_error(photo: Image.Image) -> None:
    data = encode(photo, "JPEG")
    with pytest.raises(ImageError, match="damaged or incomplete"):
        decode_image(data[: len(data) // 2])
