"""Walk PNG, JPEG and WebP files block by block and collect their metadata, bounded and lenient.

We walk the containers ourselves rather than trusting Pillow's `info`, because generators put
text chunks after the image data, write chunks with wrong CRCs, and hide EXIF in places Pillow
does not look; a damaged block becomes a `problem`, never an exception.
"""

import zlib
from dataclasses import dataclass, field

# Bounds that keep a hostile file from costing time or memory; real files stay far below.
MAX_BLOCKS = 200_000
MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_INFLATED_BYTES = 16 * 1024 * 1024
# Text blocks kept per file: real files have a handful; a hostile one had 250 000 comments,
# each then matched against every generator's patterns.
MAX_TEXTS = 256

_XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT_APP1 = b"http://ns.adobe.com/xmp/extension/\x00"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class TextEntry:
    """A keyword/text pair from a PNG text chunk or a JPEG comment."""

    keyword: str
    text: str
    chunk: str  # "tEXt", "zTXt", "iTXt" or "COM"
    after_image_data: bool = False


@dataclass
class MetadataBlocks:
    """Everything metadata-like found in one file."""

    texts: list[TextEntry] = field(default_factory=list)
    exif: list[tuple[str, bytes]] = field(default_factory=list)  # (where, TIFF-format bytes)
    xmp: list[tuple[str, bytes]] = field(default_factory=list)  # (where, XML packet)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    lossless: bool = False  # pixels are stored exactly (PNG, lossless WebP, 4:4:4 JPEG)
    has_alpha: bool = False


def collect_blocks(data: bytes, fmt: str | None) -> MetadataBlocks:
    """Return the metadata blocks of `data`, read according to its sniffed format `fmt`."""
    blocks = MetadataBlocks()
    if fmt == "png":
        _walk_png(data, blocks)
    elif fmt == "jpeg":
        _walk_jpeg(data, blocks)
    elif fmt == "webp":
        _walk_webp(data, blocks)
    elif fmt == "tiff":
        blocks.exif.append(("TIFF header", data))
        blocks.lossless = True
    elif fmt in ("bmp", "gif"):
        blocks.lossless = fmt == "bmp"
    return blocks


def inflate(payload: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """Decompress zlib data, refusing to produce more than `limit` bytes (a zip bomb)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(payload, limit)
    if inflater.unconsumed_tail:
        raise ValueError(f"compressed text is larger than {limit} bytes")
    return out


def _walk_png(data: bytes, blocks: MetadataBlocks) -> None:
    pos = len(_PNG_SIGNATURE)
    seen_idat = False
    for _ in range(MAX_BLOCKS):
        if pos + 8 > len(data):
            return
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8].decode("latin-1")
        start = pos + 8
        end = start + length
        if end > len(data):
            blocks.problems.append((f"PNG {kind} chunk", "the chunk runs past the end of the file"))
            return
        # CRCs are deliberately not checked: some generators write them wrong, and the text
        # is still what they meant.
        pos = end + 4
        if kind == "IHDR" and length >= 13:
            color_type = data[start + 9]
            blocks.has_alpha = color_type in (4, 6)
            blocks.lossless = True
        elif kind == "tRNS":
            blocks.has_alpha = True
        elif kind == "IDAT":
            seen_idat = True
        elif kind == "IEND":
            return
        elif kind in ("tEXt", "zTXt", "iTXt"):
            if len(blocks.texts) >= MAX_TEXTS:
                continue  # not decompressed or kept: see MAX_TEXTS
            if length > MAX_TEXT_BYTES:
                blocks.problems.append((f"PNG {kind} chunk", "the text chunk is too large"))
                continue
            try:
                entry = _png_text(kind, data[start:end], seen_idat)
            except (ValueError, zlib.error, UnicodeDecodeError) as exc:
                blocks.problems.append((f"PNG {kind} chunk", str(exc) or type(exc).__name__))
                continue
            if entry.keyword == "XML:com.adobe.xmp":
                blocks.xmp.append((f"PNG {kind} XML:com.adobe.xmp", entry.text.encode("utf-8")))
            else:
                blocks.texts.append(entry)
        elif kind == "eXIf":
            blocks.exif.append(("PNG eXIf chunk", data[start:end]))
    blocks.problems.append(("PNG", "too many chunks; the rest was not read"))


def _png_text(kind: str, body: bytes, after_idat: bool) -> TextEntry:
    keyword_raw, sep, rest = body.partition(b"\x00")
    if not sep:
        raise ValueError("no keyword separator")
    keyword = keyword_raw.decode("latin-1")
    if kind == "tEXt":
        return TextEntry(keyword, rest.decode("latin-1"), kind, after_idat)
    if kind == "zTXt":
        if not rest:
            raise ValueError("empty compressed text")
        return TextEntry(keyword, inflate(rest[1:]).decode("latin-1"), kind, after_idat)
    # iTXt: compression flag, method, language tag, translated keyword, then UTF-8 text.
    if len(rest) < 2:
        raise ValueError("iTXt chunk too short")
    compressed = rest[0] == 1
    rest = rest[2:]
    _language, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    if compressed:
        text = inflate(text)
    return TextEntry(keyword, text.decode("utf-8", errors="replace"), kind, after_idat)


def _walk_jpeg(data: bytes, blocks: MetadataBlocks) -> None:
    pos = 2
    extended_xmp: dict[bytes, dict[int, bytes]] = {}
    for _ in range(MAX_BLOCKS):
        if pos + 4 > len(data):
            break
        if data[pos] != 0xFF:
            blocks.problems.append(("JPEG", f"unexpected byte at offset {pos}; stopped reading"))
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        start, end = pos + 4, pos + 2 + length
        if length < 2 or end > len(data):
            blocks.problems.append(
                (f"JPEG segment 0x{marker:02X}", "runs past the end of the file")
            )
            break
        body = data[start:end]
        pos = end
        if marker == 0xE1:
            if body.startswith(b"Exif\x00\x00"):
                blocks.exif.append(("JPEG APP1 Exif", body[6:]))
            elif body.startswith(_XMP_APP1):
                blocks.xmp.append(("JPEG APP1 XMP", body[len(_XMP_APP1) :]))
            elif body.startswith(_XMP_EXT_APP1) and len(body) >= len(_XMP_EXT_APP1) + 40:
                rest = body[len(_XMP_EXT_APP1) :]
                guid, offset = rest[:32], int.from_bytes(rest[36:40], "big")
                extended_xmp.setdefault(guid, {})[offset] = rest[40:]
        elif marker == 0xFE:
            if len(blocks.texts) < MAX_TEXTS:
                blocks.texts.append(TextEntry("Comment", body.decode("utf-8", "replace"), "COM"))
        elif marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB):
            blocks.lossless = _jpeg_full_chroma(body)
        elif marker == 0xDA:  # start of scan: the metadata segments are behind us
            break
    for guid, parts in extended_xmp.items():
        packet = b"".join(parts[offset] for offset in sorted(parts))
        blocks.xmp.append((f"JPEG extended XMP {guid.decode('latin-1', 'replace')}", packet))


def _jpeg_full_chroma(sof: bytes) -> bool:
    # A frame header lists each component's sampling factors; equal factors mean 4:4:4,
    # the only JPEG layout in which a chroma watermark can survive.
    if len(sof) < 6:
        return False
    count = sof[5]
    factors = {sof[6 + 3 * i + 1] for i in range(count) if 6 + 3 * i + 1 < len(sof)}
    return count >= 3 and len(factors) == 1


def _walk_webp(data: bytes, blocks: MetadataBlocks) -> None:
    pos = 12
    riff_end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    for _ in range(MAX_BLOCKS):
        if pos + 8 > riff_end:
            return
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        start, end = pos + 8, pos + 8 + size
        if end > len(data):
            blocks.problems.append((f"WebP {kind.decode('latin-1')} chunk", "runs past the end"))
            return
        body = data[start:end]
        pos = end + (size & 1)
        if kind == b"VP8L":
            blocks.lossless = True
            blocks.has_alpha = True
        elif kind == b"ALPH":
            blocks.has_alpha = True
        elif kind == b"EXIF":
            blocks.exif.append(
                ("WebP EXIF chunk", body[6:] if body[:6] == b"Exif\x00\x00" else body)
            )
        elif kind == b"XMP ":
            blocks.xmp.append(("WebP XMP chunk", body))
