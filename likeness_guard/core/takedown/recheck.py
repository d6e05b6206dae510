"""Re-checks: are the matched web images still online?

Only the addresses of a scan's matches are fetched again (the image, and the page it was
found on), with the same safety rules as a scan; nothing else is requested. Every result is
kept, so the history shows when an image went away, or that it did not.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import Verdict, utc_now
from likeness_guard.core.domain.takedown import Recheck, RecheckStatus
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


def recheck_targets(store: Store, scan_id: int) -> list[RecheckTarget]:
    """The scan's matched web addresses (not those marked "not me"), each once."""
    targets: dict[str, RecheckTarget] = {}
    for item in store.reportable_matches(scan_id):
        if item.web is None or item.sha256 is None or item.verdict is Verdict.NOT_ME:
            continue
        targets.setdefault(
            item.web.url, RecheckTarget(item.web.url, item.sha256, item.web.page_url)
        )
    return list(targets.values())


@dataclass(frozen=True)
class _PageCheck:
    http_status: int | None
    images: frozenset[str] | None  # None when the page could not be read


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
            result = _check_image(fetcher, scan_id, target, page)
            store.takedowns.add_recheck(result)
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
        return _PageCheck(error.exchange.status if error.exchange else None, None)
    links = find_page_links(
        fetched.body,
        fetched.exchange.final_url,
        max_images=max(options.max_images_per_page, 1000),
        charset=fetched.charset,
    )
    return _PageCheck(fetched.exchange.status, frozenset(without_fragment(u) for u in links.images))


def _check_image(
    fetcher: "Fetcher", scan_id: int, target: RecheckTarget, page: _PageCheck | None
) -> Recheck:
    from likeness_guard.core.sources.web.fetch import FetchError

    page_gone = page is not None and page.http_status in GONE_STATUSES
    links_it = None
    if page is not None and page.images is not None:
        links_it = without_fragment(target.url) in page.images
    base = Recheck(
        scan_id=scan_id,
        url=target.url,
        status=RecheckStatus.UNREACHABLE,
        checked_at=utc_now(),
        page_url=target.page_url,
        page_http_status=page.http_status if page else None,
        page_links_it=links_it,
    )
    try:
        fetched = fetcher.get(target.url)
    except FetchError as error:
        http_status = error.exchange.status if error.exchange else None
        gone = http_status in GONE_STATUSES or page_gone or links_it is False
        return replace(
            base,
            status=RecheckStatus.GONE if gone else RecheckStatus.UNREACHABLE,
            http_status=http_status,
            error=None if gone else error.message,
        )
    digest = hashlib.sha256(fetched.body).hexdigest()
    if page_gone or links_it is False:
        # The page no longer shows it; its direct address may still answer (kept below).
        status = RecheckStatus.GONE
    elif digest == target.sha256:
        status = RecheckStatus.ONLINE_SAME
    else:
        status = RecheckStatus.ONLINE_CHANGED
    return replace(base, status=status, http_status=fetched.exchange.status, sha256=digest)
