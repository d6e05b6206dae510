"""Where to send a takedown notice: the platform directory shipped with the app.

The directory (resources/takedown/platforms.json) maps well-known hosts to their own pages
for reporting intimate images shared without consent. It is read from the installed files:
no network look-up, ever.
"""

import json
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from likeness_guard import RESOURCES

PLATFORMS_FILE = RESOURCES / "takedown" / "platforms.json"


@dataclass(frozen=True)
class Platform:
    """A platform's own page (or address) for reporting intimate images shared without
    consent, and how to use it."""

    name: str
    hosts: tuple[str, ...]
    how: str
    checked: str  # the date the entry was last checked
    us_platform: bool  # the TAKE IT DOWN Act's 48-hour removal applies
    report_url: str | None = None
    report_email: str | None = None


@dataclass(frozen=True)
class HashBlockingService:
    """StopNCII.org and Take It Down: hashes made on the person's own device."""

    name: str
    url: str
    audience: str
    how: str


@dataclass(frozen=True)
class HelpLink:
    """A helpline or guide for people whose images were shared."""

    name: str
    url: str


@dataclass(frozen=True)
class PlatformDirectory:
    """The whole directory: platforms, hash-blocking services and help."""

    platforms: tuple[Platform, ...]
    hash_blocking: tuple[HashBlockingService, ...]
    help: tuple[HelpLink, ...]

    def platform_for(self, url: str) -> Platform | None:
        """The platform that serves `url` (its host or a subdomain of one), if known."""
        host = host_of(url)
        for platform in self.platforms:
            if any(host == h or host.endswith("." + h) for h in platform.hosts):
                return platform
        return None


def host_of(url: str) -> str:
    """The lower-case host of a URL, without "www." (what notices are grouped by)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


@cache
def platform_directory() -> PlatformDirectory:
    """The shipped directory (read once)."""
    document = json.loads(PLATFORMS_FILE.read_text(encoding="utf-8"))
    return PlatformDirectory(
        platforms=tuple(
            Platform(
                name=entry["name"],
                hosts=tuple(entry["hosts"]),
                how=entry["how"],
                checked=entry["checked"],
                us_platform=bool(entry.get("us_platform")),
                report_url=entry.get("report_url"),
                report_email=entry.get("report_email"),
            )
            for entry in document["platforms"]
        ),
        hash_blocking=tuple(
            HashBlockingService(s["name"], s["url"], s["for"], s["how"])
            for s in document["hash_blocking"]
        ),
        help=tuple(HelpLink(h["name"], h["url"]) for h in document["help"]),
    )
