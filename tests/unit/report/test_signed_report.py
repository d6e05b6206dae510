"""The signed, self-describing report: signature, attached manifest, privacy, verification."""

import hashlib
import json
import os
import re
import socket
import stat
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import rfc8785
import tzlocal
from pypdf import PdfReader

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.package.verify import Status, verify_report
from likeness_guard.core.report import ReportPrivacy, build_report
from likeness_guard.core.report.flowables import url_lines
from likeness_guard.core.report.manifest import ATTACHMENT_NAME, manifest_path_for
from likeness_guard.core.report.signing import KEY_FILE, KEY_FOLDER, spaced
from likeness_guard.core.storage.store import Store
from tests.unit.report.conftest import EvidenceData
from tests.unit.report.local_tsa import AUTHORITY_NAME, LocalTimestampAuthority

StoreAndScan = tuple[Store, int]
PROFILE_NAME = "Jane Q. Sample"  # the evidence fixture's profile
PSEUDONYM = "A. P."


def squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def found(result: Any, status: Status, subject: str = "") -> list[str]:
    return [
        f"{f.subject}: {f.detail}"
        for f in result.findings
        if f.status is status and f.subject.startswith(subject)
    ]


@pytest.fixture
def signed(evidence_store: StoreAndScan, tmp_path: Path) -> Path:
    store, scan_id = evidence_store
    out = tmp_path / "out" / "report.pdf"
    build_report(store, scan_id, out, privacy=ReportPrivacy(name=PSEUDONYM), page_size="A4")
    return out


def test_pypdf_sees_a_signature_field_and_the_attached_canonical_manifest(signed: Path) -> None:
    reader = PdfReader(signed)
    fields = reader.get_fields() or {}
    assert [name for name, field in fields.items() if field.get("/FT") == "/Sig"]
    attached = reader.attachments[ATTACHMENT_NAME][0]
    assert rfc8785.dumps(json.loads(attached)) == attached  # canonical JSON, byte for byte
    beside = json.loads(manifest_path_for(signed).read_text())
    inside = json.loads(attached)
    assert inside["pdf"]["sha256"] is None  # a file cannot hold its own hash
    assert beside["pdf"]["sha256"] is not None
    beside["pdf"]["sha256"] = None
    assert beside == inside


def test_the_name_given_replaces_the_profile_everywhere_and_no_local_path_shows(
    signed: Path, evidence_data: EvidenceData
) -> None:
    reader = PdfReader(signed)
    text = pdf_text(signed)
    manifests = [
        manifest_path_for(signed).read_text(),
        reader.attachments[ATTACHMENT_NAME][0].decode(),
    ]
    metadata = json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})
    for document in (text, *manifests, metadata):
        assert PROFILE_NAME not in document
        assert "Jane" not in document
        assert str(evidence_data.scanned) not in document
        assert str(evidence_data.folder.parent) not in document
        assert not re.search(r"(?<![\w.])/(tmp|home|Users|root)/", document)
        assert "yaoming" not in document  # the reference photo's file name
    assert PSEUDONYM in text
    assert "Downloads/rotated.jpg" in squeeze(text)  # relative to the folder scanned
    assert "reference photo 1" in text
    manifest = json.loads(manifests[0])
    assert manifest["scan"]["profile"] == PSEUDONYM
    assert manifest["title_name"] == PSEUDONYM
    assert manifest["scan"]["inputs"][0] == "Downloads"
    assert {item["reference"]["source_name"] for item in manifest["items"]} == {"reference photo 1"}
    assert PSEUDONYM not in metadata  # the PDF's metadata says nothing about the person


def test_full_paths_and_reference_names_only_when_asked(
    evidence_store: StoreAndScan, evidence_data: EvidenceData, tmp_path: Path
) -> None:
    store, scan_id = evidence_store
    out = tmp_path / "full.pdf"
    privacy = ReportPrivacy(full_paths=True, reference_names=True)
    build_report(store, scan_id, out, privacy=privacy)
    manifest = json.loads(manifest_path_for(out).read_text())
    assert manifest["scan"]["inputs"][0] == str(evidence_data.scanned)
    assert manifest["scan"]["profile"] == PROFILE_NAME  # no name given: the profile's
    assert {item["reference"]["source_name"] for item in manifest["items"]} == {"yaoming.jpg"}


def test_copies_of_the_persons_own_reference_photo_are_left_out_unless_asked(
    evidence_store: StoreAndScan, tmp_path: Path
) -> None:
    store, scan_id = evidence_store
    result = build_report(store, scan_id, tmp_path / "default.pdf")
    assert result.own_photos_left_out == 1
    assert "my own photo" not in pdf_text(tmp_path / "default.pdf")
    out = tmp_path / "with-own.pdf"
    result = build_report(store, scan_id, out, privacy=ReportPrivacy(include_own_photos=True))
    assert result.own_photos_left_out == 0
    manifest = json.loads(manifest_path_for(out).read_text())
    own = [item for item in manifest["items"] if item["own_reference_photo"]]
    assert [item["source"] for item in own] == ["Downloads/my own photo.jpg"]
    marker = squeeze("exact bytes of one of the person's own reference photos")
    assert marker in squeeze(pdf_text(out))


def test_every_date_is_utc_even_in_another_time_zone(
    evidence_store: StoreAndScan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, scan_id = evidence_store
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # +05:30: any local date would show it
    time.tzset()
    tzlocal.reload_localzone()
    try:
        out = tmp_path / "tz.pdf"
        build_report(store, scan_id, out)
    finally:
        monkeypatch.undo()
        time.tzset()
        tzlocal.reload_localzone()
    data = out.read_bytes()
    dates = re.findall(rb"D(?::|\\072)(\d{14})([^)]{0,16})", data)
    assert dates
    assert all(rest in (b"Z", b"") for _, rest in dates), dates
    xmp_dates = re.findall(rb'Date="([^"]+)"', data)
    assert xmp_dates
    assert all(value.endswith((b"+00:00", b"Z")) for value in xmp_dates), xmp_dates
    text = pdf_text(out)
    assert "UTC" in text
    assert "IST" not in text


def test_the_signing_key_is_private_kept_and_printed(
    evidence_store: StoreAndScan, signed: Path, tmp_path: Path
) -> None:
    store, scan_id = evidence_store
    key = store.folder / KEY_FOLDER / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    again = build_report(store, scan_id, tmp_path / "again.pdf")
    first = json.loads(manifest_path_for(signed).read_text())
    assert first["signature"]["certificate_sha256"] == again.fingerprint  # the same key
    assert squeeze(spaced(again.fingerprint)) in squeeze(pdf_text(signed))
    assert verify_report(signed).fingerprint == again.fingerprint


def test_a_changed_manifest_field_is_named(signed: Path) -> None:
    beside = manifest_path_for(signed)
    manifest = json.loads(beside.read_text())
    manifest["items"][0]["best_similarity"] = 0.99
    manifest["items"][1]["url"] = "https://example.org/somewhere-else.jpg"
    beside.write_text(json.dumps(manifest))
    result = verify_report(signed)
    assert not result.ok
    changed = found(result, Status.CHANGED, "manifest field")
    assert any("items[0].best_similarity" in line and "0.99" in line for line in changed)
    assert any("items[1].url" in line and "somewhere-else" in line for line in changed)
    assert found(result, Status.OK, "signature")  # the PDF itself is fine


def test_a_changed_pdf_byte_breaks_the_signature_even_with_a_recomputed_hash(
    signed: Path,
) -> None:
    data = bytearray(signed.read_bytes())
    at = data.index(b"/Title")  # inside the signed bytes, outside the signature itself
    data[at + 1] = ord("t")
    signed.write_bytes(bytes(data))
    beside = manifest_path_for(signed)
    manifest = json.loads(beside.read_text())
    manifest["pdf"]["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    beside.write_text(json.dumps(manifest))
    result = verify_report(signed)
    assert not result.ok
    assert found(result, Status.CHANGED, "signature")


def test_something_added_after_signing_is_caught(signed: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with signed.open("rb+") as stream:
        writer = IncrementalPdfFileWriter(stream)
        writer.root["/PageMode"] = writer.root["/PageMode"]  # any change, saved incrementally
        writer.update_root()  # type: ignore[no-untyped-call]
        writer.write_in_place()  # type: ignore[no-untyped-call]
    result = verify_report(signed)
    assert any(
        "added to the PDF after it was signed" in line
        for line in found(result, Status.CHANGED, "signature")
    )


def test_web_addresses_are_links_to_the_whole_address_and_unbroken_in_the_text(
    signed: Path, evidence_data: EvidenceData
) -> None:
    reader = PdfReader(signed)
    links = {
        str(annotation.get_object()["/A"]["/URI"])
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    assert evidence_data.image_url in links
    assert evidence_data.page_url in links
    final = evidence_data.image_url.replace("/i/old.jpg", "/i/players.jpg?size=large&v=2")
    assert final in links
    text = squeeze(pdf_text(signed))
    assert squeeze(final) in text


def test_long_addresses_break_only_after_separators() -> None:
    from likeness_guard.core.report.fonts import load_fonts

    font = load_fonts().sans
    url = "https://example.com/a/very-long-folder-name/another_long_segment/picture.jpg?x=1&y=2"
    lines = url_lines(url, 90, font, 8)
    assert len(lines) > 2
    assert "".join(lines) == url
    assert all(line[-1] in "/?&=#-_.~" for line in lines[:-1])


def test_a_timestamp_from_a_local_authority_is_verified(
    evidence_store: StoreAndScan, tmp_path: Path
) -> None:
    store, scan_id = evidence_store
    authority = LocalTimestampAuthority()
    try:
        out = tmp_path / "stamped.pdf"
        result = build_report(store, scan_id, out, timestamp_url=authority.url)
    finally:
        authority.close()
    assert result.timestamped
    assert authority.queries >= 1
    verified = verify_report(out, store.evidence)
    assert verified.ok
    stamps = found(verified, Status.OK, "time-stamp")
    assert stamps
    assert AUTHORITY_NAME in stamps[0]


def test_an_unreachable_authority_is_a_clear_message_and_nothing_is_written(
    evidence_store: StoreAndScan, tmp_path: Path
) -> None:
    store, scan_id = evidence_store
    with socket.socket() as probe:  # a port on this computer that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "never.pdf"
    with pytest.raises(UserFacingError, match="No time-stamp could be had"):
        build_report(store, scan_id, out, timestamp_url=f"http://127.0.0.1:{port}/tsa")
    assert not out.exists()
    assert not manifest_path_for(out).exists()


def test_without_a_timestamp_no_connection_is_made(
    evidence_store: StoreAndScan, tmp_path: Path, no_network: list[Any]
) -> None:
    store, scan_id = evidence_store
    build_report(store, scan_id, tmp_path / "offline.pdf")
    assert verify_report(tmp_path / "offline.pdf").findings
    assert no_network == []


def test_a_missing_or_non_pdf_input_is_named_plainly(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="There is no file or folder at"):
        verify_report(tmp_path / "nowhere.pdf")
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes\n")
    with pytest.raises(UserFacingError, match="is not a PDF file"):
        verify_report(text)
    folder = tmp_path / "holiday"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(UserFacingError, match="not an evidence package"):
        verify_report(folder)


def test_an_unsigned_pdf_is_not_called_verified(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(100, 700, "an ordinary PDF")
    canvas.save()
    result = verify_report(plain)
    assert not result.ok
    assert any("no signature" in line for line in found(result, Status.CHANGED, "signature"))


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_verifying_a_bare_pdf_writes_nothing(signed: Path, tmp_path: Path, cwd: Path) -> None:
    from likeness_guard.main import main

    data = tmp_path / "never-used-data"
    assert main(["--data-dir", str(data), "verify-report", str(signed)]) == 0  # images: noted
    assert not data.exists()
    assert list(cwd.iterdir()) == []
    assert set(os.listdir(signed.parent)) == {"report.pdf", "report.manifest.json"}
