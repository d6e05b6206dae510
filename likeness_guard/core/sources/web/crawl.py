"""Walk the addresses given: fetch each, find the images on pages, follow same-site links."""

from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.imaging.formats import sniff_format, sniff_video_format
from likeness_guard.core.sources.base import HttpExchange, PageSnapshot, SourceItem, WebFetch
from likeness_guard.core.sources.web import messages
from likeness_guard.core.sources.web.addresses import is_web_address, without_fragment
from likeness_guard.core.sources.web.fetch import Cancelled, Fetched, Fetcher, FetchError
from likeness_guard.core.sources.web.html_text import looks_like_html
from likeness_guard.core.sources.web.options import WebOptions
from likeness_guard.core.sources.web.page_links import PageLinks, find_page_links
from likeness_guard.core.sources.web.video_fetch import (
    DownloadedVideo,
    download_video,
    is_video_file_url,
    is_video_media_type,
)
from likeness_guard.locale import ngettext

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


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
    crawl = _Crawl(options, Fetcher(options, token))
    try:
        for text in urls:
            if token.cancelled:
                return
            yield from crawl.address(text.strip())
    except Cancelled:
        return
    finally:
        crawl.close()


class _Crawl:
    """One call of `iter_web_items`: its fetcher and what it has already fetched."""

    def __init__(self, options: WebOptions, fetcher: Fetcher) -> None:
        self._options = options
        self._fetcher = fetcher
        # Each image and page is fetched once per call, even when several pages show it.
        self._seen_images: set[str] = set()
        self._seen_pages: set[str] = set()

    def close(self) -> None:
        self._fetcher.close()

    def address(self, url: str) -> Iterator[SourceItem]:
        if not is_web_address(url):
            yield _error_item(url, messages.not_a_web_address())
            return
        key = without_fragment(url)
        if key in self._seen_images or key in self._seen_pages:
            return
        # Each given address (with the images of its page) has its own time budget, within
        # the scan's; once it runs out, what is left is listed as not fetched (budget.py).
        self._fetcher.budget.start_page()
        if is_video_file_url(url):
            yield from self._videos([url], None)
            return
        try:
            fetched = self._fetcher.get_if(url, _not_video)
        except FetchError as error:
            yield _error_item(url, error.message, error.exchange)
            return
        if fetched is None:  # the server says it is a video: download it to disk
            yield from self._videos([url], None)
            return
        if _is_media(fetched.body):
            self._seen_images.add(key)
            yield _image_item(url, fetched, page=None)
            return
        if not _is_html(fetched):
            yield _error_item(url, _not_an_image(fetched), fetched.exchange)
            return
        self._seen_pages.update({key, without_fragment(fetched.exchange.final_url)})
        page, links = self._read_page(fetched)
        yield from self._images(links.images, page)
        yield from self._videos(links.videos, page)
        if links.images_left_out and self._options.max_images_per_page > 0:
            yield _left_out_item(page, links.images_left_out, self._options.max_images_per_page)
        if self._options.follow_links:
            yield from self._follow(links.pages, page)

    def _images(self, urls: Sequence[str], page: PageSnapshot) -> Iterator[SourceItem]:
        for url in self._not_seen(urls):
            try:
                fetched = self._fetcher.get(url)
            except FetchError as error:
                yield _error_item(url, error.message, error.exchange, page)
                continue
            if _is_media(fetched.body):
                yield _image_item(url, fetched, page)
            else:
                yield _error_item(url, _not_an_image(fetched), fetched.exchange, page)

    def _videos(self, urls: Sequence[str], page: PageSnapshot | None) -> Iterator[SourceItem]:
        """Each video address downloaded to a temporary file (never into memory)."""
        for url in self._not_seen(urls):
            try:
                video = download_video(self._fetcher, url, self._options)
            except FetchError as error:
                yield _error_item(url, error.message, error.exchange, page)
                continue
            yield _video_item(url, video, page)

    def _not_seen(self, urls: Sequence[str]) -> Iterator[str]:
        """The image and video addresses not fetched yet, each marked as seen when it comes."""
        for url in urls:
            key = without_fragment(url)
            if key not in self._seen_images:
                self._seen_images.add(key)
                yield url

    def _follow(self, links: Sequence[str], page: PageSnapshot) -> Iterator[SourceItem]:
        site = _site(page.url)
        followed = 0
        for link in links:
            if followed >= self._options.max_followed_pages:
                return
            key = without_fragment(link)
            if _site(link) != site or key in self._seen_pages or key in self._seen_images:
                continue
            self._seen_pages.add(key)
            followed += 1
            try:
                fetched = self._fetcher.get_if(link, _may_be_page_or_image)
            except FetchError as error:
                yield _error_item(link, error.message, error.exchange, page)
                continue
            if fetched is None:  # a PDF, a video...: neither a page nor a picture
                continue
            if sniff_format(fetched.body) is not None:
                self._seen_images.add(key)
                yield _image_item(link, fetched, page)
            elif _is_html(fetched):
                linked_page, linked = self._read_page(fetched)
                # Depth 1: the linked page's own links are not followed.
                yield from self._images(linked.images, linked_page)
                yield from self._videos(linked.videos, linked_page)

    def _read_page(self, fetched: Fetched) -> tuple[PageSnapshot, PageLinks]:
        page = PageSnapshot(
            url=fetched.exchange.final_url,
            body=fetched.body,
            sha256=fetched.exchange.sha256,
            http=fetched.exchange,
        )
        links = find_page_links(
            fetched.body,
            page.url,
            max_images=self._options.max_images_per_page,
            charset=fetched.charset,
            max_videos=self._options.max_videos_per_page,
        )
        return page, links


def _image_item(url: str, fetched: Fetched, page: PageSnapshot | None) -> SourceItem:
    body = fetched.body

    def read() -> bytes:
        return body

    return SourceItem(
        source=url, read=read, web=WebFetch(url=url, http=fetched.exchange, page=page)
    )


def _video_item(url: str, video: DownloadedVideo, page: PageSnapshot | None) -> SourceItem:
    spooled = video.file

    def read() -> bytes:
        # Holding `spooled` here keeps the temporary file until the item is dropped.
        return spooled.sealed.read_bytes()

    return SourceItem(
        source=url,
        read=read,
        web=WebFetch(url=url, http=video.exchange, page=page),
        path=spooled.sealed,
    )


def _left_out_item(page: PageSnapshot, count: int, limit: int) -> SourceItem:
    """A "skipped" line saying how many images of a page were beyond the cap."""
    reason = ngettext(
        "{count} more image on this page was not checked: at most {limit} are checked per "
        "page. Scan again with --max-images-per-page to check more.",
        "{count} more images on this page were not checked: at most {limit} are checked per "
        "page. Scan again with --max-images-per-page to check more.",
        count,
    ).format(count=count, limit=limit)

    def read() -> bytes:
        raise SourceError(reason)

    return SourceItem(source=page.url, read=read, skip=reason, page_url=page.url)


def _error_item(
    url: str,
    message: str,
    exchange: HttpExchange | None = None,
    page: PageSnapshot | None = None,
) -> SourceItem:
    def read() -> bytes:
        raise SourceError(message)

    # Without any response there is no HttpExchange to keep: only the page is named.
    web = WebFetch(url=url, http=exchange, page=page) if exchange is not None else None
    return SourceItem(source=url, read=read, web=web, page_url=page.url if page else None)


def _is_media(body: bytes) -> bool:
    """A picture, or a video small enough to have come in like one."""
    return sniff_format(body) is not None or sniff_video_format(body) is not None


def _not_video(media_type: str) -> bool:
    return not is_video_media_type(media_type)


def _is_html(fetched: Fetched) -> bool:
    # The bytes decide, as for images: an HTML page sent as image/jpeg is still a page.
    return fetched.media_type in _HTML_TYPES or looks_like_html(fetched.body)


def _may_be_page_or_image(media_type: str) -> bool:
    return (
        media_type in _HTML_TYPES
        or media_type.startswith("image/")
        or media_type in ("", "text/plain", "application/octet-stream")
    )


def _not_an_image(fetched: Fetched) -> str:
    return messages.not_an_image(fetched.media_type, empty=not fetched.body)


def _site(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    default_port = 443 if scheme == "https" else 80
    return scheme, (parts.hostname or "").lower(), parts.port or default_port
