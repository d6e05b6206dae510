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
        "intimate": True,
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
    assert "Reported to" not in text  # where else the person went stays out unless asked
    assert "Checked again on 2025-02-01: still online" in text
    assert "I am writing on behalf of Jo" in text
    assert "If your service is a covered platform" in text  # the Act's condition, stated
    assert "no later than 48 hours" in text
    assert "Date: 2025-03-04" in text
    assert "marker of AI generation: AI: made with a generator" in example.text
    assert "48 hours" not in build_notices(entries, NoticeSender("S", "s@x.org"))[0].text
    told = NoticeSender("Sam", "sam@example.org", Jurisdiction.US, mention_reports=True)
    assert "Reported to Reddit on 2025-01-02T10:00:00Z" in build_notices(entries, told)[0].text


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


def test_claims_only_what_the_person_stated() -> None:
    plain = entry("https://example.org/a.jpg", intimate=False)
    [notice] = build_notices([plain], NoticeSender("Ana", "ana@example.org"), NOW)
    text = notice.text
    assert "intimate" not in text.lower()  # the app never judges intimacy
    assert "creation" not in text  # nor consent to the making of a selfie
    assert "did not consent to the publication" in text
    assert "I am the person shown in these items." in text
    assert "Removal request: images published without consent" in notice.subject
    said = entry(
        "https://example.org/a.jpg", intimate=True, altered=True, no_consent_to_creation=True
    )
    [notice] = build_notices([said], NoticeSender("Ana", "ana@example.org"), NOW)
    assert "I state that this item is intimate or sexual." in notice.text
    assert "I state that this item was made or altered to show Ana." in notice.text
    assert "I did not consent to the creation of item 1." in notice.text
    unconfirmed = entry("https://example.org/b.jpg", confirmed=False)
    [notice] = build_notices([unconfirmed], NoticeSender("Ana", "ana@example.org"), NOW)
    assert "Not yet confirmed one by one" in notice.text
    assert "I am the person shown in these items." not in notice.text


def test_a_law_that_needs_intimate_images_refuses_items_not_stated_so() -> None:
    from likeness_guard.core.takedown.notices import missing_elements

    plain = entry("https://example.org/a.jpg", intimate=False)
    stated = entry("https://example.org/b.jpg", intimate=True)
    for law in (Jurisdiction.US, Jurisdiction.EU, Jurisdiction.UK):
        [reason] = missing_elements([plain, stated], NoticeSender("Ana", "a@x.org", law))
        assert "https://example.org/a.jpg" in reason
        assert "https://example.org/b.jpg" not in reason
    assert missing_elements([plain], NoticeSender("Ana", "a@x.org")) == []
    assert missing_elements([stated], NoticeSender("", "nobody", Jurisdiction.US)) == [
        "A name to sign with is missing.",
        "An email address where the site can answer is missing.",
    ]


def test_the_notice_goes_to_the_host_that_serves_the_file_after_redirects() -> None:
    moved = entry(
        "https://short.example/x",
        final_url="https://cdn.other.example/real.jpg",
        redirects=("https://short.example/x", "https://mid.example/y"),
    )
    [notice] = build_notices([moved], NoticeSender("Ana", "ana@example.org"), NOW)
    assert notice.host == "cdn.other.example"
    assert "the operator of cdn.other.example" in notice.text
    assert "Redirects through: https://mid.example/y" in notice.text
    assert "Served from: https://cdn.other.example/real.jpg" in notice.text
    assert "1. Address: https://short.example/x" in notice.text


def test_a_video_is_given_with_timecodes_file_hashes_and_a_labelled_frame_hash() -> None:
    from likeness_guard.core.takedown.entries import VideoMoment

    clip = entry(
        "https://example.org/v.mp4",
        video_duration_s=12.34,
        moments=(VideoMoment(1.0, 4.0), VideoMoment(7.25, 9.96)),
        frame_s=2.5,
    )
    [notice] = build_notices([clip], NoticeSender("Ana", "ana@example.org"), NOW)
    text = notice.text
    assert "A video (00:00:12.3 long); Ana appears at 00:00:01.0 to 00:00:04.0; " in text
    assert "00:00:07.2 to 00:00:10.0" in text  # to the tenth of a second
    assert "SHA-256 of the file: " + "a" * 64 in text
    assert "MD5 of the file: " + "b" * 32 in text
    assert "PDQ of one frame (at 00:00:02.5), not of the file: " + "c" * 64 in text
    assert "PDQ of the picture" not in text
