"""Scan speed at scale against the bound and insightface's own loop, measured in one run.

Corpus: IMAGES images built from the photos that ship in pip packages (mixed sizes 0.3-12 MP;
JPEG, PNG, WebP, HEIF and GIF; 15 % without a face, some with a crowd), kept in
benchmarks/.corpus between runs.

- scan: `run_scan` end to end and cold (worker processes started, files walked, read,
  hashed, decoded, checked for AI markers, every face found and matched, every item
  written to SQLite), on every core this process may use.
- bound: bare SCRFD + ArcFace sessions doing the detector passes the scan does (whole image
  at 128 and 640 px, 2x2 tiles of 640 px above 1400 px), one single-threaded process per
  core, decoding with OpenCV; nothing else. Timed the same way (from starting the processes).
- FaceAnalysis: insightface's `FaceAnalysis` loop on one process (its default: detection
  at 640 only, onnxruntime's own threads), the way most scripts use it.
- scaling: scan and bound on 1, 2, 4 ... cores up to this machine's count (CPU affinity),
  on the first SCALING_IMAGES images.
- rescan: the same folder again (nothing changed); rematch: after a second reference photo,
  the stored faces compared again. Both as fractions of the cold scan.
- peak RSS: the scan's whole process tree (this process and its workers), sampled.

Writes benchmarks/results/latest.json. Run: make bench, or
.venv/bin/python benchmarks/scan_at_scale.py [--images N] [--scaling-images N]
With --memory 2000 10000 it measures instead the peak memory of `likeness-guard scan` (the
command, as a user runs it) on folders of that many small photos: memory.json.
"""

import argparse
import json
import os
import platform
import random
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from likeness_guard.core.engine import face_engine
from likeness_guard.core.engine.face_engine import FaceEngine, available_cores
from likeness_guard.core.engine.flat_faces import SMOOTHING_SIGMA
from likeness_guard.core.engine.model_pack import load_model_pack, sample_photos
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.services import reviewing
from likeness_guard.core.storage.store import Store

HERE = Path(__file__).parent
CORPUS_VERSION = 1
FORMATS = [("JPEG", "jpg", 70), ("PNG", "png", 10), ("WEBP", "webp", 10), ("HEIF", "heic", 6)]
GIF_SHARE = 4  # percent, small palette images
NO_FACE_SHARE = 0.15


# --- the corpus --------------------------------------------------------------------------


def build_corpus(count: int) -> Path:
    """`count` unique images in benchmarks/.corpus/v{N}-{count}/ (made once, then reused)."""
    folder = HERE / ".corpus" / f"v{CORPUS_VERSION}-{count}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261130)
    photos = {name: Image.open(path).convert("RGB") for name, path in sample_photos().items()}
    portraits = [photos[n] for n in ("yaoming", "t1", "tom_hanks", "gdp")]
    for index in range(count):
        megapixels = _size(rng)
        roll = rng.random()
        if roll < NO_FACE_SHARE:
            picture = _no_face(rng)
        elif roll < NO_FACE_SHARE + 0.15:
            picture = photos["players"] if rng.random() < 0.5 else _collage(rng, portraits)
        else:
            picture = rng.choice(portraits)
        if rng.random() < 0.5:
            picture = ImageOps.mirror(picture)
        picture = _resized(picture, megapixels)
        pixels = np.asarray(picture).copy()
        pixels[0, index % pixels.shape[1]] ^= 0xFF  # unique bytes: no duplicate is skipped
        picture = Image.fromarray(pixels)
        if rng.random() * 100 < GIF_SHARE:
            picture = _resized(picture, min(megapixels, 0.8))
            picture = picture.convert("P", palette=Image.Palette.ADAPTIVE)
            picture.save(folder / f"{index:05d}.gif")
            continue
        fmt, suffix = _format(rng)
        options = {"quality": 88} if fmt in ("JPEG", "WEBP", "HEIF") else {"compress_level": 3}
        picture.save(folder / f"{index:05d}.{suffix}", fmt, **options)
    done.touch()
    return folder


def _size(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.4:
        return rng.uniform(0.3, 1.0)
    if roll < 0.75:
        return rng.uniform(1.0, 4.0)
    return rng.uniform(4.0, 12.0)


def _format(rng: random.Random) -> tuple[str, str]:
    roll = rng.uniform(0, sum(share for _, _, share in FORMATS))
    for fmt, suffix, share in FORMATS:
        if roll < share:
            return fmt, suffix
        roll -= share
    return FORMATS[0][:2]


def _resized(picture: Image.Image, megapixels: float) -> Image.Image:
    scale = (megapixels * 1e6 / (picture.width * picture.height)) ** 0.5
    size = (max(16, round(picture.width * scale)), max(16, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.BICUBIC)


def _no_face(rng: random.Random) -> Image.Image:
    """A landscape-like picture: smooth colour fields with fine noise."""
    coarse = np.random.default_rng(rng.randrange(1 << 30)).integers(0, 255, (6, 8, 3))
    smooth = Image.fromarray(coarse.astype(np.uint8)).resize((800, 600), Image.Resampling.BICUBIC)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, (600, 800, 3))
    return Image.fromarray(np.clip(np.asarray(smooth) + noise, 0, 255).astype(np.uint8))


def _collage(rng: random.Random, portraits: list[Image.Image]) -> Image.Image:
    """A grid of 4 to 9 portraits: many faces of several people."""
    side = rng.choice([2, 3])
    cell = 400
    canvas = Image.new("RGB", (side * cell, side * cell), (230, 230, 230))
    for row in range(side):
        for col in range(side):
            face = ImageOps.fit(rng.choice(portraits), (cell, cell))
            canvas.paste(face, (col * cell, row * cell))
    return canvas


# --- measuring ----------------------------------------------------------------------------


@contextmanager
def cores(count: int) -> Iterator[None]:
    """Run (and start child processes) on the first `count` cores only."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, sorted(before)[:count])
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


class TreeMemory:
    """Peak resident memory of a process (this one by default) and all its descendants."""

    def __init__(self, root: int | None = None) -> None:
        self.root = root if root is not None else os.getpid()
        self.peak_mb = 0.0
        self.peak_main_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = self.root
        while not self._stop.wait(0.1):
            sizes = _rss_by_pid()
            tree = _descendants(me)
            self.peak_main_mb = max(self.peak_main_mb, sizes.get(me, 0) / 1024)
            self.peak_mb = max(self.peak_mb, sum(sizes.get(p, 0) for p in tree) / 1024)


def _rss_by_pid() -> dict[int, int]:
    sizes = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[int(entry.name)] = int(line.split()[1])
            except OSError:
                continue
    return sizes


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {root}
    grew = True
    while grew:
        new = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= new
        grew = bool(new)
    return tree


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# --- the bound: bare sessions, one single-threaded process per core ----------------------

_bare: tuple[object, object] | None = None


def _bare_start(detector: str, recognizer: str) -> None:
    global _bare
    import cv2
    from insightface.model_zoo import model_zoo

    cv2.setNumThreads(1)
    options = face_engine.session_options(threads=1)
    det = model_zoo.get_model(detector, providers=["CPUExecutionProvider"], sess_options=options)
    rec = model_zoo.get_model(recognizer, providers=["CPUExecutionProvider"], sess_options=options)
    # The same graph the engine runs: its PReLU layers as convolutions (engine/prelu.py).
    face_engine._rewrite_prelu(rec, Path(recognizer), options, ["CPUExecutionProvider"])
    det.prepare(-1, det_thresh=face_engine.DETECTION_THRESHOLD, nms_thresh=face_engine.NMS_IOU)
    _bare = (det, rec)


def _bare_image(path: str) -> int:
    """Decode, the scan's detector passes, align and embed every face; returns the faces."""
    import cv2
    from insightface.utils import face_align

    assert _bare is not None
    det, rec = _bare
    data = np.fromfile(path, np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if bgr is None:  # formats OpenCV does not read (HEIF, GIF)
        from likeness_guard.core.imaging.decode import decode_image

        bgr = np.ascontiguousarray(decode_image(data.tobytes(), max_frames=1).frames[0][:, :, ::-1])
    height, width = bgr.shape[:2]
    boxes, kps = det.detect(bgr, input_size=face_engine.WHOLE_IMAGE_SIZES)  # type: ignore[attr-defined]
    found_boxes, found_kps = [boxes], [kps]
    if max(height, width) > face_engine.TILE_ABOVE_PIXELS:
        for x0, y0, x1, y1 in face_engine._tiles(width, height):
            tile = np.ascontiguousarray(bgr[y0:y1, x0:x1])
            t_boxes, t_kps = det.detect(tile, input_size=[(640, 640)])  # type: ignore[attr-defined]
            found_boxes.append(t_boxes + np.array([x0, y0, x0, y0, 0], np.float32))
            found_kps.append(t_kps + np.array([x0, y0], np.float32))
    if not any(len(b) for b in found_boxes):
        # The scan searches a picture without faces again, shrunk and softened, when it has
        # outlines; none of the corpus's faceless pictures has a face for it to find, so
        # only its time counts here.
        scale = min(1.0, face_engine.SOFTENED_DETECTION_SIZE / max(height, width))
        small = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if face_engine.edge_share(small) >= face_engine.DRAWN_EDGE_SHARE:
            softened = cv2.GaussianBlur(small, (0, 0), SMOOTHING_SIGMA)
            det.detect(softened, input_size=face_engine.WHOLE_IMAGE_SIZES)  # type: ignore[attr-defined]
    all_boxes, all_kps = np.vstack(found_boxes), np.vstack(found_kps)
    # A face seen whole and in a tile is embedded once (OpenCV's own NMS): the same faces
    # as the scan embeds, so the bound does not count duplicate work.
    xywh = [[b[0], b[1], b[2] - b[0], b[3] - b[1]] for b in all_boxes.tolist()]
    keep = cv2.dnn.NMSBoxes(xywh, all_boxes[:, 4].tolist(), 0.0, face_engine.NMS_IOU)
    crops = [face_align.norm_crop(bgr, all_kps[i]) for i in np.asarray(keep, int).reshape(-1)]
    for at in range(0, len(crops), face_engine.EMBED_BATCH):
        rec.get_feat(crops[at : at + face_engine.EMBED_BATCH])  # type: ignore[attr-defined]
    return len(crops)


def bound(paths: list[Path], workers: int) -> tuple[float, int]:
    """Images per second of the bare loop on `workers` processes, and faces found."""
    pack = load_model_pack()
    started = time.perf_counter()
    with get_context("spawn").Pool(
        workers, initializer=_bare_start, initargs=(str(pack.detector), str(pack.recognizer))
    ) as pool:
        faces = sum(pool.imap_unordered(_bare_image, [str(p) for p in paths], chunksize=1))
    return len(paths) / (time.perf_counter() - started), faces


def face_analysis(paths: list[Path]) -> tuple[float, int]:
    """Images per second of insightface's FaceAnalysis loop (one process), and faces found."""
    import cv2
    from insightface.app import FaceAnalysis

    pack = load_model_pack()
    with tempfile.TemporaryDirectory() as root:
        models = Path(root) / "models" / "pack"
        models.mkdir(parents=True)
        for model in (pack.detector, pack.recognizer):
            (models / model.name).symlink_to(model)
        app = FaceAnalysis(
            name="pack",
            root=root,
            allowed_modules=["detection", "recognition"],
            providers=["CPUExecutionProvider"],
        )
        app.prepare(ctx_id=-1, det_size=(640, 640))
        started = time.perf_counter()
        faces = 0
        for path in paths:
            bgr = cv2.imdecode(np.fromfile(str(path), np.uint8), cv2.IMREAD_COLOR)
            if bgr is None:
                from likeness_guard.core.imaging.decode import decode_image

                rgb = decode_image(path.read_bytes(), max_frames=1).frames[0]
                bgr = np.ascontiguousarray(rgb[:, :, ::-1])
            faces += len(app.get(bgr))
        return len(paths) / (time.perf_counter() - started), faces


# --- the scan ----------------------------------------------------------------------------


def scan_cold(folder: Path, data: Path, options: ScanOptions) -> tuple[float, int, int]:
    """Seconds of a cold scan of `folder` into a new data folder, with items and faces."""
    engine = FaceEngine()
    with Store.open(data) as store:
        profile = store.profile("me", create=True)
        assert profile is not None
        enroll_file(store, engine, profile, sample_photos()["yaoming"])
        profile = store.profile("me")
        assert profile is not None
        scan_id = 0

        def scan() -> None:
            nonlocal scan_id
            scan_id = run_scan(store, engine, profile, [str(folder)], options)

        seconds = timed(scan)
        counts = store.scan_counts([scan_id])[scan_id]
    return seconds, counts.items, counts.faces


def small_corpus(count: int) -> Path:
    """`count` unique small photos (0.1-0.3 MP JPEG, most with a face), made once."""
    folder = HERE / ".corpus" / f"small-v{CORPUS_VERSION}-{count}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(count)
    photos = [Image.open(path).convert("RGB") for path in sample_photos().values()]
    for index in range(count):
        picture = _no_face(rng) if rng.random() < NO_FACE_SHARE else rng.choice(photos)
        pixels = np.asarray(_resized(picture, rng.uniform(0.1, 0.3))).copy()
        pixels[index // pixels.shape[1] % pixels.shape[0], index % pixels.shape[1]] ^= 0xFF
        pixels[0, 0] = (index % 256, index // 256 % 256, index // 65536)
        Image.fromarray(pixels).save(folder / f"{index:05d}.jpg", quality=90)
    done.touch()
    return folder


def cli_memory(sizes: list[int], out: Path) -> None:
    """Peak memory of `likeness-guard scan` (its whole process tree) on folders of each size."""
    import subprocess
    import sys

    rows = []
    for count in sizes:
        folder = small_corpus(count)
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, "-m", "likeness_guard", "--data-dir", tmp]
            subprocess.run([*command, "enroll", str(sample_photos()["yaoming"])], check=True)
            started = time.perf_counter()
            scan = subprocess.Popen([*command, "scan", str(folder)], stdout=subprocess.DEVNULL)
            with TreeMemory(scan.pid) as memory:
                scan.wait()
            seconds = time.perf_counter() - started
        row = {
            "images": count,
            "seconds": seconds,
            "peak_rss_mb": memory.peak_mb,
            "peak_rss_main_process_mb": memory.peak_main_mb,
        }
        rows.append(row)
        print(
            f"{count} images in {seconds:.0f} s: peak {memory.peak_mb:.0f} MB for the process "
            f"tree ({memory.peak_main_mb:.0f} MB the scan's own process)",
            flush=True,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cli_scan_memory": rows}, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--scaling-images", type=int, default=200)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument(
        "--memory",
        type=int,
        nargs="+",
        metavar="N",
        help="instead: peak memory of CLI scans of N small photos (e.g. 2000 10000), "
        "written to benchmarks/results/memory.json",
    )
    args = parser.parse_args()
    if args.memory:
        cli_memory(args.memory, HERE / "results" / "memory.json")
        return
    machine_cores = available_cores()
    import pillow_heif

    pillow_heif.register_heif_opener()  # the corpus has HEIF photos
    print(f"building the corpus of {args.images} images (once) ...", flush=True)
    folder = build_corpus(args.images)
    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    megapixels = [Image.open(p).size for p in paths]
    print(
        f"{len(paths)} images, {sum(w * h for w, h in megapixels) / 1e6 / len(paths):.1f} MP "
        f"on average, on {machine_cores} cores ({platform.processor() or platform.machine()})",
        flush=True,
    )
    options = ScanOptions(threshold=0.36)  # the AI-marker checks on, as the app scans

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        with TreeMemory() as memory:
            cold, items, faces = scan_cold(folder, data, options)
        scan_rate = items / cold
        print(f"scan, cold: {cold:.1f} s, {scan_rate:.2f} images/s, {faces / cold:.1f} faces/s")
        bound_rate, bound_faces = bound(paths, machine_cores)
        print(f"bound: {bound_rate:.2f} images/s ({bound_faces} faces)")

        engine = FaceEngine()
        with Store.open(data) as store:
            profile = store.profile("me")
            assert profile is not None
            started = time.perf_counter()
            scan_id = run_scan(store, engine, profile, [str(folder)], options)
            rescan = time.perf_counter() - started
            second = Path(tmp) / "second.png"
            ImageOps.mirror(Image.open(sample_photos()["yaoming"])).save(second)
            enroll_file(store, engine, profile, second)
            rematch = timed(lambda: reviewing.rematch(store, scan_id))
        print(f"rescan: {rescan:.2f} s ({rescan / cold:.1%}); rematch {rematch:.2f} s")

    subset = paths[: args.scaling_images]
    fa_rate, fa_faces = face_analysis(subset)
    with tempfile.TemporaryDirectory() as tmp:
        sub_folder = Path(tmp) / "subset"
        sub_folder.mkdir()
        for path in subset:
            _place(path, sub_folder)
        subset_cold, subset_items, _ = scan_cold(sub_folder, Path(tmp) / "fa", options)
    print(
        f"FaceAnalysis (640 only, one process): {fa_rate:.2f} images/s on {len(subset)} "
        f"images ({fa_faces} faces); the scan: {subset_items / subset_cold:.2f}"
    )

    scaling = []
    counts = sorted({c for c in (1, 2, 4, 8, 16, 32, 64) if c < machine_cores} | {machine_cores})
    for count in counts:
        with cores(count), tempfile.TemporaryDirectory() as tmp:
            sub_folder = Path(tmp) / "subset"
            sub_folder.mkdir()
            for path in subset:
                _place(path, sub_folder)
            seconds, done, _ = scan_cold(sub_folder, Path(tmp) / "data", options)
            bare, _ = bound(subset, count)
        row = {"cores": count, "scan_images_per_s": done / seconds, "bound_images_per_s": bare}
        scaling.append(row)
        print(
            f"{count:>3} cores: scan {row['scan_images_per_s']:.2f}, bound {bare:.2f} images/s "
            f"({row['scan_images_per_s'] / bare:.0%})",
            flush=True,
        )

    result = {
        "machine": {
            "cores": machine_cores,
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
        },
        "images": len(paths),
        "mean_megapixels": sum(w * h for w, h in megapixels) / 1e6 / len(paths),
        "faces": faces,
        "cold_seconds": cold,
        "scan_images_per_s": scan_rate,
        "scan_faces_per_s": faces / cold,
        "bound_images_per_s": bound_rate,
        "ratio_to_bound": scan_rate / bound_rate,
        "faceanalysis_images_per_s": fa_rate,
        "ratio_to_faceanalysis": (subset_items / subset_cold) / fa_rate,
        "faceanalysis_images": len(subset),
        "scaling": scaling,
        "scaling_images": len(subset),
        "rescan_seconds": rescan,
        "rescan_fraction": rescan / cold,
        "rematch_seconds": rematch,
        "rematch_fraction": rematch / cold,
        "peak_rss_mb": memory.peak_mb,
        "peak_rss_main_process_mb": memory.peak_main_mb,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"ratio to the bound: {result['ratio_to_bound']:.2f}; written to {args.out}")


def _place(path: Path, folder: Path) -> None:
    """The image in `folder` as a hard link (a copy where none can be made): a scan skips
    symbolic links that lead outside the folder chosen (issue 31), so the subset's were not
    scanned at all (0 images/s)."""
    try:
        os.link(path, folder / path.name)
    except OSError:
        shutil.copyfile(path, folder / path.name)


if __name__ == "__main__":
    main()
