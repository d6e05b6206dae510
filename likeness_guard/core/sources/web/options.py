"""How web addresses are fetched: the options a user can change, and the fixed policy."""

from dataclasses import dataclass

from likeness_guard import __version__

USER_AGENT = f"LikenessGuard/{__version__} (+privacy: no cookies, no referrer)"

# Politeness: `iter_web_items` sends one request at a time, so at most one is ever in flight
# to any host, within a limit of two. This is how many kept-alive connections a host
# keeps. Fetching concurrently would need a per-host semaphore; `pool_block=True` would do it
# too, but it waits forever on a leaked connection, and a hang is worse than a third request.
MAX_CONNECTIONS_PER_HOST = 2

EVIDENCE_HEADERS = (
    "Date",
    "Last-Modified",
    "Content-Type",
    "Content-Length",
    # Not strictly evidence, but it explains why Content-Length differs from the body kept.
    "Content-Encoding",
    "ETag",
    "Server",
    "Cache-Control",
)


@dataclass(frozen=True)
class WebOptions:
    """How web addresses are fetched. The defaults suit scanning public sites."""

    max_bytes: int = 25 * 1024 * 1024
    connect_timeout: float = 10.0
    # Longest silence while waiting for data, and also the longest a response body may take
    # in total, so that a server trickling bytes cannot hold the scan forever.
    read_timeout: float = 20.0
    max_redirects: int = 5
    max_images_per_page: int = 200
    allow_private_addresses: bool = False
    follow_links: bool = False  # same-site pages linked from the page, depth 1
    max_followed_pages: int = 20
    retries: int = 3  # on connection errors, 429 and 5xx
    retry_backoff: float = 1.0  # seconds before the first retry; doubles each time
    # Cap on any one wait, including the server's Retry-After (a server asking for an hour
    # gets 10 s), and on all the waits of one address together.
    max_retry_wait: float = 10.0
    max_retry_total: float = 20.0
    # A PEM file of certificate authorities to trust instead of the usual ones (intranet
    # sites with their own CA). Verification itself is never turned off.
    ca_bundle: str | None = None
    # Videos are downloaded to a temporary file, never held in memory: they may be larger,
    # and take longer, than pictures.
    max_video_bytes: int = 1024 * 1024 * 1024
    video_read_timeout: float = 600.0
    max_videos_per_page: int = 20
    # Where videos are downloaded: the data folder's spool (storage/spool.py), never the
    # system's temp folder. None (a command without a data folder): videos are not fetched.
    spool_folder: str | None = None
    # Time budgets (core/sources/web/budget.py): every web address of one scan together,
    # and one given page with its images. What is left when one runs out is listed as not
    # fetched, with the reason, and the scan goes on with the next input.
    scan_seconds: float = 1800.0
    page_seconds: float = 300.0
    # Addresses to allow although they are refused otherwise, named one by one by the user
    # (the cloud metadata address is refused even with allow_private_addresses).
    allowed_addresses: tuple[str, ...] = ()
