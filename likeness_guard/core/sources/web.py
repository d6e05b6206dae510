"""Fetch web addresses safely and turn them into images to scan, keeping what was received."""

import contextlib
import contextvars
import hashlib
import http.cookiejar
import ipaddress
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.client import RemoteDisconnected
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.connection import allowed_gai_family, create_connection
from urllib3.util.request import ACCEPT_ENCODING

from likeness_guard import __version__
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.imaging.formats import sniff_format
from likeness_guard.core.sources.base import HttpExchange, PageSnapshot, SourceItem, WebOrigin
from likeness_guard.core.sources.html_images import find_page_links

USER_AGENT = f"LikenessGuard/{__version__} (+privacy: no cookies, no referrer)"

# Politeness: `iter_web_items` sends one request at a time, so at most one is ever in flight
# to any host, within the limit of two. This is how many kept-alive connections a host
# keeps. Fetching concurrently would need a per-host semaphore; `pool_block=True` would do it
# too, but it waits forever on a leaked connection, and a hang is worse than a third request.
MAX_CONNECTIONS_PER_HOST = 2

EVIDENCE_HEADERS = (
    "Date",
    "Last-Modified",
    "Content-Type",
    "Content-Length",
    # Not in the list, but it explains why Content-Length differs from the body kept.
    "Content-Encoding",
    "ETag",
    "Server",
    "Cache-Control",
)

_WEB_SCHEMES = ("http", "https")
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
# How often the deadline thread looks at the cancel token; bounds how late a cancel lands.
_CANCEL_POLL_SECONDS = 0.1
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_STATUS_WORDS = {
    400: "bad request",
    401: "a login is needed",
    403: "forbidden",
    404: "not found",
    410: "gone",
    429: "too many requests, try again later",
    451: "unavailable for legal reasons",
}
# Byte sizes of the BMP info headers Pillow understands; "BM" alone matches too much text.
# The WHATWG MIME sniffing patterns for HTML, each followed by a space or ">".
_HTML_SNIFF_PREFIXES = tuple(
    prefix.encode()
    for prefix in (
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
        "<!--",
    )
)


@dataclass(frozen=True)
class WebOptions:
    """How web addresses are fetched. The defaults suit scanning public sites."""

    max_bytes: int = 25 * 1024 * 1024
    connect_timeout: float = 10.0
    # Longest silence while waiting for data, and also the longest a response body may take
    # in total, so that a server trickling bytes cannot hold the scan forever.
    read_timeout: float = 20.0
    max_redirects: int = 5
    max_images_per_page: int = 200
    allow_private_addresses: bool = False
    follow_links: bool = False  # same-site pages linked from the page, depth 1
    max_followed_pages: int = 20
    retries: int = 3  # on connection errors, 429 and 5xx
    retry_backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_retry_wait: float = 30.0  # cap on any one wait, including the server's Retry-After
    # A PEM file of certificate authorities to trust instead of the usual ones (intranet
    # sites with their own CA). Verification itself is never turned off.
    ca_bundle: str | None = None


def is_web_address(text: str) -> bool:
    """True when `text` is meant as a web address (starts with http:// or https://)."""
    return text.strip().lower().startswith(("http://", "https://"))


def is_forbidden_address(address: str) -> bool:
    """True when an IP address is not on the public internet and must not be contacted.

    Covers loopback, private, shared (carrier-grade NAT), link-local, multicast, reserved,
    documentation and unspecified ranges, for IPv4 and IPv6, including IPv4 addresses
    carried inside IPv6 (mapped, 6to4, Teredo, NAT64). Anything unparsable is refused.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        translated = _translated_ipv4(ip)
        if translated is not None:
            # These reach exactly the IPv4 address inside, so that address decides alone.
            return is_forbidden_address(str(translated))
        tunnelled = _tunnelled_ipv4(ip)
        if tunnelled is not None and is_forbidden_address(str(tunnelled)):
            return True
    return (
        any(ip in network for network in _ALSO_FORBIDDEN)
        or ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


_NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),  # well-known NAT64
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64
)
# Not global, but not flagged by every Python 3.11 patch release's `ipaddress` either.
_ALSO_FORBIDDEN = (
    ipaddress.IPv4Network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.IPv4Network("100.64.0.0/10"),  # carrier-grade NAT
    ipaddress.IPv4Network("198.18.0.0/15"),  # benchmarking
)


def _translated_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that an IPv4-mapped or NAT64 IPv6 address connects to."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if any(ip in prefix for prefix in _NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _tunnelled_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 endpoint a 6to4 or Teredo IPv6 address tunnels to."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client behind the Teredo relay
    return None


def looks_like_html(data: bytes) -> bool:
    """True when the bytes start like an HTML document (the WHATWG sniffing rules)."""
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\n\r\f").lower()
    for prefix in _HTML_SNIFF_PREFIXES:
        if head.startswith(prefix) and head[len(prefix) : len(prefix) + 1] in (b" ", b">"):
            return True
    return False


def iter_web_items(
    urls: Sequence[str], options: WebOptions, cancel: CancelToken | None = None
) -> Iterator[SourceItem]:
    """Fetch each address and yield one item per image found, in order.

    An image address gives one item; an HTML page gives one item per image on it (and, with
    `follow_links`, per image on same-site pages it links to). The bytes are fetched before
    an item is yielded, so `item.read()` is instant and `item.web` holds the evidence.
    Anything that fails gives an item whose `read()` raises `SourceError` with a message;
    it never stops the iteration. When `cancel` is set, iteration ends promptly (even in the
    middle of a download or a wait before a retry) without yielding further items.
    Requests are sent one at a time through one session for the whole call.
    """
    token = cancel if cancel is not None else CancelToken()
    scan = _WebScan(options, token)
    try:
        for text in urls:
            if token.cancelled:
                return
            yield from scan.address(text.strip())
    except _Cancelled:
        return
    finally:
        scan.close()


# --- Items --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fetched:
    exchange: HttpExchange
    body: bytes
    media_type: str  # lower case, without parameters; "" when the server sent none
    charset: str | None


class _FetchError(Exception):
    """A fetch failed; `message` is for the user, `exchange` is set when a response came."""

    def __init__(self, message: str, exchange: HttpExchange | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange


class _Cancelled(Exception):
    """The user cancelled; unwinds the iterator."""


class _WebScan:
    """One call of `iter_web_items`: its session and what it has already fetched."""

    def __init__(self, options: WebOptions, cancel: CancelToken) -> None:
        self._options = options
        self._cancel = cancel
        self._session = _new_session(options)
        # Each image and page is fetched once per call, even when several pages show it.
        self._seen_images: set[str] = set()
        self._seen_pages: set[str] = set()

    def close(self) -> None:
        self._session.close()

    def address(self, url: str) -> Iterator[SourceItem]:
        if not is_web_address(url):
            yield _error_item(url, "only http and https addresses can be scanned")
            return
        key = _without_fragment(url)
        if key in self._seen_images or key in self._seen_pages:
            return
        try:
            fetched = self._fetch(url)
        except _FetchError as error:
            yield _error_item(url, error.message, error.exchange)
            return
        if sniff_format(fetched.body) is not None:
            self._seen_images.add(key)
            yield _image_item(url, fetched, page=None)
            return
        if not _is_html(fetched):
            yield _error_item(url, _not_an_image(fetched), fetched.exchange)
            return
        self._seen_pages.update({key, _without_fragment(fetched.exchange.final_url)})
        page = _snapshot(fetched)
        links = find_page_links(
            fetched.body,
            page.url,
            max_images=self._options.max_images_per_page,
            charset=fetched.charset,
        )
        yield from self._images(links.images, page)
        if self._options.follow_links:
            yield from self._follow(links.pages, page)

    def _images(self, urls: Sequence[str], page: PageSnapshot) -> Iterator[SourceItem]:
        for url in urls:
            key = _without_fragment(url)
            if key in self._seen_images:
                continue
            self._seen_images.add(key)
            try:
                fetched = self._fetch(url)
            except _FetchError as error:
                yield _error_item(url, error.message, error.exchange, page)
                continue
            if sniff_format(fetched.body) is not None:
                yield _image_item(url, fetched, page)
            else:
                yield _error_item(url, _not_an_image(fetched), fetched.exchange, page)

    def _follow(self, links: Sequence[str], page: PageSnapshot) -> Iterator[SourceItem]:
        site = _site(page.url)
        followed = 0
        for link in links:
            if followed >= self._options.max_followed_pages:
                return
            key = _without_fragment(link)
            if _site(link) != site or key in self._seen_pages or key in self._seen_images:
                continue
            self._seen_pages.add(key)
            followed += 1
            try:
                fetched = self._fetch_if(link, _may_be_page_or_image)
            except _FetchError as error:
                yield _error_item(link, error.message, error.exchange, page)
                continue
            if fetched is None:  # a PDF, a video...: neither a page nor a picture
                continue
            if sniff_format(fetched.body) is not None:
                self._seen_images.add(key)
                yield _image_item(link, fetched, page)
            elif _is_html(fetched):
                linked_page = _snapshot(fetched)
                linked = find_page_links(
                    fetched.body,
                    linked_page.url,
                    max_images=self._options.max_images_per_page,
                    charset=fetched.charset,
                )
                # Depth 1: the linked page's own links are not followed.
                yield from self._images(linked.images, linked_page)

    def _fetch(self, url: str) -> _Fetched:
        fetched = _fetch(self._session, url, self._options, self._cancel)
        assert fetched is not None, "only a `wanted` filter skips a body"
        return fetched

    def _fetch_if(self, url: str, wanted: Callable[[str], bool]) -> _Fetched | None:
        return _fetch(self._session, url, self._options, self._cancel, wanted)


def _image_item(url: str, fetched: _Fetched, page: PageSnapshot | None) -> SourceItem:
    body = fetched.body

    def read() -> bytes:
        return body

    return SourceItem(
        source=url, read=read, web=WebOrigin(url=url, http=fetched.exchange, page=page)
    )


def _error_item(
    url: str,
    message: str,
    exchange: HttpExchange | None = None,
    page: PageSnapshot | None = None,
) -> SourceItem:
    def read() -> bytes:
        raise SourceError(message)

    # Without any response there is no HttpExchange to keep; the page is then named in extra.
    web = WebOrigin(url=url, http=exchange, page=page) if exchange is not None else None
    extra: dict[str, Any] = {"page_url": page.url} if page is not None else {}
    return SourceItem(source=url, read=read, web=web, extra=extra)


def _snapshot(fetched: _Fetched) -> PageSnapshot:
    return PageSnapshot(
        url=fetched.exchange.final_url,
        body=fetched.body,
        sha256=fetched.exchange.sha256,
        http=fetched.exchange,
    )


def _is_html(fetched: _Fetched) -> bool:
    # The bytes decide, as for images: an HTML page sent as image/jpeg is still a page.
    return fetched.media_type in _HTML_TYPES or looks_like_html(fetched.body)


def _may_be_page_or_image(media_type: str) -> bool:
    return (
        media_type in _HTML_TYPES
        or media_type.startswith("image/")
        or media_type in ("", "text/plain", "application/octet-stream")
    )


def _not_an_image(fetched: _Fetched) -> str:
    if not fetched.body:
        return "the server sent an empty response"
    media_type = fetched.media_type or "unknown type"
    if media_type == "image/svg+xml":
        return "not a photo (image/svg+xml drawings cannot be scanned)"
    if media_type.startswith("image/"):
        return f"not an image we can read (sent as {media_type})"
    return f"not an image ({media_type})"


def _site(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    default_port = 443 if scheme == "https" else 80
    return scheme, (parts.hostname or "").lower(), parts.port or default_port


def _without_fragment(url: str) -> str:
    return urldefrag(url)[0]


# --- Fetching -----------------------------------------------------------------------------


def _fetch(
    session: requests.Session,
    url: str,
    options: WebOptions,
    cancel: CancelToken,
    wanted: Callable[[str], bool] | None = None,
) -> _Fetched | None:
    """GET `url`, following redirects by hand so every hop is checked.

    Returns None only when `wanted` rejects the response's media type (the body is then not
    downloaded). Raises `_FetchError` with the user's message, or `_Cancelled`.
    """
    redirects: list[str] = []
    current = url
    while True:
        response, deadline = _send(session, current, options, cancel)
        try:
            location = response.headers.get("Location")
            if response.status_code in _REDIRECT_STATUSES and location:
                target = _redirect_target(current, location, redirects, options)
                redirects.append(current)
                current = target
                continue
            exchange = _exchange(url, current, response, redirects)
            if not 200 <= response.status_code < 300:
                raise _FetchError(_status_message(response.status_code), exchange)
            media_type, charset = _parse_content_type(response.headers.get("Content-Type", ""))
            if wanted is not None and not wanted(media_type):
                return None
            body = _read_body(response, deadline, options, exchange)
        finally:
            response.close()
            deadline.stop()
        exchange = replace(exchange, sha256=hashlib.sha256(body).hexdigest())
        return _Fetched(exchange=exchange, body=body, media_type=media_type, charset=charset)


def _redirect_target(current: str, location: str, redirects: list[str], options: WebOptions) -> str:
    try:
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
    except ValueError as error:
        raise _FetchError("the server redirected to an invalid address") from error
    if scheme not in _WEB_SCHEMES:
        shown = f"{scheme}://…" if target[len(scheme) + 1 :].startswith("//") else f"{scheme}:…"
        raise _FetchError(f"redirect to a non-web address ({shown}) refused")
    visited = {_without_fragment(hop) for hop in [*redirects, current]}
    if _without_fragment(target) in visited:
        raise _FetchError("redirect loop")
    if len(redirects) >= options.max_redirects:
        raise _FetchError(f"too many redirects (more than {options.max_redirects})")
    return target


def _send(
    session: requests.Session, url: str, options: WebOptions, cancel: CancelToken
) -> tuple[requests.Response, "_Deadline"]:
    """Send one GET (headers read, body not), retrying connection errors, 429 and 5xx.

    The returned deadline is still running and must be stopped by the caller.
    """
    attempt = 0
    while True:
        if cancel.cancelled:
            raise _Cancelled
        deadline = _Deadline(
            options.connect_timeout + options.read_timeout,
            cancel,
            allow_private=options.allow_private_addresses,
        )
        context = _ACTIVE_DEADLINE.set(deadline)
        try:
            response = session.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(options.connect_timeout, options.read_timeout),
            )
        except (requests.RequestException, ValueError, OSError, _AddressRefused) as error:
            deadline.stop()
            if deadline.cancelled:
                raise _Cancelled from error
            if deadline.expired:
                raise _FetchError(_too_slow(deadline)) from error
            if attempt >= options.retries or not _is_transient(error):
                raise _FetchError(_describe_failure(error, url, options)) from error
            delay = options.retry_backoff * 2**attempt
        else:
            status = response.status_code
            if attempt >= options.retries or not (status == 429 or 500 <= status <= 599):
                return response, deadline
            response.close()
            deadline.stop()
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            delay = retry_after if retry_after is not None else options.retry_backoff * 2**attempt
        finally:
            _ACTIVE_DEADLINE.reset(context)
        attempt += 1
        if cancel.wait(max(0.0, min(delay, options.max_retry_wait))):
            raise _Cancelled


def _read_body(
    response: requests.Response,
    deadline: "_Deadline",
    options: WebOptions,
    exchange: HttpExchange,
) -> bytes:
    limit = options.max_bytes
    too_large = f"larger than {_format_size(limit)}"
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise _FetchError(too_large, exchange)
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    expands = (
        f"the server sent a compressed body that expands beyond {_format_size(limit)}"
        if encoding not in ("", "identity")
        else too_large
    )
    deadline.rearm(options.read_timeout)
    body = bytearray()
    try:
        # urllib3 decodes gzip/deflate (and br/zstd when installed) incrementally, producing
        # at most one chunk's worth per step, so a bomb is stopped at the cap, never inflated.
        for chunk in response.iter_content(_CHUNK_BYTES):
            body += chunk
            if len(body) > limit:
                raise _FetchError(expands, exchange)
            if response.raw.tell() > limit:  # bytes on the wire, before decoding
                raise _FetchError(too_large, exchange)
            if deadline.expired or deadline.cancelled:
                break
    except (requests.RequestException, ValueError, OSError) as error:
        if deadline.cancelled:
            raise _Cancelled from error
        if deadline.expired:
            raise _FetchError(_too_slow(deadline), exchange) from error
        raise _FetchError(
            _describe_failure(error, exchange.final_url, options), exchange
        ) from error
    # A shut-down socket can look like a normal end of a body without Content-Length.
    if deadline.cancelled:
        raise _Cancelled
    if deadline.expired:
        raise _FetchError(_too_slow(deadline), exchange)
    return bytes(body)


def _exchange(
    requested: str, final: str, response: requests.Response, redirects: list[str]
) -> HttpExchange:
    headers = {
        name: response.headers[name] for name in EVIDENCE_HEADERS if name in response.headers
    }
    return HttpExchange(
        url=requested,
        final_url=final,
        status=response.status_code,
        headers=headers,
        redirects=tuple(redirects),
        retrieved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, *parameters = value.split(";")
    charset = None
    for parameter in parameters:
        name, _, parameter_value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = parameter_value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# --- Messages -----------------------------------------------------------------------------


def _status_message(status: int) -> str:
    if 300 <= status < 400:
        return f"the server answered {status} without saying where to go"
    words = _STATUS_WORDS.get(status)
    return f"the server answered {status} ({words})" if words else f"the server answered {status}"


def _too_slow(deadline: "_Deadline") -> str:
    return (
        f"no complete answer within {_format_seconds(deadline.period)} s "
        "(the server is sending too slowly)"
    )


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g}"


def _format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and everything it wraps (requests and urllib3 nest several levels deep)."""
    pending = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for inner in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(inner, BaseException):
                pending.append(inner)
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))


def _is_transient(error: BaseException) -> bool:
    """Worth retrying: the connection failed, not the name, the address, TLS or the wait."""
    chain = list(_causes(error))
    permanent = (
        _AddressRefused,
        NameResolutionError,
        socket.gaierror,
        ssl.SSLError,
        requests.exceptions.SSLError,
        requests.exceptions.ReadTimeout,
        ReadTimeoutError,
        requests.exceptions.InvalidURL,
        ValueError,
    )
    if any(isinstance(inner, permanent) for inner in chain):
        return False
    return isinstance(error, requests.ConnectionError)


def _describe_failure(error: BaseException, url: str, options: WebOptions) -> str:
    chain = list(_causes(error))

    def found(*kinds: type[BaseException]) -> BaseException | None:
        return next((inner for inner in chain if isinstance(inner, kinds)), None)

    if found(_AddressRefused):
        return "refused: address is on a private network"
    if found(NameResolutionError, socket.gaierror):
        host = urlsplit(url).hostname or url
        return f"could not find the server {host} (check the address)"
    certificate = found(ssl.SSLCertVerificationError)
    if isinstance(certificate, ssl.SSLCertVerificationError):
        return _certificate_message(certificate)
    if found(ssl.SSLError, requests.exceptions.SSLError):
        return "secure connection (TLS) failed: the site's encryption could not be set up safely"
    if found(ConnectionRefusedError):
        return "connection refused by the server"
    # urllib3's NewConnectionError subclasses ConnectTimeoutError for historical reasons.
    connect_timeout = found(requests.exceptions.ConnectTimeout, ConnectTimeoutError)
    if connect_timeout is not None and not isinstance(connect_timeout, NewConnectionError):
        seconds = _format_seconds(options.connect_timeout)
        return f"no connection to the server within {seconds} s"
    if found(requests.exceptions.ReadTimeout, ReadTimeoutError, TimeoutError):
        return f"no response within {_format_seconds(options.read_timeout)} s"
    if found(
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
        ValueError,
    ):
        return "not a valid web address"
    if found(requests.exceptions.ContentDecodingError, DecodeError):
        return "the server sent a damaged compressed body"
    if found(
        ConnectionResetError,
        RemoteDisconnected,
        ProtocolError,
        requests.exceptions.ChunkedEncodingError,
    ):
        return "the server closed the connection before sending everything"
    failure = found(NewConnectionError)
    if failure is not None:
        reason = next((inner for inner in chain if type(inner) is OSError), None)
        detail = f" ({reason.strerror.lower()})" if reason and reason.strerror else ""
        return f"could not connect to the server{detail}"
    return f"the download failed ({type(error).__name__})"


def _certificate_message(error: ssl.SSLCertVerificationError) -> str:
    # OpenSSL's X509_V_ERR_* codes.
    code = error.verify_code
    if code in (62, 64):  # hostname / IP address mismatch
        return "TLS certificate not valid for this host"
    if code == 10:
        return "TLS certificate has expired"
    if code in (2, 18, 19, 20, 21):
        return "TLS certificate not trusted (self-signed or from an unknown authority)"
    detail = error.verify_message or error.reason or "unknown reason"
    return f"TLS certificate could not be verified ({detail})"


# --- Session, cookies, connections --------------------------------------------------------


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Refuses to store or send any cookie: a server cannot recognise the user between
    requests, and nothing from a browser profile is ever read."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: urllib.request.Request) -> bool:
        return False

    def path_return_ok(self, path: str, request: urllib.request.Request) -> bool:
        return False


def _new_session(options: WebOptions) -> requests.Session:
    session = requests.Session()
    # Ignore the environment: no proxy (it would make the address checks meaningless and
    # could log what the user looks at), no ~/.netrc credentials, no CA bundle override.
    session.trust_env = False
    session.cookies.set_policy(_NoCookies())
    session.headers.clear()
    # No Referer, no Accept-Language, nothing that describes the user or their machine.
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,image/webp,image/*;q=0.9,*/*;q=0.8",
            # Only the encodings urllib3 can decode here, so every body can be capped.
            "Accept-Encoding": ACCEPT_ENCODING,
        }
    )
    session.verify = options.ca_bundle if options.ca_bundle else True
    adapter = _GuardedAdapter(
        pool_connections=16,
        pool_maxsize=MAX_CONNECTIONS_PER_HOST,
        pool_block=False,
        max_retries=0,  # retries are ours, with Retry-After and cancellable waits
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _AddressRefused(Exception):
    """A host resolved to an address that is not on the public internet."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}, which is not a public address")


class _Deadline:
    """Bounds one request in wall-clock time and makes cancel land mid-download.

    Socket timeouts only bound each single read: a server sending one byte every few seconds
    never trips them. When the deadline passes or the scan is cancelled, a helper thread shuts
    the connection's socket down, which wakes the blocked read at once.
    """

    def __init__(self, seconds: float, cancel: CancelToken, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.period = seconds
        self.expired = False
        self.cancelled = False
        self._cancel = cancel
        self._lock = threading.Lock()
        self._ends_at = time.monotonic() + seconds
        self._done = threading.Event()
        self._sockets: dict[int, socket.socket] = {}
        self._thread = threading.Thread(target=self._watch, name="web-deadline", daemon=True)
        self._thread.start()

    def rearm(self, seconds: float) -> None:
        with self._lock:
            self.period = seconds
            self._ends_at = time.monotonic() + seconds

    def attach(self, sock: socket.socket) -> None:
        """Watch a connection's socket until `stop()`."""
        with self._lock:
            if sock.fileno() in self._sockets or self._done.is_set():
                return
            try:
                # A duplicate descriptor: shutdown() acts on the connection itself, and still
                # works after the TLS layer has taken the original socket object over.
                duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
            except OSError:
                return
            self._sockets[sock.fileno()] = duplicate
            fired = self.expired or self.cancelled
        if fired:
            _shutdown(duplicate)

    def stop(self) -> None:
        self._done.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            sockets, self._sockets = list(self._sockets.values()), {}
        for duplicate in sockets:
            duplicate.close()

    def _watch(self) -> None:
        while True:
            with self._lock:
                remaining = self._ends_at - time.monotonic()
            if remaining <= 0:
                self._fire(expired=True)
                return
            if self._done.wait(min(remaining, _CANCEL_POLL_SECONDS)):
                return
            if self._cancel.cancelled:
                self._fire(expired=False)
                return

    def _fire(self, *, expired: bool) -> None:
        with self._lock:
            if expired:
                self.expired = True
            else:
                self.cancelled = True
            sockets = list(self._sockets.values())
        for duplicate in sockets:
            _shutdown(duplicate)


def _shutdown(sock: socket.socket) -> None:
    # OSError: already closed by the other side, nothing left to wake.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


# The deadline of the request being sent on this thread. Connections are created deep inside
# urllib3, which gives us no way to hand them per-request settings; a context variable does.
_ACTIVE_DEADLINE: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "likeness_guard_web_deadline", default=None
)


def _open_socket(
    conn: HTTPConnection, default_connect: Callable[[], socket.socket]
) -> socket.socket:
    """Connect for `conn`, refusing non-public addresses unless the request allows them.

    Why here and not before the request: checking a name's addresses and then letting
    urllib3 resolve it again leaves a window in which the name's DNS answer can change
    (DNS rebinding: public address at check time, 127.0.0.1 at connect time). Instead we
    resolve once, check every address, and connect to exactly the checked address, so the
    address checked is the address connected to. It runs for every new connection, and so
    for every redirect hop; a kept-alive connection was checked when it was opened. TLS still
    verifies the certificate against the host name, because only the socket is made here.
    """
    deadline = _ACTIVE_DEADLINE.get()
    if deadline is not None and deadline.allow_private:
        sock = default_connect()
    else:
        sock = _connect_to_public_address(conn)
    if deadline is not None:
        deadline.attach(sock)
    return sock


def _connect_to_public_address(conn: HTTPConnection) -> socket.socket:
    host, port = conn.host, conn.port
    try:
        answers = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise NameResolutionError(host, conn, error) from error
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    # One non-public answer refuses the name: a public site has no reason to publish one,
    # and trying only the public ones would let an attacker race the order of answers.
    for address in addresses:
        if is_forbidden_address(address):
            raise _AddressRefused(host, address)
    if not addresses:
        raise NameResolutionError(host, conn, socket.gaierror("no address for this name"))
    last_error: OSError = OSError("no address could be reached")
    for address in addresses:
        try:
            return create_connection(
                (address, port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except OSError as error:
            last_error = error
    if isinstance(last_error, TimeoutError):
        raise ConnectTimeoutError(
            conn, f"Connection to {host} timed out. (connect timeout={conn.timeout})"
        ) from last_error
    raise NewConnectionError(
        conn, f"Failed to establish a new connection: {last_error}"
    ) from last_error


def _watch_reused(sock: socket.socket | None) -> None:
    deadline = _ACTIVE_DEADLINE.get()
    if deadline is not None and sock is not None:
        deadline.attach(sock)


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _open_socket(self, super()._new_conn)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_reused(self.sock)  # a kept-alive connection: no _new_conn this time
        super().request(*args, **kwargs)


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _open_socket(self, super()._new_conn)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_reused(self.sock)
        super().request(*args, **kwargs)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """requests' adapter, with connections that check addresses and obey the deadline."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        # An instance attribute: urllib3's module-level default stays untouched.
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }
