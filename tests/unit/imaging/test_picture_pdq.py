"""Picture hashes: copies of one picture are close, different pictures far apart."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from likeness_guard.core.imaging.pdq import (
    SAME_PICTURE_DISTANCE,
    hamming_distance,
    picture_pdq,
    same_picture,
)


def jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def hashed(data: bytes) -> str:
    value = picture_pdq(data)
    assert value is not None
    return value


def test_resized_recompressed_and_captioned_copies_are_the_same_picture(
    photos: dict[str, Path],
) -> None:
    original = Image.open(photos["yaoming"]).convert("RGB")
    captioned = original.copy()
    draw = ImageDraw.Draw(captioned)
    draw.rectangle((0, original.height - 20, original.width, original.height), fill=(0, 0, 0))
    draw.text((4, original.height - 18), "full set at example.org", fill="white")
    base = hashed(photos["yaoming"].read_bytes())
    for copy in (
        jpeg(original, quality=30),
        jpeg(original.resize((original.width // 2, original.height // 2))),
        jpeg(captioned),
    ):
        assert same_picture(base, hashed(copy))


def test_different_photos_are_not_the_same_picture(photos: dict[str, Path]) -> None:
    hashes = {name: hashed(path.read_bytes()) for name, path in photos.items()}
    names = sorted(hashes)
    for first in names:
        for second in names[names.index(first) + 1 :]:
            assert hamming_distance(hashes[first], hashes[second]) > 2 * SAME_PICTURE_DISTANCE


@pytest.mark.parametrize(
    "data",
    [b"not a picture", jpeg(Image.new("RGB", (300, 200), (120, 90, 200)))],
    ids=["unreadable", "flat"],
)
def test_no_hash_when_it_would_mean_nothing(data: bytes) -> None:
    assert picture_pdq(data) is None
