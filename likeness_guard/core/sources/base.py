"""What every source hands to the scanner: one image to read, with where it came from."""

from collections.abc import Callable
from dataclasses import dataclass

from likeness_guard.core.domain.chat import ChatOrigin
from likeness_guard.core.domain.records import (
    ExchangeRole,
    FileFacts,
    HttpFacts,
    KeptExchange,
    PageFacts,
    RawHttpExchange,
    WebOrigin,
)
from likeness_guard.core.imaging.video_sealed import ClipFile


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP response as evidence: what was asked, what came back, and when."""

    url: str  # as requested (before redirects)
    final_url: str
    status: int
    headers: dict[str, str]  # only the headers that matter as evidence
    redirects: tuple[str, ...]  # every hop's URL, in order, before final_url
    retrieved_at: str  # ISO 8601 UTC
    # SHA-256 (hex) of the body after content-decoding (the bytes a browser would save);
    # empty when no body was kept (error statuses, redirects).
    sha256: str = ""
    # Every request and response on the way, as sent and received: each redirect hop, then
    # the final one (with its body once read). Kept as WARC evidence for matched images.
    captures: tuple[RawHttpExchange, ...] = ()

    def facts(self) -> HttpFacts:
        return HttpFacts(self.status, dict(self.headers), self.redirects)


@dataclass(frozen=True)
class PageSnapshot:
    """The HTML page an image was found on, exactly as received."""

    url: str
    body: bytes
    sha256: str
    http: HttpExchange

    def facts(self) -> PageFacts:
        return PageFacts(
            url=self.url,
            final_url=self.http.final_url,
            sha256=self.sha256,
            retrieved_at=self.http.retrieved_at,
            http=self.http.facts(),
        )


@dataclass(frozen=True)
class WebFetch:
    """How a web image was fetched: its response, and the page it was found on."""

    url: str  # the image URL as found or given
    http: HttpExchange
    page: PageSnapshot | None = None  # None when the user gave the image URL itself

    @property
    def page_url(self) -> str | None:
        return self.page.url if self.page else None


@dataclass(frozen=True)
class SourceItem:
    """One image to scan.

    `read()` returns the exact bytes (and may do the slow part: reading a file, fetching a
    URL); it raises `SourceError` with a message for the user. The scanner calls it off the
    inference thread. A web image that failed before any response has no `web`, only the
    `page_url` it was found on.
    """

    source: str  # a path or URL, as the user will see it
    read: Callable[[], bytes]
    file: FileFacts | None = None
    web: WebFetch | None = None
    page_url: str | None = None
    # Set for an entry that is not scanned at all (a FIFO, a device, a looping link): why.
    # The scan lists it in its "skipped" list instead of making an item of it.
    skip: str | None = None
    # A file on disk holding the exact bytes (the local file, or a downloaded video sealed in
    # the spool). Videos are read from it in pieces, so a long clip never sits in memory.
    path: ClipFile | None = None
    # For a picture in a chat export: the message that carried it (channel, time, sender).
    chat: ChatOrigin | None = None
    # A local file named like an image, which may hold a video all the same (downloads lose
    # their names): the file to read it from in pieces if it does, else None. Asked only
    # when the item is read (`clip_file`), so that a rescan opens no unchanged file.
    clip_if_video: Callable[[], ClipFile | None] | None = None

    def clip_file(self) -> ClipFile | None:
        """The file on disk to read this item from in pieces, if it is a video there."""
        if self.path is not None or self.clip_if_video is None:
            return self.path
        return self.clip_if_video()

    def kept_exchanges(self) -> list[KeptExchange]:
        """The HTTP exchanges that fetched this item and its page, as sent and received."""
        if self.web is None:
            return []
        kept = [KeptExchange(ExchangeRole.IMAGE, raw) for raw in self.web.http.captures]
        if self.web.page is not None:
            kept += [KeptExchange(ExchangeRole.PAGE, raw) for raw in self.web.page.http.captures]
        return kept

    def web_origin(self) -> WebOrigin | None:
        """Where the item came from on the web, as the store keeps it; None for files."""
        fetch = self.web
        if fetch is None:
            return None if self.page_url is None else WebOrigin(self.source, self.page_url)
        return WebOrigin(
            url=fetch.url,
            page_url=fetch.page_url,
            final_url=fetch.http.final_url,
            retrieved_at=fetch.http.retrieved_at,
            http=fetch.http.facts(),
            page=fetch.page.facts() if fetch.page else None,
        )
