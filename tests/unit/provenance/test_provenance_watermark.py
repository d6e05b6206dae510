"""Stable Diffusion dwtDct watermark: our encoder embeds, our decoder finds, JPEG destroys."""

import io
import time

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from likeness_guard.core.provenance import SyntheticStatus, inspect_bytes
from likeness_guard.core.provenance import watermark as wm

from .provenance_fixtures import SAMPLE_PHOTOS, encode_png, photo_pixels


@pytest.fixture(scope="module")
def photo() -> npt.NDArray[np.uint8]:
    return photo_pixels("players.jpg")


@pytest.mark.parametrize("payload", wm.PAYLOADS, ids=lambda p: p.name)
@pytest.mark.parametrize("order", ["BGR", "RGB"])
def test_embedded_payload_is_decoded(
    photo: npt.NDArray[np.uint8], payload: wm.Payload, order: str
) -> None:
    if order == "BGR":  # the reference scripts: encode a BGR array, save it as RGB
        rgb = wm.embed(photo[:, :, ::-1].copy(), payload.bits)[:, :, ::-1].copy()
    else:  # diffusers hands RGB arrays to the same encoder
        rgb = wm.embed(photo.copy(), payload.bits)
    matches = {m.payload: m for m in wm.match_payloads(rgb)}
    assert matches[payload.name].found
    assert matches[payload.name].channel_order == order
    others = [m for name, m in matches.items() if name != payload.name]
    assert not any(m.found for m in others)


def test_watermarked_png_is_ai_generated(photo: npt.NDArray[np.uint8]) -> None:
    sdxl = wm.PAYLOADS[0]
    rgb = wm.embed(photo[:, :, ::-1].copy(), sdxl.bits)[:, :, ::-1].copy()
    report = inspect_bytes(encode_png(rgb))
    assert report.status is SyntheticStatus.AI_GENERATED
    indicator = report.indicators[0]
    assert indicator.kind == "watermark"
    assert indicator.evidence["generator"] == "Stable Diffusion XL"
    assert indicator.evidence["matching_bits"] >= 46
    assert report.badge == "AI watermark found — Stable Diffusion"


def test_jpeg_420_recompression_destroys_it(photo: npt.NDArray[np.uint8]) -> None:
    sdxl = wm.PAYLOADS[0]
    rgb = wm.embed(photo[:, :, ::-1].copy(), sdxl.bits)[:, :, ::-1].copy()
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=95, subsampling=2)
    decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    assert not any(m.found for m in wm.match_payloads(decoded))
    assert inspect_bytes(buffer.getvalue()).status is SyntheticStatus.NO_MARKER_FOUND


def test_unmarked_photo_and_noise_do_not_match(photo: npt.NDArray[np.uint8]) -> None:
    rng = np.random.default_rng(7)
    images = [photo, rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)]
    for path in SAMPLE_PHOTOS:
        with Image.open(path) as image:
            rgb = np.asarray(image.convert("RGB"))
        if rgb.shape[0] * rgb.shape[1] >= wm.MIN_PIXELS:
            images.append(rgb)
    assert len(images) >= 6
    for rgb in images:
        best = wm.match_payloads(rgb)
        assert not any(m.found for m in best)
        # Keep a margin: chance agreement stays well under each threshold.
        assert all(m.matching_bits <= m.threshold - 5 for m in best)


def test_lossless_photo_png_has_no_marker(photo: npt.NDArray[np.uint8]) -> None:
    assert inspect_bytes(encode_png(photo)).status is SyntheticStatus.NO_MARKER_FOUND


def test_decoder_speed_on_two_megapixels() -> None:
    rgb = np.asarray(Image.fromarray(photo_pixels("t1.jpg")).resize((1600, 1200)))
    wm.match_payloads(rgb)  # warm cv2 up
    started = time.perf_counter()
    wm.match_payloads(rgb)
    assert time.perf_counter() - started < 0.5
