"""Metadata scanning stays linear in the file's size, and deep nesting is a clear error."""

import io
import logging
import random

import pytest
from PIL import Image

from likeness_guard.core.provenance import inspect_bytes
from likeness_guard.core.provenance.xmp import (
    _PACKET_END,
    _PACKET_START,
    MAX_PACKET_BYTES,
    MAX_PACKETS,
    parse_xmp,
    scan_for_packets,
)


class CountingBytes(bytes):
    """bytes that add up how much `find` was asked to look through."""

    scanned = 0

    def find(self, sub: bytes, start: int = 0, end: int | None = None) -> int:  # type: ignore[override]
        stop = len(self) if end is None else min(end, len(self))
        CountingBytes.scanned += max(0, stop - start)
        return super().find(sub, start, end)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (90, 120, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_many_opening_tags_without_a_closing_tag_cost_one_pass() -> None:
    # The attack: a photo followed by megabytes of "<x:xmpmeta" and no "</x:xmpmeta>". Each
    # opening tag searched up to 4 MB ahead for its closing tag: quadratic (445 s for 4 MB).
    data = CountingBytes(jpeg() + b"<x:xmpmeta " * 50_000)
    CountingBytes.scanned = 0
    assert scan_for_packets(data) == []
    assert CountingBytes.scanned <= 3 * len(data)


def reference_scan(data: bytes) -> list[bytes]:
    """The search as it was (quadratic), to check that the answers did not change."""
    packets: list[bytes] = []
    pos = 0
    while len(packets) < MAX_PACKETS:
        match = _PACKET_START.search(data, pos)
        if match is None:
            break
        closer = _PACKET_END[match.group(0)]
        end = data.find(closer, match.end(), match.start() + MAX_PACKET_BYTES)
        if end < 0:
            pos = match.end()
            continue
        packets.append(data[match.start() : end + len(closer)])
        pos = end + len(closer)
    return packets


def test_packets_found_are_the_same_as_before() -> None:
    packet = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    pieces = [b"<x:xmpmeta ", b"<rdf:RDF junk", b"</rdf:RDF>", packet, b"zz", b"</x:xmpmeta>"]
    generator = random.Random(7)
    for _ in range(300):
        data = b"".join(generator.choice(pieces) for _ in range(generator.randrange(1, 40)))
        assert scan_for_packets(data) == reference_scan(data), data


def test_deep_nesting_is_a_clear_error_not_a_recursion_error() -> None:
    deep = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        + b"<a>" * 20_000
        + b"</a>" * 20_000
        + b"</x:xmpmeta>"
    )
    with pytest.raises(ValueError, match="nested more than"):
        parse_xmp(deep)


def test_a_deeply_nested_packet_in_a_file_is_reported_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deep = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        + b"<a>" * 20_000
        + b"</a>" * 20_000
        + b"</x:xmpmeta>"
    )
    with caplog.at_level(logging.WARNING):
        report = inspect_bytes(jpeg() + deep)
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    reasons = [str(i.evidence.get("reason", "")) for i in report.indicators]
    assert any("nested more than" in reason for reason in reasons), reasons
