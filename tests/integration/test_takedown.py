"""From evidence to removal, through the CLI: notices per site, re-checks, deadlines."""

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.takedown import Recheck, RecheckStatus, TakedownRequest
from likeness_guard.core.services.takedown import record_takedown_request
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.sources.local_server import LocalServer

# Long enough that a careless layout would break it across two lines.
LONG_NAME = "a-very-long-file-name-that-a-forum-gave-this-upload-" + "x" * 60 + ".jpg"


def _variant(photo: Path, quality: int) -> bytes:
    """The same face saved at another quality: other bytes, still a match."""
    buffer = io.BytesIO()
    Image.open(photo).convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture
def site(photos: dict[str, Path]) -> Iterator[LocalServer]:
    server = LocalServer()
    other_host = f"http://localhost:{server.port}"  # another site, for grouping by host
    page = (
        '<html><body><img src="/img/a.jpg"><img src="/img/b.jpg"><img src="/img/c.jpg">'
        f'<img src="/img/d.jpg"><img src="/img/{LONG_NAME}"><img src="/img/gdp.jpg">'
        f'<img src="{other_host}/img/e.jpg"></body></html>'
    )
    server.serve("/page.html", page.encode(), "text/html")
    for name, quality in (("a", 90), ("b", 80), ("c", 70), ("d", 60), ("e", 50)):
        server.serve(f"/img/{name}.jpg", _variant(photos["yaoming"], quality), "image/jpeg")
    server.serve(f"/img/{LONG_NAME}", _variant(photos["yaoming"], 40), "image/jpeg")
    server.serve("/img/gdp.jpg", photos["gdp"].read_bytes(), "image/jpeg")
    yield server
    server.close()


def _scan(data: Path, site: LocalServer, photos: dict[str, Path]) -> dict[str, Any]:
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    out = data.parent / "scan.json"
    argv = ["--data-dir", str(data), "scan", site.url("/page.html"), "--allow-private-addresses"]
    assert main([*argv, "--json", str(out)]) == 0
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def test_notices_name_every_matched_address_one_per_site(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    document = _scan(data, site, photos)
    matched = [item["url"] for item in document["items"] if item["match"]]
    assert len(matched) == 6  # a-e and the long name; gdp.jpg is someone else
    out = tmp_path / "notices.pdf"
    argv = ["--data-dir", str(data), "notice", "--name", "Ana Example"]
    argv += ["--contact-email", "ana@example.org", "--jurisdiction", "us", "--out", str(out)]
    assert main(argv) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for url in matched:
        assert url in text, url  # unbroken, so it can be copied whole
    assert site.url("/img/gdp.jpg") not in text
    assert "Ana Example" in text
    assert "ana@example.org" in text
    assert "did not consent" in text
    assert "good-faith belief" in text
    assert "TAKE IT DOWN Act" in text
    assert "not legal advice" in text
    assert text.count("PDQ: ") == 6  # a perceptual hash per image, to cross-check
    links = {
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(out).pages
        for annotation in page.get("/Annots") or []
    }
    assert set(matched) <= links  # every address is also a link
    plain = (tmp_path / "notices.txt").read_text()
    assert plain.count("Subject: Removal request") == 2  # 127.0.0.1 and localhost
    drafts = sorted(tmp_path.glob("notices.*.eml"))
    assert [d.name.split("-", 1)[1] for d in drafts] == ["127.0.0.1.eml", "localhost.eml"]
    localhost_draft = drafts[1].read_text()
    assert "From: Ana Example <ana@example.org>" in localhost_draft
    assert "/img/e.jpg" in localhost_draft
    assert "/img/a.jpg" not in localhost_draft


def test_recheck_tells_gone_changed_and_still_online(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    _scan(data, site, photos)
    site.serve("/img/a.jpg", b"", "text/plain", status=404)  # removed
    site.serve("/img/b.jpg", _variant(photos["yaoming"], 30), "image/jpeg")  # replaced
    page = '<html><body><img src="/img/a.jpg"><img src="/img/b.jpg"><img src="/img/c.jpg">'
    page += f'<img src="/img/{LONG_NAME}"><img src="http://localhost:{site.port}/img/e.jpg">'
    page += "</body></html>"  # d.jpg is no longer shown
    site.serve("/page.html", page.encode(), "text/html")
    before = len(site.seen)
    out = tmp_path / "recheck.json"
    argv = ["--data-dir", str(data), "recheck", "--allow-private-addresses", "--json", str(out)]
    assert main(argv) == 0
    document = json.loads(out.read_text())
    status = {entry["url"].rsplit("/", 1)[-1]: entry for entry in document["urls"]}
    assert status["a.jpg"]["status"] == "gone"
    assert status["a.jpg"]["http_status"] == 404
    assert status["b.jpg"]["status"] == "online-changed"
    assert status["c.jpg"]["status"] == "online-same"
    assert status["d.jpg"]["status"] == "gone"  # its page no longer shows it
    assert status["d.jpg"]["page_links_it"] is False
    assert status["e.jpg"]["status"] == "online-same"
    assert set(document) == {"scan_id", "checked_at", "urls"}
    for entry in document["urls"]:
        assert {"url", "status", "http_status", "sha256", "checked_at"} <= set(entry)
    # Only the matched addresses and their one page were asked for: not gdp.jpg, nothing else.
    asked = sorted(seen.path for seen in site.seen[before:])
    assert "/img/gdp.jpg" not in asked
    assert len(asked) == 6 + 1
    with Store.open(data) as store:
        history = store.takedowns.rechecks()
    assert len(history) == 6


def test_recheck_refuses_a_local_site_unless_allowed(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    _scan(data, site, photos)
    before = len(site.seen)
    out = tmp_path / "recheck.json"
    assert main(["--data-dir", str(data), "recheck", "--json", str(out)]) == 0
    entries = json.loads(out.read_text())["urls"]
    assert entries
    assert {e["status"] for e in entries} == {"unreachable"}
    assert all("private network" in e["error"] for e in entries)
    assert len(site.seen) == before  # refused before any request


def test_reports_are_recorded_per_address_with_the_us_deadline(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    document = _scan(data, site, photos)
    sha = next(item["sha256"] for item in document["items"] if item["url"].endswith("/c.jpg"))
    with Store.open(data) as store:
        [request] = record_takedown_request(store, sha[:8], "the site's form", "2026-05-20")
        assert request.url == site.url("/img/c.jpg")
        assert request.deadline is None  # 127.0.0.1 is no known US platform
        with pytest.raises(UserFacingError, match="takes a date"):
            record_takedown_request(store, sha[:8], "x", "yesterday")
        assert [r.url for r in store.takedowns.requests()] == [request.url]


def test_overdue_means_past_the_deadline_and_not_found_gone() -> None:
    reported = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
    request = TakedownRequest(
        url="https://www.reddit.com/x.jpg",
        item_sha256="ab" * 32,
        reported_to="Reddit",
        reported_on=reported.isoformat(),
        created_at=reported.isoformat(),
        us_platform=True,
    )
    assert request.deadline == reported + timedelta(hours=48)

    def check(status: RecheckStatus) -> Recheck:
        return Recheck(1, request.url, status, (reported + timedelta(hours=50)).isoformat())

    later = reported + timedelta(hours=49)
    assert not request.overdue(reported + timedelta(hours=47), None)
    assert request.overdue(later, None)
    assert request.overdue(later, check(RecheckStatus.ONLINE_SAME))
    assert not request.overdue(later, check(RecheckStatus.GONE))
    elsewhere = TakedownRequest(request.url, request.item_sha256, "x", "2026-05-20", "t")
    assert elsewhere.deadline is None
    assert not elsewhere.overdue(later, None)


def test_review_notes_a_report_and_lists_where_it_stands(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    document = _scan(data, site, photos)
    sha = next(item["sha256"] for item in document["items"] if item["url"].endswith("/c.jpg"))
    capsys.readouterr()
    argv = ["--data-dir", str(data), "review", sha[:10], "--reported-to", "the site's form"]
    assert main([*argv, "--reported-on", "2026-05-20"]) == 0
    said = capsys.readouterr().out
    assert "reported to the site's form on 2026-05-20" in said
    assert site.url("/img/c.jpg") in said
    assert main(["--data-dir", str(data), "review", "--list"]) == 0
    listing = capsys.readouterr().out
    row = next(line for line in listing.splitlines() if line.startswith(sha[:12]))
    assert "reported" in row
    bad = ["--data-dir", str(data), "review", sha[:10], "--reported-to", "x"]
    assert main([*bad, "--reported-on", "last week"]) == 2  # a clear error, nothing recorded
    with Store.open(data) as store:
        assert len(store.takedowns.requests()) == 1
    site.serve("/img/c.jpg", b"", "text/plain", status=404)
    assert main(["--data-dir", str(data), "recheck", "--allow-private-addresses"]) == 0
    out = tmp_path / "report.pdf"
    assert main(["--data-dir", str(data), "report", "--out", str(out)]) == 0
    text = " ".join("".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Removal requests and re-checks" in text  # the history, in the evidence report
    assert "2026-05-20: reported to the site's form" in text
    assert "checked again: gone" in text
