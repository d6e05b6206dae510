"""The HTTP client a scan fetches through: no cookies, no proxy, nothing about the user."""

import http.cookiejar
import urllib.request

import requests
from urllib3.util.request import ACCEPT_ENCODING

from likeness_guard.core.sources.web.guard import GuardedAdapter
from likeness_guard.core.sources.web.options import (
    MAX_CONNECTIONS_PER_HOST,
    USER_AGENT,
    WebOptions,
)


def new_http_session(options: WebOptions) -> requests.Session:
    """A session whose connections go through the address guard and that never retries or
    follows redirects by itself (the fetcher does both, checking each step)."""
    session = requests.Session()
    # Ignore the environment: no proxy (it would make the address checks meaningless and
    # could log what the user looks at), no ~/.netrc credentials, no CA bundle override.
    session.trust_env = False
    session.cookies.set_policy(_NoCookies())
    session.headers.clear()
    # No Referer, no Accept-Language, nothing that describes the user or their machine.
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,image/webp,image/*;q=0.9,*/*;q=0.8",
            # Only the encodings urllib3 can decode here, so every body can be capped.
            "Accept-Encoding": ACCEPT_ENCODING,
        }
    )
    session.verify = options.ca_bundle if options.ca_bundle else True
    adapter = GuardedAdapter(
        pool_connections=16,
        pool_maxsize=MAX_CONNECTIONS_PER_HOST,
        pool_block=False,
        max_retries=0,  # retries are ours, with Retry-After and cancellable waits
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Refuses to store or send any cookie: a server cannot recognise the user between
    requests, and nothing from a browser profile is ever read."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: urllib.request.Request) -> bool:
        return False

    def path_return_ok(self, path: str, request: urllib.request.Request) -> bool:
        return False
