"""The evidence package: made once, then checked untouched and after each kind of tampering."""

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.imaging.decode import decode_stored
from likeness_guard.core.imaging.pdq import hamming_distance
from likeness_guard.core.package.package import REPORT_NAME, PackageResult, export_package
from likeness_guard.core.report import ReportPrivacy
from likeness_guard.core.report.signing import spaced
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.report.conftest import EvidenceData
from tests.unit.report.test_pdq_platform import meta_reference

MANIFEST_NAME = "evidence-report.manifest.json"


@pytest.fixture(scope="module")
def package(
    evidence_data: EvidenceData, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, PackageResult]:
    """One package of the evidence scan, made from a copy of its data folder."""
    root = tmp_path_factory.mktemp("package")
    data = root / "data"
    shutil.copytree(evidence_data.folder, data)
    with Store.open(data) as store:
        result = export_package(
            store, evidence_data.scan_id, root / "package", privacy=ReportPrivacy(name="A. P.")
        )
    return root / "package", result


@pytest.fixture
def copy(package: tuple[Path, PackageResult], tmp_path: Path) -> Path:
    """A private copy of the package, for a test to change."""
    target = tmp_path / "received"
    shutil.copytree(package[0], target)
    return target


def verify(target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`verify-report` on a computer that never ran a scan (an empty data folder)."""
    empty = tmp_path / "empty-data"
    empty.mkdir(exist_ok=True)
    code = main(["--data-dir", str(empty), "verify-report", str(target)])
    assert list(empty.iterdir()) == []  # nothing was written there
    return code, capsys.readouterr().out


def test_the_package_holds_everything_a_recipient_needs(
    package: tuple[Path, PackageResult], evidence_data: EvidenceData
) -> None:
    folder, result = package
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {REPORT_NAME, MANIFEST_NAME, "README.txt", "pdq.txt", "SHA256SUMS", "MD5SUMS"} <= names
    originals = sorted(n for n in names if n.startswith("originals/"))
    assert len(originals) == 2  # the rotated copy, and the team photo (local and on the web)
    assert result.warc_files == 1
    assert result.report.own_photos_left_out == 1
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    for item in manifest["items"]:
        data = (folder / item["original_file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"]  # exact bytes
    readme = " ".join((folder / "README.txt").read_text().split())
    assert "verify-report" in readme
    assert "does not prove who ran the app" in readme
    assert spaced(manifest["signature"]["certificate_sha256"]) in readme
    # The EXIF-rotated JPEG: its PDQ is Meta's reference hash of the stored pixels.
    rotated = next(item for item in manifest["items"] if item["source"].endswith("rotated.jpg"))
    stored, _ = decode_stored((folder / rotated["original_file"]).read_bytes())
    assert hamming_distance(rotated["pdq"]["hash"], meta_reference(stored)) <= 4
    assert rotated["pdq_displayed"]["exif_orientation"] == 6
    pdq_lines = (folder / "pdq.txt").read_text().splitlines()
    assert f"{rotated['pdq']['hash']},100,{rotated['original_file']},stored" in pdq_lines
    if shutil.which("sha256sum"):
        checked = subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.count(": OK") == len(names) - 2


def test_the_warc_file_holds_each_request_and_response_as_captured(
    package: tuple[Path, PackageResult], evidence_data: EvidenceData
) -> None:
    folder, _ = package
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    web = next(item for item in manifest["items"] if item["source"].startswith("http"))
    warc = (folder / "web/003.warc.gz").read_bytes()
    kinds = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
        for r in ArchiveIterator(io.BytesIO(warc))
    ]
    final = evidence_data.image_url.replace("/i/old.jpg", "/i/players.jpg?size=large&v=2")
    assert kinds == [
        ("warcinfo", None),
        ("request", evidence_data.image_url),
        ("response", evidence_data.image_url),  # the redirect, kept as a hop
        ("request", final),
        ("response", final),
        ("request", evidence_data.page_url),
        ("response", evidence_data.page_url),
    ]
    by_uri: dict[str, bytes] = {}
    headers: dict[str, str] = {}
    for record in ArchiveIterator(io.BytesIO(warc)):  # content is read while iterating
        if record.rec_type == "response":
            uri = record.rec_headers.get_header("WARC-Target-URI")
            headers[uri] = record.http_headers.get_header("Content-Encoding") or ""
            by_uri[uri] = record.content_stream().read()
    assert hashlib.sha256(by_uri[final]).hexdigest() == web["sha256"]
    assert headers[evidence_data.page_url] == "gzip"  # the page as it came: compressed
    assert b"gallery" in by_uri[evidence_data.page_url]
    raw = gzip.decompress(warc)
    assert b"HTTP/1.0 302" in raw or b"HTTP/1.1 302" in raw
    assert b"\r\nLocation: /i/players.jpg?size=large&v=2\r\n" in raw


def test_an_untouched_zip_verifies_on_a_computer_that_never_scanned(
    package: tuple[Path, PackageResult],
    evidence_data: EvidenceData,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    shutil.copytree(evidence_data.folder, data)
    elsewhere = tmp_path / "another computer"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with Store.open(data) as store:
        export_package(store, evidence_data.scan_id, tmp_path / "sent.zip")
    with zipfile.ZipFile(tmp_path / "sent.zip") as archive:
        assert all(name.startswith("sent/") for name in archive.namelist())
    received = elsewhere / "received.zip"
    shutil.move(tmp_path / "sent.zip", received)
    code, out = verify(received, tmp_path, capsys)
    assert code == 0, out
    assert "Everything matches" in out
    assert "CHANGED" not in out
    assert "MISSING" not in out
    assert sorted(p.name for p in elsewhere.iterdir()) == ["received.zip"]  # nothing written


def test_an_untouched_folder_verifies(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = verify(copy, tmp_path, capsys)
    assert code == 0, out
    assert out.count("ok       image #") == 3


def flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def edit_manifest(folder: Path) -> None:
    manifest_path = folder / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest["items"][2]["url"] = "https://example.org/elsewhere.jpg"
    manifest_path.write_text(json.dumps(manifest))


def edit_pdf_byte(folder: Path) -> None:
    pdf = folder / REPORT_NAME
    flip(pdf, pdf.read_bytes().index(b"/Title") + 2)


def edit_original(folder: Path) -> None:
    flip(next((folder / "originals").glob("002-*")), 5000)


def gzip_members(data: bytes) -> list[bytes]:
    """The decompressed members of a multi-member gzip file (a WARC: one per record)."""
    members = []
    while data:
        inflater = zlib.decompressobj(wbits=31)
        members.append(inflater.decompress(data))
        data = inflater.unused_data
    return members


def edit_warc_record(folder: Path) -> None:
    """Change one header of the page's response, recompressing each record on its own as a
    WARC tool would, so that the file still reads as WARC."""
    path = folder / "web/003.warc.gz"
    members = gzip_members(path.read_bytes())
    changed = [m.replace(b"Content-Type: text/html", b"Content-Type: text/plain") for m in members]
    assert changed != members
    path.write_bytes(b"".join(gzip.compress(member) for member in changed))


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (edit_manifest, "manifest field items[2].url"),
        (edit_pdf_byte, "signature: The PDF was changed after it was signed"),
        (edit_original, "image #2"),
        (edit_warc_record, "web/003.warc.gz record 7 (response"),
    ],
    ids=["manifest field", "PDF byte", "packaged original", "WARC record"],
)
def test_each_change_is_caught_and_named(
    copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[Path], None],
    named: str,
) -> None:
    tamper(copy)
    code, out = verify(copy, tmp_path, capsys)
    assert code == 1, out
    assert any(line.startswith("CHANGED") and named in line for line in out.splitlines()), out
    assert "Something is not as the signed report states" in out


def test_a_removed_original_is_missing(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    next((copy / "originals").glob("001-*")).unlink()
    code, out = verify(copy, tmp_path, capsys)
    assert code == 1
    assert "MISSING  image #1" in out


def test_a_used_folder_is_refused(evidence_store: tuple[Store, int], tmp_path: Path) -> None:
    store, scan_id = evidence_store
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "holiday.jpg").write_bytes(b"not yours")
    with pytest.raises(UserFacingError, match="already exists and is not empty"):
        export_package(store, scan_id, busy)
    assert sorted(p.name for p in busy.iterdir()) == ["holiday.jpg"]
