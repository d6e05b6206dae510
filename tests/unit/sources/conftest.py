"""Fixtures for the web source tests: a local server, the sample photos, fast options."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from likeness_guard.core.sources.web import WebOptions

from .local_server import LocalServer


@pytest.fixture(scope="session")
def photo_bytes(photos: dict[str, Path]) -> dict[str, bytes]:
    """The bytes of the sample photos, by the names of tests/conftest.py's `photos`."""
    return {name: path.read_bytes() for name, path in photos.items()}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


@pytest.fixture
def options(tmp_path: Path) -> WebOptions:
    """Options for talking to 127.0.0.1, with timeouts short enough that nothing hangs, and
    a spool folder for videos, as the data folder gives a scan."""
    spool = tmp_path / "spool"
    spool.mkdir(mode=0o700)
    return WebOptions(
        spool_folder=str(spool),
        allow_private_addresses=True,
        connect_timeout=2.0,
        read_timeout=2.0,
        retries=0,
        retry_backoff=0.05,
        max_retry_wait=2.0,
    )
