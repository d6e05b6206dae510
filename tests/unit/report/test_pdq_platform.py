"""PDQ as platforms compute it, checked against Meta's C++ reference (the pdqhash package)."""

import io
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from likeness_guard.core.imaging.decode import decode_image, decode_stored
from likeness_guard.core.imaging.pdq import (
    hamming_distance,
    oriented,
    pdq_hash,
    platform_pdq,
    reference_downsize,
)
from tests.unit.report.conftest import rotated_jpeg


def meta_reference(rgb: np.ndarray) -> str:
    """Meta's C++ PDQ (pdqhash bindings) of these pixels, as 64 hex digits."""
    bits, _quality = pdqhash.compute(np.ascontiguousarray(rgb))
    return f"{int(''.join(str(int(bit)) for bit in bits), 2):064x}"


@pytest.mark.parametrize("name", ["players", "gdp", "t1", "yaoming"])
def test_same_pixels_give_the_reference_hash_bit_for_bit(
    photos: dict[str, Path], name: str
) -> None:
    rgb = np.asarray(Image.open(photos[name]).convert("RGB"))
    squeezed = reference_downsize(rgb)
    assert pdq_hash(squeezed).hex == meta_reference(squeezed)
    # Squeezing large photos to 512 x 512 first, as the reference tool does, moves few bits.
    assert hamming_distance(pdq_hash(squeezed).hex, meta_reference(rgb)) <= 16


@pytest.mark.parametrize("name", ["yaoming", "players"])
def test_an_exif_rotated_jpeg_is_hashed_as_stored_like_the_reference(
    photos: dict[str, Path], name: str
) -> None:
    data = rotated_jpeg(photos[name])
    stored, orientation = decode_stored(data)
    assert orientation == 6
    hashes = platform_pdq(stored, orientation)
    reference = meta_reference(stored)  # Meta's tool ignores the EXIF orientation
    assert hamming_distance(hashes.stored.hex, reference) <= 16
    if max(stored.shape[:2]) <= 512:
        assert hashes.stored.hex == reference
    # The displayed picture hashes far from it: that is why both are given, labelled.
    assert hashes.displayed is not None
    displayed = decode_image(data).frames[0]
    assert hashes.displayed.hex == pdq_hash(reference_downsize(displayed)).hex
    assert hamming_distance(hashes.displayed.hex, reference) > 64


def test_without_a_turning_orientation_there_is_one_hash(photos: dict[str, Path]) -> None:
    data = photos["gdp"].read_bytes()
    hashes = platform_pdq(*decode_stored(data))
    assert hashes.displayed is None
    assert hashes.orientation == 1


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientations_turn_the_pixels_as_viewers_do(
    photos: dict[str, Path], orientation: int
) -> None:
    image = Image.open(photos["yaoming"]).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "PNG", exif=exif.tobytes())
    stored, found = decode_stored(buffer.getvalue())
    assert found == orientation
    assert np.array_equal(oriented(stored, found), decode_image(buffer.getvalue()).frames[0])
