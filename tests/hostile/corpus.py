"""A generator of hostile files: broken and booby-trapped images, metadata, names, and
file-system oddities, as an attacker (or an unlucky download folder) would present them.

`build_corpus(folder)` writes every case and returns what a scan must make of each: an
item for every regular file, a "skipped" line for everything else. Run it by hand with
`python -m tests.hostile.corpus DIR` (benchmarks/hostile_scan.py does).
"""

import io
import os
import socket
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

# What the folder walk reports for each kind of non-regular entry.
FIFO = "not a regular file: a named pipe (FIFO)"
DEVICE = "not a regular file: a character device"
SOCKET = "not a regular file: a socket"
BROKEN = "a link to something that does not exist"
LOOP = "a link that loops back on itself"
FOLDER_LOOP = "a link to a folder that is already being scanned"
OUTSIDE = "a link to a place outside the folder you chose, not followed"


@dataclass
class Corpus:
    """The cases written: regular files (each must become an item) and the others."""

    root: Path
    regular: list[Path] = field(default_factory=list)
    skipped: dict[Path, str] = field(default_factory=dict)  # path -> reason expected

    @property
    def cases(self) -> int:
        return len(self.regular) + len(self.skipped)


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _photo(size: tuple[int, int] = (64, 48)) -> Image.Image:
    image = Image.new("RGB", size)
    image.putdata(
        [
            ((x * 7) % 256, (y * 5) % 256, (x + y) % 256)
            for y in range(size[1])
            for x in range(size[0])
        ]
    )
    return image


def _jpeg(**options: object) -> bytes:
    return _encode(_photo(), "JPEG", **options)


def _png(image: Image.Image | None = None, **options: object) -> bytes:
    return _encode(image or _photo(), "PNG", **options)


def _chunk(kind: bytes, body: bytes, crc: int | None = None) -> bytes:
    value = zlib.crc32(kind + body) if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", value & 0xFFFFFFFF)


def _png_with(chunks: list[bytes], size: tuple[int, int] = (8, 8)) -> bytes:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", size[0], size[1], 8, 2, 0, 0, 0))
    raw = b"".join(b"\x00" + b"\x80" * (size[0] * 3) for _ in range(size[1]))
    idat = _chunk(b"IDAT", zlib.compress(raw))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(chunks) + idat + _chunk(b"IEND", b"")


def _with_app1(jpeg: bytes, body: bytes) -> bytes:
    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    return jpeg[:2] + segment + jpeg[2:]


def _with_segment(jpeg: bytes, marker: int, body: bytes) -> bytes:
    return jpeg[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


_XMP = b"http://ns.adobe.com/xap/1.0/\x00"


def _xmp_jpeg(packet: bytes) -> bytes:
    return _with_app1(_jpeg(), _XMP + packet)


def _exif_loop() -> bytes:
    # A TIFF header whose IFD points at itself, with an absurd entry count.
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 0xFFFF) + b"\x00" * 12
    tiff += struct.pack("<I", 8)
    return _with_app1(_jpeg(), b"Exif\x00\x00" + tiff)


def _giant_tiff(pages: int, side: int) -> bytes:
    frames = [Image.new("1", (side, side), 1) for _ in range(pages)]
    return _encode(frames[0], "TIFF", save_all=True, append_images=frames[1:], compression="group4")


def _tiff_with_huge_second_page() -> bytes:
    small = _encode(_photo(), "TIFF")
    # Append a second IFD that declares 60000 x 60000 pixels of 8-bit gray.
    base = len(small)
    entries = [
        (256, 4, 1, 60000),  # width
        (257, 4, 1, 60000),  # height
        (258, 3, 1, 8),
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (273, 4, 1, 8),  # strip offsets
        (277, 3, 1, 1),
        (278, 4, 1, 60000),
        (279, 4, 1, 100),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHII", tag, kind, count, value)
    ifd += struct.pack("<I", 0)
    # Point the first IFD's "next IFD" at the new one.
    first_ifd = struct.unpack("<I", small[4:8])[0]
    count = struct.unpack("<H", small[first_ifd : first_ifd + 2])[0]
    next_at = first_ifd + 2 + count * 12
    patched = small[:next_at] + struct.pack("<I", base) + small[next_at + 4 :]
    return patched + ifd


def _tiff_ifd_loop() -> bytes:
    data = bytearray(_encode(_photo(), "TIFF"))
    first_ifd = struct.unpack("<I", data[4:8])[0]
    count = struct.unpack("<H", data[first_ifd : first_ifd + 2])[0]
    next_at = first_ifd + 2 + count * 12
    data[next_at : next_at + 4] = struct.pack("<I", first_ifd)  # the next page is itself
    return bytes(data)


def _gif_many_frames() -> bytes:
    frames = [Image.new("P", (16, 16), n % 200) for n in range(300)]
    return _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=10)


def progressive_jpeg_repeating_its_last_scan(side: int, repeats: int) -> bytes:
    """A progressive JPEG whose last scan is repeated `repeats` times: each repeat costs a
    pass over every pixel (7000 px and 20,000 repeats: 2.1 MB that decoded for 18 min)."""
    data = _encode(Image.new("RGB", (side, side), (128, 128, 128)), "JPEG", progressive=True)
    last, end = data.rindex(b"\xff\xda"), data.rindex(b"\xff\xd9")
    return data[:end] + data[last:end] * repeats + data[end:]


def gif_of_many_frames(count: int, side: int) -> bytes:
    """An animated GIF of `count` different frames of `side` pixels (10,000 frames held a
    scan for 50 s when every one was decoded)."""
    frames = []
    for number in range(count):
        frame = Image.new("P", (side, side), number % 7)
        frame.putpixel((number % side, (number // side) % side), 7 + number % 200)
        frames.append(frame)
    return _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=20)


def jpeg_with_text_orientation() -> bytes:
    """EXIF Orientation written as text ("1"), as some cameras and editors do."""
    exif = bytearray(_orientation_exif(1))  # big-endian ("MM"), as Pillow writes it
    # Turn the entry's type from SHORT (3) to ASCII (2): count 2, value "1\0".
    at = exif.index(b"\x01\x12\x00\x03")
    exif[at + 2 : at + 12] = b"\x00\x02\x00\x00\x00\x021\x00\x00\x00"
    return _jpeg(exif=bytes(exif))


def _gif_giant_canvas() -> bytes:
    data = bytearray(_encode(Image.new("P", (4, 4)), "GIF"))
    data[6:10] = struct.pack("<HH", 65535, 65535)
    return bytes(data)


def _bmp_giant_header() -> bytes:
    data = bytearray(_encode(_photo(), "BMP"))
    data[18:26] = struct.pack("<ii", 200000, -200000)
    return bytes(data)


def _png_bomb() -> bytes:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * 300_000
    body = b"".join(compressor.compress(row) for _ in range(30)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + ihdr + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def _png_lying_chunk_length(kind: bytes) -> bytes:
    """Fuzz findings: a 4 GB length field in a file of 150 bytes or less that ends with IEND,
    on its IDAT or on an IEND before the image data (OpenCV 5 allocated what it claimed)."""
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 60_000, 1, 8, 0, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress(b"\x00" * 60_001))
    iend = _chunk(b"IEND", b"")
    lying = struct.pack(">I", 0xF8000000) + (idat[4:] if kind == b"IDAT" else iend[4:] + idat)
    return b"\x89PNG\r\n\x1a\n" + ihdr + lying + iend


def _png_big_flat(width: int, height: int) -> bytes:
    return _png(Image.new("L", (width, height), 200), optimize=True)


def _comfy_deep_json() -> bytes:
    deep = "[" * 100_000 + "]" * 100_000
    return _png_with([_chunk(b"tEXt", b"prompt\x00" + deep.encode())])


def _comfy_cycle() -> bytes:
    graph = (
        '{"1": {"class_type": "KSampler", "inputs": {"positive": ["2", 0], "seed": 1}},'
        ' "2": {"class_type": "CLIPTextEncode", "inputs": {"text": ["1", 0]}}}'
    )
    return _png_with([_chunk(b"tEXt", b"prompt\x00" + graph.encode())])


def _ztxt_bomb() -> bytes:
    payload = zlib.compress(b"A" * (64 * 1024 * 1024), 9)
    return _png_with([_chunk(b"zTXt", b"parameters\x00\x00" + payload)])


def _itxt_bomb() -> bytes:
    payload = zlib.compress(b"<x:xmpmeta>" * (8 * 1024 * 1024), 9)
    return _png_with([_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + payload)])


def _many_png_chunks() -> bytes:
    return _png_with([_chunk(b"tEXt", b"k\x00v")] * 250_000)


def _many_jpeg_comments() -> bytes:
    data = _jpeg()
    comments = b"".join(b"\xff\xfe\x00\x05abc" for _ in range(250_000))
    return data[:2] + comments + data[2:]


def _webp(**options: object) -> bytes:
    return _encode(_photo(), "WEBP", **options)


def _webp_bad_chunk() -> bytes:
    data = bytearray(_webp())
    data[16:20] = struct.pack("<I", 0x7FFFFFF0)  # first chunk claims 2 GB
    return bytes(data)


def _webp_garbage_exif() -> bytes:
    data = _webp()
    chunk = b"EXIF" + struct.pack("<I", 64) + os.urandom(64)
    body = data[12:] + chunk
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def _stealth_garbage() -> bytes:
    image = Image.new("RGBA", (64, 64), (10, 20, 30, 255))
    pixels = image.load()
    assert pixels is not None
    signature = "".join(format(ord(c), "08b") for c in "stealth_pngcomp")
    bits = signature + "1" * 32 + "0101" * 300
    for index, bit in enumerate(bits[: 64 * 64]):
        x, y = index // 64, index % 64
        pixels[x, y] = (10, 20, 30, 254 | int(bit))
    return _png(image)


_BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><a>&lol3;</a></x:xmpmeta>"""
_XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><a>&e;</a></x:xmpmeta>"""
_REMOTE_C2PA = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:dcterms="http://purl.org/dc/terms/" '
    b'dcterms:provenance="https://attacker.example/manifest.c2pa"/></rdf:RDF></x:xmpmeta>'
)


def _file_cases() -> dict[str, Callable[[], bytes]]:
    """Regular files: name -> bytes. Every one must become an item of the scan."""
    jpeg = _jpeg
    return {
        # formats, valid and broken
        "ok.jpg": jpeg,
        "progressive.jpg": lambda: _jpeg(progressive=True),
        "cmyk.jpg": lambda: _encode(_photo().convert("CMYK"), "JPEG"),
        "truncated.jpg": lambda: jpeg()[: len(jpeg()) // 2],
        "empty.jpg": lambda: b"",
        "text.jpg": lambda: b"hello, this is not an image\n",
        "html.png": lambda: b"<html><body><img src=x onerror=alert(1)></body></html>",
        "zeros.png": lambda: b"\x00" * 4096,
        "only_signature.png": lambda: b"\x89PNG\r\n\x1a\n",
        "png_bad_crc.png": lambda: _png_with([_chunk(b"tEXt", b"a\x00b", crc=0)]),
        "png_bomb_100000x100000.png": _png_bomb,
        "png_1x60000.png": lambda: _png_big_flat(1, 60000),
        "png_60000x1.png": lambda: _png_big_flat(60000, 1),
        "png_20x30000.png": lambda: _png_big_flat(20, 30000),
        "png_9400x9400_86kb.png": lambda: _png_big_flat(9400, 9400),
        "png_16bit.png": lambda: _png(Image.new("I;16", (32, 32), 40000)),
        "png_palette_transparent.png": lambda: _png(Image.new("P", (16, 16), 3), transparency=3),
        "png_truncated_idat.png": lambda: _png()[:-30],
        "png_4gb_idat_length.png": lambda: _png_lying_chunk_length(b"IDAT"),
        "png_4gb_iend_length.png": lambda: _png_lying_chunk_length(b"IEND"),
        "png_ztxt_bomb.png": _ztxt_bomb,
        "png_itxt_xmp_bomb.png": _itxt_bomb,
        "png_250000_chunks.png": _many_png_chunks,
        "gif_300_frames.gif": _gif_many_frames,
        "gif_truncated.gif": lambda: _gif_many_frames()[:300],
        "gif_65535x65535_canvas.gif": _gif_giant_canvas,
        "webp_ok.webp": _webp,
        "webp_lossless.webp": lambda: _webp(lossless=True),
        "webp_truncated.webp": lambda: _webp()[:40],
        "webp_2gb_chunk.webp": _webp_bad_chunk,
        "webp_garbage_exif.webp": _webp_garbage_exif,
        "bmp_ok.bmp": lambda: _encode(_photo(), "BMP"),
        "bmp_200000x200000.bmp": _bmp_giant_header,
        "tiff_8_pages_9400x9400_a.tif": lambda: _giant_tiff(8, 9400),
        "tiff_8_pages_9400x9400_b.tif": lambda: _giant_tiff(8, 9400),
        "tiff_8_pages_9400x9400_c.tif": lambda: _giant_tiff(8, 9400),
        "tiff_page2_60000x60000.tif": _tiff_with_huge_second_page,
        "tiff_ifd_loop.tif": _tiff_ifd_loop,
        "tiff_16bit.tif": lambda: _encode(Image.new("I;16", (32, 32), 1000), "TIFF"),
        "heic_fake.heic": lambda: (
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1" + os.urandom(200)
        ),
        "avif_fake.avif": lambda: (
            b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1" + os.urandom(200)
        ),
        "jxl.jxl": lambda: b"\xff\x0a" + os.urandom(100),
        "exif_orientation_8.jpg": lambda: _encode(_photo(), "JPEG", exif=_orientation_exif(8)),
        "exif_ifd_loop.jpg": _exif_loop,
        "exif_garbage.jpg": lambda: _with_app1(jpeg(), b"Exif\x00\x00" + os.urandom(2000)),
        # metadata
        "xmp_quadratic_4mb.jpg": lambda: jpeg() + b"<x:xmpmeta " * (4 * 1024 * 1024 // 11),
        "xmp_billion_laughs.jpg": lambda: _xmp_jpeg(_BILLION_LAUGHS),
        "xmp_deep_nesting.jpg": lambda: _xmp_jpeg(
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
            + b"<a>" * 8000
            + b"</a>" * 8000
            + b"</x:xmpmeta>"
        ),
        "xmp_deep_nesting_unwrapped.jpg": lambda: (
            jpeg()
            + b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
            + b"<a>" * 30000
            + b"</a>" * 30000
            + b"</x:xmpmeta>"
        ),
        "xmp_external_entity.jpg": lambda: _xmp_jpeg(_XXE),
        "xmp_extended_bogus.jpg": lambda: _with_app1(
            jpeg(),
            b"http://ns.adobe.com/xmp/extension/\x00"
            + b"0" * 32
            + struct.pack(">II", 2**31, 2**31)
            + b"x" * 100,
        ),
        "c2pa_broken_jumbf.jpg": lambda: _with_segment(
            jpeg(), 0xEB, b"JP\x00\x01\x00\x00\x00\x01" + b"jumb" + b"c2pa" + os.urandom(500)
        ),
        "c2pa_remote_manifest.jpg": lambda: _xmp_jpeg(_REMOTE_C2PA),
        "png_a1111.png": lambda: _png_with(
            [
                _chunk(
                    b"tEXt",
                    b"parameters\x00a photo\nSteps: 20, Sampler: Euler a, Seed: 1, "
                    b"Size: 512x512, Model: sd_xl_base_1.0",
                )
            ]
        ),
        "png_comfy_deep_json.png": _comfy_deep_json,
        "png_comfy_cycle.png": _comfy_cycle,
        "jpeg_250000_comments.jpg": _many_jpeg_comments,
        "png_stealth_garbage.png": _stealth_garbage,
        # names
        "download": jpeg,  # no extension: found by its first bytes
        "png_named.jpg": _png,
        "a\nMATCH  0.99 (very likely you)  evil.jpg": jpeg,
        "photo\u202egpj.exe.jpg": jpeg,
        "\x1b[2J\x1b[31mred.jpg": jpeg,
        "-rf --all.jpg": jpeg,
        "Ελένη 张伟 مريم.jpg": jpeg,
        ("n" * 240) + ".jpg": jpeg,
        "same_bytes_1.jpg": lambda: _jpeg(quality=40),
        "same_bytes_2.jpg": lambda: _jpeg(quality=40),
        # issue 31: decoding work that grows without bound, unless capped before decoding
        "progressive_scan_repeated_20000.jpg": lambda: progressive_jpeg_repeating_its_last_scan(
            1024, 20_000
        ),
        "gif_10000_frames.gif": lambda: gif_of_many_frames(10_000, 48),
        "orientation_as_text.jpg": jpeg_with_text_orientation,
    }


def _orientation_exif(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def build_corpus(root: Path, *, giant: bool = True) -> Corpus:
    """Write every case under `root` (created); `giant=False` leaves out the slow giants."""
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root)
    for name, make in _file_cases().items():
        if not giant and ("9400" in name or "bomb" in name or "quadratic" in name):
            continue
        path = root / name
        path.write_bytes(make())
        corpus.regular.append(path)
    # A name that is not valid UTF-8 (Latin-1 bytes), as old archives and cameras write.
    raw = os.fsencode(root) + b"/caf\xe9-\xff.jpg"
    with open(raw, "wb") as stream:
        stream.write(_jpeg())
    corpus.regular.append(Path(os.fsdecode(raw)))
    # A file larger than the size limit, sparse so that it takes no disk.
    sparse = root / "sparse_200mb.jpg"
    with sparse.open("wb") as stream:
        stream.write(_jpeg())
        stream.truncate(200 * 1024 * 1024)
    corpus.regular.append(sparse)
    # A hard link: the same file under two names.
    os.link(root / "ok.jpg", root / "hard_link_to_ok.jpg")
    corpus.regular.append(root / "hard_link_to_ok.jpg")
    # Links out of the chosen folder, to a file and to the root of everything: never
    # followed (a link to / once gave 8,493 items, /proc/<pid>/cwd and other data folders'
    # kept images among them).
    outside = root.parent / f"{root.name}-outside.jpg"
    outside.write_bytes(_jpeg())
    (root / "link_to_outside.jpg").symlink_to(outside)
    corpus.skipped[root / "link_to_outside.jpg"] = OUTSIDE
    (root / "link_to_root").symlink_to("/")
    corpus.skipped[root / "link_to_root"] = OUTSIDE
    # Deep folders.
    deep = root.joinpath(*[f"d{n}" for n in range(60)])
    deep.mkdir(parents=True)
    (deep / "deep.jpg").write_bytes(_jpeg())
    corpus.regular.append(deep / "deep.jpg")
    # File-system oddities: never read, each listed as skipped.
    odd = root / "odd"
    odd.mkdir()
    os.mkfifo(odd / "fifo.jpg")
    corpus.skipped[odd / "fifo.jpg"] = FIFO
    os.mkfifo(odd / "fifo_no_extension")
    corpus.skipped[odd / "fifo_no_extension"] = FIFO
    for device in ("zero", "urandom", "null"):
        (odd / f"{device}.jpg").symlink_to(f"/dev/{device}")
        corpus.skipped[odd / f"{device}.jpg"] = DEVICE
    (odd / "broken.jpg").symlink_to(odd / "nowhere.jpg")
    corpus.skipped[odd / "broken.jpg"] = BROKEN
    (odd / "self_loop.jpg").symlink_to(odd / "self_loop.jpg")
    corpus.skipped[odd / "self_loop.jpg"] = LOOP
    (odd / "up").symlink_to(root)
    corpus.skipped[odd / "up"] = FOLDER_LOOP
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(odd / "socket.jpg"))
        corpus.skipped[odd / "socket.jpg"] = SOCKET
    except OSError:  # a path too long for a socket address: leave this case out
        pass
    finally:
        sock.close()
    return corpus


if __name__ == "__main__":
    built = build_corpus(Path(sys.argv[1]))
    print(f"{built.cases} cases ({len(built.regular)} files, {len(built.skipped)} oddities)")
