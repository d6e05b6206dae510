"""GET one address: redirects followed by hand, retries, and capped, timed body reads."""

import contextlib
import functools
import hashlib
import socket
import ssl
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import NameResolutionError, ReadTimeoutError

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import RawHttpExchange
from likeness_guard.core.sources.base import HttpExchange
from likeness_guard.core.sources.web import messages
from likeness_guard.core.sources.web.addresses import WEB_SCHEMES, without_fragment
from likeness_guard.core.sources.web.budget import WebBudget
from likeness_guard.core.sources.web.capture import ResponseRecorder, peer_address
from likeness_guard.core.sources.web.deadline import Deadline
from likeness_guard.core.sources.web.guard import AddressRefused, connection_rules
from likeness_guard.core.sources.web.http_client import new_http_session
from likeness_guard.core.sources.web.options import EVIDENCE_HEADERS, WebOptions

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """A successful response and its whole body."""

    exchange: HttpExchange
    body: bytes
    media_type: str  # lower case, without parameters; "" when the server sent none
    charset: str | None


class FetchError(Exception):
    """A fetch failed; `message` is for the user, `exchange` is set when a response came."""

    def __init__(self, message: str, exchange: HttpExchange | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange


class Cancelled(Exception):
    """The user cancelled; unwinds the scan."""


class Fetcher:
    """Fetches addresses one at a time through one session, until `close()`."""

    def __init__(
        self, options: WebOptions, cancel: CancelToken, budget: WebBudget | None = None
    ) -> None:
        self._options = options
        self._cancel = cancel
        self._session = new_http_session(options)
        # Every request's deadline and every wait before a retry is cut to what is left.
        self.budget = budget or WebBudget(options.scan_seconds, options.page_seconds)
        # The server address the last response came from (WARC-IP-Address): the peer of
        # the socket the guard handed over for it, new or kept alive.
        self.peer_address: str | None = None

    def close(self) -> None:
        self._session.close()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET `url` with its whole body. Raises `FetchError` with the user's message, or
        `Cancelled`. `headers`: extra request headers (a watch's If-None-Match and
        If-Modified-Since; its 304 answer is a FetchError whose exchange says 304)."""
        fetched = self._get(url, wanted=None, headers=headers)
        assert fetched is not None, "only a `wanted` filter skips a body"
        return fetched

    def get_if(
        self,
        url: str,
        wanted: Callable[[str], bool],
        headers: Mapping[str, str] | None = None,
    ) -> Fetched | None:
        """Like `get`, but returns None without downloading the body when `wanted` rejects
        the response's media type."""
        return self._get(url, wanted, headers)

    def _get(
        self,
        url: str,
        wanted: Callable[[str], bool] | None,
        headers: Mapping[str, str] | None = None,
    ) -> Fetched | None:
        # Redirects are followed here, not by requests, so that every hop is checked.
        redirects: list[str] = []
        hops: list[RawHttpExchange] = []  # each redirect's request and response, as evidence
        current = url
        while True:
            response, deadline = self._send(current, headers)
            recorder = ResponseRecorder(response, self.peer_address)
            try:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    target = _redirect_target(current, location, redirects, self._options)
                    redirects.append(current)
                    hops.append(recorder.finish(complete=False))
                    current = target
                    continue
                exchange = _exchange(url, current, response, redirects)
                if not 200 <= response.status_code < 300:
                    # The refusal itself is evidence (a re-check keeps it): its head, unread body.
                    refusal = recorder.finish(complete=False, retrieved_at=exchange.retrieved_at)
                    exchange = replace(exchange, captures=(*hops, refusal))
                    raise FetchError(messages.status_message(response.status_code), exchange)
                content_type = response.headers.get("Content-Type", "")
                media_type, charset = _parse_content_type(content_type)
                if wanted is not None and not wanted(media_type):
                    return None
                body = self._read_body(response, deadline, exchange)
            finally:
                response.close()
                deadline.stop()
            capture = recorder.finish(complete=True, retrieved_at=exchange.retrieved_at)
            exchange = replace(
                exchange, sha256=hashlib.sha256(body).hexdigest(), captures=(*hops, capture)
            )
            return Fetched(exchange=exchange, body=body, media_type=media_type, charset=charset)

    def _send(
        self, url: str, headers: Mapping[str, str] | None = None
    ) -> tuple[requests.Response, Deadline]:
        """Send one GET (headers read, body not), retrying connection errors, 429 and 5xx.

        The returned deadline is still running and must be stopped by the caller.
        """
        options = self._options
        attempt = 0
        waited = 0.0
        while True:
            if self._cancel.cancelled:
                raise Cancelled
            left = self.budget.remaining()
            if left <= 0:
                raise FetchError(self.budget.message())
            per_request = options.connect_timeout + options.read_timeout
            deadline = Deadline(min(per_request, left), self._cancel)
            self.peer_address = None
            try:
                with connection_rules(
                    allow_private=options.allow_private_addresses,
                    on_socket=functools.partial(self._on_socket, deadline),
                    allowed=options.allowed_addresses,
                ):
                    response = self._session.get(
                        url,
                        headers=dict(headers) if headers else None,
                        stream=True,
                        allow_redirects=False,
                        timeout=(options.connect_timeout, options.read_timeout),
                    )
            except (requests.RequestException, ValueError, OSError, AddressRefused) as error:
                deadline.stop()
                if deadline.cancelled:
                    raise Cancelled from error
                if deadline.expired:
                    raise FetchError(self._slow_message(deadline)) from error
                delay = min(options.retry_backoff * 2**attempt, options.max_retry_wait)
                if (
                    attempt >= options.retries
                    or not _is_transient(error)
                    or not self._may_wait(delay, waited)
                ):
                    raise FetchError(messages.describe_failure(error, url, options)) from error
            else:
                status = response.status_code
                if attempt >= options.retries or not (status == 429 or 500 <= status <= 599):
                    return response, deadline
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                backoff = options.retry_backoff * 2**attempt
                # A Retry-After of an hour is capped: the scan has other images to check.
                delay = min(
                    retry_after if retry_after is not None else backoff, options.max_retry_wait
                )
                if not self._may_wait(delay, waited):
                    return response, deadline  # no time left to retry: report this answer
                response.close()
                deadline.stop()
            attempt += 1
            waited += delay
            if self._cancel.wait(max(0.0, delay)):
                raise Cancelled

    def _on_socket(self, deadline: Deadline, sock: socket.socket) -> None:
        """Watch the request's socket for its deadline, and note whom it talks to."""
        deadline.attach(sock)
        self.peer_address = peer_address(sock)

    def _may_wait(self, delay: float, waited: float) -> bool:
        """Whether one more wait of `delay` fits the per-address cap and the budget."""
        return waited + delay <= self._options.max_retry_total and delay < self.budget.remaining()

    def _slow_message(self, deadline: Deadline) -> str:
        return (
            self.budget.message() if self.budget.exhausted else messages.too_slow(deadline.period)
        )

    def _read_body(
        self, response: requests.Response, deadline: Deadline, exchange: HttpExchange
    ) -> bytes:
        limit = self._options.max_bytes
        refuse_declared_size(response, limit, exchange)
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        compressed = encoding not in ("", "identity")
        deadline.rearm(min(self._options.read_timeout, max(self.budget.remaining(), 0.001)))
        body = bytearray()
        slow = functools.partial(self._slow_message, deadline)
        with reading_body(deadline, exchange, self._options, slow):
            # urllib3 decodes gzip/deflate (and br/zstd when installed) incrementally, giving
            # at most one chunk's worth per step, so a bomb is stopped at the cap, never inflated.
            for chunk in response.iter_content(_CHUNK_BYTES):
                body += chunk
                if len(body) > limit:
                    too_much = messages.expands_too_far if compressed else messages.too_large
                    raise FetchError(too_much(limit), exchange)
                if response.raw.tell() > limit:  # bytes on the wire, before decoding
                    raise FetchError(messages.too_large(limit), exchange)
                if deadline.expired or deadline.cancelled:
                    break
        return bytes(body)


def refuse_declared_size(response: requests.Response, limit: int, exchange: HttpExchange) -> None:
    """Raise FetchError when the response announces a body of more than `limit` bytes."""
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(messages.too_large(limit), exchange)


@contextlib.contextmanager
def reading_body(
    deadline: Deadline,
    exchange: HttpExchange,
    options: WebOptions,
    slow_message: Callable[[], str],
) -> Iterator[None]:
    """Read a body inside this block: what fails while reading becomes FetchError (or
    Cancelled), and a body cut short by the deadline or by cancelling is refused after it."""
    try:
        yield
    except (requests.RequestException, ValueError, OSError) as error:
        if deadline.cancelled:
            raise Cancelled from error
        if deadline.expired:
            raise FetchError(slow_message(), exchange) from error
        message = messages.describe_failure(error, exchange.final_url, options)
        raise FetchError(message, exchange) from error
    # A shut-down socket can look like a normal end of a body without Content-Length.
    if deadline.cancelled:
        raise Cancelled
    if deadline.expired:
        raise FetchError(slow_message(), exchange)


def retry_after_seconds(value: str | None) -> float | None:
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


def _redirect_target(current: str, location: str, redirects: list[str], options: WebOptions) -> str:
    try:
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
    except ValueError as error:
        raise FetchError(messages.invalid_redirect()) from error
    if scheme not in WEB_SCHEMES:
        raise FetchError(messages.redirect_refused(target, scheme))
    visited = {without_fragment(hop) for hop in [*redirects, current]}
    if without_fragment(target) in visited:
        raise FetchError(messages.redirect_loop())
    if len(redirects) >= options.max_redirects:
        raise FetchError(messages.too_many_redirects(options.max_redirects))
    return target


def _is_transient(error: BaseException) -> bool:
    """Worth retrying: the connection failed, not the name, the address, TLS or the wait.

    A refused connection is an answer ("nothing listens there"), not a failure: retrying it
    only made people wait seconds in silence.
    """
    permanent = (
        AddressRefused,
        ConnectionRefusedError,
        NameResolutionError,
        socket.gaierror,
        ssl.SSLError,
        requests.exceptions.SSLError,
        requests.exceptions.ReadTimeout,
        ReadTimeoutError,
        requests.exceptions.InvalidURL,
        ValueError,
    )
    if any(isinstance(inner, permanent) for inner in messages.causes(error)):
        return False
    return isinstance(error, requests.ConnectionError)


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
