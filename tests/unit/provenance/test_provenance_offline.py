"""inspect_bytes never opens a network connection, whatever the file asks for."""

import json
import socket
from typing import Any

import pytest

from likeness_guard.core.provenance import SyntheticStatus, inspect_bytes

from .provenance_fixtures import (
    A1111_PARAMETERS,
    COMFY_PROMPT,
    DST,
    c2pa_sign,
    encode_png,
    jpeg_bytes,
    jpeg_with_xmp,
    manifest,
    photo_pixels,
    png_bytes,
    xmp_packet,
)


class NetworkUsed(AssertionError):
    pass


def _refuse(*_args: Any, **_kwargs: Any) -> None:
    raise NetworkUsed("inspect_bytes tried to open a network connection")


def test_no_python_level_connection_for_any_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    # Build the signed files first: signing is not what is under test.
    remote = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}]
        ),
        remote_url="http://192.0.2.1/manifest.c2pa",  # TEST-NET-1: never routable
    )
    embedded = c2pa_sign(
        manifest([{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}])
    )
    packet = xmp_packet(
        attributes='xmlns:dcterms="http://purl.org/dc/terms/" '
        'dcterms:provenance="http://192.0.2.1/other.c2pa"'
    )
    samples = [
        remote,
        embedded,
        jpeg_with_xmp(jpeg_bytes(), packet),
        png_bytes({"parameters": A1111_PARAMETERS, "prompt": json.dumps(COMFY_PROMPT)}),
        encode_png(photo_pixels("gdp.jpg")),
    ]
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    reports = [inspect_bytes(data) for data in samples]
    assert [i.kind for i in reports[0].indicators] == ["c2pa_remote"]
    assert reports[1].status is SyntheticStatus.AI_GENERATED
    assert reports[3].status is SyntheticStatus.AI_GENERATED
    # The patch itself works: a connection attempt would have raised.
    with pytest.raises(NetworkUsed):
        socket.create_connection(("192.0.2.1", 80))
