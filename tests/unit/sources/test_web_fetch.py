"""Tests for fetching web addresses, against real HTTP servers on 127.0.0.1."""

import gzip
import hashlib
import re
import socket
import threading
import time
import zlib
from dataclasses import replace
from typing import Any

import pytest

from likeness_guard import __version__
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import HttpFacts
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.web import WebOptions, guard, is_forbidden_address, iter_web_items

from .helpers import error_of
from .local_server import LocalServer, RequestHandler

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def scan(
    urls: list[str], options: WebOptions, cancel: CancelToken | None = None
) -> list[SourceItem]:
    return list(iter_web_items(urls, options, cancel))


def only(items: list[SourceItem]) -> SourceItem:
    assert len(items) == 1, [item.source for item in items]
    return items[0]


# --- Images and pages -------------------------------------------------------------------


def test_image_address_gives_its_bytes_and_the_evidence(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    headers = {
        "ETag": '"v1"',
        "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT",
        "Cache-Control": "max-age=60",
        "X-Not-Evidence": "dropped",
    }
    url = server.serve("/photo.jpg", photo_bytes["yaoming"], "image/jpeg", headers=headers)

    item = only(scan([url], options))

    assert item.source == url
    assert item.read() == photo_bytes["yaoming"]
    assert item.web is not None
    assert item.web.url == url
    assert item.web.page is None
    assert item.web.page_url is None
    exchange = item.web.http
    assert (exchange.url, exchange.final_url, exchange.status) == (url, url, 200)
    assert exchange.redirects == ()
    assert exchange.sha256 == hashlib.sha256(photo_bytes["yaoming"]).hexdigest()
    assert ISO_UTC.match(exchange.retrieved_at)
    assert exchange.headers["Content-Type"] == "image/jpeg"
    assert exchange.headers["Content-Length"] == str(len(photo_bytes["yaoming"]))
    assert exchange.headers["ETag"] == '"v1"'
    assert exchange.headers["Last-Modified"] == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert exchange.headers["Cache-Control"] == "max-age=60"
    assert exchange.headers["Server"].startswith("BaseHTTP")
    assert "GMT" in exchange.headers["Date"]
    assert "X-Not-Evidence" not in exchange.headers
    assert exchange.facts() == HttpFacts(status=200, headers=exchange.headers, redirects=())


PAGE_HTML = """<!DOCTYPE html>
<html><head>
  <meta property="og:image" content="{base}/social/card.jpg">
  <base href="/media/">
</head><body>
  <img src="small.jpg" srcset="small.jpg 320w, large.jpg 1600w, medium.jpg 800w">
  <picture><source srcset="../art/t1.jpg 2x, ../art/t1-small.jpg 1x"><img src="small.jpg"></picture>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="lazy.jpg">
  <a href="/media/large.jpg">the same large photo again</a>
  <a href="javascript:void(0)">nothing</a>
  <img src="missing.jpg">
</body></html>
"""


def serve_gallery(server: LocalServer, photo_bytes: dict[str, bytes]) -> tuple[str, bytes]:
    server.serve("/social/card.jpg", photo_bytes["gdp"], "image/jpeg")
    server.serve("/media/small.jpg", photo_bytes["yaoming"], "image/jpeg")
    server.serve("/media/large.jpg", photo_bytes["players"], "image/jpeg")
    server.serve("/art/t1.jpg", photo_bytes["t1"], "image/jpeg")
    server.serve("/media/lazy.jpg", photo_bytes["tom_hanks"], "image/png")
    html = PAGE_HTML.format(base=server.base).encode()
    page_url = server.serve("/gallery/page.html", html, "text/html; charset=utf-8")
    return page_url, html


def test_page_images_are_found_resolved_deduplicated_and_fetched_once(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    page_url, html = serve_gallery(server, photo_bytes)

    items = scan([page_url], options)

    assert [item.source for item in items] == [
        server.url("/social/card.jpg"),
        server.url("/media/small.jpg"),
        server.url("/media/large.jpg"),
        server.url("/art/t1.jpg"),
        server.url("/media/lazy.jpg"),
        server.url("/media/missing.jpg"),
    ]
    expected = ["gdp", "yaoming", "players", "t1", "tom_hanks"]
    assert [item.read() for item in items[:5]] == [photo_bytes[name] for name in expected]
    assert error_of(items[5]) == "the server answered 404 (not found)"
    for item in items:
        assert item.web is not None
        assert item.web.page is not None
        assert item.web.page_url == page_url
        assert item.web.page.body == html
        assert item.web.page.sha256 == hashlib.sha256(html).hexdigest()
        assert item.web.page.http.status == 200
        assert item.web.page.http.headers["Content-Type"] == "text/html; charset=utf-8"
    assert items[5].web is not None
    assert items[5].web.http.status == 404
    assert items[5].page_url == page_url
    for path in ("/media/small.jpg", "/media/large.jpg", "/gallery/page.html"):
        assert len(server.requests_to(path)) == 1, path
    assert server.requests_to("/media/medium.jpg") == []  # not the largest candidate
    assert server.requests_to("/art/t1-small.jpg") == []


def test_at_most_max_images_per_page(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    for number in range(5):
        server.serve(f"/{number}.jpg", photo_bytes["yaoming"], "image/jpeg")
    html = "".join(f'<img src="/{number}.jpg">' for number in range(5)).encode()
    page_url = server.serve("/page.html", html, "text/html")

    items = scan([page_url], replace(options, max_images_per_page=2))

    assert [item.source for item in items] == [
        server.url("/0.jpg"),
        server.url("/1.jpg"),
        page_url,  # the images beyond the cap are not passed over in silence
    ]
    assert items[2].skip is not None
    assert items[2].skip.startswith("3 more images on this page were not checked")
    assert "at most 2 are checked per page" in items[2].skip
    assert server.requests_to("/2.jpg") == []


def test_image_seen_on_two_pages_is_fetched_once(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server.serve("/shared.jpg", photo_bytes["gdp"], "image/jpeg")
    first = server.serve("/one.html", b'<img src="/shared.jpg">', "text/html")
    second = server.serve("/two.html", b'<img src="/shared.jpg">', "text/html")

    items = scan([first, second], options)

    assert [item.source for item in items] == [server.url("/shared.jpg")]
    assert len(server.requests_to("/shared.jpg")) == 1


def test_follow_links_fetches_same_site_pages_at_depth_one(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    other_host = f"http://localhost:{server.port}"
    server.serve("/a.jpg", photo_bytes["yaoming"], "image/jpeg")
    server.serve("/b.jpg", photo_bytes["players"], "image/jpeg")
    server.serve("/c.jpg", photo_bytes["gdp"], "image/jpeg")
    server.serve("/doc.pdf", b"%PDF-1.7 not fetched in full", "application/pdf")
    server.serve("/deeper.html", b'<img src="/c.jpg">', "text/html")
    server.serve(
        "/second.html", b'<img src="/b.jpg"><a href="/deeper.html">deeper</a>', "text/html"
    )
    page_url = server.serve(
        "/first.html",
        f"""<img src="/a.jpg"><a href="/second.html">2</a><a href="/second.html#x">2 again</a>
        <a href="{other_host}/second.html">other host</a><a href="/doc.pdf">pdf</a>
        <a href="/first.html">self</a>""".encode(),
        "text/html",
    )

    items = scan([page_url], replace(options, follow_links=True))

    assert [item.source for item in items] == [server.url("/a.jpg"), server.url("/b.jpg")]
    assert items[1].web is not None
    assert items[1].web.page_url == server.url("/second.html")
    assert items[0].web is not None
    assert items[0].web.page_url == page_url
    assert len(server.requests_to("/second.html")) == 1
    assert server.requests_to("/deeper.html") == []  # depth 1 only
    assert len(server.requests_to("/first.html")) == 1


def test_links_are_not_followed_unless_asked_and_capped(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    links = "".join(f'<a href="/p{number}.html">{number}</a>' for number in range(4))
    for number in range(4):
        server.serve(f"/p{number}.html", b"<p>nothing</p>", "text/html")
    page_url = server.serve("/index.html", links.encode(), "text/html")

    assert scan([page_url], options) == []
    assert server.requests_to("/p0.html") == []

    assert scan([page_url], replace(options, follow_links=True, max_followed_pages=2)) == []
    followed = [path for number in range(4) for path in [f"/p{number}.html"]]
    assert [len(server.requests_to(path)) for path in followed] == [1, 1, 0, 0]


# --- What the bytes are, whatever the server says -------------------------------------------


def test_image_sent_as_html_is_still_an_image(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    url = server.serve("/looks-like-a-page", photo_bytes["t1"], "text/html")

    assert only(scan([url], options)).read() == photo_bytes["t1"]


def test_page_sent_as_jpeg_is_read_as_a_page(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server.serve("/real.jpg", photo_bytes["players"], "text/plain")
    url = server.serve("/fake.jpg", b"<!doctype html><img src='/real.jpg'>", "image/jpeg")

    item = only(scan([url], options))

    assert item.read() == photo_bytes["players"]
    assert item.web is not None
    assert item.web.page_url == url


def test_non_images_give_a_message_naming_what_came(
    server: LocalServer, options: WebOptions
) -> None:
    text = server.serve("/notes.txt", b"just some words", "text/plain; charset=utf-8")
    html_as_image = server.serve("/broken.jpg", b"<html>an error page</html>", "text/html")
    fake_jpeg = server.serve("/fake2.jpg", b"definitely not a picture", "image/jpeg")
    empty = server.serve("/empty", b"", "image/png")
    page = server.serve("/page.html", b'<img src="/broken.jpg"><img src="/fake2.jpg">', "text/html")

    items = scan([text, page, empty], options)

    assert [error_of(item) for item in items] == [
        "not an image (text/plain)",
        "not an image (text/html)",
        "not an image we can read (sent as image/jpeg)",
        "the server sent an empty response",
    ]
    assert [item.source for item in items] == [text, html_as_image, fake_jpeg, empty]
    assert items[1].web is not None
    assert items[1].web.page_url == page


# --- Redirects ------------------------------------------------------------------------------


def test_redirect_chain_is_recorded(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    final = server.serve("/final.jpg", photo_bytes["gdp"], "image/jpeg")
    server.redirect("/hop2", "/final.jpg", status=307)
    server.redirect("/hop1", server.url("/hop2"), status=301)
    start = server.redirect("/start", "hop1")  # relative Location

    item = only(scan([start], options))

    assert item.read() == photo_bytes["gdp"]
    assert item.web is not None
    assert item.web.url == start
    assert item.web.http.url == start
    assert item.web.http.final_url == final
    assert item.web.http.redirects == (start, server.url("/hop1"), server.url("/hop2"))


def test_at_most_max_redirects(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server.serve("/end.jpg", photo_bytes["gdp"], "image/jpeg")
    for hop in range(7):
        server.redirect(f"/r{hop}", f"/r{hop + 1}")
    server.redirect("/r7", "/end.jpg")

    assert only(scan([server.url("/r3")], options)).read() == photo_bytes["gdp"]  # exactly 5 hops
    assert error_of(only(scan([server.url("/r2")], options))) == (
        "too many redirects (more than 5)"
    )
    assert len(server.requests_to("/end.jpg")) == 1  # only the 5-hop run got there


def test_redirect_loop(server: LocalServer, options: WebOptions) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a#fragment")

    assert error_of(only(scan([server.url("/a")], options))) == "redirect loop"
    assert len(server.requests_to("/a")) == 1


def test_redirect_to_a_file_address_is_refused(server: LocalServer, options: WebOptions) -> None:
    url = server.redirect("/steal", "file:///etc/passwd")

    assert error_of(only(scan([url], options))) == (
        "redirect to a non-web address (file://…) refused"
    )


def test_redirect_to_a_private_address_is_refused(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes], monkeypatch: Any
) -> None:
    # The local server has to be reachable for the first hop, so for this test 127.0.0.1
    # counts as public; everything else keeps the real classification.
    # The guard checks with its own reference to `is_forbidden_address`: patch that one.
    monkeypatch.setattr(
        guard, "is_forbidden_address", lambda a: a != "127.0.0.1" and is_forbidden_address(a)
    )
    server.serve("/inside.jpg", photo_bytes["gdp"], "image/jpeg")
    targets = [
        f"http://127.0.0.2:{server.port}/inside.jpg",
        f"http://[::1]:{server.port}/inside.jpg",
        "http://10.0.0.1/router-admin",
        "http://169.254.169.254/latest/meta-data/",
    ]
    urls = [server.redirect(f"/out{number}", target) for number, target in enumerate(targets)]
    protected = replace(options, allow_private_addresses=False)

    items = scan([*urls, server.url("/inside.jpg")], protected)

    messages = [error_of(item) for item in items[:-1]]
    assert messages == ["refused: address is on a private network"] * len(targets)
    assert items[-1].read() == photo_bytes["gdp"]  # the patched check lets 127.0.0.1 through
    assert len(server.requests_to("/inside.jpg")) == 1


# --- Address protection ---------------------------------------------------------------------


def test_private_addresses_are_refused_by_default(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server.serve("/a.jpg", photo_bytes["gdp"], "image/jpeg")
    urls = [
        server.url("/a.jpg"),
        f"http://localhost:{server.port}/a.jpg",
        f"http://2130706433:{server.port}/a.jpg",  # 127.0.0.1 written as a number
        f"http://[::ffff:127.0.0.1]:{server.port}/a.jpg",
    ]

    items = scan(urls, replace(options, allow_private_addresses=False))

    assert [error_of(item) for item in items] == ["refused: address is on a private network"] * len(
        urls
    )
    assert server.seen == []


def test_address_checked_is_the_address_connected_to(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes], monkeypatch: Any
) -> None:
    """DNS rebinding: the name answers a 'public' address to the check, 127.0.0.1 later."""
    server.serve("/a.jpg", photo_bytes["gdp"], "image/jpeg")
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["127.0.0.2", "127.0.0.1", "127.0.0.1", "127.0.0.1"])

    def rebinding_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            return real_getaddrinfo(next(answers), port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(
        guard, "is_forbidden_address", lambda a: a != "127.0.0.2" and is_forbidden_address(a)
    )
    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    protected = replace(options, allow_private_addresses=False)

    item = only(scan([f"http://rebind.test:{server.port}/a.jpg"], protected))

    # 127.0.0.2 passed the check, so that is where we connected, and nobody listens there.
    # A client that resolved the name a second time would have reached the server.
    assert error_of(item) == "connection refused by the server"
    assert server.seen == []


def test_unknown_host_name(options: WebOptions, monkeypatch: Any) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def no_such_name(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "example.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)

    for allow_private in (True, False):
        item = only(
            scan(
                ["http://example.invalid/photo.jpg"],
                replace(options, allow_private_addresses=allow_private, retries=2),
            )
        )
        assert error_of(item) == "could not find the server example.invalid (check the address)"


def test_connection_refused(options: WebOptions) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()

    item = only(scan([f"http://127.0.0.1:{port}/a.jpg"], WebOptions(allow_private_addresses=True)))

    assert error_of(item) == "connection refused by the server"
    assert item.web is None
    # A refusal is an answer, not retried: with the default three retries after 1, 2 and 4 s
    # it took 7 s, in silence. Now it takes milliseconds; the bound only guards the retries.
    assert time.monotonic() - started < 2


def test_only_web_addresses_and_errors_never_stop_the_scan(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    good = server.serve("/good.jpg", photo_bytes["yaoming"], "image/jpeg")

    items = scan(
        ["ftp://example.com/a.jpg", "/etc/passwd", "http://", server.url("/nothing"), good],
        options,
    )

    assert [error_of(item) for item in items[:4]] == [
        "only http and https addresses can be scanned",
        "only http and https addresses can be scanned",
        "not a valid web address",
        "the server answered 404 (not found)",
    ]
    assert items[4].read() == photo_bytes["yaoming"]


# --- Statuses and retries -------------------------------------------------------------------


def fail_first(times: int, status: int, body: bytes, headers: dict[str, str] | None = None) -> Any:
    """A handler answering `status` for the first `times` requests, then 200 with `body`."""
    calls = {"count": 0}

    def handle(request: RequestHandler) -> None:
        calls["count"] += 1
        if calls["count"] <= times:
            request.reply(status, b"try later", "text/plain", headers)
        else:
            request.reply(200, body, "image/jpeg")

    return handle


def test_server_errors_are_retried_then_reported(server: LocalServer, options: WebOptions) -> None:
    url = server.serve("/broken", b"oops", "text/plain", status=500)

    item = only(scan([url], replace(options, retries=2)))

    assert error_of(item) == "the server answered 500"
    assert item.web is not None
    assert item.web.http.status == 500
    assert len(server.requests_to("/broken")) == 3


def test_a_temporary_server_error_is_retried(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    url = server.route("/flaky.jpg", fail_first(2, 503, photo_bytes["gdp"]))

    assert only(scan([url], replace(options, retries=2))).read() == photo_bytes["gdp"]
    assert len(server.requests_to("/flaky.jpg")) == 3


def test_not_found_is_not_retried(server: LocalServer, options: WebOptions) -> None:
    item = only(scan([server.url("/gone.jpg")], replace(options, retries=3)))

    assert error_of(item) == "the server answered 404 (not found)"
    assert len(server.requests_to("/gone.jpg")) == 1


def test_retry_after_is_honoured(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    url = server.route("/busy.jpg", fail_first(1, 429, photo_bytes["gdp"], {"Retry-After": "1"}))
    started = time.monotonic()

    item = only(scan([url], replace(options, retries=1)))

    elapsed = time.monotonic() - started
    assert item.read() == photo_bytes["gdp"]
    assert elapsed >= 0.9  # the 1 s asked for, not the 0.05 s backoff
    assert len(server.requests_to("/busy.jpg")) == 2  # one wait, one retry
    assert elapsed < 10  # hang guard only: 10x the 1 s wait


def test_retry_after_is_capped(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    url = server.route("/busy.jpg", fail_first(1, 429, photo_bytes["gdp"], {"Retry-After": "3600"}))
    started = time.monotonic()

    item = only(scan([url], replace(options, retries=1, max_retry_wait=0.2)))

    assert item.read() == photo_bytes["gdp"]
    # Hang guard: the capped wait is 0.2 s; the 3600 s asked for (or the default 30 s cap)
    # would blow far past 10 s.
    assert time.monotonic() - started < 10


def test_too_many_requests_reported_after_the_retries(
    server: LocalServer, options: WebOptions
) -> None:
    url = server.serve(
        "/busy", b"slow down", "text/plain", status=429, headers={"Retry-After": "1"}
    )

    item = only(scan([url], replace(options, retries=2, max_retry_wait=0.05)))

    assert error_of(item) == "the server answered 429 (too many requests, try again later)"
    assert len(server.requests_to("/busy")) == 3


# --- Slow servers ---------------------------------------------------------------------------


def test_a_server_that_never_answers(server: LocalServer, options: WebOptions) -> None:
    def stall(request: RequestHandler) -> None:
        request.pause(30)

    url = server.route("/stall", stall)
    started = time.monotonic()

    item = only(scan([url], replace(options, read_timeout=0.5, retries=2)))

    assert error_of(item) == "no response within 0.5 s"
    # Hang guard: the 0.5 s read timeout fired instead of the server's 30 s stall. The
    # request count below, not the clock, shows that a silent server is not retried.
    assert time.monotonic() - started < 10
    assert len(server.requests_to("/stall")) == 1


def trickle_body(request: RequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "image/jpeg")
    request.send_header("Content-Length", "100000")
    request.end_headers()
    request.wfile.write(b"\xff\xd8\xff")
    while not request.pause(0.05):
        request.wfile.write(b"x")
        request.wfile.flush()


def trickle_headers(request: RequestHandler) -> None:
    request.wfile.write(b"HTTP/1.1 200 OK\r\n")
    while not request.pause(0.05):
        request.wfile.write(b"X-Slow: y\r\n")
        request.wfile.flush()


@pytest.mark.parametrize("handler", [trickle_body, trickle_headers])
def test_a_server_that_trickles_is_cut_off(
    server: LocalServer, options: WebOptions, handler: Any
) -> None:
    url = server.route("/trickle", handler)
    started = time.monotonic()

    item = only(scan([url], replace(options, connect_timeout=0.5, read_timeout=1.0)))

    message = error_of(item)
    assert message.startswith("no complete answer within ")
    assert message.endswith(" s (the server is sending too slowly)")
    # Hang guard: 10x the 1.5 s connect + read deadline; a trickle never ends by itself.
    assert time.monotonic() - started < 15


# --- Sizes and compression ------------------------------------------------------------------


def close_delimited(body: bytes) -> Any:
    """A handler that sends `body` with no Content-Length, ending it by closing."""

    def handle(request: RequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/jpeg")
        request.send_header("Connection", "close")
        request.end_headers()
        request.close_connection = True
        for start in range(0, len(body), 65536):
            request.wfile.write(body[start : start + 65536])

    return handle


def test_bodies_over_the_size_cap_are_refused(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    big = photo_bytes["yaoming"] + bytes(2 * 1024 * 1024)
    declared = server.serve("/declared.jpg", big, "image/jpeg")
    undeclared = server.route("/undeclared.jpg", close_delimited(big))
    small = server.route("/small.jpg", close_delimited(photo_bytes["yaoming"]))
    capped = replace(options, max_bytes=1024 * 1024)

    items = scan([declared, undeclared, small], capped)

    assert error_of(items[0]) == "larger than 1 MB"
    assert error_of(items[1]) == "larger than 1 MB"
    assert items[2].read() == photo_bytes["yaoming"]


def test_a_declared_size_over_the_default_cap_is_refused_before_downloading(
    server: LocalServer, options: WebOptions
) -> None:
    def huge(request: RequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/jpeg")
        request.send_header("Content-Length", str(30 * 1024 * 1024))
        request.end_headers()
        request.wfile.write(b"\xff\xd8\xff")
        request.pause(30)

    url = server.route("/huge.jpg", huge)
    started = time.monotonic()

    # A long read timeout: reading the body would stall until it ran out.
    item = only(scan([url], replace(options, max_bytes=WebOptions().max_bytes, read_timeout=20)))

    assert error_of(item) == "larger than 25 MB"
    assert time.monotonic() - started < 10  # refused at the headers, not after a 20 s stall


def encoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=9)
    return zlib.compress(body, 9)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compression_bomb_is_stopped_at_the_cap(
    server: LocalServer, options: WebOptions, encoding: str
) -> None:
    bomb = encoded(b"\xff\xd8\xff" + bytes(16 * 1024 * 1024), encoding)
    assert len(bomb) < 100 * 1024
    url = server.serve("/bomb.jpg", bomb, "image/jpeg", headers={"Content-Encoding": encoding})
    started = time.monotonic()

    item = only(scan([url], replace(options, max_bytes=1024 * 1024)))

    assert error_of(item) == "the server sent a compressed body that expands beyond 1 MB"
    # Hang guard (takes ~0.1 s): inflating in small steps must not go quadratic.
    assert time.monotonic() - started < 10


def test_compressed_image_is_kept_as_decoded_bytes(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    url = server.serve(
        "/photo.jpg",
        encoded(photo_bytes["players"], "gzip"),
        "image/jpeg",
        headers={"Content-Encoding": "gzip"},
    )

    item = only(scan([url], options))

    assert item.read() == photo_bytes["players"]
    assert item.web is not None
    assert item.web.http.sha256 == hashlib.sha256(photo_bytes["players"]).hexdigest()
    assert item.web.http.headers["Content-Encoding"] == "gzip"


# --- Privacy --------------------------------------------------------------------------------


def test_requests_carry_no_cookie_no_referer_and_name_the_app(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server.serve(
        "/a.jpg", photo_bytes["yaoming"], "image/jpeg", headers={"Set-Cookie": "b=2; Path=/"}
    )
    server.serve("/b.jpg", photo_bytes["gdp"], "image/jpeg")
    page_url = server.serve(
        "/page.html",
        b'<img src="/a.jpg"><img src="/b.jpg">',
        "text/html",
        headers={"Set-Cookie": "session=secret; Path=/; Max-Age=3600"},
    )
    later = server.serve("/later.html", b"<p>no images</p>", "text/html")

    items = scan([page_url, later], options)

    assert len(items) == 2
    assert len(server.seen) == 4
    for seen in server.seen:
        assert "cookie" not in seen.headers, seen
        assert "referer" not in seen.headers, seen
        assert "authorization" not in seen.headers, seen
        assert "accept-language" not in seen.headers, seen
        assert seen.headers["user-agent"].startswith(f"LikenessGuard/{__version__} ")
        assert set(seen.headers) <= {"host", "user-agent", "accept", "accept-encoding"}, seen


# --- Cancelling -----------------------------------------------------------------------------


def test_cancel_during_a_retry_wait_ends_the_scan_at_once(
    server: LocalServer, options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    url = server.route("/busy.jpg", fail_first(1, 503, photo_bytes["gdp"], {"Retry-After": "30"}))
    other = server.serve("/other.jpg", photo_bytes["gdp"], "image/jpeg")
    cancel = CancelToken()
    timer = threading.Timer(0.3, cancel.cancel)
    timer.start()
    started = time.monotonic()

    waits = replace(options, retries=1, max_retry_wait=30, max_retry_total=60)
    items = scan([url, other], waits, cancel)

    timer.join()
    assert items == []
    # Cancelled at 0.3 s; without the cancel the 30 s Retry-After wait would run out.
    assert time.monotonic() - started < 10
    assert server.requests_to("/other.jpg") == []


def test_cancel_during_a_slow_download_ends_the_scan_at_once(
    server: LocalServer, options: WebOptions
) -> None:
    url = server.route("/trickle", trickle_body)
    cancel = CancelToken()
    timer = threading.Timer(0.3, cancel.cancel)
    timer.start()
    started = time.monotonic()

    items = scan([url], replace(options, read_timeout=20), cancel)

    timer.join()
    assert items == []
    # Cancelled at 0.3 s; without the cancel the trickle runs until the 20 s read timeout.
    assert time.monotonic() - started < 10


def test_cancelled_before_starting_fetches_nothing(
    server: LocalServer, options: WebOptions
) -> None:
    cancel = CancelToken()
    cancel.cancel()

    assert scan([server.url("/a.jpg")], options, cancel) == []
    assert server.seen == []
