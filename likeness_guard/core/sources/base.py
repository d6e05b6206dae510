"""What every source hands to the scanner: one image to read, with where it came from."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FileFacts:
    """Facts about a local file, kept as evidence."""

    path: str
    size: int
    modified_at: str  # ISO 8601 UTC


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

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "headers": dict(self.headers),
            "redirects": list(self.redirects),
        }


@dataclass(frozen=True)
class PageSnapshot:
    """The HTML page an image was found on, exactly as received."""

    url: str
    body: bytes
    sha256: str
    http: HttpExchange


@dataclass(frozen=True)
class WebOrigin:
    """Where a fetched image came from."""

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
    inference thread.
    """

    source: str  # a path or URL, as the user will see it
    read: Callable[[], bytes]
    file: FileFacts | None = None
    web: WebOrigin | None = None
    extra: dict[str, Any] = field(default_factory=dict)
