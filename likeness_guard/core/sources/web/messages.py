"""Every sentence a user reads when a web address cannot be scanned, in plain words."""

import socket
import ssl
from collections.abc import Iterator
from http.client import HTTPException, LineTooLong, RemoteDisconnected
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from likeness_guard.core.domain.words import PRIVATE_ADDRESS_REFUSED
from likeness_guard.core.sources.web.guard import AddressRefused
from likeness_guard.core.sources.web.options import WebOptions
from likeness_guard.locale import _, ngettext


def not_a_web_address() -> str:
    return _("only http and https addresses can be scanned")


def empty_response() -> str:
    return _("the server sent an empty response")


def invalid_redirect() -> str:
    return _("the server redirected to an invalid address")


def redirect_loop() -> str:
    return _("redirect loop")


def _status_sentences() -> dict[int, str]:
    return {
        # Translators: {status} is an HTTP status code, such as 404.
        400: _("the server answered {status} (bad request)"),
        401: _("the server answered {status} (a login is needed)"),
        403: _("the server answered {status} (forbidden)"),
        404: _("the server answered {status} (not found)"),
        410: _("the server answered {status} (gone)"),
        429: _("the server answered {status} (too many requests, try again later)"),
        451: _("the server answered {status} (unavailable for legal reasons)"),
    }


def status_message(status: int) -> str:
    """The sentence for a response that is neither a success nor a redirect we followed."""
    if 300 <= status < 400:
        return _("the server answered {status} without saying where to go").format(status=status)
    sentence = _status_sentences().get(status) or _("the server answered {status}")
    return sentence.format(status=status)


def not_an_image(media_type: str, *, empty: bool) -> str:
    """The sentence for a body that is neither a picture we read nor (where one would do) a
    page; `media_type` is what the server declared, "" when it declared nothing."""
    if empty:
        return empty_response()
    media_type = media_type or _("unknown type")
    if media_type == "image/svg+xml":
        return _("not a photo (image/svg+xml drawings cannot be scanned)")
    if media_type.startswith("image/"):
        # Translators: {media_type} is what the server said it sent, such as "text/html".
        return _("not an image we can read (sent as {media_type})").format(media_type=media_type)
    return _("not an image ({media_type})").format(media_type=media_type)


def not_a_video(media_type: str, *, empty: bool) -> str:
    """The sentence for a video address whose body is not a video we read."""
    if empty:
        return empty_response()
    if media_type in ("text/html", "application/xhtml+xml"):
        return _("not a video file: the address is a web page (a video player, perhaps)")
    return _("not a video we can read (sent as {media_type})").format(
        media_type=media_type or _("unknown type")
    )


def redirect_refused(target: str, scheme: str) -> str:
    """The sentence for a redirect to a `scheme` that is not http(s), without the address."""
    shown = f"{scheme}://…" if target[len(scheme) + 1 :].startswith("//") else f"{scheme}:…"
    # Translators: {address} is the start of an address, such as "mailto:…".
    return _("redirect to a non-web address ({address}) refused").format(address=shown)


def too_many_redirects(limit: int) -> str:
    return _("too many redirects (more than {limit})").format(limit=limit)


def too_large(limit: int) -> str:
    # Translators: {size} is a size such as "50 MB".
    return _("larger than {size}").format(size=_format_size(limit))


def expands_too_far(limit: int) -> str:
    return _("the server sent a compressed body that expands beyond {size}").format(
        size=_format_size(limit)
    )


def too_slow(seconds: float) -> str:
    return _("no complete answer within {seconds} s (the server is sending too slowly)").format(
        seconds=_format_seconds(seconds)
    )


def describe_failure(error: BaseException, url: str, options: WebOptions) -> str:
    """The sentence for a request that raised `error` instead of giving a response."""
    chain = list(causes(error))

    def found(*kinds: type[BaseException]) -> BaseException | None:
        return next((inner for inner in chain if isinstance(inner, kinds)), None)

    refused = found(AddressRefused)
    if isinstance(refused, AddressRefused) and refused.metadata:
        return _(
            "refused: this is a cloud metadata address, which is never contacted (not even "
            "with --allow-private-addresses); name it with --allow-address if you mean it"
        )
    if refused:
        return _(PRIVATE_ADDRESS_REFUSED)
    if found(NameResolutionError, socket.gaierror):
        host = urlsplit(url).hostname or url
        return _("could not find the server {host} (check the address)").format(host=host)
    certificate = found(ssl.SSLCertVerificationError)
    if isinstance(certificate, ssl.SSLCertVerificationError):
        return _certificate_message(certificate)
    if found(ssl.SSLError, requests.exceptions.SSLError):
        return _("secure connection (TLS) failed: the site's encryption could not be set up safely")
    if found(ConnectionRefusedError):
        return _("connection refused by the server")
    # urllib3's NewConnectionError subclasses ConnectTimeoutError for historical reasons.
    connect_timeout = found(requests.exceptions.ConnectTimeout, ConnectTimeoutError)
    if connect_timeout is not None and not isinstance(connect_timeout, NewConnectionError):
        seconds = _format_seconds(options.connect_timeout)
        return _("no connection to the server within {seconds} s").format(seconds=seconds)
    if found(requests.exceptions.ReadTimeout, ReadTimeoutError, TimeoutError):
        seconds = _format_seconds(options.read_timeout)
        return _("no response within {seconds} s").format(seconds=seconds)
    if found(
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
        ValueError,
    ):
        return _("not a valid web address")
    if found(requests.exceptions.ContentDecodingError, DecodeError):
        return _("the server sent a damaged compressed body")
    if found(LineTooLong) or _too_many_headers(chain):
        return _(
            "the server sent headers that are too long or too many, so its answer was not "
            "read; the address may be hostile or broken"
        )
    if found(
        ConnectionResetError,
        RemoteDisconnected,
        ProtocolError,
        requests.exceptions.ChunkedEncodingError,
    ):
        return _("the server closed the connection before sending everything")
    failure = found(NewConnectionError)
    if failure is not None:
        reason = next((inner for inner in chain if type(inner) is OSError), None)
        if reason and reason.strerror:
            # Translators: {reason} is the system's own words, e.g. "network is unreachable".
            return _("could not connect to the server ({reason})").format(
                reason=reason.strerror.lower()
            )
        return _("could not connect to the server")
    # Translators: {error} is the name of a programming error class, such as "OSError".
    return _("the download failed ({error})").format(error=type(error).__name__)


def video_needs_scan() -> str:
    """Why a video address is not fetched outside a scan (no data folder to keep it in)."""
    return _(
        "this is a video: videos on the web are checked by a scan, which keeps the download "
        "in the data folder; scan the address with: likeness-guard scan URL"
    )


def spool_failed(error: OSError) -> str:
    """Why a video could not be downloaded: its file in the data folder could not be made."""
    return _(
        "the video could not be downloaded: no file could be made for it in the data folder "
        "({reason}); free some space or check the folder's permissions, then scan again"
    ).format(reason=error.strerror or type(error).__name__)


def _too_many_headers(chain: list[BaseException]) -> bool:
    """http.client's "got more than 100 headers" (it has no class of its own)."""
    return any(type(inner) is HTTPException and "more than" in str(inner) for inner in chain)


def causes(error: BaseException) -> Iterator[BaseException]:
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


def _certificate_message(error: ssl.SSLCertVerificationError) -> str:
    # OpenSSL's X509_V_ERR_* codes.
    code = error.verify_code
    if code in (62, 64):  # hostname / IP address mismatch
        return _("TLS certificate not valid for this host")
    if code == 10:
        return _("TLS certificate has expired")
    if code in (2, 18, 19, 20, 21):
        return _("TLS certificate not trusted (self-signed or from an unknown authority)")
    detail = error.verify_message or error.reason or _("unknown reason")
    return _("TLS certificate could not be verified ({reason})").format(reason=detail)


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g}"


def _format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return ngettext("{count} byte", "{count} bytes", size).format(count=size)
