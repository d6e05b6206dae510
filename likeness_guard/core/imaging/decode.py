"""Safe image decoding: any common format in, RGB arrays out, or a plain-words error."""

import io
import struct
import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.formats import sniff_format

# A 100-megapixel photo is ~300 MB as RGB; anything above is refused as a likely bomb.
MAX_PIXELS = 100_000_000
# Above this, JPEGs are decoded at a reduced scale: the detector never sees more detail.
DRAFT_ABOVE_PIXELS = 40_000_000
MAX_FRAMES = 8


# How Pillow's decoders report truncated or corrupt data (found by fuzzing: a damaged TIFF
# or GIF header can raise any of these, not only OSError).
_CORRUPT_DATA_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    MemoryError,
    TypeError,
    IndexError,
    KeyError,
    ArithmeticError,
    struct.error,
)


@dataclass(frozen=True)
class DecodedImage:
    """An image ready for face detection."""

    format: str  # "jpeg", "png", ... (see formats.sniff_format)
    width: int  # after applying the EXIF orientation
    height: int
    frames: tuple[np.ndarray, ...]  # RGB uint8 HxWx3; frame 0 is the still image
    frame_count: int  # frames in the file (more than len(frames) when capped)


@cache
def _register_heif() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


def decode_image(data: bytes, *, max_frames: int = MAX_FRAMES) -> DecodedImage:
    """Decode `data` into RGB frames with the EXIF orientation applied.

    Raises ImageError with a message for the user when the bytes are not a readable image.
    """
    if not data:
        raise ImageError("the file is empty")
    kind = sniff_format(data)
    if kind is None:
        raise ImageError("not an image (or a format Likeness Guard cannot read)")
    if kind == "jxl":
        raise ImageError("JPEG XL images cannot be read yet; convert it to PNG or JPEG first")
    if kind == "heif":
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            pixels = image.width * image.height
            if pixels > MAX_PIXELS:
                raise ImageError(
                    f"the image is too large to analyse safely ({image.width}x{image.height} "
                    "pixels)"
                )
            if kind == "jpeg" and pixels > DRAFT_ABOVE_PIXELS:
                image.draft("RGB", (image.width // 2, image.height // 2))
            frame_count = int(getattr(image, "n_frames", 1))
            frames = tuple(
                _to_rgb(_frame(image, index)) for index in _frame_indices(frame_count, max_frames)
            )
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("the image claims to be too large to analyse safely") from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"the {kind.upper()} data is damaged or not supported") from exc
    except _CORRUPT_DATA_ERRORS as exc:
        raise ImageError(
            f"the {kind.upper()} file is damaged or incomplete ({_short(exc)})"
        ) from exc
    height, width = frames[0].shape[:2]
    return DecodedImage(
        format=kind, width=width, height=height, frames=frames, frame_count=frame_count
    )


def _frame_indices(frame_count: int, max_frames: int) -> list[int]:
    """Evenly spread indices so that a long animation is sampled from start to end."""
    if frame_count <= max_frames:
        return list(range(frame_count))
    step = frame_count / max_frames
    return sorted({int(i * step) for i in range(max_frames)})


def _frame(image: Image.Image, index: int) -> Image.Image:
    if index:
        image.seek(index)
    image.load()
    frame = ImageOps.exif_transpose(image)
    return frame if frame is not None else image


def _to_rgb(image: Image.Image) -> np.ndarray:
    """Convert any Pillow mode to 8-bit RGB; transparency is laid over white."""
    mode = image.mode
    if mode.startswith("I") or mode == "F":
        array = np.asarray(image, dtype=np.float64)
        top = float(array.max()) if array.size else 0.0
        if mode.startswith("I;16") or 255 < top <= 65535:
            array = array / 257.0  # 16-bit samples: keep the tones, do not stretch them
        elif mode == "F" and top <= 1.0:
            array = array * 255.0  # floating point samples in 0..1
        elif top > 65535:
            array = array * (255.0 / top)
        gray = np.clip(np.rint(array), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.stack([gray] * 3, axis=-1))
    if mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    elif mode == "P":
        image = image.convert("RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode != "RGB":
        image = image.convert("RGB")  # L, 1, CMYK, YCbCr, LAB, HSV
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
