"""Read "stealth" generation data hidden in the least significant bits of an image's pixels.

The sd-webui-stealth-pnginfo extension (and NovelAI) write a 15-byte signature, a 32-bit
big-endian bit count, then the data, into the lowest bit of the alpha channel ("stealth_png…")
or of the red, green and blue channels ("stealth_rgb…"), reading the pixels column by column.
"…comp" variants are gzip-compressed. Only lossless files can carry it.

We read it with numpy instead of sd-parsers' eager mode: that reader walks pixels in pure
Python (seconds per image), reads only the compressed alpha variant, and caches results by
`id(image)`, which is neither thread-safe nor safe when an id is reused.
"""

import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SIGNATURES = {
    b"stealth_pnginfo": ("alpha", False),
    b"stealth_pngcomp": ("alpha", True),
    b"stealth_rgbinfo": ("rgb", False),
    b"stealth_rgbcomp": ("rgb", True),
}
_SIGNATURE_BITS = 15 * 8
MAX_STEALTH_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class StealthData:
    """Text recovered from the pixels."""

    signature: str
    text: str


def read_stealth(pixels: npt.NDArray[np.uint8]) -> StealthData | None:
    """Return stealth data hidden in an RGB or RGBA array (height, width, channels), or None.

    Raises ValueError when a signature is present but the data behind it is damaged.
    """
    if pixels.ndim != 3 or pixels.shape[2] < 3:
        return None
    candidates: list[tuple[str, npt.NDArray[np.uint8]]] = []
    if pixels.shape[2] >= 4:
        candidates.append(("alpha", pixels[:, :, 3]))
    candidates.append(("rgb", pixels[:, :, :3]))
    for mode, plane in candidates:
        # Column-major order: transpose so that ravel() walks x outer, y inner.
        column_major = np.swapaxes(plane, 0, 1)
        per_pixel = 1 if mode == "alpha" else 3
        head_pixels = -(-(_SIGNATURE_BITS + 32) // per_pixel)
        head = _bits(column_major, head_pixels * per_pixel)
        if head.size < _SIGNATURE_BITS + 32:
            continue
        signature = np.packbits(head[:_SIGNATURE_BITS]).tobytes()
        found = SIGNATURES.get(signature)
        if found is None or found[0] != mode:
            continue
        length_bits = int.from_bytes(np.packbits(head[_SIGNATURE_BITS:][:32]).tobytes(), "big")
        available = column_major.size - _SIGNATURE_BITS - 32
        if length_bits <= 0 or length_bits > available or length_bits > MAX_STEALTH_BYTES * 8:
            raise ValueError(f"hidden data length {length_bits} bits does not fit the image")
        bits = _bits(column_major, _SIGNATURE_BITS + 32 + length_bits)[_SIGNATURE_BITS + 32 :]
        payload = np.packbits(bits[: length_bits // 8 * 8]).tobytes()
        if found[1]:
            try:
                payload = _gunzip(payload)
            except (OSError, EOFError, zlib.error) as exc:
                raise ValueError("the hidden data is not valid gzip") from exc
        return StealthData(signature.decode("ascii"), payload.decode("utf-8", "replace"))
    return None


def _bits(column_major: npt.NDArray[np.uint8], count: int) -> npt.NDArray[np.uint8]:
    # Only the needed leading values are materialised: a whole 4K image is not copied to read
    # a 15-byte signature that is not there.
    flat_count = count
    if column_major.ndim == 3:
        columns_needed = -(-flat_count // (column_major.shape[1] * column_major.shape[2]))
    else:
        columns_needed = -(-flat_count // column_major.shape[1])
    part = np.ascontiguousarray(column_major[:columns_needed]).ravel()[:flat_count]
    return (part & 1).astype(np.uint8)


def _gunzip(payload: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)  # gzip framing
    out = inflater.decompress(payload, MAX_STEALTH_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("the hidden data is too large")
    return out
