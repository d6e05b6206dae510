"""A watched web place, visited again: only what is new is fetched.

Each page is asked for with the validators of the last visit (If-None-Match, If-Modified-
Since); a 304 answer costs one request and no body. A changed page's pictures are compared
with what was seen there: an address seen before is not downloaded again, and new bytes
already seen at the place (the same picture under a new address) are not handed on. The
thread's next pages (`rel=next` or numbered) are followed up to the cap the person set.
Requests go one at a time, with a pause between two to the same host; the scan's address
guard, retries (Retry-After honoured) and time budgets apply as in a scan.
"""

import time
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.watching import PageMemory, SeenThing
from likeness_guard.core.sources.base import PageSnapshot, SourceItem
from likeness_guard.core.sources.web.crawl import (
    _error_item,
    _image_item,
    _is_html,
    _is_media,
    _not_an_image,
    _not_video,
    _video_item,
)
from likeness_guard.core.sources.web.fetch import Cancelled, Fetched, Fetcher, FetchError
from likeness_guard.core.sources.web.next_pages import next_page
from likeness_guard.core.sources.web.options import WebOptions
from likeness_guard.core.sources.web.page_links import find_page_links
from likeness_guard.core.sources.web.video_fetch import download_video

HOST_DELAY = 1.0  # seconds between two requests to one host


@dataclass(frozen=True)
class WatchMemory:
    """What the last visits left: each page as it was, and what was seen at the place."""

    pages: Mapping[str, PageMemory] = field(default_factory=dict)
    seen: Mapping[str, SeenThing] = field(default_factory=dict)  # by address
    hashes: frozenset[str] = frozenset()  # every picture's SHA-256 seen at the place


@dataclass
class WebVisit:
    """What one visit sent, received and found; filled in as the items are taken."""

    requests: int = 0
    not_modified: int = 0
    bytes_fetched: int = 0
    pages: list[PageMemory] = field(default_factory=list)
    same_bytes: list[SeenThing] = field(default_factory=list)  # new address, known picture
    gone: list[str] = field(default_factory=list)  # on a page last time, not any more
    handed_on: dict[str, str] = field(default_factory=dict)  # address -> SHA-256


class HostPacer:
    """Keeps `delay` seconds between two requests to the same host (cancellable)."""

    def __init__(self, delay: float, cancel: CancelToken) -> None:
        self._delay = delay
        self._cancel = cancel
        self._last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last.get(host)
        if last is not None:
            left = self._delay - (time.monotonic() - last)
            if left > 0 and self._cancel.wait(left):
                raise Cancelled
        self._last[host] = time.monotonic()


def watch_web_items(
    place: str,
    max_pages: int,
    memory: WatchMemory,
    options: WebOptions,
    visit: WebVisit,
    *,
    cancel: CancelToken | None = None,
    host_delay: float = HOST_DELAY,
) -> Iterator[SourceItem]:
    """Visit `place` (and up to `max_pages - 1` next pages) and yield only new pictures;
    `visit` says what it cost and what to remember. Failures give items whose read() says
    why; cancelling ends the iteration."""
    token = cancel if cancel is not None else CancelToken()
    walk = _Visit(Fetcher(options, token), memory, visit, HostPacer(host_delay, token), options)
    try:
        url: str | None = place
        read: set[str] = set()
        while url is not None and len(read) < max(1, max_pages) and url not in read:
            read.add(url)
            url = yield from walk.page(url)
    except Cancelled:
        return
    finally:
        walk.fetcher.close()


class _Visit:
    def __init__(
        self,
        fetcher: Fetcher,
        memory: WatchMemory,
        visit: WebVisit,
        pacer: HostPacer,
        options: WebOptions,
    ) -> None:
        self.fetcher = fetcher
        self.memory = memory
        self.visit = visit
        self.pacer = pacer
        self.options = options

    def page(self, url: str) -> Generator[SourceItem, None, str | None]:
        """The items of one page (or one direct address); returns the next page's address."""
        self.fetcher.budget.start_page()
        remembered = self.memory.pages.get(url)
        try:
            fetched = self._get(url, _validators(remembered, self.memory.seen))
        except FetchError as error:
            if error.exchange is not None and error.exchange.status == 304 and remembered:
                self.visit.not_modified += 1
                self.visit.pages.append(remembered)
                return remembered.next_url
            yield _error_item(url, error.message, error.exchange)
            return None
        if fetched is None:  # a video address: downloaded to the spool, never into memory
            yield from self._video(url)
            return None
        if _is_media(fetched.body):
            self.visit.pages.append(_memory(url, fetched, (), None))
            yield from self._new_picture(url, fetched, None)
            return None
        if not _is_html(fetched):
            yield _error_item(url, _not_an_image(fetched), fetched.exchange)
            return None
        return (yield from self._changed_page(url, fetched, remembered))

    def _changed_page(
        self, url: str, fetched: Fetched, remembered: PageMemory | None
    ) -> Generator[SourceItem, None, str | None]:
        exchange = fetched.exchange
        snapshot = PageSnapshot(exchange.final_url, fetched.body, exchange.sha256, exchange)
        links = find_page_links(
            fetched.body,
            snapshot.url,
            max_images=self.options.max_images_per_page,
            charset=fetched.charset,
        )
        following = next_page(fetched.body, snapshot.url, links.pages, fetched.charset)
        self.visit.pages.append(_memory(url, fetched, links.images, following))
        if remembered is not None:
            self.visit.gone += [old for old in remembered.images if old not in links.images]
        for image in links.images:
            if image in self.memory.seen or image in self.visit.handed_on:
                continue  # seen by its address: not downloaded again
            try:
                picture = self._get(image, {})
            except FetchError as error:
                yield _error_item(image, error.message, error.exchange, snapshot)
                continue
            if picture is not None and _is_media(picture.body):
                yield from self._new_picture(image, picture, snapshot)
            elif picture is not None:
                yield _error_item(image, _not_an_image(picture), picture.exchange, snapshot)
        return following

    def _new_picture(
        self, url: str, fetched: Fetched, page: PageSnapshot | None
    ) -> Iterator[SourceItem]:
        sha256 = fetched.exchange.sha256
        if sha256 in self.memory.hashes or sha256 in self.visit.handed_on.values():
            self.visit.same_bytes.append(SeenThing(url, sha256))  # seen: not analysed again
            return
        self.visit.handed_on[url] = sha256
        yield _image_item(url, fetched, page)

    def _video(self, url: str) -> Iterator[SourceItem]:
        self.pacer.wait(url)
        self.visit.requests += 1
        try:
            video = download_video(self.fetcher, url, self.options)
        except FetchError as error:
            yield _error_item(url, error.message, error.exchange)
            return
        self.visit.pages.append(PageMemory(url, None, None, (), None))
        if video.exchange.sha256 in self.memory.hashes:
            self.visit.same_bytes.append(SeenThing(url, video.exchange.sha256))
            return
        self.visit.handed_on[url] = video.exchange.sha256
        yield _video_item(url, video, None)

    def _get(self, url: str, headers: Mapping[str, str]) -> Fetched | None:
        """One request (paced per host), counted with its body's size; None for a video."""
        self.pacer.wait(url)
        self.visit.requests += 1
        fetched = self.fetcher.get_if(url, _not_video, headers)
        if fetched is not None:
            self.visit.bytes_fetched += len(fetched.body)
        return fetched


def _validators(remembered: PageMemory | None, seen: Mapping[str, SeenThing]) -> dict[str, str]:
    """The conditional headers for a page seen before, when everything on it was taken in
    (a picture that failed last time needs the page itself again, for its evidence)."""
    if remembered is None or any(image not in seen for image in remembered.images):
        return {}
    headers = {}
    if remembered.etag:
        headers["If-None-Match"] = remembered.etag
    if remembered.last_modified:
        headers["If-Modified-Since"] = remembered.last_modified
    return headers


def _memory(
    url: str, fetched: Fetched, images: tuple[str, ...], following: str | None
) -> PageMemory:
    headers = fetched.exchange.headers
    return PageMemory(url, headers.get("ETag"), headers.get("Last-Modified"), images, following)
