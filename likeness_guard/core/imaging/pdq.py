"""PDQ perceptual hashes (Meta's 256-bit image hash used by hash-sharing programmes), in numpy."""

import logging
from dataclasses import dataclass

import numpy as np

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import decode_scaled

# PDQ works on a 64x64 luminance image, reduced to a 16x16 block of DCT coefficients.
_GRID = 64
_KEPT = 16
# Each box-filter window spans 1/128th of a side; two X-then-Y passes of box filters make
# a tent filter that spans 1/64th, so each of the 64x64 samples sums a full block.
_WINDOW_DIVISOR = 128
_PASSES = 2
# ITU-R BT.601 luma weights, as the reference implementation uses them.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float64)
# The reference's quality metric counts quantised gradients; these are its constants.
_QUALITY_GRADIENT_SCALE = 100.0 / 255.0
_QUALITY_DIVISOR = 90
# Hashes with quality below this are unreliable (flat or nearly blank images); Meta's
# documentation recommends discarding them for matching.
MIN_USEFUL_QUALITY = 50


@dataclass(frozen=True)
class PdqHash:
    """A PDQ hash as 64 hex digits, with the reference's 0-100 quality score."""

    hex: str
    quality: int

    @property
    def reliable(self) -> bool:
        """False for flat or nearly blank images, whose hashes match too easily."""
        return self.quality >= MIN_USEFUL_QUALITY


def _dct_matrix() -> np.ndarray:
    """The 16x64 matrix of DCT-II basis rows 1..16 (row 0, the mean, is left out)."""
    rows = np.arange(1, _KEPT + 1, dtype=np.float64)[:, None]
    cols = np.arange(_GRID, dtype=np.float64)[None, :]
    matrix: np.ndarray = np.sqrt(2.0 / _GRID) * np.cos((np.pi / 2 / _GRID) * rows * (2 * cols + 1))
    return matrix


_DCT = _dct_matrix()


def _window(length: int) -> int:
    return (length + _WINDOW_DIVISOR - 1) // _WINDOW_DIVISOR


def _box(values: np.ndarray, window: int, axis: int) -> np.ndarray:
    """Mean over a sliding window along `axis`, shrinking at the edges as the reference does.

    Output k averages inputs k+half-window .. k+half-1 (clipped to the array), where
    half = (window+2)//2: the window is centred, leaning right for even sizes.
    """
    length = values.shape[axis]
    half = (window + 2) // 2
    k = np.arange(length)
    low = np.clip(k + half - window, 0, length - 1)
    high = np.clip(k + half - 1, 0, length - 1)
    moved = np.moveaxis(values, axis, 0)
    sums = np.concatenate([np.zeros((1, *moved.shape[1:])), np.cumsum(moved, axis=0)], axis=0)
    counts = (high - low + 1).astype(np.float64)
    shape = (length,) + (1,) * (moved.ndim - 1)
    result = (sums[high + 1] - sums[low]) / counts.reshape(shape)
    return np.moveaxis(result, 0, axis)


def _quality(grid: np.ndarray) -> int:
    """The reference's gradient-count quality metric, 0..100, on the 64x64 grid."""
    vertical = np.trunc((grid[:-1, :] - grid[1:, :]) * _QUALITY_GRADIENT_SCALE)
    horizontal = np.trunc((grid[:, :-1] - grid[:, 1:]) * _QUALITY_GRADIENT_SCALE)
    total = int(np.abs(vertical).sum() + np.abs(horizontal).sum())
    return min(100, total // _QUALITY_DIVISOR)


def pdq_hash(rgb: np.ndarray) -> PdqHash:
    """Return the PDQ hash of an RGB (H x W x 3, uint8) or grayscale (H x W) image.

    Follows Meta's published algorithm: luminance, a Jarosz tent filter, sampling to 64x64,
    a 16x16 DCT and one bit per coefficient above the median. Raises ValueError for an
    empty image.
    """
    if rgb.size == 0:
        raise ValueError("cannot hash an empty image")
    luma = rgb[..., :3].astype(np.float64) @ _LUMA if rgb.ndim == 3 else rgb.astype(np.float64)
    rows, cols = luma.shape
    along_rows, along_cols = _window(cols), _window(rows)
    for _ in range(_PASSES):
        luma = _box(luma, along_rows, axis=1)
        luma = _box(luma, along_cols, axis=0)
    pick_rows = ((np.arange(_GRID) + 0.5) * rows / _GRID).astype(np.int64)
    pick_cols = ((np.arange(_GRID) + 0.5) * cols / _GRID).astype(np.int64)
    grid = luma[np.ix_(pick_rows, pick_cols)]
    quality = _quality(grid)
    coefficients = _DCT @ grid @ _DCT.T
    # The lower median (the 128th of 256 values), as the reference's Torben median gives.
    median = np.partition(coefficients.ravel(), 127)[127]
    bits = coefficients > median
    # Bit k = row*16 + col sits in 16-bit word `row` at position `col`; words print last first.
    weights = 1 << np.arange(_KEPT, dtype=np.int64)
    words = (bits.astype(np.int64) * weights).sum(axis=1)
    return PdqHash("".join(f"{int(word):04x}" for word in words[::-1]), quality)


def hamming_distance(first: str, second: str) -> int:
    """The number of differing bits between two hex hashes of the same length."""
    if len(first) != len(second):
        raise ValueError("hashes of different lengths cannot be compared")
    return (int(first, 16) ^ int(second, 16)).bit_count()


# Meta's reference tool (pdq-photo-hasher) squeezes a picture wider or taller than this to
# exactly 512 x 512 pixels, by nearest neighbour (CImg's default resize), before hashing.
REFERENCE_MAX_SIDE = 512


@dataclass(frozen=True)
class PlatformPdq:
    """PDQ hashes as platforms compute them.

    `stored` hashes the pixels as stored in the file, as Meta's reference implementation
    does (it ignores the EXIF orientation); hash-sharing programmes compare against that.
    `displayed` hashes the picture as it appears on screen, with the EXIF orientation
    applied; it is None when the orientation does not change the picture.
    """

    stored: PdqHash
    displayed: PdqHash | None
    orientation: int  # the EXIF orientation, 1 (none) to 8


def reference_downsize(rgb: np.ndarray) -> np.ndarray:
    """The pixels the reference tool hashes: squeezed to 512 x 512 when a side is larger."""
    rows, cols = rgb.shape[:2]
    if rows <= REFERENCE_MAX_SIDE and cols <= REFERENCE_MAX_SIDE:
        return rgb
    pick_rows = (np.arange(REFERENCE_MAX_SIDE) * rows) // REFERENCE_MAX_SIDE
    pick_cols = (np.arange(REFERENCE_MAX_SIDE) * cols) // REFERENCE_MAX_SIDE
    return rgb[np.ix_(pick_rows, pick_cols)]


def oriented(rgb: np.ndarray, orientation: int) -> np.ndarray:
    """The stored pixels turned and mirrored as EXIF `orientation` (1-8) says to show them."""
    turns = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.swapaxes(0, 1),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a[::-1, ::-1].swapaxes(0, 1),
        8: lambda a: np.rot90(a, 1),
    }
    turn = turns.get(orientation)
    return rgb if turn is None else np.ascontiguousarray(turn(rgb))


def platform_pdq(stored_rgb: np.ndarray, orientation: int) -> PlatformPdq:
    """The reference PDQ of stored pixels, and of the displayed picture when they differ.

    Raises ValueError for an empty image.
    """
    stored = pdq_hash(reference_downsize(stored_rgb))
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        displayed = pdq_hash(reference_downsize(oriented(stored_rgb, orientation)))
        return PlatformPdq(stored, displayed, orientation)
    return PlatformPdq(stored, None, 1)


# Two pictures whose PDQ hashes differ in at most this many of 256 bits are taken for copies
# of one picture (re-encoded, resized, cropped by 3 %, captioned). Measured in
# benchmarks/near_duplicates.py: 60 different pictures, portraits framed alike among them,
# were never closer than 82 bits; Meta's 31 (made for billions of comparisons, not a
# person's few hundred matches) missed two in three 3 % crops and one in four captions.
SAME_PICTURE_DISTANCE = 45
# Pictures are hashed as shown, fitted into this many pixels: PDQ samples 64x64 anyway, and
# a JPEG is then decoded at 1/2 to 1/8 of its size.
_PICTURE_SIDE = 512


def picture_pdq(data: bytes) -> str | None:
    """The PDQ hash (hex) of the picture `data` shows, to find other copies of it; None when
    it cannot be decoded or is too flat for its hash to mean anything."""
    try:
        return pixels_pdq(decode_scaled(data, _PICTURE_SIDE).rgb)
    except (ImageError, ValueError):
        return None
    except Exception:  # a decoder bug on one odd file: no hash, and the scan goes on
        logging.getLogger(__name__).exception("could not hash a picture")
        return None


def pixels_pdq(rgb: np.ndarray) -> str | None:
    """`picture_pdq` of pixels already decoded (EXIF orientation applied)."""
    import cv2

    height, width = rgb.shape[:2]
    fit = _PICTURE_SIDE / max(height, width)
    if fit < 1.0:  # area averaging: 14 ms for 3 MP, where Pillow's Lanczos took 45
        size = (max(1, round(width * fit)), max(1, round(height * fit)))
        rgb = cv2.resize(np.ascontiguousarray(rgb), size, interpolation=cv2.INTER_AREA)
    hashed = pdq_hash(rgb)
    return hashed.hex if hashed.reliable else None


def same_picture(first: str, second: str) -> bool:
    """Whether two picture hashes (`picture_pdq`) are copies of one picture."""
    return hamming_distance(first, second) <= SAME_PICTURE_DISTANCE
