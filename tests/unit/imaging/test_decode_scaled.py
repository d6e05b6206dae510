"""Scaled decoding for previews: the same formats, orientation and safety caps as full
decoding, and only as much decoding as the display needs."""

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging import decode
from likeness_guard.core.imaging.decode import decode_image, decode_scaled, register_heif


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    if fmt == "HEIF":
        assert register_heif()
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def resized(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(image.resize(size, Image.Resampling.LANCZOS), dtype=np.int16)


@pytest.fixture(scope="module")
def photo(photos: dict[str, Path]) -> Image.Image:
    return Image.open(photos["players"]).convert("RGB")  # 1237x800


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp"), ("HEIF", "heif"), ("AVIF", "avif")],
)
def test_every_format_is_scaled_to_fit(photo: Image.Image, fmt: str, expected: str) -> None:
    scaled = decode_scaled(encode(photo, fmt), 300)
    assert scaled.format == expected
    assert scaled.rgb.shape == (194, 300, 3)
    assert scaled.rgb.dtype == np.uint8
    assert (scaled.original_width, scaled.original_height) == photo.size
    assert scaled.scale == pytest.approx(300 / 1237)
    # The picture itself, not just its size: close to the original scaled the same way.
    assert np.abs(scaled.rgb - resized(photo, (300, 194))).mean() < 12


def test_a_small_image_is_never_enlarged(photo: Image.Image) -> None:
    small = photo.resize((120, 78))
    scaled = decode_scaled(encode(small, "PNG"), 600)
    assert scaled.rgb.shape == (78, 120, 3)
    assert scaled.scale == 1.0
    np.testing.assert_array_equal(scaled.rgb, np.asarray(small))


def test_exif_orientation_is_applied_to_the_preview_and_its_scale(photo: Image.Image) -> None:
    stored = photo.transpose(Image.Transpose.ROTATE_90)  # stored sideways (800x1237)...
    exif = Image.Exif()
    exif[0x0112] = 6  # ...with "rotate 90° clockwise to display"
    scaled = decode_scaled(encode(stored, "JPEG", exif=exif.tobytes(), quality=95), 300)
    assert scaled.rgb.shape == (194, 300, 3)  # landscape again, as the photo was taken
    assert (scaled.original_width, scaled.original_height) == (1237, 800)
    assert scaled.scale == pytest.approx(300 / 1237)
    assert np.abs(scaled.rgb - resized(photo, (300, 194))).mean() < 12
    # Face boxes are stored in displayed original pixels, so they map with the same scale.
    full = decode_image(encode(stored, "JPEG", exif=exif.tobytes(), quality=95))
    assert (full.width, full.height) == (scaled.original_width, scaled.original_height)


def test_big_jpegs_are_decoded_at_a_reduced_scale(
    photo: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = photo.resize((4948, 3200))  # 15.8 MP
    data = encode(big, "JPEG", quality=90)
    decoded_sizes: list[tuple[int, int]] = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, *args: object, **kwargs: object) -> object:
        result = real_draft(self, *args, **kwargs)  # type: ignore[arg-type]
        decoded_sizes.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    scaled = decode_scaled(data, 600)
    # libjpeg decoded 1/8 of each side, not all 15.8 MP: still no smaller than 600x388.
    assert decoded_sizes == [(619, 400)]
    assert scaled.rgb.shape == (388, 600, 3)
    assert scaled.scale == pytest.approx(600 / 4948)
    assert (scaled.original_width, scaled.original_height) == (4948, 3200)


def test_the_pixel_cap_applies_to_previews(
    photo: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = encode(photo, "PNG")
    assert decode_scaled(data, 100).rgb.shape[1] == 100
    monkeypatch.setattr(decode, "MAX_PIXELS", 1237 * 800 - 1)
    with pytest.raises(ImageError, match=r"too large to analyse safely \(1237x800 pixels\)"):
        decode_scaled(data, 100)


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
        (b"", "the file is empty"),
        (b"hello, this is a text file named photo.jpg\n", "not an image"),
        (b"\xff\x0a" + b"\x00" * 30, "JPEG XL images cannot be read yet"),
        (png_claiming(12000, 12000), "claims to be too large"),  # Pillow's bomb warning
        (png_claiming(50000, 50000), "claims to be too large"),  # and its bomb error
        (b"\xff\xd8\xff\xe0" + b"\x00" * 30, "damaged"),
    ],
    ids=["zero-bytes", "text", "jpeg-xl", "bomb-warning", "bomb-error", "jpeg-garbage"],
)
def test_bad_input_is_the_same_clear_error_as_full_decoding(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        decode_scaled(data, 200)
    with pytest.raises(ImageError, match=message):
        decode_image(data)


def test_a_truncated_jpeg_is_a_clear_error(photo: Image.Image) -> None:
    data = encode(photo, "JPEG")
    with pytest.raises(ImageError, match="the JPEG file is damaged or incomplete"):
        decode_scaled(data[: len(data) // 2], 200)


def test_a_display_size_must_be_positive(photo: Image.Image) -> None:
    with pytest.raises(ValueError, match="max_side"):
        decode_scaled(encode(photo, "PNG"), 0)
