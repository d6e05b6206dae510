"""`scan` is honest about its outcome: a scan that could read nothing says so, writes
`"status": "failed"` and exits 1; one that read something exits 0 and stays "finished"."""

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from likeness_guard.main import main


@pytest.fixture
def enrolled(tmp_path: Path, photos: dict[str, Path]) -> Path:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    return data


def scan(data: Path, *argv: str) -> tuple[int, dict[str, Any]]:
    out = data.parent / "scan.json"
    code = main(["--data-dir", str(data), "scan", *argv, "--json", str(out)])
    document: dict[str, Any] = json.loads(out.read_text())
    return code, document


def closed_port() -> int:
    with socket.socket() as probe:  # a port on this computer that nobody listens on
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_address_alone_is_a_failed_scan(
    enrolled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code, document = scan(enrolled, "http://127.0.0.1:9/x.jpg")
    out = capsys.readouterr().out
    assert code == 1, out
    assert document["status"] == "failed"
    assert [item["status"] for item in document["items"]] == ["error"]
    summary = out.splitlines()[-1]
    assert summary == (
        f"Scan {document['scan_id']} failed: 0 images checked. Nothing could be read: "
        "refused: address is on a private network"
    )
    assert "images/s" not in out
    assert "1 image" not in out


def test_nothing_reachable_is_a_failed_scan_that_counts_its_errors(
    enrolled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    capsys.readouterr()
    code, document = scan(
        enrolled, f"http://127.0.0.1:{port}/a.jpg", str(broken), "--allow-private-addresses"
    )
    out = capsys.readouterr().out
    assert code == 1, out
    assert document["status"] == "failed"
    assert len(document["items"]) == 2
    assert out.splitlines()[-1] == (
        f"Scan {document['scan_id']} failed: 0 images checked. Nothing could be read (2 errors, "
        "each listed above)."
    )
    assert out.count("error  ") == 2


def test_a_scan_that_read_something_finishes_even_with_errors(
    enrolled: Path, photos: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = scan(enrolled, str(photos["gdp"]), "http://127.0.0.1:9/x.jpg")
    out = capsys.readouterr().out
    assert code == 0, out
    assert document["status"] == "finished"
    assert sorted(item["status"] for item in document["items"]) == ["error", "ok"]
    assert "2 images, " in out
    assert "1 error;" in out
