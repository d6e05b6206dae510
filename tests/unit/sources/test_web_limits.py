"""Web scans are bounded in time as a whole, and never reach cloud metadata addresses."""

from dataclasses import replace

from likeness_guard.core.domain.errors import SourceError
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
