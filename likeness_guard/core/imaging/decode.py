"""Safe image decoding: any common format in, RGB arrays out, or a plain-words error.

`decode_image` gives full-size frames for face detection; `decode_scaled` gives the first
frame downscaled for display. Both open the bytes through the same checks.
"""

import io
import logging
import math
import struct
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.formats import sniff_format
from likeness_guard.core.imaging.resize import fit_within
from likeness_guard.locale import _

log = logging.getLogger(__name__)

# A 100-megapixel photo is ~300 MB as RGB; anything above is refused as a likely bomb...
MAX_PIXELS = 100_000_000
# ... except a baseline JPEG, which libjpeg decodes at 1/2, 1/4 or 1/8 of its size holding
# only a few rows of the full size (phones make 50-200 MP photos; their faces are found at a
# fraction of that). A progressive JPEG keeps every coefficient of the full size while it
# decodes (2 bytes a sample), so it stays under MAX_PIXELS.
MAX_SCALED_JPEG_PIXELS = 600_000_000
# ... and only one whose data could hold that many pixels: a complete baseline JPEG takes at
# least 2 bits per 8x8 block and colour channel (about 1 byte per 170 pixels at 4:2:0). A
# few hundred bytes claiming 400 MP would decode as grey filler, slowly: it is a bomb.
PIXELS_PER_BYTE_AT_MOST = 1000
# Above this, JPEGs are decoded at a reduced scale: the detector never sees more detail.
DRAFT_ABOVE_PIXELS = 40_000_000
MAX_FRAMES = 8
# Frames of other formats above DRAFT_ABOVE_PIXELS are shrunk (by whole factors) to at most
# this before conversion to RGB, and the frames of one image together never exceed
# MAX_DECODED_PIXELS: an 8-page 9400x9400 TIFF of 1 MB would otherwise take gigabytes.
REDUCE_TO_PIXELS = DRAFT_ABOVE_PIXELS
MAX_DECODED_PIXELS = 60_000_000
# Scans of a progressive JPEG that are decoded; those after are left out. Encoders write
# about 10 (libjpeg) to 20 (mozjpeg); each scan costs a pass over every pixel, so a 2 MB
# file whose last scan is repeated 20,000 times held a scan for 18 minutes.
MAX_JPEG_SCANS = 100
_START_OF_SCAN = b"\xff\xda"  # never inside entropy-coded data, where 0xFF is stuffed
_END_OF_IMAGE = b"\xff\xd9"
_ORIENTATION = 0x0112  # the EXIF tag that says how to turn the stored pixels for display


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
# Modes that Image.reduce() averages correctly; others are converted to RGB first.
_REDUCIBLE_MODES = frozenset({"L", "LA", "RGB", "RGBA", "CMYK", "YCbCr"})


@dataclass(frozen=True)
class DecodedImage:
    """An image ready for face detection."""

    format: str  # "jpeg", "png", ... (see formats.sniff_format)
    width: int  # after applying the EXIF orientation
    height: int
    frames: tuple[np.ndarray, ...]  # RGB uint8 HxWx3; frame 0 is the still image
    frame_count: int  # frames in the file (more than len(frames) when capped)
    # Frame 0 is the first frame's pixels exactly as stored (RGB, neither turned, shrunk nor
    # composited), so checks that need stored pixels can use it instead of decoding again.
    first_as_stored: bool = False


@dataclass(frozen=True)
class ScaledImage:
    """The first frame of an image, downscaled (never up) for display."""

    format: str  # "jpeg", "png", ... (see formats.sniff_format)
    rgb: np.ndarray  # RGB uint8 HxWx3, its longest side at most the requested one
    scale: float  # displayed pixels per original pixel
    original_width: int  # after applying the EXIF orientation
    original_height: int


@cache
def register_heif() -> bool:
    """Let Pillow open HEIF images (once per process); False when pillow-heif is missing."""
    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except Exception:  # without it HEIF is refused with a clear message, never a crash
        log.debug("pillow-heif unavailable", exc_info=True)
        return False
    return True


def decode_image(data: bytes, *, max_frames: int = MAX_FRAMES) -> DecodedImage:
    """Decode `data` into RGB frames with the EXIF orientation applied.

    Raises ImageError with a message for the user when the bytes are not a readable image.
    """
    data = bounded_jpeg(data)
    with _opened(data) as (kind, image):
        quick = _by_opencv(data, kind, image) if kind in ("jpeg", "png", "webp") else None
        if quick is not None:
            return quick
        drafted = kind == "jpeg" and _draft_within(image, DRAFT_ABOVE_PIXELS)
        frame_count = int(getattr(image, "n_frames", 1))
        decoded: list[np.ndarray] = []
        pixels = 0
        as_stored = False
        for index in _frame_indices(frame_count, max_frames):
            ready = _shrunk(_frame(image, index))
            if index == 0:
                as_stored = ready is image and image.mode == "RGB" and not drafted
            rgb = _to_rgb(ready)
            pixels += rgb.shape[0] * rgb.shape[1]
            if decoded and pixels > MAX_DECODED_PIXELS:
                break  # memory is bounded by pixels, not by frames: the rest is left out
            decoded.append(rgb)
        frames = tuple(decoded)
    height, width = frames[0].shape[:2]
    return DecodedImage(
        format=kind,
        width=width,
        height=height,
        frames=frames,
        frame_count=frame_count,
        first_as_stored=as_stored,
    )


def _by_opencv(data: bytes, kind: str, image: Image.Image) -> DecodedImage | None:
    """An ordinary, complete JPEG, PNG or WebP still decoded by OpenCV, or None for Pillow.

    Both use the same libraries (libjpeg-turbo, libpng, libwebp) and give the same pixels
    (identical on the sample photos and the benchmark corpus), but OpenCV hands them over as
    an array directly: a 3 MP JPEG in 14 ms instead of 28, a WebP in 30 instead of 70.
    Anything unusual (palette, alpha, 16-bit grey, CMYK, animation, a file cut short, a size
    that needs Pillow's reduced decoding) stays with Pillow and its error messages.
    """
    import cv2

    if image.mode not in ("RGB", "L") or image.width * image.height > DRAFT_ABOVE_PIXELS:
        return None
    if getattr(image, "n_frames", 1) != 1 or not _complete(data, kind):
        return None
    flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if bgr is None or bgr.shape != (image.height, image.width, 3) or bgr.dtype != np.uint8:
        return None
    orientation = _orientation_of(image)
    rgb = np.ascontiguousarray(_oriented(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), orientation))
    return DecodedImage(
        format=kind,
        width=rgb.shape[1],
        height=rgb.shape[0],
        frames=(rgb,),
        frame_count=1,
        first_as_stored=orientation == 1 and image.mode == "RGB",
    )


def _complete(data: bytes, kind: str) -> bool:
    """Whether the file ends where its format says it ends (a file cut short goes to
    Pillow, which says so; OpenCV would fill the rest with grey)."""
    if kind == "jpeg":
        return data.rstrip(b"\0").endswith(b"\xff\xd9")
    if kind == "png":
        return _png_chunks_fit(data)
    if kind == "webp":
        return len(data) >= 8 + int.from_bytes(data[4:8], "little")
    return False


def _png_chunks_fit(data: bytes) -> bool:
    """Whether every PNG chunk lies inside the file and the last is IEND. OpenCV 5 allocates
    what a chunk's length field claims before reading it: 4 GB for a 75-byte file whose IDAT
    length was damaged (a fuzz finding)."""
    position = 8  # after the signature
    while position + 12 <= len(data):
        end = position + 12 + int.from_bytes(data[position : position + 4], "big")
        if end > len(data):
            return False
        if data[position + 4 : position + 8] == b"IEND":
            return True
        position = end
    return False


def _oriented(rgb: np.ndarray, orientation: int) -> np.ndarray:
    """The pixels turned or mirrored for display as EXIF orientation 1-8 says (as Pillow's
    exif_transpose does)."""
    turns: dict[int, Callable[[np.ndarray], np.ndarray]] = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.transpose(1, 0, 2),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
        8: lambda a: np.rot90(a),
    }
    turn = turns.get(orientation)
    return turn(rgb) if turn is not None else rgb


def decode_stored(data: bytes, frame_index: int = 0) -> tuple[np.ndarray, int]:
    """One frame's RGB pixels as stored in the file, without applying the EXIF orientation,
    and that orientation (1 when none is set; 2-8 turn or mirror the picture on display).

    Perceptual hashes used by platforms (Meta's PDQ reference) are computed this way.
    Raises ImageError with a message for the user when the bytes are not a readable image.
    """
    with _opened(data) as (kind, image):
        if kind == "jpeg":  # a huge photo: at the largest scale within the pixel cap
            _draft_within(image, MAX_PIXELS)
        orientation = _orientation_of(image)
        frame_count = int(getattr(image, "n_frames", 1))
        frame = _frame(image, min(max(frame_index, 0), frame_count - 1), orient=False)
        rgb = _to_rgb(frame)
    return rgb, orientation


def bounded_jpeg(data: bytes) -> bytes:
    """A JPEG with more than MAX_JPEG_SCANS scans cut after that many (and ended properly),
    so that decoding it costs a bounded number of passes; anything else as it is.

    A progressive JPEG's first scans already hold the whole picture; what a hostile file
    repeats after them only costs time.
    """
    if not data.startswith(b"\xff\xd8\xff") or data.count(_START_OF_SCAN) <= MAX_JPEG_SCANS:
        return data
    cut = -1
    for _scan in range(MAX_JPEG_SCANS + 1):
        cut = data.find(_START_OF_SCAN, cut + 1)
    return data[:cut] + _END_OF_IMAGE


def _draft_within(image: Image.Image, most_pixels: int) -> bool:
    """Ask libjpeg to decode `image` at the largest of 1/1, 1/2, 1/4 or 1/8 of its size that
    holds at most `most_pixels` (at 1/8 when none does); whether it is reduced."""
    width, height = image.size
    factor = 1
    while factor < 8 and math.ceil(width / factor) * math.ceil(height / factor) > most_pixels:
        factor *= 2
    if factor == 1:
        return False
    image.draft("RGB", (math.ceil(width / factor), math.ceil(height / factor)))
    return image.size != (width, height)


def _orientation_of(image: Image.Image) -> int:
    """The EXIF orientation, 1-8; 1 when none is set or it is not a number (a camera that
    wrote it as text: the picture is shown as stored, not called damaged)."""
    value = image.getexif().get(_ORIENTATION, 1)
    try:
        orientation = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return orientation if 1 <= orientation <= 8 else 1


def decode_scaled(data: bytes, max_side: int) -> ScaledImage:
    """Decode the first frame of `data`, EXIF orientation applied, fitted into `max_side`.

    Only as much is decoded as the display needs (JPEGs at 1/2 to 1/8 scale). Raises
    ImageError with a message for the user when the bytes are not a readable image, and
    ValueError when `max_side` is not positive.
    """
    if max_side < 1:
        raise ValueError(f"max_side must be positive, not {max_side}")
    with _opened(data) as (kind, image):
        stored_width, stored_height = image.size
        fit = max_side / max(stored_width, stored_height)
        if kind == "jpeg" and fit < 1.0:
            # libjpeg decodes at 1/2, 1/4 or 1/8 size, never below the size asked for.
            image.draft("RGB", (math.ceil(stored_width * fit), math.ceil(stored_height * fit)))
        decoded_size = image.size
        frame = _frame(image, 0)
        if frame.size != decoded_size:  # the EXIF orientation turned the picture by 90°
            stored_width, stored_height = stored_height, stored_width
        factor = max(frame.size) // (2 * max_side)
        if factor >= 2 and frame.mode in _REDUCIBLE_MODES:
            frame = frame.reduce(factor)  # cheap box averaging before the converting copy
        rgb, _fit_scale = fit_within(_to_rgb(frame), max_side)
    return ScaledImage(
        format=kind,
        rgb=rgb,
        # From the longest sides, which a quarter turn does not change.
        scale=max(rgb.shape[:2]) / max(stored_width, stored_height),
        original_width=stored_width,
        original_height=stored_height,
    )


@contextmanager
def _opened(data: bytes) -> Iterator[tuple[str, Image.Image]]:
    """Open `data` with every safety check, yielding its format and the lazy Pillow image.

    Decoding errors raised inside the `with` block become ImageError as well.
    """
    kind = _readable_format(data)
    data = bounded_jpeg(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Damaged EXIF is the image's problem, not the user's terminal's: the decoder
            # goes on without it.
            warnings.filterwarnings("ignore", "Corrupt EXIF data", UserWarning)
            with _open_pillow(data, kind) as image:
                if image.width * image.height > _pixel_cap(image, kind, len(data)):
                    raise ImageError(
                        _(
                            "the image is too large to analyse safely ({width}x{height} pixels)"
                        ).format(width=image.width, height=image.height)
                    )
                yield kind, image
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(_("the image claims to be too large to analyse safely")) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(
            # Translators: {format} is an image format's name, such as JPEG or PNG.
            _("the {format} data is damaged or not supported").format(format=kind.upper())
        ) from exc
    except _CORRUPT_DATA_ERRORS as exc:
        raise ImageError(
            # Translators: {detail} is the image library's own words, in English.
            _("the {format} file is damaged or incomplete ({detail})").format(
                format=kind.upper(), detail=_short(exc)
            )
        ) from exc


def _open_pillow(data: bytes, kind: str) -> Image.Image:
    """Pillow's lazy image of `data`. A JPEG that Pillow's own bomb check refuses is opened
    by its JPEG reader directly, to be held to MAX_SCALED_JPEG_PIXELS instead (a huge photo
    is decoded at a reduced scale)."""
    try:
        return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        if kind != "jpeg":
            raise
    from PIL.JpegImagePlugin import JpegImageFile

    return JpegImageFile(io.BytesIO(data))


def _pixel_cap(image: Image.Image, kind: str, size: int) -> int:
    """The most pixels `image` (of `size` bytes) may claim: more for a baseline JPEG whose
    data could hold them, decoded scaled."""
    if kind == "jpeg" and not image.info.get("progressive"):
        return max(MAX_PIXELS, min(MAX_SCALED_JPEG_PIXELS, size * PIXELS_PER_BYTE_AT_MOST))
    return MAX_PIXELS


def _readable_format(data: bytes) -> str:
    """The format of `data` when we can decode it; ImageError saying why when not."""
    if not data:
        raise ImageError(_("the file is empty"))
    kind = sniff_format(data)
    if kind is None:
        raise ImageError(_("not an image (or a format Likeness Guard cannot read)"))
    if kind == "jxl":
        raise ImageError(_("JPEG XL images cannot be read yet; convert it to PNG or JPEG first"))
    if kind == "heif" and not register_heif():
        raise ImageError(_("HEIF images cannot be read on this computer (pillow-heif is missing)"))
    return kind


def _frame_indices(frame_count: int, max_frames: int) -> list[int]:
    """Evenly spread indices so that a long animation is sampled from start to end."""
    if frame_count <= max_frames:
        return list(range(frame_count))
    step = frame_count / max_frames
    return sorted({int(i * step) for i in range(max_frames)})


def frame_count(data: bytes) -> int:
    """How many frames `data` holds, from its header (no pixel is decoded); 1 when the
    bytes cannot be opened (decoding them will say why)."""
    try:
        with _opened(data) as (_kind, image):
            return max(1, int(getattr(image, "n_frames", 1)))
    except ImageError:
        return 1


def _shrunk(frame: Image.Image) -> Image.Image:
    """The frame reduced by a whole factor to at most REDUCE_TO_PIXELS (the detector never
    needs more detail), before it is converted to RGB."""
    pixels = frame.width * frame.height
    if pixels <= REDUCE_TO_PIXELS:
        return frame
    factor = math.ceil(math.sqrt(pixels / REDUCE_TO_PIXELS))
    if frame.mode in ("1", "P", "PA"):
        frame = frame.convert("L" if frame.mode == "1" else "RGBA")
    try:
        return frame.reduce(factor)
    except ValueError:  # a mode reduce() does not handle
        return frame.resize((max(1, frame.width // factor), max(1, frame.height // factor)))


def _frame(image: Image.Image, index: int, *, orient: bool = True) -> Image.Image:
    if index:
        image.seek(index)
        # Each page of a TIFF has its own size: check it before it is decoded.
        if image.width * image.height > MAX_PIXELS:
            raise ImageError(
                _("frame {number} is too large to analyse safely ({width}x{height} pixels)").format(
                    number=index + 1, width=image.width, height=image.height
                )
            )
    image.load()
    if not orient or _orientation_of(image) == 1:
        return image  # exif_transpose would return a copy: 18 ms for a 3 MP photo
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


# The video reader samples animated images frame by frame with the same checks.
opened_image = _opened
to_rgb = _to_rgb
