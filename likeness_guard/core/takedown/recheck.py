"""Re-checks: are the matched web images still online?

Only the addresses of a scan's matches are fetched again (the image, and the page it was
found on), with the same safety rules as a scan; nothing else is requested. The image's own
address and its page are judged apart: a page that was removed or no longer shows the image
says nothing about the address that still serves it, so only an image address that answers
404, 410 or 451 counts as removed. Every result is kept with the HTTP exchanges it made, so
the history shows when an image went away, or that it did not, and can be handed over as
WARC records.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import (
    ExchangeRole,
    KeptExchange,
    RawHttpExchange,
    Verdict,
    utc_now,
)
from likeness_guard.core.domain.takedown import (
    SAME_PICTURE_BITS,
    PageStatus,
    Recheck,
    RecheckStatus,
)
from likeness_guard.core.sources.web.addresses import without_fragment
from likeness_guard.core.sources.web.options import WebOptions
from likeness_guard.core.storage.store import Store

if TYPE_CHECKING:  # requests is imported only when something is fetched
    from likeness_guard.core.sources.web.fetch import Fetcher

# Answers that mean the content was taken down (451: unavailable for legal reasons).
GONE_STATUSES = frozenset({404, 410, 451})


@dataclass(frozen=True)
class RecheckTarget:
    """One matched web address and what was seen there at scan time."""

    url: str
    sha256: str  # of the bytes found at scan time
    page_url: str | None
    picture_pdq: str | None = None  # of the picture then, to know a re-encoded copy


def recheck_targets(store: Store, scan_id: int) -> list[RecheckTarget]:
    """The scan's matched web addresses (not those marked "not me"), each once."""
    targets: dict[str, RecheckTarget] = {}
    for item in store.reportable_matches(scan_id):
        if item.web is None or item.sha256 is None or item.verdict is Verdict.NOT_ME:
            continue
        if item.web.url not in targets:
            pdq = None if item.is_video else item.picture_pdq
            targets[item.web.url] = RecheckTarget(item.web.url, item.sha256, item.web.page_url, pdq)
    return list(targets.values())


@dataclass(frozen=True)
class _PageCheck:
    status: PageStatus
    http_status: int | None
    images: frozenset[str] | None  # None when the page could not be read
    kept: tuple[RawHttpExchange, ...]


def recheck_scan(
    store: Store,
    scan_id: int,
    options: WebOptions,
    *,
    cancel: CancelToken | None = None,
    on_result: Callable[[Recheck], None] | None = None,
) -> list[Recheck]:
    """Fetch each matched address of the scan again, record and return what was found.

    Stops early (keeping what was recorded) when cancelled.
    """
    from likeness_guard.core.sources.web.fetch import Cancelled, Fetcher

    cancel = cancel or CancelToken()
    fetcher = Fetcher(options, cancel)
    pages: dict[str, _PageCheck] = {}
    results: list[Recheck] = []
    try:
        for target in recheck_targets(store, scan_id):
            if cancel.cancelled:
                break
            page = None
            if target.page_url is not None:
                if target.page_url not in pages:
                    pages[target.page_url] = _check_page(fetcher, target.page_url, options)
                page = pages[target.page_url]
            result, kept = _check_image(fetcher, scan_id, target, page)
            if page is not None:
                kept = [*(KeptExchange(ExchangeRole.PAGE, raw) for raw in page.kept), *kept]
            result = store.takedowns.add_recheck(result, kept)
            results.append(result)
            if on_result is not None:
                on_result(result)
    except Cancelled:
        pass
    finally:
        fetcher.close()
    return results


def _check_page(fetcher: "Fetcher", url: str, options: WebOptions) -> _PageCheck:
    from likeness_guard.core.sources.web.fetch import FetchError
    from likeness_guard.core.sources.web.page_links import find_page_links

    try:
        fetched = fetcher.get(url)
    except FetchError as error:
        http_status = error.exchange.status if error.exchange else None
        gone = http_status in GONE_STATUSES
        kept = error.exchange.captures if error.exchange else ()
        return _PageCheck(
            PageStatus.GONE if gone else PageStatus.UNREACHABLE, http_status, None, kept
        )
    links = find_page_links(
        fetched.body,
        fetched.exchange.final_url,
        max_images=max(options.max_images_per_page, 1000),
        charset=fetched.charset,
    )
    images = frozenset(without_fragment(u) for u in links.images)
    return _PageCheck(
        PageStatus.STILL_LINKS,  # until an image is looked for in it
        fetched.exchange.status,
        images,
        fetched.exchange.captures,
    )


def _with_page(recheck: Recheck, target: RecheckTarget, page: _PageCheck | None) -> Recheck:
    """`recheck` with what was seen on the page the image was found on."""
    if page is None:
        return recheck
    links_it = None if page.images is None else without_fragment(target.url) in page.images
    status = page.status
    if links_it is not None:
        status = PageStatus.STILL_LINKS if links_it else PageStatus.NO_LONGER_LINKS
    return replace(
        recheck, page_http_status=page.http_status, page_links_it=links_it, page_status=status
    )


def _check_image(
    fetcher: "Fetcher", scan_id: int, target: RecheckTarget, page: _PageCheck | None
) -> tuple[Recheck, list[KeptExchange]]:
    """What the image's own address serves now, and the exchanges that said so."""
    from likeness_guard.core.sources.web.fetch import FetchError

    base = Recheck(
        scan_id=scan_id,
        url=target.url,
        status=RecheckStatus.UNREACHABLE,
        checked_at=utc_now(),
        page_url=target.page_url,
    )
    base = _with_page(base, target, page)
    try:
        fetched = fetcher.get(target.url)
    except FetchError as error:
        exchange = error.exchange
        http_status = exchange.status if exchange else None
        gone = http_status in GONE_STATUSES
        kept = (
            [KeptExchange(ExchangeRole.IMAGE, raw) for raw in exchange.captures] if exchange else []
        )
        result = replace(
            base,
            status=RecheckStatus.GONE if gone else RecheckStatus.UNREACHABLE,
            http_status=http_status,
            error=None if gone else error.message,
        )
        return result, kept
    kept = [KeptExchange(ExchangeRole.IMAGE, raw) for raw in fetched.exchange.captures]
    digest = hashlib.sha256(fetched.body).hexdigest()
    status, distance = RecheckStatus.ONLINE_SAME, None
    if digest != target.sha256:
        distance = _pdq_distance(target.picture_pdq, fetched.body)
        same_picture = distance is not None and distance <= SAME_PICTURE_BITS
        status = RecheckStatus.ONLINE_SAME_PICTURE if same_picture else RecheckStatus.ONLINE_CHANGED
    result = replace(
        base,
        status=status,
        http_status=fetched.exchange.status,
        sha256=digest,
        pdq_distance=distance,
    )
    return result, kept


def _pdq_distance(then: str | None, body: bytes) -> int | None:
    """Bits between the picture's PDQ at scan time and that of `body`; None when either
    cannot be hashed (a video, an undecodable or flat picture)."""
    if then is None:
        return None
    from likeness_guard.core.imaging.pdq import hamming_distance, picture_pdq

    now = picture_pdq(body)
    return None if now is None else hamming_distance(then, now)
