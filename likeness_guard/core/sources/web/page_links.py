"""Find the images and pages an HTML page points to, with the standard library's parser."""

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from likeness_guard.core.sources.web.addresses import WEB_SCHEMES
from likeness_guard.core.sources.web.html_text import decode_html, first_attributes

# Links to these are images even though they sit in an <a href>; compared on the URL path.
IMAGE_EXTENSIONS = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".gif",
        ".webp",
        ".bmp",
        ".tif",
        ".tiff",
        ".heic",
        ".heif",
        ".avif",
    }
)

# Open Graph / Twitter card / schema.org names whose `content` is the page's main picture.
_META_IMAGE_NAMES = frozenset(
    {
        "og:image",
        "og:image:url",
        "og:image:secure_url",
        "twitter:image",
        "twitter:image:src",
        "image",  # itemprop="image"
    }
)

# Open Graph / Twitter card names whose `content` is the page's video file.
_META_VIDEO_NAMES = frozenset(
    {
        "og:video",
        "og:video:url",
        "og:video:secure_url",
        "twitter:player:stream",
    }
)

# Lazy-loading scripts keep the real address in one of these while `src` holds a placeholder.
_LAZY_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-full-src")
_LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset")

_ASCII_WHITESPACE = " \t\n\r\f"


@dataclass(frozen=True)
class PageLinks:
    """What a page points to: images to scan, and other pages (for following links)."""

    images: tuple[str, ...]  # absolute http(s) URLs in page order, unique, capped
    pages: tuple[str, ...]  # absolute http(s) URLs from <a href> that are not image files
    # <video src>, <source src> inside <video>, og:video and twitter:player:stream; unique,
    # capped, never repeating an image.
    videos: tuple[str, ...] = ()
    images_left_out: int = 0  # distinct images beyond the cap, not in `images`


def find_page_links(
    body: bytes,
    page_url: str,
    *,
    max_images: int = 200,
    charset: str | None = None,
    max_videos: int = 20,
) -> PageLinks:
    """Parse an HTML page and return the image and page addresses it contains.

    `page_url` is the address the page was finally served from (after redirects); relative
    addresses are resolved against it, or against the page's first `<base href>`. Addresses
    that are not http(s) (data:, javascript:, mailto:, ...) are dropped, fragments removed,
    duplicates dropped keeping the first, and at most `max_images` images are returned.
    `charset` is the one the server declared, if any. Never raises on malformed HTML.
    """
    collector = _LinkCollector()
    collector.feed(decode_html(body, charset))
    collector.close()

    base = page_url
    if collector.base_href is not None:
        candidate = _absolute(page_url, collector.base_href)
        if candidate is not None:
            base = candidate

    every_image = _resolve_unique(base, collector.image_refs)
    images = every_image[: max(0, max_images)]
    image_set = set(images)
    pages = [url for url in _resolve_unique(base, collector.page_refs) if url not in image_set]
    videos = [
        url
        for url in _resolve_unique(base, collector.video_refs, limit=max(0, max_videos))
        if url not in image_set
    ]
    return PageLinks(
        images=tuple(images),
        pages=tuple(pages),
        videos=tuple(videos),
        images_left_out=len(every_image) - len(images),
    )


def largest_srcset_candidate(srcset: str) -> str | None:
    """Return the URL of the largest candidate in a `srcset` value, or None when it is empty.

    Width descriptors (`800w`) beat density descriptors (`2x`); a candidate without a
    descriptor counts as `1x`. URLs may contain commas (image CDNs use them), so the value
    is split the way the HTML spec does, not on every comma.
    """
    best: str | None = None
    best_key = (-1.0, -1.0)
    for url, descriptors in _srcset_candidates(srcset):
        width = -1.0
        density = 1.0
        for descriptor in descriptors:
            number, unit = descriptor[:-1], descriptor[-1:].lower()
            try:
                value = float(number)
            except ValueError:
                continue
            if unit == "w":
                width = value
            elif unit == "x":
                density = value
        key = (width, density)
        if key > best_key:
            best, best_key = url, key
    return best


def is_image_file_url(url: str) -> bool:
    """True when the URL's path ends in a known image file extension."""
    try:
        path = urlsplit(url).path.lower()
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    dot = path.rfind(".")
    return dot != -1 and "/" not in path[dot:] and path[dot:] in IMAGE_EXTENSIONS


class _LinkCollector(HTMLParser):
    """Collects raw (unresolved) addresses in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base_href: str | None = None
        self.image_refs: list[str] = []
        self.page_refs: list[str] = []
        self.video_refs: list[str] = []
        self._picture_depth = 0
        self._video_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = first_attributes(attrs)
        if tag == "base":
            # Only the first <base href> counts, and it applies to the whole document.
            if self.base_href is None and values.get("href"):
                self.base_href = values["href"]
        elif tag == "img":
            self._add_image(values.get("src"))
            self._add_srcset(values.get("srcset"))
            self._add_lazy(values)
        elif tag == "picture":
            self._picture_depth += 1
        elif tag == "source":
            # <source> inside <video>/<audio> carries media, not pictures.
            if self._picture_depth > 0:
                self._add_srcset(values.get("srcset"))
                self._add_lazy(values)
            elif self._video_depth > 0:
                self._add_video(values.get("src"))
        elif tag == "video":
            self._add_image(values.get("poster"))
            self._add_video(values.get("src"))
            self._video_depth += 1
        elif tag == "meta":
            name = values.get("property") or values.get("name") or values.get("itemprop") or ""
            if name.strip().lower() in _META_IMAGE_NAMES:
                self._add_image(values.get("content"))
            elif name.strip().lower() in _META_VIDEO_NAMES:
                self._add_video(values.get("content"))
        elif tag == "link":
            rels = values.get("rel", "").lower().split()
            if "image_src" in rels:
                self._add_image(values.get("href"))
        elif tag == "a":
            href = values.get("href")
            if href:
                if is_image_file_url(href.strip(_ASCII_WHITESPACE)):
                    self.image_refs.append(href)
                else:
                    self.page_refs.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture" and self._picture_depth > 0:
            self._picture_depth -= 1
        elif tag == "video" and self._video_depth > 0:
            self._video_depth -= 1

    def _add_image(self, value: str | None) -> None:
        if value and value.strip(_ASCII_WHITESPACE):
            self.image_refs.append(value)

    def _add_video(self, value: str | None) -> None:
        if value and value.strip(_ASCII_WHITESPACE):
            self.video_refs.append(value)

    def _add_srcset(self, value: str | None) -> None:
        if value:
            self._add_image(largest_srcset_candidate(value))

    def _add_lazy(self, values: dict[str, str]) -> None:
        for name in _LAZY_SRC_ATTRIBUTES:
            self._add_image(values.get(name))
        for name in _LAZY_SRCSET_ATTRIBUTES:
            self._add_srcset(values.get(name))


def _srcset_candidates(srcset: str) -> list[tuple[str, list[str]]]:
    """Split a srcset into (url, descriptors) following the HTML spec's parsing steps."""
    candidates: list[tuple[str, list[str]]] = []
    position, length = 0, len(srcset)
    while True:
        while position < length and (
            srcset[position] in _ASCII_WHITESPACE or srcset[position] == ","
        ):
            position += 1
        if position >= length:
            return candidates
        start = position
        while position < length and srcset[position] not in _ASCII_WHITESPACE:
            position += 1
        url = srcset[start:position]
        descriptors: list[str] = []
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            # Descriptors run to the next comma that is not inside parentheses.
            token = ""
            in_parens = False
            while position < length:
                char = srcset[position]
                position += 1
                if in_parens:
                    token += char
                    in_parens = char != ")"
                elif char == ",":
                    break
                elif char in _ASCII_WHITESPACE:
                    if token:
                        descriptors.append(token)
                    token = ""
                else:
                    token += char
                    in_parens = char == "("
            if token:
                descriptors.append(token)
        if url:
            candidates.append((url, descriptors))


def _absolute(base: str, raw: str) -> str | None:
    """Resolve `raw` against `base`; None unless the result is an http(s) URL with a host."""
    # Browsers drop tabs and newlines anywhere in a URL and trim surrounding whitespace.
    cleaned = raw.strip(_ASCII_WHITESPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    if not cleaned:
        return None
    try:
        absolute, _fragment = urldefrag(urljoin(base, cleaned))
        parts = urlsplit(absolute)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return absolute


def _resolve_unique(base: str, refs: list[str], limit: int | None = None) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    for raw in refs:
        if limit is not None and len(found) >= limit:
            break
        absolute = _absolute(base, raw)
        if absolute is not None and absolute not in seen:
            seen.add(absolute)
            found.append(absolute)
    return found
