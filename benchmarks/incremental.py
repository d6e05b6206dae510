"""Rescan and re-match as fractions of a cold scan, measured in the same run.

A folder of unique images made from the shipped sample photos (each copy differs by one
pixel, so none is skipped as a duplicate) is scanned cold; then scanned again unchanged (the
face cache answers: no decoding, detection or recognition); then, after a second reference
photo is enrolled, re-matched from the stored faces without reading any file.
Run: .venv/bin/python benchmarks/incremental.py [COPIES]  (images = 5 x COPIES)
"""

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from likeness_guard.core import services
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.storage.store import Store


def make_folder(folder: Path, copies: int) -> int:
    """Unique copies of the five sample photos; returns how many images were written."""
    count = 0
    for source in sample_photos().values():
        pixels = np.array(Image.open(source).convert("RGB"))
        for copy in range(copies):
            changed = pixels.copy()
            changed[copy // changed.shape[1], copy % changed.shape[1]] ^= 0xFF
            Image.fromarray(changed).save(folder / f"{copy:03d}_{source.stem}.jpg", quality=92)
            count += 1
    return count


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(copies: int) -> None:
    engine = FaceEngine()
    photos = sample_photos()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "images"
        folder.mkdir()
        images = make_folder(folder, copies)
        second = root / "yao_mirrored.png"
        ImageOps.mirror(Image.open(photos["yaoming"]).convert("RGB")).save(second)
        options = ScanOptions(threshold=0.36)  # AI-marker checks on, as a default scan
        with Store.open(root / "data") as store:
            profile = store.profile("me", create=True)
            assert profile is not None
            enroll_file(store, engine, profile, photos["yaoming"])
            scan_ids: list[int] = []

            def scan() -> None:
                scan_ids.append(run_scan(store, engine, profile, [str(folder)], options))

            cold = timed(scan)
            rescan = timed(scan)
            enroll_file(store, engine, profile, second)
            rematch = timed(lambda: services.rematch(store, scan_ids[0]))
            counts = store.scan_counts(scan_ids)
            faces = counts[scan_ids[0]].faces
            assert counts[scan_ids[1]].faces == faces
    print(f"{images} images, {faces} faces")
    print(f"cold scan   {cold:8.2f} s  {images / cold:6.1f} images/s  1.000")
    print(f"rescan      {rescan:8.2f} s  {images / rescan:6.1f} images/s  {rescan / cold:.3f}")
    print(f"re-match    {rematch:8.2f} s  {images / rematch:6.1f} images/s  {rematch / cold:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
