"""End to end through the CLI: a web page on 127.0.0.1 gives the same matches as a folder."""

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from likeness_guard.main import main
from tests.unit.sources.local_server import LocalServer

PAGE = b"""<!doctype html><html><head><title>Team night</title>
<meta property="og:image" content="/img/players.jpg"></head><body>
<img src="img/gdp.jpg" alt="">
<img srcset="img/t1-small.jpg 300w, img/t1.jpg 1280w" src="img/t1-small.jpg">
<a href="/img/players.jpg">full size</a>
<img src="img/missing.jpg">
</body></html>"""


@pytest.fixture
def site(photos: dict[str, Path]) -> Iterator[LocalServer]:
    server = LocalServer()
    server.serve("/page.html", PAGE, "text/html; charset=utf-8")
    server.serve("/img/players.jpg", photos["players"].read_bytes(), "image/jpeg")
    server.serve("/img/gdp.jpg", photos["gdp"].read_bytes(), "image/jpeg")
    server.serve("/img/t1.jpg", photos["t1"].read_bytes(), "text/plain")  # a lying type
    yield server
    server.close()


def scan_json(data: Path, *targets: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    out = data / "scan.json"
    assert main(["--data-dir", str(data), "scan", *targets, *extra, "--json", str(out)]) == 0
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def test_a_page_scan_matches_like_a_folder_scan_and_keeps_evidence(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("players", "gdp", "t1"):
        (folder / f"{name}.jpg").write_bytes(photos[name].read_bytes())
    by_folder = scan_json(data, str(folder))
    page_url = site.url("/page.html")
    by_page = scan_json(data, page_url, extra=("--allow-private-addresses",))

    def matched(document: dict[str, Any]) -> set[str]:
        return {item["sha256"] for item in document["items"] if item["match"]}

    assert matched(by_page) == matched(by_folder)
    assert len(matched(by_page)) == 1
    items = {item["source"].rsplit("/", 1)[-1]: item for item in by_page["items"]}
    # src and the largest srcset candidate are both fetched; t1-small.jpg is not served.
    assert set(items) == {"players.jpg", "gdp.jpg", "t1.jpg", "t1-small.jpg", "missing.jpg"}
    for name in ("missing.jpg", "t1-small.jpg"):
        assert items[name]["status"] == "error"
        assert items[name]["error"] == "the server answered 404 (not found)"
        assert items[name]["page_url"] == page_url
    players = items["players.jpg"]
    assert players["url"] == site.url("/img/players.jpg")
    assert players["page_url"] == page_url
    assert players["retrieved_at"].endswith("Z")
    assert players["http"]["status"] == 200
    assert players["http"]["headers"]["Content-Type"] == "image/jpeg"
    assert players["http"]["redirects"] == []
    page_sha = hashlib.sha256(PAGE).hexdigest()
    assert players["page"]["sha256"] == page_sha
    evidence = data / "evidence"
    assert (evidence / players["sha256"][:2] / players["sha256"]).read_bytes() == (
        photos["players"].read_bytes()
    )
    assert (evidence / page_sha[:2] / page_sha).read_bytes() == PAGE


def test_private_addresses_are_refused_unless_allowed(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    out = data / "scan.json"
    # Nothing else to read: the scan failed (exit 1), test_cli_scan_outcome.py has the rest.
    assert main(["--data-dir", str(data), "scan", site.url("/page.html"), "--json", str(out)]) == 1
    document = json.loads(out.read_text())
    assert document["status"] == "failed"
    (item,) = document["items"]
    assert item["status"] == "error"
    assert item["error"] == "refused: address is on a private network"
    assert site.requests_to("/page.html") == []


def test_urls_can_come_from_a_file(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    url_list = tmp_path / "urls.txt"
    url_list.write_text(f"# worrying images\n{site.url('/img/players.jpg')}\n\n")
    out = tmp_path / "scan.json"
    argv = ["--data-dir", str(data), "scan", "--urls", str(url_list)]
    assert main([*argv, "--allow-private-addresses", "--json", str(out)]) == 0
    (item,) = json.loads(out.read_text())["items"]
    assert item["match"]
    assert item["page_url"] is None
