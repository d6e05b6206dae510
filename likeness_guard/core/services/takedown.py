"""Takedown: notices to the sites that show the images, re-checks of whether they are
still there (with the HTTP exchanges kept as WARC records), hash lists for hash-matching
tools, the requests the person made with the deadline they chose, and where each address
stands."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.takedown import (
    TAKE_IT_DOWN_IN_FORCE,
    DeadlineRule,
    Recheck,
    TakedownRequest,
)
from likeness_guard.core.services.audit import AuditAction, record
from likeness_guard.core.services.scanning import scan_summary
from likeness_guard.core.storage.store import Store
from likeness_guard.core.takedown.entries import ItemStatements
from likeness_guard.core.takedown.notice_files import NoticeFiles
from likeness_guard.core.takedown.notices import NoticeSender
from likeness_guard.core.takedown.platforms import platform_directory
from likeness_guard.core.takedown.recheck import RecheckTarget, recheck_targets
from likeness_guard.locale import _, in_language

__all__ = [
    "DeadlineRule",
    "ItemStatements",
    "NoticeFiles",
    "NoticeSender",
    "RecheckTarget",
    "platform_directory",
    "recheck_targets",
]

ALL = "all"  # in NoticeChoices: the statement holds for every item


@dataclass(frozen=True)
class NoticeChoices:
    """What the person chose for a set of notices. Items are named by the start of their
    SHA-256 (as `review --list` shows it) or ALL."""

    include_unreviewed: bool = False  # also matches not marked "This is me"
    intimate: tuple[str, ...] = ()  # the person states these are intimate or sexual
    altered: tuple[str, ...] = ()  # the person states these were made or altered
    no_consent_to_creation: tuple[str, ...] = ()  # ...that they did not consent to their making
    only: tuple[str, ...] = field(default=())  # only these items (empty: every one chosen)


def write_takedown_notices(
    store: Store,
    scan_id: int,
    sender: NoticeSender,
    out_pdf: Path,
    choices: NoticeChoices | None = None,
) -> NoticeFiles:
    """One notice per site for the scan's web matches: a PDF, a .txt and .eml drafts.

    Raises UserFacingError when there is no such scan, nothing to report, a notice would
    lack what the chosen law asks of it (saying what), or the files cannot be written.
    """
    from likeness_guard.core.takedown.notice_files import write_notices
    from likeness_guard.core.takedown.notices import (
        build_notices,
        collect_entries,
        missing_elements,
    )

    choices = choices or NoticeChoices()
    scan_summary(store, scan_id)  # a clear error for an unknown scan
    statements = ItemStatements(
        intimate=_resolve(store, scan_id, choices.intimate),
        altered=_resolve(store, scan_id, choices.altered),
        no_consent_to_creation=_resolve(store, scan_id, choices.no_consent_to_creation),
    )
    with in_language(sender.language):  # the AI markers the entries quote, for the recipient
        entries = collect_entries(
            store, scan_id, statements, include_unreviewed=choices.include_unreviewed
        )
    if choices.only:
        wanted = _resolve(store, scan_id, choices.only)
        entries = [entry for entry in entries if entry.sha256 in wanted]
    if not entries and not choices.include_unreviewed and store.reportable_matches(scan_id):
        raise UserFacingError(
            _(
                "You have not confirmed any web match of this scan yet: notices list only the "
                "images you marked “This is me”. Review them first, or include the unreviewed "
                "ones on purpose."
            )
        )
    missing = missing_elements(entries, sender) if entries else []
    if missing:
        raise UserFacingError(
            _("The notices were not written: {reasons}").format(reasons=" ".join(missing))
        )
    files = write_notices(build_notices(entries, sender), sender, out_pdf)
    record(store, AuditAction.NOTICE_WRITTEN, f"scan {scan_id}", f"pictures={len(entries)}")
    return files


def _resolve(store: Store, scan_id: int, names: Iterable[str]) -> frozenset[str]:
    """SHA-256s named by prefixes, or every match of the scan for ALL."""
    names = list(names)
    if ALL in names:
        return frozenset(
            item.sha256 for item in store.reportable_matches(scan_id) if item.sha256 is not None
        )
    return frozenset(store.resolve_sha256(prefix) for prefix in names)


def recheck(
    store: Store,
    scan_id: int,
    *,
    allow_private_addresses: bool = False,
    cancel: CancelToken | None = None,
    on_result: Callable[[Recheck], None] | None = None,
) -> list[Recheck]:
    """Fetch the scan's matched web addresses again and record whether they are still there,
    keeping every exchange made.

    Raises UserFacingError when there is no such scan.
    """
    from likeness_guard.core.sources.web import WebOptions
    from likeness_guard.core.takedown.recheck import recheck_scan

    scan_summary(store, scan_id)
    options = WebOptions(allow_private_addresses=allow_private_addresses)
    results = recheck_scan(store, scan_id, options, cancel=cancel, on_result=on_result)
    record(store, AuditAction.RECHECKED, f"scan {scan_id}", f"addresses={len(results)}")
    return results


def recheck_warc(store: Store, rechecks: Iterable[Recheck]) -> bytes:
    """What these re-checks fetched, as a gzipped WARC file (a warcinfo record, then a
    request and a response per exchange).

    Raises UserFacingError when they kept nothing.
    """
    from likeness_guard.core.package.warc import warc_bytes

    rechecks = list(rechecks)
    ids = [r.record_id for r in rechecks if r.record_id is not None]
    kept = store.takedowns.recheck_exchanges(ids)
    if not kept:
        raise UserFacingError(_("These re-checks fetched nothing that could be kept."))
    scans = sorted({r.scan_id for r in rechecks})
    data, _facts = warc_bytes(kept, description=f"re-checks of scan {scans[0]}")
    return data


def write_hash_lists(
    store: Store, scan_id: int, out: Path, *, include_unreviewed: bool = False
) -> int:
    """Write the scan's matches as a hash list in the form HMA's file exchange imports;
    returns how many lines were written.

    Raises UserFacingError when there is nothing to list or the file cannot be written.
    """
    from likeness_guard.core.storage.fs import write_atomic
    from likeness_guard.core.takedown.hash_lists import hma_lines, hma_text

    scan_summary(store, scan_id)
    lines = hma_lines(store, scan_id, include_unreviewed=include_unreviewed)
    if not lines:
        raise UserFacingError(
            _("There is no confirmed match with a usable hash in this scan to list.")
        )
    try:
        write_atomic(out, hma_text(lines).encode("ascii"))
    except OSError as exc:
        raise UserFacingError(
            _("The hash list could not be written to {path} ({reason}).").format(
                path=out, reason=exc.strerror or exc
            )
        ) from exc
    return len(lines)


def _reported_on(reported_on: str | None, now: datetime) -> str:
    """The report's time as ISO 8601 UTC: now by default; refused in the future; a time
    without a zone is taken as UTC (and written with its Z, so that it says so)."""
    from likeness_guard.core.domain.records import utc_now
    from likeness_guard.core.domain.takedown import parse_utc

    if reported_on is None:
        return utc_now()
    try:
        when = parse_utc(reported_on)
    except ValueError:
        raise UserFacingError(
            _("--reported-on takes a date such as 2026-05-20 (UTC), not {text}.").format(
                text=repr(reported_on)
            )
        ) from None
    if when > now:
        raise UserFacingError(
            _("{when} is in the future: give the date you reported it, in UTC.").format(
                when=when.strftime("%Y-%m-%d %H:%M UTC")
            )
        )
    if len(reported_on.strip()) == len("2026-05-20"):
        return reported_on.strip()
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _deadline(
    rule: DeadlineRule | None, due: str | None, reported: str, url: str
) -> tuple[DeadlineRule, str | None]:
    """The rule to record for `url`: the person's choice, or the directory's suggestion (48
    hours for a platform it lists as covered by the TAKE IT DOWN Act)."""
    from likeness_guard.core.domain.takedown import parse_utc

    if rule is None:
        platform = platform_directory().platform_for(url)
        covered = platform is not None and platform.us_platform
        rule = DeadlineRule.US_48H if covered else DeadlineRule.NONE
        if covered and parse_utc(reported) < TAKE_IT_DOWN_IN_FORCE:
            rule = DeadlineRule.NONE  # the duty did not apply yet
    if rule is DeadlineRule.US_48H and parse_utc(reported) < TAKE_IT_DOWN_IN_FORCE:
        raise UserFacingError(
            _(
                "The TAKE IT DOWN Act's 48 hours apply to requests made from 19 May 2026; "
                "this one was made before. Choose another deadline."
            )
        )
    if rule is not DeadlineRule.DATE:
        return rule, None
    if due is None:
        raise UserFacingError(_("Give the date by which removal is due."))
    try:
        when = parse_utc(due)
    except ValueError:
        raise UserFacingError(
            _("A deadline takes a date such as 2026-06-01 (UTC), not {text}.").format(text=due)
        ) from None
    return rule, when.strftime("%Y-%m-%dT%H:%M:%SZ")


def record_takedown_request(
    store: Store,
    sha256_prefix: str,
    reported_to: str,
    reported_on: str | None = None,
    *,
    rule: DeadlineRule | None = None,
    due: str | None = None,
    now: datetime | None = None,
) -> list[TakedownRequest]:
    """Note that every web address where these bytes were found was reported, with the
    deadline rule the person chose (`due` is the date for DeadlineRule.DATE; no rule: 48
    hours for a platform the directory lists as covered by the TAKE IT DOWN Act, else none).

    `reported_on` is an ISO date or date-time (UTC when it names no zone); default now.
    Returns the records. Raises UserFacingError for an unknown or ambiguous prefix, a
    local-only image, a bad or future date, or a rule that cannot apply.
    """
    when = _reported_on(reported_on, now or datetime.now(UTC))
    sha256 = store.resolve_sha256(sha256_prefix)
    urls = store.web_urls_of(sha256)
    if not urls:
        raise UserFacingError(
            _("That image was found in local files only: there is no web address to report.")
        )
    records = []
    for url in urls:
        chosen, due_at = _deadline(rule, due, when, url)
        records.append(store.takedowns.add_request(url, sha256, reported_to, when, chosen, due_at))
    return records


@dataclass(frozen=True)
class TakedownState:
    """Where an address stands: its latest re-check, the requests made, any deadline, and
    when to check again."""

    url: str
    latest: Recheck | None
    requests: tuple[TakedownRequest, ...]
    deadline: datetime | None  # the earliest removal deadline that applies
    overdue: bool
    next_recheck: datetime | None = None  # the next re-check due after the latest one


def takedown_state(store: Store, url: str, now: datetime | None = None) -> TakedownState:
    now = now or datetime.now(UTC)
    latest = store.takedowns.latest_rechecks([url]).get(url)
    requests = tuple(store.takedowns.requests([url]))
    deadlines = [r.deadline for r in requests if r.deadline is not None]
    from likeness_guard.core.domain.takedown import parse_utc

    last_checked = parse_utc(latest.checked_at) if latest is not None else None
    due = sorted(
        moment
        for request in requests
        for moment in request.rechecks_due()
        if last_checked is None or moment > last_checked
    )
    return TakedownState(
        url=url,
        latest=latest,
        requests=requests,
        deadline=min(deadlines) if deadlines else None,
        overdue=any(r.overdue(now, latest) for r in requests),
        next_recheck=None if (latest is not None and latest.removed) or not due else due[0],
    )
