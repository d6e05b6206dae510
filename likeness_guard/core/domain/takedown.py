"""Getting images taken down: where each was reported, re-checks of whether it is still
online, and the deadlines that apply."""

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# TAKE IT DOWN Act (Pub. L. 119-12): a covered platform removes the depiction, and known
# identical copies, within 48 hours of a valid request.
TAKE_IT_DOWN_HOURS = 48


class Jurisdiction(enum.StrEnum):
    """Whose law a notice cites."""

    US = "us"
    EU = "eu"
    UK = "uk"
    OTHER = "other"


class RecheckStatus(enum.StrEnum):
    """What a re-check found at an address (the values are a JSON contract)."""

    ONLINE_SAME = "online-same"  # the same bytes (same SHA-256) are still served
    ONLINE_CHANGED = "online-changed"  # something else is served at that address now
    GONE = "gone"  # 404, 410 or 451, or its page no longer shows it
    UNREACHABLE = "unreachable"  # no answer, or an error that says nothing either way


@dataclass(frozen=True)
class Recheck:
    """One re-check of one matched address."""

    scan_id: int
    url: str
    status: RecheckStatus
    checked_at: str  # ISO 8601 UTC
    http_status: int | None = None
    sha256: str | None = None  # of what the address serves now
    error: str | None = None
    # The page the image was found on, when there was one: its status and whether it
    # still shows the image.
    page_url: str | None = None
    page_http_status: int | None = None
    page_links_it: bool | None = None

    @property
    def online(self) -> bool:
        return self.status in (RecheckStatus.ONLINE_SAME, RecheckStatus.ONLINE_CHANGED)


@dataclass(frozen=True)
class TakedownRequest:
    """The user's note that an address was reported, to whom and when."""

    url: str
    item_sha256: str
    reported_to: str
    reported_on: str  # ISO 8601 date or date-time, UTC
    created_at: str
    us_platform: bool = False  # the TAKE IT DOWN Act's 48 hours apply

    @property
    def deadline(self) -> datetime | None:
        """When a US platform must have removed it, or None where no fixed deadline applies."""
        if not self.us_platform:
            return None
        return parse_utc(self.reported_on) + timedelta(hours=TAKE_IT_DOWN_HOURS)

    def overdue(self, now: datetime, latest: Recheck | None) -> bool:
        """True when the deadline has passed and the last check did not find it gone."""
        deadline = self.deadline
        if deadline is None or now <= deadline:
            return False
        return latest is None or latest.status is not RecheckStatus.GONE


def parse_utc(text: str) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (a bare date is midnight UTC).

    Raises ValueError for anything else.
    """
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
