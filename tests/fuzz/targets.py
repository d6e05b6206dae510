"""Fuzz targets: image input, HTML extraction, metadata parsers.

Each target takes arbitrary bytes and may fail only in the documented way (ImageError for
the decoder; nothing at all for the others). Anything else, a hang past libFuzzer's
per-input timeout, or memory past its limit is a finding. `tests/fuzz/run.py` drives them
with atheris, or with a seeded mutation loop where atheris is not installed.
"""

import contextlib
from collections.abc import Callable

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import decode_image, decode_scaled, frame_count
from likeness_guard.core.imaging.formats import sniff_format
from likeness_guard.core.provenance import inspect_bytes
from likeness_guard.core.provenance.containers import collect_blocks
from likeness_guard.core.provenance.xmp import parse_xmp, scan_for_packets
from likeness_guard.core.sources.web.html_text import looks_like_html
from likeness_guard.core.sources.web.page_links import find_page_links


def image_input(data: bytes) -> None:
    """The decoder: any bytes give frames within the caps, or an ImageError."""
    assert frame_count(data) >= 1
    try:
        image = decode_image(data, max_frames=2)
    except ImageError:
        return
    assert image.frames
    assert all(frame.ndim == 3 and frame.shape[2] == 3 for frame in image.frames)
    try:
        decode_scaled(data, 64)
    except ImageError:
        return


def html_extraction(data: bytes) -> None:
    """A web page: links are found, or none, never an exception."""
    looks_like_html(data)
    links = find_page_links(data, "https://example.org/a/page.html", max_images=50)
    assert len(links.images) <= 50
    for url in links.images:
        assert url.startswith(("http://", "https://"))


def metadata_parsers(data: bytes) -> None:
    """Container walks, XMP search and parsing, and the whole AI-marker report."""
    for fmt in ("png", "jpeg", "webp", "tiff", sniff_format(data)):
        collect_blocks(data, fmt)
    for packet in scan_for_packets(data):
        with contextlib.suppress(ValueError):
            parse_xmp(packet)
    with contextlib.suppress(ValueError):
        parse_xmp(data)
    report = inspect_bytes(data)  # documented never to raise
    assert report.status is not None


TARGETS: dict[str, Callable[[bytes], None]] = {
    "image": image_input,
    "html": html_extraction,
    "metadata": metadata_parsers,
}
