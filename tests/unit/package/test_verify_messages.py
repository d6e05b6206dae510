"""`verify-report` says exactly what is true: a planted file fails, a PDF alone passes with
what it could not check, and a manifest swapped in by a later update is never "ok"."""

import hashlib
import json
import logging
import shutil
import zipfile
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from likeness_guard.core.package.package import REPORT_NAME, PackageResult
from likeness_guard.core.package.verify import Status, verify_report
from likeness_guard.core.report.manifest import ATTACHMENT_NAME
from likeness_guard.main import main
from tests.unit.package.test_package import MANIFEST_NAME, package, verify

__all__ = ["package"]  # the module's package fixture, shared


@pytest.fixture
def copy(package: tuple[Path, PackageResult], tmp_path: Path) -> Path:
    target = tmp_path / "received"
    shutil.copytree(package[0], target)
    return target


def rewrite_sums(folder: Path) -> None:
    """SHA256SUMS and MD5SUMS recomputed over every file, as someone covering tracks would."""
    names = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in ("SHA256SUMS", "MD5SUMS")
    )
    for sums, algorithm in (("SHA256SUMS", "sha256"), ("MD5SUMS", "md5")):
        lines = [
            f"{hashlib.new(algorithm, (folder / n).read_bytes()).hexdigest()}  {n}\n" for n in names
        ]
        (folder / sums).write_text("".join(lines))


def test_a_planted_photo_fails_and_is_named(
    copy: Path, photos: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = copy / "originals" / "004-0123456789ab.jpg"
    shutil.copy(photos["gdp"], planted)  # a stranger's photo, with its sums recomputed
    rewrite_sums(copy)
    code, out = verify(copy, tmp_path, capsys)
    assert code == 1, out
    lines = [line for line in out.splitlines() if line.startswith("EXTRA")]
    assert lines == [
        "EXTRA    originals/004-0123456789ab.jpg: Not part of the signed package: this file "
        "was added after the report was signed, and the signature does not vouch for it."
    ]
    assert "nothing has changed" not in out
    assert out.splitlines()[-1].startswith("Something is not as the signed report states (1 added)")


def test_a_planted_file_in_a_zip_fails_too(
    package: tuple[Path, PackageResult], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = tmp_path / "sent.zip"
    with zipfile.ZipFile(sent, "w") as archive:
        for path in sorted(package[0].rglob("*")):
            if path.is_file():
                archive.write(path, f"sent/{path.relative_to(package[0]).as_posix()}")
        archive.writestr("sent/web/999.warc.gz", b"not from the scan")
    code, out = verify(sent, tmp_path, capsys)
    assert code == 1, out
    assert "EXTRA    web/999.warc.gz: Not part of the signed package" in out


def test_files_an_operating_system_adds_are_only_noted(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (copy / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (copy / "originals" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    code, out = verify(copy, tmp_path, capsys)
    assert code == 0, out
    assert "EXTRA" not in out
    assert "note     .DS_Store: A file the operating system adds" in out
    assert "note     originals/Thumbs.db: A file the operating system adds" in out


def test_the_pdf_alone_verifies_and_says_what_it_could_not_check(
    package: tuple[Path, PackageResult], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = tmp_path / "what the police received"
    alone.mkdir()
    pdf = alone / "report.pdf"
    shutil.copy(package[0] / REPORT_NAME, pdf)  # no manifest beside it, no originals
    code, out = verify(pdf, tmp_path, capsys)
    assert code == 0, out
    lines = out.splitlines()
    assert any(line.startswith("ok       signature: The PDF is unchanged") for line in lines)
    assert "MISSING" not in out
    assert "CHANGED" not in out
    not_checked = [line for line in lines if line.startswith("note     image #")]
    assert len(not_checked) == 3
    assert all("a PDF alone does not include the original files" in line for line in not_checked)
    assert lines[-1] == (
        "What could be checked matches: the report is unchanged since it was signed. "
        "2 original files it describes were not checked, because they are not included "
        "(see the notes above)."
    )  # three images, two distinct files (the team photo was found twice)


def test_the_pdf_alone_is_still_checked_against_what_this_computer_kept(
    package: tuple[Path, PackageResult], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "report.pdf"
    shutil.copy(package[0] / REPORT_NAME, pdf)
    kept = package[0].parent / "data"  # the data folder the package was made from
    code = main(["--data-dir", str(kept), "verify-report", str(pdf)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("ok       image #") == 3
    assert "not checked" not in out
    assert out.splitlines()[-1] == (
        "Everything matches: nothing has changed since the report was signed."
    )


def swap_attached_manifest(pdf: Path, manifest: bytes) -> None:
    """Replace the manifest attached to the PDF with an incremental update, the way a
    PDF editor would, leaving the signed bytes as they were."""
    with pdf.open("rb+") as stream:
        writer = IncrementalPdfFileWriter(stream)
        names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
        at = [str(value) for value in names].index(ATTACHMENT_NAME)
        spec_ref = names.raw_get(at + 1)
        spec = spec_ref.get_object()
        spec["/EF"]["/F"] = writer.add_object(generic.StreamObject(stream_data=manifest))
        writer.mark_update(spec_ref)
        writer.write_in_place()  # type: ignore[no-untyped-call]


def test_a_manifest_swapped_by_a_later_update_is_caught_without_an_ok_line(
    copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    manifest = json.loads((copy / MANIFEST_NAME).read_text())
    manifest["items"][2]["url"] = "https://example.org/someone-else.jpg"
    forged = json.dumps(manifest).encode()
    (copy / MANIFEST_NAME).write_bytes(forged)
    swap_attached_manifest(copy / REPORT_NAME, forged)
    caplog.set_level(logging.DEBUG)

    result = verify_report(copy)
    assert not result.ok
    subjects = {(f.status, f.subject) for f in result.findings}
    assert (Status.CHANGED, "signature") in subjects
    assert (Status.CHANGED, "manifest field items[2].url") in subjects  # against the signed copy
    assert (Status.OK, MANIFEST_NAME) not in subjects
    assert not [r for r in caplog.records if r.name.startswith("pyhanko")]

    code, out = verify(copy, tmp_path, capsys)
    assert code == 1
    assert "Every field equals the signed copy" not in out
    assert "Traceback" not in out + capsys.readouterr().err
