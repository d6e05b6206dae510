"""Tests for the pure checks behind web fetching: addresses, URLs, and recognising bytes."""

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from PIL import Image

from likeness_guard.core.imaging.formats import sniff_format
from likeness_guard.core.sources.web import is_forbidden_address, is_web_address, looks_like_html
from likeness_guard.core.sources.web.fetch import retry_after_seconds


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata service
        "100.64.0.1",  # carrier-grade NAT (shared address space)
        "192.0.0.8",
        "192.0.2.10",  # documentation
        "198.18.0.1",  # benchmarking
        "224.0.0.1",  # multicast
        "239.255.255.250",
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456:789a::1",
        "ff02::1",
        "2001:db8::1",  # documentation
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.1.2.3",
        "::ffff:169.254.169.254",
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "2002:c0a8:101::1",  # 6to4 wrapping 192.168.1.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 wrapping 127.0.0.1
        "not an address",
        "",
    ],
)
def test_non_public_addresses_are_forbidden(address: str) -> None:
    assert is_forbidden_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",  # just outside 172.16.0.0/12
        "100.128.0.1",  # just outside 100.64.0.0/10
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "2002:808:808::1",  # 6to4 wrapping 8.8.8.8
        "64:ff9b::808:808",  # NAT64 wrapping 8.8.8.8
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_forbidden_address(address)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/a.jpg", True),
        ("http://127.0.0.1:8080/", True),
        ("  HTTPS://EXAMPLE.COM  ", True),
        ("/home/me/Pictures", False),
        ("C:\\Users\\me\\photo.jpg", False),
        ("file:///etc/passwd", False),
        ("ftp://example.com/a.jpg", False),
        ("example.com/a.jpg", False),
        ("httpfolder/a.jpg", False),
    ],
)
def test_is_web_address(text: str, expected: bool) -> None:
    assert is_web_address(text) is expected


def test_is_web_address_is_answered_without_loading_an_http_library() -> None:
    """The window and the CLI call it at start-up; requests and urllib3 load only to fetch."""
    code = (
        "import sys\n"
        "from likeness_guard.core.sources.web import WebOptions, is_web_address\n"
        "assert is_web_address('https://example.com') and WebOptions().max_redirects\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in "
        "('requests', 'urllib3')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


def _encoded(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 40, 40)).save(buffer, format=format_name)
    return buffer.getvalue()


def test_image_format_recognises_real_photos(photo_bytes: dict[str, bytes]) -> None:
    assert sniff_format(photo_bytes["yaoming"]) == "jpeg"
    assert sniff_format(photo_bytes["t1"]) == "jpeg"
    assert sniff_format(photo_bytes["tom_hanks"]) == "png"


@pytest.mark.parametrize(
    ("pillow_format", "expected"),
    [("GIF", "gif"), ("WEBP", "webp"), ("BMP", "bmp"), ("TIFF", "tiff"), ("PNG", "png")],
)
def test_image_format_recognises_pillow_output(pillow_format: str, expected: str) -> None:
    assert sniff_format(_encoded(pillow_format)) == expected


def test_image_format_recognises_heif_and_avif_boxes() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    avif = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"
    generic_heif_with_avif = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00avifmiaf"
    video = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    assert sniff_format(heic) == "heif"
    assert sniff_format(avif) == "avif"
    assert sniff_format(generic_heif_with_avif) == "avif"
    assert sniff_format(video) is None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body>hi</body></html>",
        b"BMW is a car brand and this is plain text, long enough for a header",
        b"GIF88a",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
        b"%PDF-1.7",
    ],
)
def test_image_format_rejects_other_bytes(data: bytes) -> None:
    assert sniff_format(data) is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html>", True),
        (b"\xef\xbb\xbf\n  <html lang=en>", True),
        (b"<HEAD><title>x", True),
        (b"<!-- comment --><div>", True),
        (b"<p>hello", True),
        (b"<pre>not matched", False),  # "<p" must be followed by space or ">"
        (b"hello <html>", False),
        (b'{"json": true}', False),
        (b"\xff\xd8\xff\xe0", False),
    ],
)
def test_looks_like_html(data: bytes, expected: bool) -> None:
    assert looks_like_html(data) is expected


def test_retry_after_in_seconds_or_as_a_date() -> None:
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert retry_after_seconds("7") == 7.0
    assert 55 <= (retry_after_seconds(in_a_minute) or 0) <= 60
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
