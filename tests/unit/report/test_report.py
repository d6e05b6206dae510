"""The evidence report, built from a real scan of the sample photos and read back with pypdf."""

import argparse
import dataclasses
import io
import json
import resource
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from likeness_guard.cli import add_global_options, report_cmd
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.imaging.decode import decode_stored
from likeness_guard.core.imaging.pdq import platform_pdq
from likeness_guard.core.package.verify import Status, verify_report
from likeness_guard.core.report import build_report, manifest_path_for, page_size_for_locale
from likeness_guard.core.storage.store import Store
from tests.unit.report.conftest import ARABIC, CJK, CYRILLIC, GREEK, PSEUDONYM

StoreAndScan = tuple[Store, int]


def squeeze(text: str) -> str:
    """Text without whitespace, in NFKC: what survives line wrapping and Arabic shaping."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def match_page_image(path: Path, page_index: int) -> np.ndarray:
    """The largest picture on a page of the PDF, in gray levels."""
    images = PdfReader(path).pages[page_index].images
    pictures = [Image.open(io.BytesIO(image.data)) for image in images]
    largest = max(pictures, key=lambda picture: picture.width * picture.height)
    return np.asarray(largest.convert("L"), dtype=np.float64)


def detail(gray: np.ndarray) -> float:
    """Variance of the Laplacian: high for sharp pictures, near zero for blurred ones."""
    lap = gray[1:-1, :-2] + gray[1:-1, 2:] + gray[:-2, 1:-1] + gray[2:, 1:-1] - 4 * gray[1:-1, 1:-1]
    return float(lap.var())


@pytest.fixture
def report(report_store: StoreAndScan, tmp_path: Path) -> Path:
    store, scan_id = report_store
    out = tmp_path / "out" / "report.pdf"
    build_report(store, scan_id, out, title_name=PSEUDONYM, page_size="A4")
    return out


def test_text_has_every_matchs_source_hashes_score_and_threshold(
    report_store: StoreAndScan, report: Path
) -> None:
    store, scan_id = report_store
    matches = store.matches(scan_id)
    assert len(matches) == 2  # players.jpg copied into two folders
    text = squeeze(pdf_text(report))
    assert "threshold0.36" in text
    for item in matches:
        assert item.sha256 is not None
        data = store.evidence.get(item.sha256)
        assert data is not None
        pdq = platform_pdq(*decode_stored(data)).stored.hex
        # Shown relative to the scanned folder, never as an absolute path.
        shown = item.source.split("report0/", 1)[1]
        assert squeeze(shown) in text
        assert squeeze(item.source) not in text
        assert item.sha256 in text
        assert pdq in text
        assert f"Similarity{item.best_similarity:.4f}" in text
    assert "Confidential—containssensitiveimages" in text
    assert "Page1of" in text


def test_images_are_blurred_except_the_face_by_default(
    report_store: StoreAndScan, report: Path, photos: dict[str, Path]
) -> None:
    shown = match_page_image(report, 2)  # cover, summary, then the first match
    original = Image.open(photos["players"]).convert("L").resize(shown.shape[::-1])
    assert detail(shown) < 0.2 * detail(np.asarray(original, dtype=np.float64))
    # The matched face (Yao Ming, about x 720-765, y 142-192 of 1237x800) stays sharp.
    scale = shown.shape[1] / 1237
    top, bottom, left, right = (int(v * scale) for v in (145, 190, 722, 763))
    face = shown[top:bottom, left:right]
    face_original = np.asarray(original, dtype=np.float64)[top:bottom, left:right]
    assert detail(face) > 0.5 * detail(face_original)


def test_unblurred_images_keep_their_detail(
    report_store: StoreAndScan, tmp_path: Path, photos: dict[str, Path]
) -> None:
    store, scan_id = report_store
    out = tmp_path / "unblurred.pdf"
    result = build_report(store, scan_id, out, unblurred=True)
    assert result.unblurred
    shown = match_page_image(out, 2)
    original = Image.open(photos["players"]).convert("L").resize(shown.shape[::-1])
    assert detail(shown) > 0.5 * detail(np.asarray(original, dtype=np.float64))
    assert "without blurring" in pdf_text(out)


def test_names_and_paths_in_other_scripts_survive_extraction(report: Path) -> None:
    text = pdf_text(report)
    assert CYRILLIC in text
    assert GREEK in text
    for word in CJK.split():
        assert word in text
    assert "снимки Εικόνες" in text  # a folder name in the scanned paths
    # Arabic is drawn as joined presentation forms (U+FExx) in display order; pypdf puts
    # right-to-left runs back in reading order, and NFKC maps the forms to plain letters.
    assert ARABIC.replace(" ", "") in squeeze(text)
    assert squeeze("صور/players.jpg") in squeeze(text) or squeeze("players.jpg/صور") in squeeze(
        text
    )


def statuses(result: Any, prefix: str) -> set[Status]:
    return {f.status for f in result.findings if f.subject.startswith(prefix)}


def test_manifest_verifies_then_catches_a_changed_evidence_byte_and_pdf(
    report_store: StoreAndScan, report: Path
) -> None:
    store, _ = report_store
    manifest = json.loads(manifest_path_for(report).read_text())
    assert manifest["pdf"]["sha256"] == verify_report(report, store.evidence).pdf_sha256
    assert len(manifest["items"]) == 2
    assert all(len(item["pdq"]["hash"]) == 64 for item in manifest["items"])
    assert verify_report(report, store.evidence).ok

    sha = manifest["items"][0]["sha256"]
    evidence = store.evidence.path_for(sha)
    original = evidence.read_bytes()
    evidence.write_bytes(original[:1000] + bytes([original[1000] ^ 1]) + original[1001:])
    result = verify_report(report, store.evidence)
    assert not result.ok
    assert statuses(result, "signature") == {Status.OK}
    assert statuses(result, "image") == {Status.CHANGED}  # both copies share the bytes

    evidence.write_bytes(original)
    assert verify_report(report, store.evidence).ok
    with report.open("ab") as pdf:
        pdf.write(b"\n% appended\n")
    result = verify_report(report, store.evidence)
    assert statuses(result, "manifest field pdf.sha256") == {Status.CHANGED}
    assert statuses(result, "image") == {Status.OK}
    # Without the kept evidence the images cannot be checked: not "ok", and not "missing"
    # either (a PDF alone never includes them): each is a note, counted as not checked.
    result = verify_report(manifest_path_for(report).with_name("report.pdf"))
    assert statuses(result, "image") == {Status.NOTE}
    assert result.unchecked == 1  # both matches share the bytes


def test_only_confirmed_and_rejected_matches(report_store: StoreAndScan, tmp_path: Path) -> None:
    store, scan_id = report_store
    first, second = store.matches(scan_id)
    assert first.sha256 == second.sha256  # the same photo in two folders
    with pytest.raises(UserFacingError, match="no confirmed matches"):
        build_report(store, scan_id, tmp_path / "none.pdf", only_confirmed=True)
    build_report(store, scan_id, tmp_path / "all.pdf")
    unreviewed = squeeze(pdf_text(tmp_path / "all.pdf"))
    assert unreviewed.count(squeeze("Unreviewed: the person has not yet confirmed")) == 2
    # A verdict belongs to the bytes: confirming one copy confirms both.
    store.set_verdict(first.id, Verdict.ME)
    result = build_report(store, scan_id, tmp_path / "mine.pdf", only_confirmed=True)
    assert result.item_count == 2
    text = pdf_text(tmp_path / "mine.pdf")
    when = store.matches(scan_id)[0].verdict_at
    assert when is not None
    assert squeeze(f"“This is me” on {when}") in squeeze(text)
    assert "Unreviewed" not in text
    store.set_verdict(second.id, Verdict.NOT_ME)
    with pytest.raises(UserFacingError, match="no matches"):
        build_report(store, scan_id, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_200_matches_stay_within_memory(report_store: StoreAndScan, tmp_path: Path) -> None:
    store, scan_id = report_store
    # Everything loaded once per process (reportlab, the fonts, the signing libraries, the
    # image codecs) is loaded by a first, small report: what is measured is per match.
    build_report(store, scan_id, tmp_path / "small.pdf")
    template = store.matches(scan_id)[0]
    for seq in range(200):
        store.add_item(
            dataclasses.replace(template, id=0, seq=1000 + seq, source=f"/copies/{seq}.jpg")
        )

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = build_report(store, scan_id, tmp_path / "big.pdf")
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"200+ matches: {result.page_count} pages, peak RSS growth {growth_mb:.0f} MB")
    assert result.item_count == 202
    # Measured 395 MB after the warm-up (about 2 MB a match: reportlab keeps the laid-out
    # document until it is saved); a report that kept every image whole would need far more.
    assert growth_mb < 450
    # Every page says which section it belongs to: a page that continues one names it.
    headings = ("Evidence report", "Summary of matches", "Match ", "Method and limits")
    pages = [page.extract_text() for page in PdfReader(tmp_path / "big.pdf").pages]
    assert all(any(h in text for h in (*headings, "Appendix", "(continued)")) for text in pages)
    assert sum("Summary of matches (continued)" in text for text in pages) >= 5
    assert verify_report(tmp_path / "big.pdf", store.evidence).ok


def test_page_size_follows_the_locale() -> None:
    assert page_size_for_locale("en_US.UTF-8") == "Letter"
    assert page_size_for_locale("es_MX") == "Letter"
    assert page_size_for_locale("fil_PH.UTF-8") == "Letter"
    assert page_size_for_locale("fr_CA.UTF-8") == "Letter"
    assert page_size_for_locale("en_GB.UTF-8") == "A4"
    assert page_size_for_locale("de_DE@euro") == "A4"
    assert page_size_for_locale("English_United States") == "Letter"
    assert page_size_for_locale("C.UTF-8") == "A4"


def cli(data: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_global_options(parser)
    report_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["--data-dir", str(data), *argv])
    result: Any = args.func(args)
    return int(result)


def test_cli_report_and_verify(
    report_store: StoreAndScan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = report_store
    out = tmp_path / "cli.pdf"
    assert (
        cli(store.folder, "report", "--unblurred", "--name", "\u0391. \u0392.", "--out", str(out))
        == 0
    )
    captured = capsys.readouterr()
    assert "Warning: this report will show the images without blurring" in captured.err
    assert "Wrote" in captured.out
    assert cli(store.folder, "verify-report", str(out)) == 0
    lines = capsys.readouterr().out.splitlines()
    # The signature, the manifest beside it, and two images from the kept evidence.
    assert sum(line.startswith("ok") for line in lines) == 4
    assert lines[-1].startswith("Everything matches")
    out.write_bytes(out.read_bytes() + b"%")
    assert cli(store.folder, "verify-report", str(out)) == 1
    printed = capsys.readouterr().out
    assert "CHANGED  manifest field pdf.sha256" in printed
    with pytest.raises(UserFacingError, match="no scan number 99"):
        cli(store.folder, "report", "--scan", "99", "--out", str(tmp_path / "x.pdf"))


def test_item_record_copies_are_items() -> None:
    # Guards the 200-match test's assumption that ScanItem is a dataclass.
    assert dataclasses.is_dataclass(ScanItem)
