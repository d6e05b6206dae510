"""Chat facts in the evidence: a Telegram Desktop export (made here, no real chat) scanned
with the real models; its match's report states the channel, the message and its link, the
time (UTC) and the sender, in the PDF and in the manifest (a golden document), and its
notice goes to Telegram's abuse address with the message link."""

import email
import email.policy
import json
from pathlib import Path

from pypdf import PdfReader

from likeness_guard.core.services.takedown import NoticeChoices, NoticeSender
from likeness_guard.core.services.takedown import write_takedown_notices as write_notices
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.integration.test_chat_exports import telegram_export
from tests.integration.test_json_contract import _check

LINK = "https://t.me/c/1234567890/41"


def _scan_export(tmp_path: Path, photos: dict[str, Path]) -> tuple[Path, Path]:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    export = telegram_export(tmp_path, photos)
    assert main(["--data-dir", str(data), "scan", str(export)]) == 0
    return data, export


def test_the_report_and_its_manifest_carry_the_chat_facts(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    data, _export = _scan_export(tmp_path, photos)
    pdf = tmp_path / "report.pdf"
    argv = ["--data-dir", str(data), "report", "--name", "A. P.", "--page-size", "A4"]
    assert main([*argv, "--out", str(pdf)]) == 0

    text = " ".join((page.extract_text() or "") for page in PdfReader(pdf).pages)
    text = " ".join(text.split())
    for fact in (
        "Sample channel on Telegram (number 1234567890)",
        "Message number 41",
        LINK,
        "Posted (UTC) 2024-08-01T10:00:00Z",
        "Poster One (account channel1234567890)",
        "ChatExport_2024-08-01/result.json",  # relative to what was scanned, by default
    ):
        assert fact in text, fact
    assert str(tmp_path) not in text

    manifest = json.loads((tmp_path / "report.manifest.json").read_text())
    [item] = manifest["items"]
    assert item["chat"]["message_link"] == LINK
    assert item["chat"]["export_file"] == "ChatExport_2024-08-01/result.json"
    manifest["pdf"]["sha256_pdf"] = manifest["pdf"].pop("sha256")
    manifest["generator"] = "<generator>"
    _check("manifest-chat", manifest, [(str(tmp_path), "<tmp>")])


def test_a_chat_match_is_reported_to_telegram_with_its_message_link(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    data, _export = _scan_export(tmp_path, photos)
    sender = NoticeSender("A. P.", "ap@example.org")
    with Store.open(data) as store:
        files = write_notices(
            store, 1, sender, tmp_path / "notices.pdf", NoticeChoices(include_unreviewed=True)
        )
    [notice] = files.notices
    assert notice.host == "t.me"
    assert notice.platform is not None
    assert notice.platform.name == "Telegram"
    [entry] = notice.entries
    assert entry.url == LINK
    assert "1. Address: " + LINK in notice.text
    assert "Posted in Sample channel on Telegram, message number 41." in notice.text
    assert "Posted at: 2024-08-01T10:00:00Z (UTC)" in notice.text
    assert "Sent by: Poster One (as the chat export shows it)" in notice.text
    assert "Found on page" not in notice.text
    [draft] = files.emails
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert message["To"] == "abuse@telegram.org"
    body = message.get_body(("plain",))
    assert body is not None
    assert LINK in body.get_content()
