"""Shared fixtures: the real models, real photos shipped in packages, a real store."""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.storage.store import Store


@pytest.fixture(scope="session")
def photos() -> dict[str, Path]:
    """Real photos that ship inside pip packages (no one's picture is committed here)."""
    return sample_photos()


@pytest.fixture(scope="session")
def engine() -> FaceEngine:
    return FaceEngine()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make every outgoing connection attempt fail loudly, and record the attempts."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any, *args: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise AssertionError(f"network connection attempted to {address!r}")
        return real_connect(self, address, *args)

    def refuse_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        raise AssertionError(f"DNS lookup attempted for {host!r}")

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    return attempts
