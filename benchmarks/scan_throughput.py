"""Scan speed against a baseline run in the same process, on the shipped sample photos.

Baseline: the minimal insightface loop (cv2.imread, SCRFD at 640, ArcFace one face at a
time, onnxruntime's default session options). Ours: `run_scan` end to end (walk, read,
hash, decode with EXIF, two detector sizes plus tiles, batched embeddings, matching,
SQLite writes), with and without the synthetic-media checks.
Run: .venv/bin/python benchmarks/scan_throughput.py [COPIES]
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.storage.store import Store


def make_folder(folder: Path, copies: int) -> list[Path]:
    """Copies of the sample photos, each with one pixel changed so none is a duplicate."""
    photos = sample_photos()
    sources = [photos["players"], photos["gdp"], photos["yaoming"], photos["t1"]]
    paths = []
    for copy in range(copies):
        for source in sources:
            image = Image.open(source).convert("RGB")
            pixels = np.array(image)
            pixels[copy // pixels.shape[1], copy % pixels.shape[1]] ^= 0xFF
            path = folder / f"{copy:03d}_{source.name}"
            Image.fromarray(pixels).save(path, quality=92)
            paths.append(path)
    return paths


def baseline(paths: list[Path]) -> float:
    """Images per second of the minimal insightface loop."""
    import cv2
    from insightface.model_zoo import model_zoo
    from insightface.utils import face_align

    from likeness_guard.core.engine.model_pack import load_model_pack

    pack = load_model_pack()
    detector = model_zoo.get_model(str(pack.detector), providers=["CPUExecutionProvider"])
    recognizer = model_zoo.get_model(str(pack.recognizer), providers=["CPUExecutionProvider"])
    detector.prepare(-1, input_size=(640, 640))
    detector.detect(cv2.imread(str(paths[0])), input_size=(640, 640))  # warm-up
    started = time.perf_counter()
    for path in paths:
        image = cv2.imread(str(path))
        _, landmarks = detector.detect(image, input_size=(640, 640))
        for kps in landmarks:
            recognizer.get_feat([face_align.norm_crop(image, kps)])
    return len(paths) / (time.perf_counter() - started)


def ours(paths: list[Path], folder: Path, provenance: bool) -> float:
    with tempfile.TemporaryDirectory() as data, Store.open(data) as store:
        engine = FaceEngine()
        profile = store.profile("me", create=True)
        assert profile is not None
        enroll_file(store, engine, profile, sample_photos()["yaoming"])  # and a warm-up
        profile = store.profile("me")
        assert profile is not None
        started = time.perf_counter()
        run_scan(
            store,
            engine,
            profile,
            [str(folder)],
            ScanOptions(threshold=0.36, check_provenance=provenance),
            sources=iter_path_items([folder]),
        )
        return len(paths) / (time.perf_counter() - started)


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_folder(folder, copies)
        faces = 22 + 5 + 1 + 6
        print(f"{len(paths)} images (0.1-1.1 MP, {faces * copies} faces in all)")
        base = baseline(paths)
        per_image = faces / 4
        print(f"baseline (minimal insightface loop): {base:.1f} images/s")
        for provenance in (False, True):
            rate = ours(paths, folder, provenance)
            label = "with" if provenance else "without"
            print(
                f"likeness-guard scan, {label} AI-marker checks: {rate:.1f} images/s, "
                f"{rate * per_image:.0f} faces/s ({rate / base:.2f}x baseline)"
            )


if __name__ == "__main__":
    main()
