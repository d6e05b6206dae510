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
  process of its own (its peak memory, VmHWM), then scanned (is it a match?); then decoding
  alone, each in a process of its own (peak memory above the imports): that JPEG, the same
  picture as a PNG (refused: Pillow decodes a PNG only whole), and two bombs.
- videos also say what their scan costs in CPU seconds (the real-time factor two free cores
  would give at most), and part by part: decoding and sampling alone, the models alone.

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
from likeness_guard.core.imaging.video import open_video  # noqa: E402
from likeness_guard.core.imaging.video_clip import SamplingPolicy  # noqa: E402
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


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (the pool)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _cold(data: Path, inputs: list[str]) -> tuple[float, int]:
    """A cold scan: loading the models inside the time."""
    started = time.perf_counter()
    _, scan_id = _scan(data, inputs, FaceEngine())
    return time.perf_counter() - started, scan_id


def _video_costs(clip: Path, frames: int) -> dict[str, float]:
    """What a clip's scan costs, part by part, in CPU seconds on this thread: decoding and
    sampling alone (the loader's share), then the face models over the sampled frames."""
    started = time.process_time()
    with open_video(clip) as reader:
        sampled = [frame.rgb for frame in reader.frames(SamplingPolicy())]
    decode = time.process_time() - started
    engine = FaceEngine()
    started = time.process_time()
    for rgb in sampled:
        engine.analyze(rgb)
    models = time.process_time() - started
    return {
        "decode_and_sample_cpu_seconds": decode,
        "models_cpu_seconds": models,
        "models_cpu_ms_per_frame": 1000 * models / max(1, len(sampled)),
        "frames_sampled": float(len(sampled) or frames),
    }


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
        rescans = []
        for _ in range(2):
            cpu = _cpu()
            seconds, loaded = _rescan(data, [str(folder)])
            rescans.append((seconds, loaded, _cpu() - cpu))
    rescan, loaded, rescan_cpu = min(rescans)
    print(
        f"files ({count} files, 100 distinct photos): cold {cold:.1f} s, rescan unchanged "
        f"{rescan:.2f} s, {rescan_cpu:.2f} CPU s (better of two; models loaded: {loaded})",
        flush=True,
    )
    return {
        "files": count,
        "cold_seconds": cold,
        "rescan_seconds": rescan,
        "rescan_cpu_seconds": rescan_cpu,
        "rescan_fraction": rescan / cold,
        "loaded": loaded,
    }


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
            cpu = _cpu()
            cold, scan_id = _cold(data, [str(clip)])
            cpu = _cpu() - cpu
            rescan, loaded = _rescan(data, [str(clip)])
            rematch = _rematch(data, scan_id)
            row = {
                "video": name,
                "seconds": seconds,
                "cold_seconds": cold,
                "x_real_time": seconds / cold,
                # The work itself, whatever else the machine runs: CPU seconds of the scan,
                # and the real-time factor two free cores would give it at most.
                "cold_cpu_seconds": cpu,
                "x_real_time_two_free_cores": seconds / (cpu / 2),
                "rescan_seconds": rescan,
                "rescan_fraction": rescan / cold,
                "rescan_loaded_models": loaded,
                "rematch_seconds": rematch,
                "rematch_fraction": rematch / cold,
            }
            row.update(_video_costs(clip, seconds * 2))
            rows.append(row)
            print(
                f"{name} ({seconds} s): cold {cold:.1f} s = {seconds / cold:.1f}x real time "
                f"({cpu:.1f} CPU s: at most {row['x_real_time_two_free_cores']:.1f}x on two "
                f"free cores; decoding {row['decode_and_sample_cpu_seconds']:.1f} CPU s, "
                f"models {row['models_cpu_seconds']:.1f} CPU s = "
                f"{row['models_cpu_ms_per_frame']:.0f} ms a frame); rescan {rescan:.2f} s "
                f"({rescan / cold:.1%}, models loaded: {loaded}); rematch {rematch:.2f} s "
                f"({rematch / cold:.1%})",
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


# Decoding alone, in a process of its own: the peak memory above what the imports take.
_MEMORY = r"""
import json, sys
from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.decode import decode_image
def rss(key):
    return int(open("/proc/self/status").read().split(key + ":")[1].split()[0]) / 1024
data = open(sys.argv[1], "rb").read()
before = rss("VmRSS")
try:
    image = decode_image(data)
    outcome = f"decoded at {image.width}x{image.height}"
except ImageError as exc:
    outcome = f"refused: {exc}"
print(json.dumps({"outcome": outcome, "peak_above_imports_mb": rss("VmHWM") - before}))
"""

# The same 150 MP picture as a PNG (mostly flat, so it is small), and two bombs: a PNG that
# claims 100,000 x 100,000 pixels in 40 KB, a baseline JPEG that claims 20,000 x 20,000.
_OTHERS = r"""
import io, struct, sys, zlib
from pathlib import Path
from PIL import Image
folder = Path(sys.argv[1])
Image.MAX_IMAGE_PIXELS = None
Image.open(folder / "150mp.jpg").save(folder / "150mp.png", compress_level=1)
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
packer = zlib.compressobj(9)
body = b"".join(packer.compress(b"\0" * 300_001) for _ in range(30)) + packer.flush()
png = b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", body) + chunk(b"IEND", b"")
(folder / "bomb.png").write_bytes(png)
small = io.BytesIO()
Image.new("RGB", (16, 16), (90, 90, 90)).save(small, "JPEG")
jpeg = bytearray(small.getvalue())
sof = jpeg.index(b"\xff\xc0")
jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 20_000, 20_000)
(folder / "bomb.jpg").write_bytes(bytes(jpeg))
"""


def decoding_memory(folder: Path) -> dict[str, dict[str, Any]]:
    """Peak memory of decoding alone: the 150 MP JPEG, the same as a PNG, and two bombs."""
    subprocess.run([sys.executable, "-c", _OTHERS, str(folder)], check=True)
    rows = {}
    for name in ("150mp.jpg", "150mp.png", "bomb.png", "bomb.jpg"):
        path = folder / name
        done = subprocess.run(
            [sys.executable, "-c", _MEMORY, str(path)], check=True, capture_output=True, text=True
        )
        row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        row["file_mb"] = path.stat().st_size / 1e6
        rows[name] = row
        print(
            f"  {name} ({row['file_mb']:.2f} MB): {row['outcome']}; peak "
            f"{row['peak_above_imports_mb']:.0f} MB above the imports",
            flush=True,
        )
    return rows


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
        others = Path(tmp) / "others"
        others.mkdir()
        shutil.copy(photo, others / "150mp.jpg")
        row["decoding_memory"] = decoding_memory(others)
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
