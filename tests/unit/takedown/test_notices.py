"""Takedown notices built from entries alone: one per site, the wording the laws ask for, and
the files written (PDF typeset with the report's primitives, text, email drafts)."""

from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

import pytest
from pypdf import PdfReader

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.takedown import (
    Jurisdiction,
    Recheck,
    RecheckStatus,
    TakedownRequest,
)
from likeness_guard.core.takedown.notice_files import NOT_LEGAL_ADVICE, write_notices
from likeness_guard.core.takedown.notices import NoticeEntry, NoticeSender, build_notices

NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
LONG_URL = "https://i.redd.it/" + "a-long-upload-name-" * 6 + "x.jpg?size=large&v=2"


def entry(url: str, **changes: object) -> NoticeEntry:
    fields: dict[str, object] = {
        "url": url,
        "page_url": None,
        "sha256": "a" * 64,
        "md5": "b" * 32,
        "pdq": "c" * 64,
        "retrieved_at": "2025-01-01T00:00:00Z",
        "ai_marker": None,
    }
    fields.update(changes)
    return NoticeEntry(**fields)  # type: ignore[arg-type]


def test_one_notice_per_site_with_its_platform_and_history() -> None:
    request = TakedownRequest(
        url=LONG_URL,
        item_sha256="a" * 64,
        reported_to="Reddit",
        reported_on="2025-01-02T10:00:00Z",
        created_at="2025-01-02T10:00:00Z",
        us_platform=True,
    )
    recheck = Recheck(
        scan_id=1, url=LONG_URL, status=RecheckStatus.ONLINE_SAME, checked_at="2025-02-01"
    )
    entries = [
        entry(LONG_URL, requests=(request,), rechecks=(recheck,)),
        entry("https://www.example.org/a.jpg", page_url="https://www.example.org/page"),
        entry("https://example.org/b.jpg", ai_marker="AI: made with a generator"),
    ]
    sender = NoticeSender("Sam Sender", "sam@example.org", Jurisdiction.US, on_behalf_of="Jo")
    reddit, example = build_notices(entries, sender, NOW)
    assert reddit.platform is not None
    assert reddit.platform.name == "Reddit"  # i.redd.it: a subdomain of one of its hosts
    assert example.host == "example.org"  # "www." is the same site
    assert example.platform is None
    assert "1 address on i.redd.it" in reddit.subject
    assert "2 addresses on example.org" in example.subject
    text = reddit.text
    assert f"1. Address: {LONG_URL}" in text
    assert "Reported to Reddit on 2025-01-02T10:00:00Z; removal was due by" in text
    assert "Checked again on 2025-02-01: still online" in text
    assert "I am writing on behalf of Jo" in text
    assert "within 48 hours" in text
    assert "Date: 2025-03-04" in text
    assert "marker of AI generation: AI: made with a generator" in example.text
    assert "within 48 hours" not in build_notices(entries, NoticeSender("S", "s@x.org"))[0].text


def test_the_files_hold_every_notice_and_each_address_whole(tmp_path: Path) -> None:
    entries = [entry(LONG_URL), entry("https://t.me/some/1.jpg")]
    sender = NoticeSender("Sam Sender", "sam@example.org")
    files = write_notices(build_notices(entries, sender, NOW), sender, tmp_path / "n.pdf", NOW)
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(files.pdf).pages)
    assert LONG_URL in pdf_text  # set smaller, never broken, so it can be copied whole
    assert "Takedown notices" in pdf_text
    assert "Hash-blocking and help" in pdf_text
    links = {
        str(annotation.get_object()["/A"]["/URI"])
        for page in PdfReader(files.pdf).pages
        for annotation in page.get("/Annots") or []
    }
    assert LONG_URL in links
    plain = files.text.read_text(encoding="utf-8")
    assert plain.startswith(NOT_LEGAL_ADVICE)
    assert plain.count("Subject: Removal request") == 2
    assert [path.name for path in files.emails] == ["n.1-i.redd.it.eml", "n.2-t.me.eml"]
    telegram = message_from_bytes(files.emails[1].read_bytes())
    assert telegram["To"] == "abuse@telegram.org"  # the platform's own address
    assert telegram["X-Unsent"] == "1"
    assert message_from_bytes(files.emails[0].read_bytes())["To"] is None


def test_nothing_to_report_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="no web address"):
        write_notices([], NoticeSender("S", "s@x.org"), tmp_path / "n.pdf")
    assert list(tmp_path.iterdir()) == []
