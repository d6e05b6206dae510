"""Download a video to a temporary file: every check of a fetch, never the body in memory.

The request goes through the fetcher's session, address guard, retries and deadline; the
redirects are followed one at a time and checked, as for pictures. The body is written to
a private file in the data folder's spool (never the system's temp folder) as it arrives,
sealed under a key only this process holds (imaging/video_sealed.py: never in plain text
on the disk, whether the folder is protected or not), capped in bytes and in time (the
scan's and the page's time budgets included), and hashed on the way. The file is deleted
when nothing refers to it any more (the scan is done with the item); one a killed scan left
(unreadable: its key died with the process) is wiped at the next start.
"""

import contextlib
import functools
import hashlib
import os
import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import requests

from likeness_guard.core.imaging.formats import VIDEO_SUFFIXES, sniff_video_format
from likeness_guard.core.imaging.video_sealed import SealedFile
from likeness_guard.core.platform import private_temp_file
from likeness_guard.core.sources.base import HttpExchange
from likeness_guard.core.sources.web import messages
from likeness_guard.core.sources.web.deadline import Deadline
from likeness_guard.core.sources.web.fetch import (
    _REDIRECT_STATUSES,
    Fetcher,
    FetchError,
    _exchange,
    _parse_content_type,
    _redirect_target,
    reading_body,
    refuse_declared_size,
)
from likeness_guard.core.sources.web.options import WebOptions

_CHUNK_BYTES = 256 * 1024
_SNIFF_BYTES = 64


class SpooledFile:
    """A private, sealed file in `folder`, deleted once no object refers to it (or at exit)."""

    def __init__(self, folder: Path) -> None:
        self.path = private_temp_file(folder, "video", ".part")
        self.sealed = SealedFile(self.path)
        self._finalizer = weakref.finalize(self, _unlink, str(self.path))

    def delete(self) -> None:
        self._finalizer()


def _unlink(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


@dataclass(frozen=True)
class DownloadedVideo:
    """A video fetched to disk: its response, its file, and its container."""

    exchange: HttpExchange
    file: SpooledFile
    kind: str  # "mp4", "webm", ... (formats.sniff_video_format)


def is_video_file_url(url: str) -> bool:
    """True when the URL's path ends in a known video file extension."""
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    dot = path.rfind(".")
    return dot != -1 and "/" not in path[dot:] and path[dot:] in VIDEO_SUFFIXES


def is_video_media_type(media_type: str) -> bool:
    return media_type.startswith("video/")


def download_video(fetcher: Fetcher, url: str, options: WebOptions) -> DownloadedVideo:
    """GET `url` into a temporary file. Raises FetchError with the user's message (also
    when the body is not a video), or Cancelled."""
    if options.spool_folder is None:
        raise FetchError(messages.video_needs_scan())
    redirects: list[str] = []
    current = url
    while True:
        response, deadline = fetcher._send(current)
        try:
            location = response.headers.get("Location")
            if response.status_code in _REDIRECT_STATUSES and location:
                target = _redirect_target(current, location, redirects, options)
                redirects.append(current)
                current = target
                continue
            exchange = _exchange(url, current, response, redirects)
            if not 200 <= response.status_code < 300:
                raise FetchError(messages.status_message(response.status_code), exchange)
            media_type, _charset = _parse_content_type(response.headers.get("Content-Type", ""))
            try:
                spooled = SpooledFile(Path(options.spool_folder))
            except OSError as exc:
                raise FetchError(messages.spool_failed(exc), exchange) from exc
            try:
                digest, head = _write_body(fetcher, response, deadline, exchange, spooled.sealed)
            except BaseException:
                spooled.delete()
                raise
        finally:
            response.close()
            deadline.stop()
        kind = sniff_video_format(head)
        if kind is None:
            spooled.delete()
            raise FetchError(messages.not_a_video(media_type, empty=not head), exchange)
        return DownloadedVideo(replace(exchange, sha256=digest), spooled, kind)


def _write_body(
    fetcher: Fetcher,
    response: requests.Response,
    deadline: Deadline,
    exchange: HttpExchange,
    sealed: SealedFile,
) -> tuple[str, bytes]:
    """Stream the body, sealed, into `sealed`; returns its SHA-256 and first bytes.

    The download gets its own time limit, cut to what is left of the scan's and the page's
    time budgets: a trickling video stops when the page's time is up, with the budget's
    message."""
    options = fetcher._options
    limit = options.max_video_bytes
    refuse_declared_size(response, limit, exchange)
    left = max(fetcher.budget.remaining(), 0.001)
    deadline.rearm(min(options.video_read_timeout, left))
    digest = hashlib.sha256()
    head = b""
    written = 0
    slow = functools.partial(fetcher._slow_message, deadline)
    with reading_body(deadline, exchange, options, slow), sealed.writer() as out:
        for chunk in response.iter_content(_CHUNK_BYTES):
            written += len(chunk)
            if written > limit or response.raw.tell() > limit:
                raise FetchError(messages.too_large(limit), exchange)
            if len(head) < _SNIFF_BYTES:
                head += chunk[: _SNIFF_BYTES - len(head)]
                if len(head) >= _SNIFF_BYTES and sniff_video_format(head) is None:
                    break  # not a video: stop downloading at once
            digest.update(chunk)
            out.write(chunk)
            if deadline.expired or deadline.cancelled:
                break
    return digest.hexdigest(), head
