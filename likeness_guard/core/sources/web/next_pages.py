"""A thread's next page: `rel="next"` (link or anchor), else the numbered page after this one
when the page links to it (`?page=3`, `/page/3`, `?p=3`)."""

import re
from collections.abc import Sequence
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from likeness_guard.core.sources.web.addresses import is_web_address, without_fragment

_PAGE_PARAMETERS = ("page", "p", "pg")
_PAGE_IN_PATH = re.compile(r"/page/(\d+)/?$")


class _RelNext(HTMLParser):
    """Collects the first `<link rel=next>` or `<a rel=next>` address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is not None or tag not in ("link", "a"):
            return
        values = {name: value or "" for name, value in attrs}
        if "next" in values.get("rel", "").lower().split() and values.get("href"):
            self.found = values["href"]


def next_page(body: bytes, page_url: str, links: Sequence[str], charset: str | None) -> str | None:
    """The address of the page after `page_url` on the same site, or None.

    `links`: the page's own links (page_links.find_page_links), for numbered pages.
    """
    parser = _RelNext()
    try:
        parser.feed(body.decode(charset or "utf-8", "replace"))
        parser.close()
    except (LookupError, AssertionError):  # an unknown charset, a broken tag
        pass
    if parser.found is not None:
        target = without_fragment(urljoin(page_url, parser.found.strip()))
        if is_web_address(target) and _same_site(target, page_url) and target != page_url:
            return target
    wanted = {without_fragment(url) for url in numbered_after(page_url)}
    for link in links:
        if without_fragment(link) in wanted:
            return without_fragment(link)
    return None


def numbered_after(url: str) -> list[str]:
    """The addresses the next numbered page may have."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    found = _PAGE_IN_PATH.search(parts.path)
    candidates = []
    for name in _PAGE_PARAMETERS:
        values = [value for key, value in query if key == name]
        if values and values[0].isdigit():
            bumped = [(k, str(int(v) + 1) if k == name else v) for k, v in query]
            candidates.append(urlunsplit(parts._replace(query=urlencode(bumped))))
    if found is not None:
        path = parts.path[: found.start()] + f"/page/{int(found.group(1)) + 1}"
        candidates.append(urlunsplit(parts._replace(path=path)))
    if not candidates:  # the first page names no number: page 2 has one
        for name in _PAGE_PARAMETERS:
            bumped_query = urlencode([*query, (name, "2")])
            candidates.append(urlunsplit(parts._replace(query=bumped_query)))
        candidates.append(urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/page/2")))
    return candidates


def _same_site(one: str, other: str) -> bool:
    first, second = urlsplit(one), urlsplit(other)
    return (first.scheme, first.netloc.lower()) == (second.scheme, second.netloc.lower())
