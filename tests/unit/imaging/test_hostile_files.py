"""Damaged files, made by mutating real ones: decoding fails only with a clear ImageError,
and the AI-marker checks never raise."""

import io
import random
import struct
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.provenance import SyntheticStatus, inspect_bytes

FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP")


@pytest.fixture(scope="module")
def originals(photos: dict[str, Path]) -> list[bytes]:
    image = Image.open(photos["yaoming"]).convert("RGB")
    encoded = []
    for fmt in FORMATS:
        buffer = io.BytesIO()
        image.save(buffer, fmt)
        encoded.append(buffer.getvalue())
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "a portrait\nSteps: 20, Sampler: Euler a, Model: sd15")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    encoded.append(buffer.getvalue())
    return encoded


def mutate(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.choice([1, 3, 10])):
        roll = rng.random()
        if roll < 0.6:
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        elif roll < 0.8:
            damaged = damaged[: rng.randrange(1, len(damaged) + 1)]
        else:
            at = rng.randrange(len(damaged))
            damaged[at:at] = rng.randbytes(rng.randrange(1, 16))
    return bytes(damaged)


def test_damaged_images_give_clear_errors_and_never_crash(originals: list[bytes]) -> None:
    rng = random.Random(20261128)  # fixed: the same 600 files every run
    outcomes = {"decoded": 0, "refused": 0}
    messages: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about the corrupt EXIF it skips
        for _ in range(600):
            data = mutate(rng.choice(originals), rng)
            try:
                decode_image(data)
                outcomes["decoded"] += 1
            except ImageError as exc:
                messages.add(str(exc))
                outcomes["refused"] += 1
            report = inspect_bytes(data)  # must not raise
            assert report.status in SyntheticStatus
    # Both paths were exercised: small damage is often survivable, large damage is not.
    assert outcomes["decoded"] > 50
    assert outcomes["refused"] > 50
    assert "" not in messages  # every refusal says why


def gradient() -> Image.Image:
    return Image.linear_gradient("L").convert("RGB").resize((64, 64))


def tiff_whose_next_directory_has_no_size() -> bytes:
    """A TIFF whose "next IFD" pointer leads to a directory without width or height."""
    buffer = io.BytesIO()
    gradient().save(buffer, "TIFF")
    data = bytearray(buffer.getvalue())
    first = struct.unpack_from("<I", data, 4)[0]
    entries = struct.unpack_from("<H", data, first)[0]
    struct.pack_into("<I", data, first + 2 + 12 * entries, len(data))
    software_only = struct.pack("<HHHII", 1, 305, 2, 4, 0x00616161) + struct.pack("<I", 0)
    return bytes(data) + software_only


def gif_ending_inside_a_second_frame() -> bytes:
    """A GIF whose trailer became a second image descriptor, with the file ending there."""
    buffer = io.BytesIO()
    gradient().save(buffer, "GIF")
    return buffer.getvalue()[:-1] + b"," + struct.pack("<HHHHB", 0, 0, 64, 64, 0)


# Found by fuzzing: Pillow raises TypeError and IndexError for these, not OSError.
@pytest.mark.parametrize(
    ("make", "kind"),
    [(tiff_whose_next_directory_has_no_size, "TIFF"), (gif_ending_inside_a_second_frame, "GIF")],
)
def test_damaged_frame_tables_are_clear_errors(make: Callable[[], bytes], kind: str) -> None:
    with pytest.raises(ImageError, match=f"the {kind} file is damaged or incomplete"):
        decode_image(make())
