"""`likeness-guard review` from the command line, then a confirmed-only report."""

import json
from pathlib import Path

import pytest

from likeness_guard.core.report import manifest_path_for
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main

StoreAndScan = tuple[Store, int]


def run(store: Store, *argv: str) -> int:
    return main(["--data-dir", str(store.folder), *argv])


def test_review_marks_the_bytes_then_only_confirmed_reports_work(
    report_store: StoreAndScan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, scan_id = report_store
    assert run(store, "review", "--list") == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split() == [
        "SHA-256",
        "score",
        "verdict",
        "given",
        "(UTC)",
        "removal",
        "source",
    ]
    rows = listing[1:-1]
    assert len(rows) == 2  # the same photo in two folders
    assert all(" unreviewed " in row for row in rows)
    prefix = rows[0].split()[0]
    assert run(store, "report", "--only-confirmed", "--out", str(tmp_path / "no.pdf")) == 2
    assert "no confirmed matches" in capsys.readouterr().err

    assert run(store, "review", prefix[:8], "--this-is-me") == 0
    said = capsys.readouterr().out
    assert said.startswith(f"{prefix}  this is me (recorded 20")
    assert run(store, "review", "--list", "--scan", str(scan_id)) == 0
    rows = capsys.readouterr().out.splitlines()[1:-1]
    assert all(" this is me " in row for row in rows)  # both copies: the same bytes
    given = rows[0].split()[5]  # SHA-256, score, "this is me", then the time
    out = tmp_path / "confirmed.pdf"
    assert run(store, "report", "--only-confirmed", "--out", str(out)) == 0
    capsys.readouterr()
    manifest = json.loads(manifest_path_for(out).read_text())
    assert [item["review"] for item in manifest["items"]] == ["confirmed", "confirmed"]
    assert {item["verdict_at"] for item in manifest["items"]} == {given}

    assert run(store, "review", prefix, "--not-me") == 0
    assert run(store, "review", prefix, "--clear") == 0
    assert "verdict cleared" in capsys.readouterr().out
    assert [item.verdict for item in store.matches(scan_id)] == [None, None]


def test_review_refuses_unclear_requests_and_changes_nothing(
    report_store: StoreAndScan, capsys: pytest.CaptureFixture[str]
) -> None:
    store, scan_id = report_store
    prefix = (store.matches(scan_id)[0].sha256 or "")[:10]
    assert run(store, "review", prefix) == 2
    assert "--this-is-me, --not-me, --clear or --reported-to" in capsys.readouterr().err
    assert run(store, "review", prefix, "ffffffffff", "--this-is-me") == 2
    assert "No scanned image has a SHA-256 starting with ffffffffff" in capsys.readouterr().err
    assert run(store, "review", "--this-is-me") == 2
    assert "review --list" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(store, "review", prefix, "--this-is-me", "--not-me")
    assert [item.verdict for item in store.matches(scan_id)] == [None, None]
