"""A helpline's workspace, through the CLI: cases kept apart, exported and deleted on their
own, and an audit log of who did what in each case's evidence."""

import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from likeness_guard.core.services.audit import set_caseworker
from likeness_guard.core.services.reviewing import review_list
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.sources.local_server import LocalServer


def _jpeg(photo: Path, quality: int) -> bytes:
    """The same face saved at another quality: other bytes, still a match."""
    buffer = io.BytesIO()
    Image.open(photo).convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def nobody_named(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The caseworker belongs to the process: each test starts with nobody named."""
    monkeypatch.delenv("LIKENESS_GUARD_CASEWORKER", raising=False)
    monkeypatch.delenv("LIKENESS_GUARD_CASE", raising=False)
    set_caseworker(None)
    yield
    set_caseworker(None)


@pytest.fixture
def site(photos: dict[str, Path]) -> Iterator[LocalServer]:
    server = LocalServer()
    page = b'<html><body><img src="/img/a.jpg"><img src="/img/b.jpg"></body></html>'
    server.serve("/page.html", page, "text/html")
    server.serve("/img/a.jpg", _jpeg(photos["yaoming"], 90), "image/jpeg")
    server.serve("/img/b.jpg", _jpeg(photos["yaoming"], 70), "image/jpeg")
    yield server
    server.close()


def _run(workspace: Path, *argv: str) -> int:
    return main(["--data-dir", str(workspace), *argv])


def _json(workspace: Path, out: Path, *argv: str) -> Any:
    assert _run(workspace, *argv, "--json", str(out)) == 0
    return json.loads(out.read_text())


def _two_cases(tmp_path: Path, photos: dict[str, Path], site: LocalServer) -> dict[str, Any]:
    """Case "Alpha" (Yao Ming's face, found on a web page, reviewed, reported, noticed by
    R. Kim) and case "Beta" (Tom Hanks's face, in a folder that also holds one of Alpha's
    pictures, byte for byte, handled by S. Lee)."""
    workspace = tmp_path / "workspace"
    assert _run(workspace, "case", "new", "Alpha") == 0
    assert _run(workspace, "case", "new", "Beta") == 0
    alpha = ["--case", "alpha", "--caseworker", "R. Kim"]  # names match in any case
    assert _run(workspace, *alpha, "enroll", str(photos["yaoming"])) == 0
    web = [site.url("/page.html"), "--allow-private-addresses"]
    scan_a = _json(workspace, tmp_path / "a.json", *alpha, "scan", *web)
    shas_a = sorted({item["sha256"] for item in scan_a["items"] if item["match"]})
    assert len(shas_a) == 2
    same = _jpeg(photos["yaoming"], 90)  # the bytes of Alpha's /img/a.jpg
    shared = hashlib.sha256(same).hexdigest()
    assert shared in shas_a
    assert _run(workspace, *alpha, "review", shared[:12], "--this-is-me") == 0
    report_a = tmp_path / "alpha.pdf"
    assert _run(workspace, *alpha, "report", "--out", str(report_a)) == 0
    notice = ["notice", "--name", "Ana Example", "--contact-email", "ana@example.org"]
    assert _run(workspace, *alpha, *notice, "--out", str(tmp_path / "alpha-notice.pdf")) == 0

    folder = tmp_path / "beta-folder"
    folder.mkdir()
    (folder / "hanks.jpg").write_bytes(_jpeg(photos["tom_hanks"], 85))
    (folder / "same-as-alpha.jpg").write_bytes(same)
    beta = ["--case", "Beta", "--caseworker", "S. Lee"]
    assert _run(workspace, *beta, "enroll", str(photos["tom_hanks"])) == 0
    scan_b = _json(workspace, tmp_path / "b.json", *beta, "scan", str(folder))
    report_b = tmp_path / "beta.pdf"
    assert _run(workspace, *beta, "report", "--out", str(report_b)) == 0
    return {
        "workspace": workspace,
        "scan_a": scan_a,
        "scan_b": scan_b,
        "shas_a": shas_a,
        "shared": shared,
        "report_a": report_a,
        "report_b": report_b,
    }


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _manifest(pdf: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(pdf.with_suffix(".manifest.json").read_text())
    return document


def test_two_cases_never_see_each_others_data(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    made = _two_cases(tmp_path, photos, site)
    workspace, shas_a = made["workspace"], made["shas_a"]
    shas_b = {item["sha256"] for item in made["scan_b"]["items"] if item["match"]}
    assert shas_b
    assert not shas_b & set(shas_a)  # Beta's match is Tom Hanks alone
    # Each case numbers its own scans: both have a scan 1, and neither lists the other's.
    assert made["scan_a"]["scan_id"] == made["scan_b"]["scan_id"] == 1
    cases = _json(workspace, tmp_path / "cases.json", "case", "list")["cases"]
    assert [(c["name"], c["counts"]["scans"]) for c in cases] == [
        (None, 0),  # the workspace's own case: nothing done there
        ("Alpha", 1),
        ("Beta", 1),
    ]
    # Alpha's answer is Alpha's: the very same bytes in Beta's scan carry no answer there.
    beta_folder = workspace / "cases" / "Beta"
    shared = made["shared"]
    with Store(beta_folder) as store:
        assert shared in {item.sha256 for item in store.items(1)}
        assert store.verdict(shared) is None
    with Store(workspace / "cases" / "Alpha") as store:
        verdict = store.verdict(shared)
        assert verdict is not None
        assert verdict.verdict == "me"
    # Reports and notices hold their own case's pictures only.
    items_b = {item["sha256"] for item in _manifest(made["report_b"])["items"]}
    assert items_b == shas_b
    items_a = {item["sha256"] for item in _manifest(made["report_a"])["items"]}
    assert items_a == set(shas_a)
    assert "Ana Example" not in _pdf_text(made["report_b"])
    # Beta has no web match to send a notice about; Alpha's notices name Alpha's addresses.
    notice = ["notice", "--name", "Sam", "--contact-email", "s@example.org", "--include-unreviewed"]
    assert _run(workspace, "--case", "Beta", *notice, "--out", str(tmp_path / "b-n.pdf")) == 2
    plain = (tmp_path / "alpha-notice.txt").read_text()
    assert site.url("/img/a.jpg") in plain
    assert "hanks" not in plain
    # The review list of one case shows none of the other's pictures or answers.
    with Store(beta_folder) as store:
        listed = review_list(store, 1)
    assert {item.sha256 for item in listed} == shas_b
    assert all(item.verdict is None for item in listed)


def test_the_audit_log_goes_into_its_own_case_evidence_only(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    made = _two_cases(tmp_path, photos, site)
    audit_a = _manifest(made["report_a"])["audit_log"]
    done = [(entry["caseworker"], entry["action"]) for entry in audit_a]
    assert done == [
        (None, "case-created"),  # made with `case new`, no caseworker named
        ("R. Kim", "enrolled"),
        ("R. Kim", "scan-started"),
        ("R. Kim", "scan-finished"),
        ("R. Kim", "review-answer"),
    ]
    assert audit_a[4]["details"] == "answer=me"
    assert audit_a[4]["subject"] == f"picture {made['shared'][:16]}"
    assert all(entry["at"].endswith("Z") for entry in audit_a)  # UTC
    text_a = _pdf_text(made["report_a"])
    assert "Appendix C: audit log" in text_a
    assert "R. Kim" in text_a
    assert "S. Lee" not in text_a
    audit_b = _manifest(made["report_b"])["audit_log"]
    assert {entry["caseworker"] for entry in audit_b} == {None, "S. Lee"}
    assert "R. Kim" not in _pdf_text(made["report_b"])
    # The report itself and the notice are in Alpha's log now, with their hash and count.
    workspace = made["workspace"]
    log = _json(workspace, tmp_path / "log.json", "case", "log", "Alpha")["audit_log"]
    in_use = _json(workspace, tmp_path / "log2.json", "--case", "Alpha", "case", "log")
    assert in_use["audit_log"] == log  # the case in use, when none is named
    assert _json(workspace, tmp_path / "log3.json", "case", "log")["audit_log"] == []
    assert [entry["action"] for entry in log[5:]] == ["report-exported", "notice-written"]
    pdf_hash = _manifest(made["report_a"])["pdf"]["sha256"]
    assert log[5]["details"] == f"matches=2 sha256={pdf_hash}"
    assert log[6]["caseworker"] == "R. Kim"


def test_export_then_delete_a_case_leaves_the_others_intact(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    made = _two_cases(tmp_path, photos, site)
    workspace = made["workspace"]
    collection = workspace / "collections" / "forum-crawl"
    collection.mkdir(parents=True)
    (collection / "part-0.parquet").write_bytes(b"a collection belongs to no case")
    archive = tmp_path / "alpha.zip"
    out = _json(workspace, tmp_path / "export.json", "case", "export", "Alpha", str(archive))
    assert out["encrypted"] is False
    assert out["evidence_files"] >= 2  # both matched pictures (and their HTTP exchanges)
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(unpacked)
        names = opened.namelist()
    assert "Alpha/likeness-guard.sqlite3" in names
    assert not any("signing" in name or "/locks/" in name for name in names)
    copy = sqlite3.connect(unpacked / "Alpha" / "likeness-guard.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM items WHERE match = 1").fetchone()[0] == 2
    actions = [row[0] for row in copy.execute("SELECT action FROM audit_log ORDER BY id")]
    assert "report-exported" in actions
    copy.close()
    sums = (unpacked / "Alpha" / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == len(names) - 1  # every member but the list itself
    # The export opens as a data folder of its own, its kept pictures complete.
    with Store(unpacked / "Alpha") as store:
        assert all(store.evidence.verify(sha) for sha in made["shas_a"])

    assert _run(workspace, "case", "delete", "Alpha", "--yes") == 0
    assert not (workspace / "cases" / "Alpha").exists()
    assert list((workspace / "cases").iterdir()) == [workspace / "cases" / "Beta"]
    assert _run(workspace, "--case", "Alpha", "scans") == 2  # gone: a clear refusal
    with Store(workspace / "cases" / "Beta") as store:
        kept = review_list(store, 1)  # Beta's match is still there, and its kept picture
        assert kept
        assert all(item.sha256 and store.evidence.verify(item.sha256) for item in kept)
    assert (collection / "part-0.parquet").read_bytes() == b"a collection belongs to no case"
    with Store(workspace / "cases" / "Beta") as store:
        assert [entry.caseworker for entry in store.audit.entries()][-1] == "S. Lee"


def test_deleting_all_data_of_the_first_case_keeps_the_other_cases(
    tmp_path: Path, photos: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "workspace"
    assert _run(workspace, "enroll", str(photos["yaoming"])) == 0
    assert _run(workspace, "case", "new", "Client 7") == 0
    assert _run(workspace, "--case", "Client 7", "enroll", str(photos["tom_hanks"])) == 0
    capsys.readouterr()
    assert _run(workspace, "forget", "--all") == 0
    said = capsys.readouterr().out
    assert "1 other case and 0 collections of this workspace are kept" in said
    with Store(workspace) as store:
        assert store.profiles() == []
    with Store(workspace / "cases" / "Client 7") as store:
        assert [profile.name for profile in store.profiles()] == ["me"]
