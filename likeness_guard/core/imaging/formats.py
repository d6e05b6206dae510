"""Telling an image's real format from its first bytes: names and Content-Types lie."""

# File name endings taken as images without sniffing (folders, drops, the photo chooser).
IMAGE_SUFFIXES = frozenset(
    {
        *(".jpg", ".jpeg", ".jpe", ".jfif", ".pjpeg", ".png", ".apng", ".webp", ".gif"),
        *(".bmp", ".dib", ".tif", ".tiff", ".heic", ".heif", ".hif", ".avif"),
    }
)

# File name endings taken as videos (folders, drops, links). The bytes still decide.
VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi"})

# What each video container is called in results, and its MIME type (for C2PA readers).
VIDEO_MIME_TYPES: dict[str, str] = {
    "mp4": "video/mp4",
    "m4v": "video/x-m4v",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "avi": "video/x-msvideo",
}

MIME_TYPES: dict[str, str] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "heif": "image/heif",
    "avif": "image/avif",
    "jxl": "image/jxl",
}

_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
_JXL_CONTAINER = b"\x00\x00\x00\x0cJXL \r\n\x87\n"


def sniff_format(data: bytes) -> str | None:
    """Return "jpeg", "png", "gif", "webp", "tiff", "bmp", "heif", "avif" or "jxl", or None
    when the bytes do not start like an image we know."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in _BMP_HEADER_SIZES:
        return "bmp"
    if data.startswith((b"\xff\x0a", _JXL_CONTAINER)):
        return "jxl"
    if data[4:8] == b"ftyp":
        return _isobmff_format(data)
    return None


def _isobmff_format(data: bytes) -> str | None:
    major = data[8:12]
    box_end = min(int.from_bytes(data[:4], "big"), len(data), 256)
    compatible = {data[start : start + 4] for start in range(16, box_end - 3, 4)}
    if major in _AVIF_BRANDS:
        return "avif"
    if major in _HEIF_BRANDS:
        return "heif"
    # Otherwise the compatible brands say which ("mif1" alone means "some HEIF image").
    if compatible & _AVIF_BRANDS:
        return "avif"
    if (compatible | {major}) & (_HEIF_BRANDS | _GENERIC_HEIF_BRANDS):
        return "heif"
    return None


# ISO base media brands that hold only sound: an .m4a is not a video to scan.
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
# QuickTime files written before `ftyp` existed start with one of these atoms.
_QUICKTIME_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def sniff_video_format(data: bytes) -> str | None:
    """Return "mp4", "m4v", "mov", "webm", "mkv" or "avi" when the first bytes (64 or more)
    start like a video container we read, else None. Images (HEIF, AVIF) are not videos."""
    if data[4:8] == b"ftyp":
        if _isobmff_format(data) is not None:
            return None  # a HEIF or AVIF picture
        major = data[8:12]
        if major in _AUDIO_BRANDS:
            return None
        if major == b"qt  ":
            return "mov"
        if major.startswith(b"M4V"):
            return "m4v"
        return "mp4"
    if data[4:8] in _QUICKTIME_ATOMS and int.from_bytes(data[:4], "big") >= 8:
        return "mov"
    if data.startswith(_EBML_MAGIC):
        # The EBML header names its document type near the start: "webm" or "matroska".
        head = data[:64]
        return "webm" if b"webm" in head else "mkv"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "avi"
    return None
