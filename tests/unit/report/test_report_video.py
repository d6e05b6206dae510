"""A video match in the evidence report: moments with timecodes, hashes, blurred frames."""

import hashlib
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfReader

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.report.write import build_report
from likeness_guard.core.storage.store import Store
from tests.video_maker import Shot, make_video


def test_a_video_match_page_has_its_moments_hashes_and_blurred_frames(
    tmp_path: Path, photos: dict[str, Path], engine: FaceEngine
) -> None:
    clip = make_video(
        tmp_path / "clip.mp4",
        [Shot(photos["gdp"], 2), Shot(photos["yaoming"], 2), Shot(photos["tom_hanks"], 2)],
    )
    with Store.open(tmp_path / "data") as store:
        profile = store.profile("me", create=True)
        assert profile is not None
        assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
        profile = store.profile("me")
        assert profile is not None
        scan_id = run_scan(store, engine, profile, [str(clip)], ScanOptions(threshold=0.36))
        [item] = store.matches(scan_id)
        assert item.video is not None
        result = build_report(store, scan_id, tmp_path / "report.pdf", title_name="A. P.")
    text = "\n".join(page.extract_text() for page in PdfReader(result.pdf_path).pages)
    flat = " ".join(text.split())
    data = clip.read_bytes()
    assert "Video facts and hashes" in flat
    assert hashlib.md5(data).hexdigest() in flat.replace(" ", "")
    assert hashlib.sha256(data).hexdigest() in flat.replace(" ", "")
    assert "mp4 video, h264, 480 \u00d7 270 pixels, 10 frames/s" in flat
    assert "Duration 00:00:06" in flat
    assert "00:00:02.0 to 00:00:03.6" in flat
    assert item.video.frame_pdq is not None
    assert item.video.frame_pdq in flat.replace(" ", "")
    # The best frames are in the PDF, blurred: no detail survives in the segment frames.
    manifest = json.loads(result.manifest_path.read_text())
    [record] = manifest["items"]
    assert record["media"] == "video"
    assert record["md5"] == hashlib.md5(data).hexdigest()
    assert record["segments"][0]["best_frame_s"] == item.video.best_frame_s
    assert record["pdq"]["hash"] == item.video.frame_pdq  # the same frame, hashed again
    pictures = [
        np.asarray(Image.open(io.BytesIO(image.data)).convert("L"), np.float32)
        for page in PdfReader(result.pdf_path).pages
        for image in page.images
    ]
    small = [p for p in pictures if max(p.shape) == 240]  # the segment frames
    assert small, "the best frame of the moment is in the report"
    assert all(np.abs(np.diff(p, axis=1)).mean() < 1.3 for p in small)  # blurred
