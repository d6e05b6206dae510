"""A video in the evidence package: its PDQ is labelled as one frame's, never the file's."""

import hashlib
import json
from pathlib import Path

import pytest

from likeness_guard.core.domain.words import moment
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.package.package import export_package
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.storage.store import Store
from tests.unit.package.test_package import MANIFEST_NAME, verify
from tests.video_maker import Shot, make_video


def test_the_pdq_of_a_video_is_labelled_as_one_frame(
    tmp_path: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clip = make_video(tmp_path / "clip.mp4", [Shot(photos["gdp"], 2), Shot(photos["yaoming"], 2)])
    with Store.open(tmp_path / "data") as store:
        profile = store.profile("me", create=True)
        assert profile is not None
        assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
        profile = store.profile("me")
        assert profile is not None
        scan_id = run_scan(store, engine, profile, [str(clip)], ScanOptions(threshold=0.36))
        [item] = store.matches(scan_id)
        export_package(store, scan_id, tmp_path / "package")
    video = item.video
    assert video is not None
    assert video.best_frame_s is not None
    assert video.best_frame_s > 1.5  # the face is in the second shot: not at 00:00:00
    package = tmp_path / "package"
    [original] = (package / "originals").iterdir()
    assert hashlib.sha256(original.read_bytes()).hexdigest() == item.sha256

    lines = (package / "pdq.txt").read_text().splitlines()
    [line] = [line for line in lines if not line.startswith("#")]
    when = moment(video.best_frame_s)
    assert when.endswith(f".{round(video.best_frame_s * 10) % 10}")  # to the tenth
    assert line == (
        f"{video.frame_pdq},{video.frame_pdq_quality},originals/{original.name},"
        f"video frame at {when}"
    )
    header = " ".join(line.removeprefix("# ") for line in lines if line.startswith("#"))
    assert "the PDQ is of one frame, at the time given (hh:mm:ss.d): it is not a hash" in header

    record = json.loads((package / MANIFEST_NAME).read_text())["items"][0]
    assert record["pdq"] == {
        "hash": video.frame_pdq,
        "quality": video.frame_pdq_quality,
        "pixels": "video frame",
        "frame_s": video.best_frame_s,
    }
    code, out = verify(package, tmp_path, capsys)
    assert code == 0, out
