"""Telling an image's real format from its first bytes: names and Content-Types lie."""

# File name endings taken as images without sniffing (folders, drops, the photo chooser).
IMAGE_SUFFIXES = frozenset(
    {
        *(".jpg", ".jpeg", ".jpe", ".jfif", ".pjpeg", ".png", ".apng", ".webp", ".gif"),
        *(".bmp", ".dib", ".tif", ".tiff", ".heic", ".heif", ".hif", ".avif"),
    }
)

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
