"""Speed, round three (issue 30): rescans that read nothing, videos analysed once, huge photos.

Every ratio is measured in this one run, on the same machine, against a baseline measured
here too (a cold scan of the same files); absolute seconds depend on how busy the machine is
(its load average is printed and stored).

- images: a cold scan of IMAGES unique small photos (scan_at_scale.small_corpus), then a
  rescan of the unchanged folder with an engine that loads its models only when an item
  needs them (do they load? stored), then a re-match after a second reference photo.
- files: RESCAN_FILES files (copies of 100 small photos under their own names) scanned cold,
  then rescanned unchanged: the rescan of a watched folder, file by file.
- videos: a 720p clip of VIDEO_SECONDS and a 1080p clip of half that (benchmarks/
  video_throughput.py makes them: H.264, 30 frames/s, panning shots with grain), each
  scanned cold (models loaded inside the time), rescanned, and re-matched.
- huge photo: a 150-megapixel baseline JPEG with a face, decoded and its faces found in a
  process of its own (its peak memory, VmHWM), then scanned (is it a match?).

Run alone: .venv/bin/python benchmarks/speed_round_three.py [--images N] [--files N]
[--video-seconds S]; it adds "round_three" to benchmarks/results/latest.json. `make bench`
runs it after scan_at_scale.py's own measurements.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.scan_at_scale import small_corpus  # noqa: E402
from benchmarks.video_throughput import make_video  # noqa: E402
from likeness_guard.core.engine.face_engine import FaceEngine  # noqa: E402
from likeness_guard.core.engine.model_pack import sample_photos  # noqa: E402
from likeness_guard.core.pipeline.enroll import enroll_file  # noqa: E402
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan  # noqa: E402
from likeness_guard.core.services import reviewing  # noqa: E402
from likeness_guard.core.storage.store import Store  # noqa: E402

OPTIONS = ScanOptions(threshold=0.36)  # AI-marker checks on, as the app scans


def _enrolled(data: Path) -> None:
    with Store.open(data) as store:
        profile = store.profile("me", create=True)
        assert profile is not None
        assert enroll_file(store, FaceEngine(), profile, sample_photos()["yaoming"]).accepted


def _scan(data: Path, inputs: list[str], engine: FaceEngine) -> tuple[float, int]:
    """Seconds of one scan (the engine's loading, when lazy, inside the time) and its id."""
    with Store.open(data) as store:
        profile = store.profile("me")
        assert profile is not None
        started = time.perf_counter()
        scan_id = run_scan(store, engine, profile, inputs, OPTIONS)
        return time.perf_counter() - started, scan_id


def _cold(data: Path, inputs: list[str]) -> tuple[float, int]:
    """A cold scan: loading the models inside the time."""
    started = time.perf_counter()
    _, scan_id = _scan(data, inputs, FaceEngine())
    return time.perf_counter() - started, scan_id


def _rescan(data: Path, inputs: list[str]) -> tuple[float, bool]:
    """A rescan with models loaded only when needed: seconds, and whether they loaded."""
    started = time.perf_counter()
    engine = FaceEngine(lazy=True)
    _scan(data, inputs, engine)
    return time.perf_counter() - started, engine.loaded


def _rematch(data: Path, scan_id: int) -> float:
    """Seconds of a re-match after a second reference photo (the face, mirrored)."""
    with Store.open(data) as store:
        profile = store.profile("me")
        assert profile is not None
        second = data.parent / "second.png"
        ImageOps.mirror(Image.open(sample_photos()["yaoming"])).save(second)
        enroll_file(store, FaceEngine(), profile, second)
        started = time.perf_counter()
        reviewing.rematch(store, scan_id)
        return time.perf_counter() - started


def images(count: int) -> dict[str, Any]:
    folder = small_corpus(count)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        _enrolled(data)
        cold, scan_id = _cold(data, [str(folder)])
        rescan, loaded = _rescan(data, [str(folder)])
        rematch = _rematch(data, scan_id)
    row = {
        "images": count,
        "cold_seconds": cold,
        "rescan_seconds": rescan,
        "rescan_fraction": rescan / cold,
        "rescan_loaded_models": loaded,
        "rematch_seconds": rematch,
        "rematch_fraction": rematch / cold,
    }
    print(
        f"images ({count} small photos): cold {cold:.1f} s, rescan {rescan:.2f} s "
        f"({rescan / cold:.1%}, models loaded: {loaded}), rematch {rematch:.2f} s "
        f"({rematch / cold:.2%})",
        flush=True,
    )
    return row


def files(count: int) -> dict[str, Any]:
    unique = small_corpus(100)
    sources = sorted(p for p in unique.iterdir() if not p.name.startswith("."))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "watched"
        folder.mkdir()
        for index in range(count):
            shutil.copyfile(sources[index % len(sources)], folder / f"{index:05d}.jpg")
        data = Path(tmp) / "data"
        _enrolled(data)
        cold, _ = _cold(data, [str(folder)])
        rescans = [_rescan(data, [str(folder)]) for _ in range(2)]
    rescan, loaded = min(rescans)
    print(
        f"files ({count} files, 100 distinct photos): cold {cold:.1f} s, rescan unchanged "
        f"{rescan:.2f} s (better of two; models loaded: {loaded})",
        flush=True,
    )
    return {"files": count, "cold_seconds": cold, "rescan_seconds": rescan, "loaded": loaded}


def videos(seconds_720p: int) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, size, seconds in (
            ("720p", (1280, 720), seconds_720p),
            ("1080p", (1920, 1080), max(1, seconds_720p // 2)),
        ):
            clip = make_video(root / f"{name}.mp4", size, seconds)
            data = root / f"data-{name}"
            _enrolled(data)
            cold, scan_id = _cold(data, [str(clip)])
            rescan, loaded = _rescan(data, [str(clip)])
            rematch = _rematch(data, scan_id)
            row = {
                "video": name,
                "seconds": seconds,
                "cold_seconds": cold,
                "x_real_time": seconds / cold,
                "rescan_seconds": rescan,
                "rescan_fraction": rescan / cold,
                "rescan_loaded_models": loaded,
                "rematch_seconds": rematch,
                "rematch_fraction": rematch / cold,
            }
            rows.append(row)
            print(
                f"{name} ({seconds} s): cold {cold:.1f} s = {seconds / cold:.1f}x real time; "
                f"rescan {rescan:.2f} s ({rescan / cold:.1%}, models loaded: {loaded}); "
                f"rematch {rematch:.2f} s ({rematch / cold:.1%})",
                flush=True,
            )
    return rows


_HUGE = r"""
import io, json, sys, time
from PIL import Image
from likeness_guard.core.engine.model_pack import sample_photos
face = Image.open(sample_photos()["yaoming"]).convert("RGB")
canvas = Image.new("RGB", (15000, 10000), (120, 140, 160))
canvas.paste(face.resize((face.width * 8, face.height * 8)), (4000, 2000))
canvas.save(sys.argv[1], "JPEG", quality=85)
"""

_HUGE_DECODE = r"""
import json, sys, time
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.decode import decode_image
engine = FaceEngine()
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
image = decode_image(data)
decoded = time.perf_counter() - started
faces = engine.analyze(image.frames[0])
found = time.perf_counter() - started
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"decoded_size": [image.width, image.height], "decode_seconds": decoded,
                  "decode_and_faces_seconds": found, "faces": len(faces), "peak_rss_mb": peak}))
"""


def huge_photo() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "huge"
        folder.mkdir()
        photo = folder / "150mp.jpg"
        subprocess.run([sys.executable, "-c", _HUGE, str(photo)], check=True)
        done = subprocess.run(
            [sys.executable, "-c", _HUGE_DECODE, str(photo)],
            check=True,
            capture_output=True,
            text=True,
        )
        row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        data = Path(tmp) / "data"
        _enrolled(data)
        seconds, scan_id = _cold(data, [str(folder)])
        with Store.open(data) as store:
            (item,) = store.items(scan_id)
        row.update(
            megapixels=150,
            file_mb=photo.stat().st_size / 1e6,
            scan_seconds=seconds,
            scan_match=item.match,
            scan_error=item.error,
            best_similarity=item.best_similarity,
        )
    print(
        f"huge photo (150 MP JPEG): decoded at {row['decoded_size']} in "
        f"{row['decode_seconds']:.2f} s, {row['faces']} face(s), peak {row['peak_rss_mb']:.0f} "
        f"MB for decoding and the models; scanned: match {row['scan_match']} "
        f"({row['best_similarity']})",
        flush=True,
    )
    return row


def measure(image_count: int, file_count: int, video_seconds: int) -> dict[str, Any]:
    """Everything above, with the load average before and after."""
    load_before = os.getloadavg()[0]
    result: dict[str, Any] = {
        "images": images(image_count),
        "files": files(file_count),
        "videos": videos(video_seconds),
        "huge_photo": huge_photo(),
    }
    result["load_average"] = [load_before, os.getloadavg()[0]]
    result["note"] = (
        "ratios are against a baseline measured in the same run on the same machine; "
        "absolute seconds depend on the machine's load (load_average, 1-minute, before and "
        "after)"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=300)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--video-seconds", type=int, default=120)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args()
    result = measure(args.images, args.files, args.video_seconds)
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    existing["round_three"] = result
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(existing, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
