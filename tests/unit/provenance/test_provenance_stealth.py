"""Stealth generation data in the pixels' least significant bits."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.provenance import Strength, SyntheticStatus, inspect_bytes
from likeness_guard.core.provenance.stealth import read_stealth

from .provenance_fixtures import A1111_PARAMETERS, encode_png, write_stealth


def _rgba(width: int = 96, height: int = 80) -> np.ndarray:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    pixels[:, :, 3] = 255
    return pixels


@pytest.mark.parametrize(
    ("mode", "compressed"), [("alpha", True), ("alpha", False), ("rgb", True), ("rgb", False)]
)
def test_round_trip_every_variant(mode: str, compressed: bool) -> None:
    hidden = write_stealth(_rgba(), A1111_PARAMETERS, mode=mode, compressed=compressed)
    found = read_stealth(hidden)
    assert found is not None
    assert found.text == A1111_PARAMETERS
    kind = ("png" if mode == "alpha" else "rgb") + ("comp" if compressed else "info")
    assert found.signature == f"stealth_{kind}"


def test_alpha_stealth_a1111_png_is_generated() -> None:
    report = inspect_bytes(encode_png(write_stealth(_rgba(), A1111_PARAMETERS)))
    assert report.status is SyntheticStatus.AI_GENERATED
    indicator = report.indicators[0]
    assert indicator.kind == "stealth_metadata"
    assert indicator.strength is Strength.STRONG
    assert indicator.evidence["prompt"] == "photo of a woman on a beach, detailed face"
    assert indicator.evidence["signature"] == "stealth_pngcomp"


def test_novelai_stealth_json() -> None:
    comment = {"prompt": "1girl, garden", "uc": "lowres", "steps": 28, "sampler": "k_euler"}
    payload = {
        "Description": "1girl, garden",
        "Software": "NovelAI",
        "Source": "NovelAI Diffusion V4",
        "Comment": json.dumps(comment),
    }
    report = inspect_bytes(encode_png(write_stealth(_rgba(), json.dumps(payload))))
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].evidence["generator"] == "NovelAI"
    assert report.indicators[0].evidence["prompt"] == "1girl, garden"


def test_plain_rgba_png_has_no_stealth_data() -> None:
    assert read_stealth(_rgba()) is None
    assert inspect_bytes(encode_png(_rgba())).status is SyntheticStatus.NO_MARKER_FOUND


def test_damaged_stealth_length_is_an_unreadable_indicator() -> None:
    pixels = write_stealth(_rgba(), "x" * 50, mode="alpha", compressed=False)
    # Overwrite the 32-bit length (bits 120..151 in column-major order) with all ones.
    column_major = np.swapaxes(pixels[:, :, 3], 0, 1).copy().reshape(-1)
    column_major[120:152] |= 1
    pixels[:, :, 3] = np.swapaxes(column_major.reshape(96, 80), 0, 1)
    report = inspect_bytes(encode_png(pixels))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert [i.kind for i in report.indicators] == ["unreadable"]


def test_lossy_webp_is_not_read_for_stealth_data() -> None:
    buffer = io.BytesIO()
    Image.fromarray(write_stealth(_rgba(), A1111_PARAMETERS)).save(buffer, "WEBP", quality=90)
    assert inspect_bytes(buffer.getvalue()).status is SyntheticStatus.NO_MARKER_FOUND
