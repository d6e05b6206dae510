"""Fetch web addresses safely and turn them into images to scan, keeping what was received."""

# Importing this package stays light (standard library only) so that the window and the CLI
# can call `is_web_address` at start-up; `iter_web_items` brings in requests and urllib3 the
# first time it is looked up (tests/unit/sources/test_web_checks.py checks both).

from typing import TYPE_CHECKING

from likeness_guard.core.sources.web.addresses import is_forbidden_address, is_web_address
from likeness_guard.core.sources.web.html_text import looks_like_html
from likeness_guard.core.sources.web.options import (
    EVIDENCE_HEADERS,
    MAX_CONNECTIONS_PER_HOST,
    USER_AGENT,
    WebOptions,
)

if TYPE_CHECKING:
    from likeness_guard.core.sources.web.crawl import iter_web_items

__all__ = [
    "EVIDENCE_HEADERS",
    "MAX_CONNECTIONS_PER_HOST",
    "USER_AGENT",
    "WebOptions",
    "is_forbidden_address",
    "is_web_address",
    "iter_web_items",
    "looks_like_html",
]


def __getattr__(name: str) -> object:
    # PEP 562: see the comment at the top.
    if name == "iter_web_items":
        from likeness_guard.core.sources.web.crawl import iter_web_items

        return iter_web_items
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
