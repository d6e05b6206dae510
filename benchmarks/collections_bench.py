"""Collections at scale: the Ray engine against the local engine, and the vector index.

Measured in one run, on this machine:

- engines: the same images (made from the photos that ship in pip packages, 0.2-2 MP,
  JPEG) analysed by the local engine (the scan's process pool) and by the Ray engine on a
  local Ray cluster, each with 1 and 2 workers. images/s over the whole run (startup
  included) and in the steady state (from the first image back to the last), and Ray's
  ratio to local at the same number of workers (cores).
- index: FACES synthetic unit vectors (512 dimensions) with, for each of 5 reference
  embeddings, 50 planted faces at cosines spread from 0.25 to 0.90; build time, query time
  for the 5 references (median of 5), recall against an exact search at the floor (0.25,
  the lowest a face is listed at) and at the balanced threshold (0.36), memory, disk.
- half precision: how far a cosine moves when embeddings are kept as float16.
- on paper: machines and hours for 10 million images on N nodes from the per-core rate.

Writes benchmarks/results/collections.json. Run: make bench-cluster, or
.venv/bin/python benchmarks/collections_bench.py [--images N] [--faces N ...]
"""

import argparse
import io
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from likeness_guard.core.collections.analysis import AnalysisRequest, AnalysisSettings
from likeness_guard.core.collections.local_engine import LocalEngine
from likeness_guard.core.collections.records import ImageSource
from likeness_guard.core.collections.vector_index import (
    FaceIndex,
    complete_index,
    exact_vectors,
    index_workspace,
)
from likeness_guard.core.domain.records import FileFacts
from likeness_guard.core.engine.face_engine import FaceEngine, available_cores
from likeness_guard.core.engine.model_pack import sample_photos

HERE = Path(__file__).parent
REFERENCES = 5
PLANTED = 50
FLOOR = 0.25
THRESHOLD = 0.36


def make_images(folder: Path, count: int) -> list[Path]:
    """`count` JPEGs from the sample photos, resized and re-encoded so no two are alike."""
    rng = np.random.default_rng(5)
    pictures = [Image.open(p).convert("RGB") for p in sample_photos().values()]
    paths = []
    for number in range(count):
        picture = pictures[number % len(pictures)]
        scale = float(rng.uniform(0.6, 1.6))
        size = (max(64, int(picture.width * scale)), max(64, int(picture.height * scale)))
        buffer = io.BytesIO()
        picture.resize(size).save(buffer, format="JPEG", quality=int(rng.integers(60, 95)))
        path = folder / f"{number:05d}.jpg"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def requests(paths: list[Path], with_bytes: bool) -> Iterator[AnalysisRequest]:
    for number, path in enumerate(paths):
        facts = FileFacts(str(path), path.stat().st_size, "")
        yield AnalysisRequest(
            number, ImageSource(str(path), facts), path.read_bytes() if with_bytes else None
        )


def timed(analyse: Any, paths: list[Path], with_bytes: bool) -> dict[str, float]:
    """images/s of one engine over `paths`: whole run, and from the first image back."""
    started = time.monotonic()
    first = None
    count = 0
    for _ in analyse(requests(paths, with_bytes)):
        count += 1
        first = first or time.monotonic()
    ended = time.monotonic()
    assert count == len(paths)
    assert first is not None
    return {
        "seconds": round(ended - started, 3),
        "images_per_s": round(count / (ended - started), 3),
        "steady_images_per_s": round((count - 1) / max(ended - first, 1e-9), 3),
    }


def engines(count: int) -> dict[str, Any]:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray

    from likeness_guard.core.collections.ray_engine import RayEngine

    engine = FaceEngine(threads=1)
    settings = AnalysisSettings()
    results: dict[str, Any] = {"images": count}
    with tempfile.TemporaryDirectory() as temp:
        paths = make_images(Path(temp), count)
        ray.init(num_cpus=available_cores(), include_dashboard=False, log_to_driver=False,
                 _node_ip_address="127.0.0.1")  # fmt: skip
        try:
            for workers in (1, 2):
                local = LocalEngine(engine, settings, workers=workers, expected=count)
                results[f"local_{workers}"] = timed(local.analyse, paths, with_bytes=True)
                remote = RayEngine(engine.pack, settings, workers=workers)
                results[f"ray_{workers}"] = timed(remote.analyse, paths, with_bytes=False)
                for kind in ("images_per_s", "steady_images_per_s"):
                    ratio = results[f"ray_{workers}"][kind] / results[f"local_{workers}"][kind]
                    results[f"ray_to_local_{workers}_{kind}"] = round(ratio, 3)
                print(
                    workers,
                    "workers:",
                    results[f"local_{workers}"],
                    results[f"ray_{workers}"],
                    flush=True,
                )
        finally:
            ray.shutdown()
    return results


def unit(rows: np.ndarray) -> np.ndarray:
    normalised: np.ndarray = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return normalised


def index_at(faces: int, folder: Path) -> dict[str, Any]:
    """Build and query the index over `faces` synthetic faces with planted matches."""
    rng = np.random.default_rng(faces)
    queries = unit(rng.standard_normal((REFERENCES, 512), dtype=np.float32))
    planted = rng.choice(faces, REFERENCES * PLANTED, replace=False).reshape(REFERENCES, PLANTED)
    cosines = np.linspace(FLOOR, 0.90, PLANTED)
    started = time.monotonic()
    building = index_workspace(folder)
    vectors = exact_vectors(building, faces)
    exact: dict[float, set[int]] = {FLOOR: set(), THRESHOLD: set()}
    half_error = 0.0
    chunk = 250_000
    for start in range(0, faces, chunk):
        block = unit(rng.standard_normal((min(chunk, faces - start), 512), dtype=np.float32))
        for query, rows in zip(queries, planted, strict=True):
            inside = rows[(rows >= start) & (rows < start + len(block))]
            for row in inside:
                other = rng.standard_normal(512).astype(np.float32)
                other = other - (other @ query) * query
                cosine = cosines[list(rows).index(row)]
                block[row - start] = cosine * query + np.sqrt(
                    1 - cosine**2
                ) * other / np.linalg.norm(other)
        similarities = block @ queries.T
        for level in exact:
            exact[level].update((np.nonzero(similarities.max(axis=1) >= level)[0] + start).tolist())
        halves = block.astype(np.float16)
        half_error = max(
            half_error, float(np.abs(halves.astype(np.float32) @ queries.T - similarities).max())
        )
        vectors[start : start + len(block)] = block
    generated = time.monotonic() - started
    built_from = time.monotonic()
    info = complete_index(
        folder, building, vectors, np.arange(faces, dtype=np.int64), (), built_from
    )
    index = FaceIndex(folder)
    times, cpu = [], []  # wall clock, and this process's CPU time (the 2 cores are shared)
    for _ in range(5):
        began, began_cpu = time.monotonic(), time.process_time()
        rows = index.candidates(queries, FLOOR)
        times.append(time.monotonic() - began)
        cpu.append(time.process_time() - began_cpu)
    # Recall of the index: the faces an exact search finds at or above the level that the
    # index hands on to the exact comparison (matching.py compares those as a scan does).
    recall = {}
    handed_on = set(rows.tolist())
    for level, truth in exact.items():
        recall[str(level)] = round(len(handed_on & truth) / max(1, len(truth)), 5)
    disk = {p.name: p.stat().st_size for p in (folder / "index").iterdir()}
    return {
        "faces": faces,
        "kind": info.kind,
        "generate_seconds": round(generated, 1),
        "build_seconds": round(info.seconds, 1),
        "query_ms_median": round(statistics.median(times) * 1000, 1),
        "query_ms_first": round(times[0] * 1000, 1),
        "query_cpu_ms_median": round(statistics.median(cpu) * 1000, 1),
        "pq_margin": info.pq_margin,
        "candidates": len(rows),
        "exact_at_floor": len(exact[FLOOR]),
        "recall": recall,
        "half_precision_max_cosine_error": round(half_error, 6),
        "load_average": [round(v, 1) for v in os.getloadavg()],
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "disk_bytes": disk,
    }


def on_paper(per_core: float, ray_ratio: float) -> list[dict[str, Any]]:
    """Hours for 10 million images on N nodes of 16 cores at the measured per-core rate."""
    rows = []
    for nodes in (1, 4, 16, 64):
        rate = per_core * 16 * nodes * ray_ratio
        rows.append({"nodes": nodes, "cores": 16 * nodes, "images_per_s": round(rate, 1),
                     "hours": round(10_000_000 / rate / 3600, 1)})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=48)
    parser.add_argument("--faces", type=int, nargs="*", default=[1_000_000])
    parser.add_argument("--skip-engines", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"cores": available_cores(), "processor": platform.machine(),
                    "python": platform.python_version()},
    }  # fmt: skip
    if not args.skip_engines:
        results["engines"] = engines(args.images)
        per_core = results["engines"]["local_1"]["steady_images_per_s"]
        ratio = results["engines"]["ray_to_local_2_steady_images_per_s"]
        results["paper_10M_images"] = {"per_core_images_per_s": per_core, "ray_ratio": ratio,
                                       "nodes": on_paper(per_core, min(ratio, 1.0))}  # fmt: skip
    results["index"] = []
    for faces in args.faces:
        with tempfile.TemporaryDirectory(dir=HERE) as temp:
            results["index"].append(index_at(faces, Path(temp)))
            print(results["index"][-1], flush=True)
    out = HERE / "results" / "collections.json"
    if args.skip_engines and out.exists():  # keep the engines measured by an earlier run
        earlier = json.loads(out.read_text())
        results = {**earlier, **results, "index": results["index"]}
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
