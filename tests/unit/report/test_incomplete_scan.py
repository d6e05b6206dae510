"""A report made from a scan that did not finish says so on its cover."""

from pathlib import Path

from pypdf import PdfReader

from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.report import build_report
from likeness_guard.core.storage.store import Store


def cover_text(path: Path) -> str:
    return " ".join(PdfReader(path).pages[0].extract_text().split())


def test_an_interrupted_scan_is_reported_as_incomplete(
    report_store: tuple[Store, int], tmp_path: Path
) -> None:
    store, scan_id = report_store
    build_report(store, scan_id, tmp_path / "done.pdf", page_size="A4")
    assert "Incomplete scan" not in cover_text(tmp_path / "done.pdf")
    store.finish_scan(scan_id, ScanStatus.INTERRUPTED)
    build_report(store, scan_id, tmp_path / "cut.pdf", page_size="A4")
    text = cover_text(tmp_path / "cut.pdf")
    assert "Incomplete scan: it was interrupted" in text
    assert "images it had not reached yet are not included" in text
