"""What the turned search costs a cold scan (issue 28): with and without it, in one run.

A smaller same-run stand-in for `make bench` on a busy machine: the first IMAGES images of
the scan benchmark's corpus (benchmarks/.corpus, made by scan_at_scale.py: mixed sizes and
formats, 15 % without a face) are copied to a folder and scanned cold (a new data folder
each time, so nothing comes from the face cache) by `run_scan` end to end: read, hashed,
decoded, checked for AI markers, faces found and matched, written to SQLite. One worker in
this process, so that both engines are the ones measured; the two ways alternate (with,
without, without, with, ...) so that a machine busy with other work burdens both alike.

Run: .venv/bin/python benchmarks/turned_cost.py [--images N] [--rounds N]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.storage.store import Store

HERE = Path(__file__).parent


class WithoutTurns(FaceEngine):
    """The engine as it was before issue 28's turned search."""

    def analyze(self, rgb: np.ndarray, **kwargs: Any) -> list[DetectedFace]:
        kwargs["turns"] = False
        return super().analyze(rgb, **kwargs)


class Counting(FaceEngine):
    """The shipped engine, counting the pictures in which a face was found turned."""

    turned = 0

    def analyze(self, rgb: np.ndarray, **kwargs: Any) -> list[DetectedFace]:
        faces = super().analyze(rgb, **kwargs)
        Counting.turned += any(face.turned for face in faces)
        return faces


def corpus(count: int, into: Path) -> Path:
    folders = sorted((HERE / ".corpus").glob("v*-*"))
    if not folders:
        sys.exit("no corpus: run `make bench` (benchmarks/scan_at_scale.py) once to make it")
    files = sorted(p for p in folders[-1].iterdir() if not p.name.startswith("."))[:count]
    folder = into / "corpus"
    folder.mkdir()
    for path in files:
        shutil.copy2(path, folder / path.name)
    return folder


def cold_scan(engine: FaceEngine, folder: Path, data: Path) -> tuple[float, float, int, int]:
    """Seconds of a cold scan of `folder` into the new data folder `data` (wall clock, and
    this process's CPU time, which other programs on a busy machine disturb far less);
    items, faces."""
    with Store.open(data) as store:
        profile = store.profile("me", create=True)
        assert profile is not None
        enroll_file(store, engine, profile, sample_photos()["yaoming"])
        profile = store.profile("me")
        assert profile is not None
        options = ScanOptions(threshold=0.36, workers=1)
        started, cpu = time.perf_counter(), time.process_time()
        scan_id = run_scan(store, engine, profile, [str(folder)], options)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = store.scan_counts([scan_id])[scan_id]
    return seconds, cpu, counts.items, counts.faces


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    engines: dict[str, FaceEngine] = {
        "with": Counting(threads=1),
        "without": WithoutTurns(threads=1),
    }
    times: dict[str, list[float]] = {"with": [], "without": []}
    cpu_times: dict[str, list[float]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory() as temp:
        folder = corpus(args.images, Path(temp))
        for number in range(args.rounds):
            order = ("with", "without") if number % 2 == 0 else ("without", "with")
            for way in order:
                seconds, cpu, items, faces = cold_scan(
                    engines[way], folder, Path(temp) / f"data-{way}-{number}"
                )
                times[way].append(seconds)
                cpu_times[way].append(cpu)
                print(
                    f"round {number + 1}, {way} the turned search: {seconds:.1f} s "
                    f"(CPU {cpu:.1f} s), {items} items, {faces} faces",
                    flush=True,
                )
    print(f"\ncold scan of {args.images} corpus images, one worker, median of {args.rounds}:")
    for label, measured in (("wall clock", times), ("CPU time", cpu_times)):
        with_s = statistics.median(measured["with"])
        without_s = statistics.median(measured["without"])
        print(
            f"{label}: {1000 * without_s / args.images:.0f} ms per image without the turned "
            f"search, {1000 * with_s / args.images:.0f} ms with it: "
            f"{with_s / without_s:.3f} times"
        )
    print(f"pictures with a face found turned: {Counting.turned // args.rounds}")


if __name__ == "__main__":
    main()
