"""Takedown: notices to the sites that show the images, re-checks of whether they are
still there, the requests the person made, and where each address stands."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.takedown import Recheck, TakedownRequest
from likeness_guard.core.services.scanning import scan_summary
from likeness_guard.core.storage.store import Store
from likeness_guard.core.takedown.notice_files import NoticeFiles
from likeness_guard.core.takedown.notices import NoticeSender
from likeness_guard.core.takedown.platforms import platform_directory
from likeness_guard.core.takedown.recheck import RecheckTarget, recheck_targets

__all__ = ["NoticeFiles", "NoticeSender", "RecheckTarget", "platform_directory", "recheck_targets"]


def write_takedown_notices(
    store: Store,
    scan_id: int,
    sender: NoticeSender,
    out_pdf: Path,
    *,
    only_confirmed: bool = False,
) -> NoticeFiles:
    """One notice per site for the scan's web matches: a PDF, a .txt and .eml drafts.

    Raises UserFacingError when there is no such scan, nothing to report, or the files
    cannot be written.
    """
    from likeness_guard.core.takedown.notice_files import write_notices
    from likeness_guard.core.takedown.notices import build_notices, collect_entries

    scan_summary(store, scan_id)  # a clear error for an unknown scan
    entries = collect_entries(store, scan_id, only_confirmed=only_confirmed)
    return write_notices(build_notices(entries, sender), sender, out_pdf)


def recheck(
    store: Store,
    scan_id: int,
    *,
    allow_private_addresses: bool = False,
    cancel: CancelToken | None = None,
    on_result: Callable[[Recheck], None] | None = None,
) -> list[Recheck]:
    """Fetch the scan's matched web addresses again and record whether they are still there.

    Raises UserFacingError when there is no such scan.
    """
    from likeness_guard.core.sources.web import WebOptions
    from likeness_guard.core.takedown.recheck import recheck_scan

    scan_summary(store, scan_id)
    options = WebOptions(allow_private_addresses=allow_private_addresses)
    return recheck_scan(store, scan_id, options, cancel=cancel, on_result=on_result)


def record_takedown_request(
    store: Store, sha256_prefix: str, reported_to: str, reported_on: str | None = None
) -> list[TakedownRequest]:
    """Note that every web address where these bytes were found was reported.

    `reported_on` is an ISO date or date-time (UTC); default now. Returns the records.
    Raises UserFacingError for an unknown or ambiguous prefix, a local-only image, or a bad
    date.
    """
    from likeness_guard.core.domain.records import utc_now
    from likeness_guard.core.domain.takedown import parse_utc

    when = reported_on or utc_now()
    try:
        parse_utc(when)
    except ValueError:
        raise UserFacingError(
            f"--reported-on takes a date such as 2026-05-20 (UTC), not {when!r}."
        ) from None
    sha256 = store.resolve_sha256(sha256_prefix)
    urls = store.web_urls_of(sha256)
    if not urls:
        raise UserFacingError(
            "That image was found in local files only: there is no web address to report."
        )
    directory = platform_directory()
    records = []
    for url in urls:
        platform = directory.platform_for(url)
        us_platform = platform is not None and platform.us_platform
        records.append(store.takedowns.add_request(url, sha256, reported_to, when, us_platform))
    return records


@dataclass(frozen=True)
class TakedownState:
    """Where an address stands: its latest re-check, the requests made, and any deadline."""

    url: str
    latest: Recheck | None
    requests: tuple[TakedownRequest, ...]
    deadline: datetime | None  # the earliest removal deadline that applies
    overdue: bool


def takedown_state(store: Store, url: str, now: datetime | None = None) -> TakedownState:
    now = now or datetime.now(UTC)
    latest = store.takedowns.latest_rechecks([url]).get(url)
    requests = tuple(store.takedowns.requests([url]))
    deadlines = [r.deadline for r in requests if r.deadline is not None]
    return TakedownState(
        url=url,
        latest=latest,
        requests=requests,
        deadline=min(deadlines) if deadlines else None,
        overdue=any(r.overdue(now, latest) for r in requests),
    )
