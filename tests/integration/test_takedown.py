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
from likeness_guard.core.domain.takedown import (
    DeadlineRule,
    Recheck,
    RecheckStatus,
    TakedownRequest,
)
from likeness_guard.core.domain.words import online_words
from likeness_guard.core.services.takedown import record_takedown_request, takedown_state
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


def _confirm_all(data: Path, document: dict[str, Any]) -> None:
    """Mark every match "This is me", as the person would after looking at them."""
    shas = sorted({item["sha256"][:12] for item in document["items"] if item["match"]})
    assert main(["--data-dir", str(data), "review", *shas, "--this-is-me"]) == 0


def test_notices_name_every_confirmed_address_one_per_site(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    document = _scan(data, site, photos)
    matched = [item["url"] for item in document["items"] if item["match"]]
    assert len(matched) == 6  # a-e and the long name; gdp.jpg is someone else
    out = tmp_path / "notices.pdf"
    argv = ["--data-dir", str(data), "notice", "--name", "Ana Example"]
    argv += ["--contact-email", "ana@example.org", "--jurisdiction", "us", "--out", str(out)]
    # Nothing reviewed yet: unreviewed matches are left out by default, so nothing to write.
    assert main(argv) == 2
    assert not out.exists()
    _confirm_all(data, document)
    # The TAKE IT DOWN Act concerns intimate images: not said, so not written, and why.
    assert main(argv) == 2
    assert not out.exists()
    assert main([*argv, "--intimate", "all"]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for url in matched:
        assert url in text, url  # unbroken, so it can be copied whole
    assert site.url("/img/gdp.jpg") not in text
    assert "Ana Example" in text
    assert "ana@example.org" in text
    assert "did not consent to the publication" in text
    assert "creation" not in text  # not stated, so not claimed
    assert "good-faith belief" in text
    assert "TAKE IT DOWN Act" in text
    assert "not legal advice" in text
    assert text.count("PDQ of the picture: ") == 6  # a perceptual hash per image
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


def test_unreviewed_matches_only_on_request_and_marked(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    document = _scan(data, site, photos)
    sha_c = next(i["sha256"] for i in document["items"] if i["url"].endswith("/c.jpg"))
    assert main(["--data-dir", str(data), "review", sha_c[:12], "--this-is-me"]) == 0
    out = tmp_path / "n.pdf"
    argv = ["--data-dir", str(data), "notice", "--name", "Ana", "--contact-email", "a@x.org"]
    assert main([*argv, "--out", str(out)]) == 0
    plain = (tmp_path / "n.txt").read_text()
    assert site.url("/img/c.jpg") in plain
    assert site.url("/img/a.jpg") not in plain  # not confirmed: left out
    assert main([*argv, "--include-unreviewed", "--out", str(out)]) == 0
    plain = (tmp_path / "n.txt").read_text()
    assert site.url("/img/a.jpg") in plain
    assert plain.count("Not yet confirmed one by one") == 5


def _recheck(data: Path, out: Path) -> dict[str, dict[str, Any]]:
    argv = ["--data-dir", str(data), "recheck", "--allow-private-addresses"]
    assert main([*argv, "--json", str(out), "--warc", str(out.with_suffix(".warc.gz"))]) == 0
    document = json.loads(out.read_text())
    assert set(document) == {"scan_id", "checked_at", "urls"}
    return {entry["url"].rsplit("/", 1)[-1]: entry for entry in document["urls"]}


def _warc_responses(path: Path) -> dict[str, list[int]]:
    """Each WARC response record's target URI and HTTP status, read back with warcio."""
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, list[int]] = {}
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type in ("request", "response"):  # the server's address, as connected
                assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found.setdefault(uri, []).append(int(record.http_headers.get_statuscode()))
    return found


def test_recheck_judges_the_image_address_and_its_page_apart(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    _scan(data, site, photos)
    site.serve("/img/a.jpg", b"", "text/plain", status=404)  # removed
    site.serve("/img/b.jpg", photos["gdp"].read_bytes(), "image/jpeg")  # something else
    site.serve("/img/c.jpg", _variant(photos["yaoming"], 72), "image/jpeg")  # saved again
    page = '<html><body><img src="/img/a.jpg"><img src="/img/b.jpg"><img src="/img/c.jpg">'
    page += f'<img src="/img/{LONG_NAME}"><img src="http://localhost:{site.port}/img/e.jpg">'
    page += "</body></html>"  # d.jpg is no longer shown, though its address still serves it
    site.serve("/page.html", page.encode(), "text/html")
    before = len(site.seen)
    status = _recheck(data, tmp_path / "recheck.json")
    assert status["a.jpg"]["status"] == "gone"
    assert status["a.jpg"]["http_status"] == 404
    assert status["a.jpg"]["removed"] is True
    assert status["b.jpg"]["status"] == "online-changed"
    assert status["c.jpg"]["status"] == "online-same-picture"
    assert status["c.jpg"]["pdq_distance"] <= 31
    assert status["d.jpg"]["status"] == "online-same"  # the same bytes: not removed
    assert status["d.jpg"]["removed"] is False
    assert status["d.jpg"]["page_status"] == "no-longer-links"
    assert status["d.jpg"]["page_links_it"] is False
    assert status["e.jpg"]["status"] == "online-same"
    assert status["e.jpg"]["page_status"] == "still-links"
    # Only the matched addresses and their one page were asked for: not gdp.jpg, nothing else.
    asked = sorted(seen.path for seen in site.seen[before:])
    assert "/img/gdp.jpg" not in asked
    assert len(asked) == 6 + 1
    # Each re-check kept what it fetched: the page and the image, as WARC records.
    assert all(entry["kept_records"] == 2 for entry in status.values())
    responses = _warc_responses(tmp_path / "recheck.warc.gz")
    assert responses[site.url("/img/a.jpg")] == [404]
    assert responses[site.url("/img/d.jpg")] == [200]
    assert responses[site.url("/page.html")] == [200] * 6  # kept with each image's check

    site.serve("/page.html", b"gone", "text/plain", status=410)  # the page itself removed
    status = _recheck(data, tmp_path / "again.json")
    assert status["d.jpg"]["status"] == "online-same"
    assert status["d.jpg"]["page_status"] == "gone"
    assert status["d.jpg"]["removed"] is False
    assert status["a.jpg"]["status"] == "gone"
    assert _warc_responses(tmp_path / "again.warc.gz")[site.url("/page.html")] == [410] * 6
    with Store.open(data) as store:
        history = store.takedowns.rechecks()
        assert len(history) == 12
        d_url = site.url("/img/d.jpg")
        state = takedown_state(store, d_url)
        assert state.latest is not None
        assert not state.latest.removed
        assert "its page no longer shows it" in online_words(state.latest)


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
        now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
        with pytest.raises(UserFacingError, match="in the future"):
            record_takedown_request(store, sha[:8], "x", "2026-06-02", now=now)
        assert [r.url for r in store.takedowns.requests()] == [request.url]
        # Any site, any rule the person sets: 48 hours, or a date; re-checks due at the
        # deadline and a week after. A time without a zone is UTC, and written so.
        [us] = record_takedown_request(
            store, sha[:8], "x", "2026-05-30T10:00", rule=DeadlineRule.US_48H, now=now
        )
        assert us.reported_on == "2026-05-30T10:00:00Z"
        assert us.deadline == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
        assert us.rechecks_due()[1] == datetime(2026, 6, 8, 10, 0, tzinfo=UTC)
        [dated] = record_takedown_request(
            store, sha[:8], "x", "2026-05-30", rule=DeadlineRule.DATE, due="2026-06-15", now=now
        )
        assert dated.deadline == datetime(2026, 6, 15, tzinfo=UTC)
        [dsa] = record_takedown_request(
            store, sha[:8], "x", "2026-05-30", rule=DeadlineRule.DSA, now=now
        )
        assert dsa.deadline is None
        assert dsa.rechecks_due() == (datetime(2026, 6, 6, tzinfo=UTC),)
        with pytest.raises(UserFacingError, match="19 May 2026"):
            record_takedown_request(store, sha[:8], "x", "2026-05-01", rule=DeadlineRule.US_48H)
        reopened = {r.deadline_rule for r in store.takedowns.requests()}
        assert reopened == {
            DeadlineRule.NONE,
            DeadlineRule.US_48H,
            DeadlineRule.DATE,
            DeadlineRule.DSA,
        }


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
