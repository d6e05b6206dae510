"""Hash lists for HMA, read back as HMA's file exchange reads them, and vPDQ checked against
Meta's `vpdq` (built from source in the test environment)."""

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import Verdict
from likeness_guard.core.services.takedown import write_hash_lists
from likeness_guard.core.storage.store import Store
from likeness_guard.core.takedown.video_hashes import vpdq_json, vpdq_of_video
from likeness_guard.main import main
from tests.unit.report.test_pdq_platform import meta_reference

# How python-threatexchange validates each signal type HMA imports.
_VALID = {
    "pdq": re.compile(r"^[0-9a-f]{64}$"),
    "video_md5": re.compile(r"^[0-9a-f]{32}$"),
}
VPDQ_DISTANCE = 31  # Meta's frame-match rule: frames match at most this many bits apart
VPDQ_QUALITY = 50  # ...among frames of at least this quality


def read_as_hma(text: str) -> list[tuple[str, str]]:
    """Parse a signal file the way HMA's `LocalFileSignalExchangeAPI` does (a type, one
    space, the signal; blank lines skipped), validating each signal as its type does."""
    signals = []
    for line in text.splitlines():
        signal_type, _, signal = line.strip().partition(" ")
        if not (signal_type and signal):
            continue
        if signal_type == "vpdq":
            for feature in json.loads(signal):
                pdq_hex, quality, timestamp = feature.split(",")
                assert _VALID["pdq"].match(pdq_hex)
                assert 0 <= int(quality) <= 100
                assert float(timestamp) >= 0
        else:
            assert _VALID[signal_type].match(signal), line
        signals.append((signal_type, signal))
    return signals


def _clip(path: Path, photo: Path, seconds: int = 4, rate: int = 10) -> bytes:
    """A real H.264 clip: the photo drifting across the frame, `rate` frames a second."""
    import av

    face = np.asarray(Image.open(photo).convert("RGB").resize((160, 120)))
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for number in range(seconds * rate):
            moved = np.roll(face, shift=number * 3, axis=1)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(moved), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path.read_bytes()


def test_vpdq_matches_metas_vpdq_frame_for_frame(tmp_path: Path, photos: dict[str, Path]) -> None:
    vpdq = pytest.importorskip("vpdq")
    data = _clip(tmp_path / "clip.mp4", photos["yaoming"])
    ours = vpdq_of_video(data)
    theirs = vpdq.computeHash(str(tmp_path / "clip.mp4"), seconds_per_hash=1)
    assert [f.frame_number for f in ours] == [f.frame_number for f in theirs] == [0, 10, 20, 30]
    for mine, meta in zip(ours, theirs, strict=True):
        assert meta.quality >= VPDQ_QUALITY
        assert vpdq.hamming_distance(vpdq.str_to_hash(mine.pdq_hex), meta.hash) <= VPDQ_DISTANCE
        assert abs(mine.timestamp - meta.timestamp) < 0.05
    # The signal HMA stores: a JSON list of "pdq hex,quality,timestamp".
    [(kind, signal)] = read_as_hma(f"vpdq {vpdq_json(ours)}\n")
    assert kind == "vpdq"
    assert len(json.loads(signal)) == 4


def test_a_video_that_cannot_be_decoded_has_no_vpdq() -> None:
    assert vpdq_of_video(b"not a video at all") == []


def test_the_hash_list_is_read_back_as_hma_reads_it(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    folder = tmp_path / "found"
    folder.mkdir()
    for name in ("yaoming", "gdp"):
        (folder / f"{name}.jpg").write_bytes(photos[name].read_bytes())
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    assert main(["--data-dir", str(data), "scan", str(folder), "--json", "-"]) == 0
    out = tmp_path / "hashes.txt"
    with Store.open(data) as opened:
        [match] = opened.reportable_matches(1)
        assert match.sha256 is not None
        with pytest.raises(UserFacingError, match="no confirmed match"):
            write_hash_lists(opened, 1, out)  # nothing confirmed yet: nothing listed
        opened.set_sha256_verdict(match.sha256, Verdict.ME)
    assert main(["--data-dir", str(data), "hash-list", "--out", str(out)]) == 0
    [(kind, signal)] = read_as_hma(out.read_text(encoding="ascii"))
    assert kind == "pdq"
    rgb = np.asarray(Image.open(io.BytesIO(photos["yaoming"].read_bytes())).convert("RGB"))
    assert max(rgb.shape[:2]) <= 512  # so Meta's tool hashes these very pixels
    assert signal == meta_reference(rgb)
