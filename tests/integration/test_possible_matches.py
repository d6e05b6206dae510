"""The "possible match" tier: close but below the threshold, listed apart, never evidence
until confirmed."""

import json
from pathlib import Path

import pytest
from PIL import Image, ImageFilter
from pypdf import PdfReader

from likeness_guard.core.domain.records import FaceHit, MatchTier, face_tier
from likeness_guard.main import main


def _face(similarity: float, width: float, match: bool = False) -> FaceHit:
    return FaceHit((10.0, 10.0, 10.0 + width, 10.0 + width), 0.9, similarity, 1, match)


def test_a_face_is_possible_when_close_and_large_enough() -> None:
    assert face_tier(_face(0.30, 100)) is MatchTier.POSSIBLE
    assert face_tier(_face(0.40, 100, match=True)) is MatchTier.MATCH
    assert face_tier(_face(0.24, 100)) is MatchTier.NONE  # strangers stay under this
    # Small faces of strangers reached 0.33 on the sample photos: too small to be "possible".
    assert face_tier(_face(0.33, 40)) is MatchTier.NONE


@pytest.fixture
def folder(tmp_path: Path, photos: dict[str, Path]) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    yao = Image.open(photos["yaoming"]).convert("RGB")
    # Heavily blurred: still Yao Ming, but at about 0.31, under the 0.36 threshold.
    yao.filter(ImageFilter.GaussianBlur(6.5)).save(folder / "blurred.jpg", quality=95)
    (folder / "players.jpg").write_bytes(photos["players"].read_bytes())
    (folder / "gdp.jpg").write_bytes(photos["gdp"].read_bytes())
    return folder


def test_possible_matches_are_listed_after_matches_and_kept_out_of_reports(
    tmp_path: Path,
    photos: dict[str, Path],
    folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    out = tmp_path / "scan.json"
    assert main(["--data-dir", str(data), "scan", str(folder), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    tiers = {Path(i["source"]).name: i["tier"] for i in json.loads(out.read_text())["items"]}
    assert tiers == {"blurred.jpg": "possible", "players.jpg": "match", "gdp.jpg": "none"}
    assert printed.index("MATCH") < printed.index("might be you — check them")
    assert "MAYBE" in printed
    assert "blurred.jpg" in printed.split("might be you — check them")[1]

    report = tmp_path / "report.pdf"
    assert main(["--data-dir", str(data), "report", "--out", str(report)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(report).pages)
    assert "blurred.jpg" not in text  # not confirmed: not evidence
    document = json.loads(out.read_text())
    blurred = next(i for i in document["items"] if i["source"].endswith("blurred.jpg"))
    argv = ["--data-dir", str(data), "review", blurred["sha256"][:12], "--this-is-me"]
    assert main(argv) == 0
    assert main(["--data-dir", str(data), "report", "--out", str(report)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(report).pages)
    assert "blurred.jpg" in text  # confirmed by the person: now it is evidence
