"""Getting images taken down: where each was reported, re-checks of whether it is still
online, and the deadlines that apply."""

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# TAKE IT DOWN Act (Pub. L. 119-12, section 3): a covered platform removes the depiction, and
# makes reasonable efforts to remove known identical copies, within 48 hours of a valid
# request. The duty applies from 19 May 2026 (one year after enactment).
TAKE_IT_DOWN_HOURS = 48
TAKE_IT_DOWN_IN_FORCE = datetime(2026, 5, 19, tzinfo=UTC)
# A second re-check is due this long after the deadline (or, with no fixed deadline, after
# the report), so that an image put back after a first removal is noticed.
FOLLOW_UP = timedelta(days=7)
# PDQ hashes at most this many bits apart show the same picture (Meta's own threshold).
SAME_PICTURE_BITS = 31


class Jurisdiction(enum.StrEnum):
    """Whose law a notice cites."""

    US = "us"
    EU = "eu"
    UK = "uk"
    OTHER = "other"


class RecheckStatus(enum.StrEnum):
    """What a re-check found at an image's own address (the values are a JSON contract).

    Only GONE counts as removed: a page that no longer shows the image says nothing about
    the address that still serves it.
    """

    ONLINE_SAME = "online-same"  # the same bytes (same SHA-256) are still served
    # other bytes, but the same picture (PDQ at most SAME_PICTURE_BITS apart): a re-encoding
    ONLINE_SAME_PICTURE = "online-same-picture"
    ONLINE_CHANGED = "online-changed"  # something else is served at that address now
    GONE = "gone"  # 404, 410 or 451
    UNREACHABLE = "unreachable"  # no answer, or an error that says nothing either way


class PageStatus(enum.StrEnum):
    """What a re-check found on the page the image was found on (a JSON contract)."""

    STILL_LINKS = "still-links"  # the page is there and still shows the image
    NO_LONGER_LINKS = "no-longer-links"  # the page is there, without the image
    GONE = "gone"  # 404, 410 or 451
    UNREACHABLE = "unreachable"  # no answer, another error, or a body that could not be read


ONLINE_STATUSES = frozenset(
    {RecheckStatus.ONLINE_SAME, RecheckStatus.ONLINE_SAME_PICTURE, RecheckStatus.ONLINE_CHANGED}
)


@dataclass(frozen=True)
class Recheck:
    """One re-check of one matched address (and of its page, when it had one)."""

    scan_id: int
    url: str
    status: RecheckStatus
    checked_at: str  # ISO 8601 UTC
    http_status: int | None = None
    sha256: str | None = None  # of what the address serves now
    error: str | None = None
    page_url: str | None = None
    page_http_status: int | None = None
    page_links_it: bool | None = None  # None when the page was not read
    page_status: PageStatus | None = None  # None when the image had no page
    pdq_distance: int | None = None  # bits between the picture then and what is served now
    kept_records: int = 0  # HTTP exchanges kept (as WARC records) for this re-check
    record_id: int | None = None  # its row in the takedown log, once recorded

    @property
    def online(self) -> bool:
        return self.status in ONLINE_STATUSES

    @property
    def removed(self) -> bool:
        """The image's own address is gone: the only thing that counts as removed."""
        return self.status is RecheckStatus.GONE


class DeadlineRule(enum.StrEnum):
    """Which removal deadline the person tracks for a request (a JSON and storage value)."""

    US_48H = "us-48h"  # TAKE IT DOWN Act: a covered platform, 48 hours
    DSA = "dsa"  # Digital Services Act, Art. 16 and 17: "without undue delay", no fixed time
    DATE = "date"  # a date the person sets (a site's promise, a lawyer's letter)
    NONE = "none"  # no deadline tracked


@dataclass(frozen=True)
class TakedownRequest:
    """The user's note that an address was reported, to whom and when, and the deadline
    rule they chose for it."""

    url: str
    item_sha256: str
    reported_to: str
    reported_on: str  # ISO 8601 date or date-time, UTC
    created_at: str
    us_platform: bool = False  # kept for old rows: the rule was US_48H
    deadline_rule: DeadlineRule | None = None  # None: US_48H when us_platform, else NONE
    due_at: str | None = None  # ISO 8601 UTC, for DeadlineRule.DATE

    @property
    def rule(self) -> DeadlineRule:
        if self.deadline_rule is not None:
            return self.deadline_rule
        return DeadlineRule.US_48H if self.us_platform else DeadlineRule.NONE

    @property
    def deadline(self) -> datetime | None:
        """When removal is due, or None where no fixed deadline applies."""
        if self.rule is DeadlineRule.US_48H:
            return parse_utc(self.reported_on) + timedelta(hours=TAKE_IT_DOWN_HOURS)
        if self.rule is DeadlineRule.DATE and self.due_at:
            return parse_utc(self.due_at)
        return None

    def rechecks_due(self) -> tuple[datetime, ...]:
        """When to check again: at the deadline and a week after it; with no fixed deadline
        (the DSA's "without undue delay", or none), a week after the report."""
        deadline = self.deadline
        if deadline is not None:
            return (deadline, deadline + FOLLOW_UP)
        return (parse_utc(self.reported_on) + FOLLOW_UP,)

    def overdue(self, now: datetime, latest: Recheck | None) -> bool:
        """True when the deadline has passed and the last check did not find the image's
        own address gone."""
        deadline = self.deadline
        if deadline is None or now <= deadline:
            return False
        return latest is None or not latest.removed


def parse_utc(text: str) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (a bare date is midnight UTC,
    a time without a zone is taken as UTC).

    Raises ValueError for anything else.
    """
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def has_zone(text: str) -> bool:
    """Whether an ISO 8601 date-time names its zone (a bare date needs none)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.tzinfo is not None or len(text.strip()) == len("2026-05-20")
