"""Web scans are bounded in time as a whole, and never reach cloud metadata addresses."""

import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.imaging.video_sealed import SealedFile
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.web import WebOptions, iter_web_items
from likeness_guard.core.sources.web.addresses import is_metadata_address
from likeness_guard.core.sources.web.guard import _refused, _Rules

from .local_server import LocalServer, RequestHandler


def error_of(item: SourceItem) -> str:
    try:
        item.read()
    except SourceError as exc:
        return str(exc)
    return ""


def test_the_metadata_address_is_refused_even_with_private_addresses_allowed() -> None:
    allow_private = _Rules(True, lambda sock: None)
    for address in (
        "169.254.169.254",
        "::ffff:169.254.169.254",
        "fd00:ec2::254",
        "64:ff9b::a9fe:a9fe",
    ):
        assert _refused(address, allow_private), address
    assert not _refused("127.0.0.1", allow_private)
    assert not _refused("192.168.1.20", allow_private)
    # Named one by one, it is allowed (any spelling of the same address).
    named = _Rules(True, lambda sock: None, ("169.254.169.254",))
    assert not _refused("::ffff:169.254.169.254", named)
    assert _refused("169.254.170.2", named)
    assert is_metadata_address("100.100.100.200")
    assert not is_metadata_address("8.8.8.8")


def test_a_redirect_to_the_metadata_address_is_refused(
    server: LocalServer, options: WebOptions
) -> None:
    # Nothing is ever sent there: the address is checked before any connection is made.
    url = server.redirect("/hop.jpg", "http://169.254.169.254/latest/meta-data/")
    (item,) = iter_web_items([url], options)
    assert "cloud metadata address" in error_of(item)
    assert "--allow-address" in error_of(item)


def test_a_long_retry_after_is_capped(server: LocalServer, options: WebOptions) -> None:
    def busy(request: RequestHandler) -> None:
        request.reply(503, b"come back in an hour", "text/plain", {"Retry-After": "3600"})

    url = server.route("/busy.jpg", busy)
    capped = replace(options, retries=5, max_retry_wait=0.1, max_retry_total=0.25)
    (item,) = iter_web_items([url], capped)
    assert "503" in error_of(item)
    # Waits of 0.1 s (not 3600 s) until the total of 0.25 s would be passed: two retries.
    assert len(server.requests_to("/busy.jpg")) == 3
    assert WebOptions().max_retry_wait <= 10
    assert WebOptions().max_retry_total <= 20


def test_a_page_of_slow_images_stops_at_the_page_time_limit(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    def trickle(request: RequestHandler) -> None:
        request.pause(0.6)
        request.reply(200, photo_bytes["gdp"], "image/jpeg")

    images = "".join(f'<img src="/slow{n}.jpg">' for n in range(6))
    page = server.serve("/page.html", f"<html><body>{images}</body></html>".encode(), "text/html")
    for n in range(6):
        server.route(f"/slow{n}.jpg", trickle)
    limited = replace(options, page_seconds=1.0, read_timeout=5.0)
    items = list(iter_web_items([page], limited))
    assert len(items) == 6  # every image is listed: none vanishes without a word
    fetched = [item for item in items if not error_of(item)]
    left = [error_of(item) for item in items if error_of(item)]
    assert 1 <= len(fetched) <= 2
    assert left
    assert all("time limit for one page" in message for message in left)
    assert len(server.seen) <= 1 + 3  # the page, and at most three image requests


def test_the_scan_time_limit_covers_every_address(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    def slow(request: RequestHandler) -> None:
        request.pause(0.5)
        request.reply(200, photo_bytes["gdp"], "image/jpeg")

    urls = [server.route(f"/img{n}.jpg", slow) for n in range(5)]
    items = list(iter_web_items(urls, replace(options, scan_seconds=0.8)))
    messages = [error_of(item) for item in items]
    assert messages[0] == ""
    assert any("scan's time limit" in message for message in messages[2:])
    assert len(server.seen) <= 3


# --- issue 31: videos within the time budgets, odd spellings, header bombs ---------------


def trickling_video(request: RequestHandler) -> None:
    """An MP4 that starts at once and then trickles a few bytes a second, for ever."""
    request.send_response(200)
    request.send_header("Content-Type", "video/mp4")
    request.send_header("Content-Length", str(50 * 1024 * 1024))
    request.end_headers()
    request.wfile.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 40)
    while not request.pause(0.2):
        try:
            request.wfile.write(b"\x00" * 16)
            request.wfile.flush()
        except OSError:
            return


def test_a_trickling_video_stops_at_the_page_time_limit(
    server: LocalServer, options: WebOptions
) -> None:
    videos = "".join(f'<video src="/v{n}.mp4"></video>' for n in range(3))
    page = server.serve("/page.html", f"<html><body>{videos}</body></html>".encode(), "text/html")
    for n in range(3):
        server.route(f"/v{n}.mp4", trickling_video)
    limited = replace(options, page_seconds=1.5, read_timeout=30.0, video_read_timeout=600.0)
    started = time.monotonic()
    items = list(iter_web_items([page], limited))
    took = time.monotonic() - started
    assert len(items) == 3  # every video is listed, none vanishes without a word
    assert all("time limit for one page" in error_of(item) for item in items)
    assert took < 1.5 + 2.0  # the page's limit and a small margin, not 600 s per video
    assert options.spool_folder is not None
    assert os.listdir(options.spool_folder) == []  # the partial downloads are gone


def test_a_video_is_downloaded_into_the_spool_never_the_system_temp_folder(
    server: LocalServer, options: WebOptions
) -> None:
    body = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 4000
    url = server.serve("/clip.mp4", body, "video/mp4")
    before = set(os.listdir(tempfile.gettempdir()))
    (item,) = iter_web_items([url], options)
    assert isinstance(item.path, SealedFile)
    assert options.spool_folder is not None
    assert item.path.path.parent == Path(options.spool_folder)
    assert item.path.name.startswith(f"video-{os.getpid()}-")  # a sweep can tell its owner
    assert set(os.listdir(tempfile.gettempdir())) == before
    # Without a data folder (inspect, re-check), a video is not downloaded at all.
    (refused,) = iter_web_items([url], replace(options, spool_folder=None))
    assert "checked by a scan" in error_of(refused)


def test_every_spelling_of_the_metadata_address_is_refused() -> None:
    allow_private = _Rules(True, lambda sock: None)
    for address in ("::a9fe:a9fe", "::169.254.169.254", "::ffff:a9fe:a9fe", "2002:a9fe:a9fe::"):
        assert _refused(address, allow_private), address
    assert not is_metadata_address("::1")


def test_a_header_bomb_is_called_what_it_is(server: LocalServer, options: WebOptions) -> None:
    def bomb(request: RequestHandler) -> None:
        request.send_response(200)
        for n in range(200):
            request.send_header(f"X-Bomb-{n}", "x" * 100)
        request.end_headers()

    (item,) = iter_web_items([server.route("/bomb.jpg", bomb)], options)
    assert "headers that are too long or too many" in error_of(item)
