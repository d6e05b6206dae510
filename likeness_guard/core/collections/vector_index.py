"""The vector index of a collection: built once, stored beside it, queried per case.

Two stages, then the scan's own decision. A product-quantised index (faiss
`IndexPQFastScan`: 128 bytes per face, scanned with SIMD lookups) gives the faces whose
approximate similarity to a reference is highest, as many as it takes for the last of them
to be well below the lowest similarity a face can be listed at (by a margin measured when
the index is built); a memory-mapped float32 copy of every embedding re-ranks those
exactly, keeping the faces at or above it (`EXACT_SLACK` below, for rounding).
matching.py then compares the candidate images' faces as kept in the shards exactly as a
scan does. A small collection skips the first stage (a plain pass over the float32 copy is
faster than any index there).

The copy is float32, not float16: half precision would halve its disk space (1 GB instead
of 2 GB a million faces) and moves a cosine by at most 6e-5 (benchmarks/collections_bench.py),
but converting the candidates back to float32 for the product took longer than reading them.

Why this and not a graph index (HNSW): a face that matches a reference at 0.3 need not be
near the other faces that do, and on vectors without clusters a graph search misses them;
the quantised scan looks at every face and missed none in benchmarks/collections_bench.py.
"""

import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from likeness_guard.core.collections.names import INDEX_FOLDER
from likeness_guard.core.collections.records import EMBEDDING_SIZE
from likeness_guard.core.collections.shards import Manifest, face_matrix, face_shards, image_rows
from likeness_guard.core.domain.records import utc_now
from likeness_guard.core.engine.face_engine import available_cores
from likeness_guard.core.storage.fs import atomic_output, write_atomic

# Below this many faces there is no quantised index: the exact pass is enough.
PQ_FROM_FACES = 50_000
# 2 dimensions per 4-bit code: 128 bytes per face. With 4 dimensions (64 bytes) the
# quantised similarity of a face at 0.25 fell 0.09 short on average, as far as 0.17, and the
# noise of a million strangers reached that far: too close to tell apart.
PQ_SUBQUANTIZERS = EMBEDDING_SIZE // 2
PQ_TRAINING = 65_536
# How far below its true similarity the index may put a face: measured when the index is
# built (`_calibrated_margin`), at least this. Faces are taken from the index until the last
# one taken is this far below the floor.
PQ_SLACK = 0.08
# The calibration: stored faces, each with a query made at this similarity to it.
CALIBRATION_FACES = 4096
CALIBRATION_COSINE = 0.25
CALIBRATION_SIGMAS = 6.0
LUT_ROUNDING = 0.01  # the scan's look-up tables are rounded to 8 bits: a little more
FIRST_K = 4096  # a search costs about the same for any k: one pass is cheaper than two
# The copy holds the shards' float32 numbers; only the order of the sums may differ.
EXACT_SLACK = 1e-3
_BLOCK = 65_536  # rows compared at once in the exact pass
_INFO = "index.json"
_VECTORS = "vectors.f32.npy"
_IMAGES = "image_ids.npy"
_PQ = "pq.faiss"


@dataclass(frozen=True)
class IndexInfo:
    """What an index was built from, and how."""

    kind: str  # "pq-fastscan" or "exact"
    faces: int
    shards: tuple[str, ...]  # the manifest's shards it covers: any other set makes it stale
    built_at: str
    seconds: float
    pq_margin: float = PQ_SLACK  # how far below the floor to take faces from the index


def live_image_ids(folder: Path, manifest: Manifest) -> np.ndarray:
    """Ids of the images whose row is the latest for its source (a changed file's new row
    replaces its old one), sorted."""
    import pyarrow as pa

    rows = image_rows(folder, manifest, ("image_id", "source"))
    if rows.num_rows == 0:
        return np.zeros(0, dtype=np.int64)
    latest = pa.TableGroupBy(rows, "source").aggregate([("image_id", "max")])
    return np.sort(latest["image_id_max"].to_numpy())


def build_index(folder: Path, manifest: Manifest) -> IndexInfo:
    """Build the index of every live face and store it beside the collection (replacing
    the one there, whole or not at all)."""
    started = time.monotonic()
    live = live_image_ids(folder, manifest)
    building = index_workspace(folder)
    total = sum(int(np.isin(t["image_id"].to_numpy(), live).sum()) for t in _ids(folder, manifest))
    vectors = exact_vectors(building, total)
    image_ids = np.zeros(total, dtype=np.int64)
    row = 0
    for faces in face_shards(folder, manifest):
        keep = np.isin(faces["image_id"].to_numpy(), live)
        matrix = face_matrix(faces)[keep]
        vectors[row : row + len(matrix)] = matrix
        image_ids[row : row + len(matrix)] = faces["image_id"].to_numpy()[keep]
        row += len(matrix)
    shards = tuple(s.name for s in manifest.shards)
    return complete_index(folder, building, vectors, image_ids, shards, started)


def index_workspace(folder: Path) -> Path:
    """An empty folder beside the collection to build a new index in."""
    building = folder / (INDEX_FOLDER + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(mode=0o700, parents=True)
    return building


def exact_vectors(building: Path, total: int) -> np.ndarray:
    """The index's float32 copy of the embeddings, mapped, to fill row by row."""
    shape = (total, EMBEDDING_SIZE)
    matrix: np.ndarray = np.lib.format.open_memmap(
        building / _VECTORS, mode="w+", dtype=np.float32, shape=shape
    )
    return matrix


def complete_index(
    folder: Path,
    building: Path,
    vectors: np.ndarray,
    image_ids: np.ndarray,
    shards: tuple[str, ...],
    started: float,
) -> IndexInfo:
    """Quantise the filled vectors (when there are enough), describe the index, and put it
    in place of the collection's old one."""
    if isinstance(vectors, np.memmap):
        vectors.flush()
    np.save(building / _IMAGES, image_ids)
    kind, margin = "exact", PQ_SLACK
    if len(vectors) >= PQ_FROM_FACES:
        margin = _write_pq(building / _PQ, vectors)
        kind = "pq-fastscan"
    seconds = time.monotonic() - started
    info = IndexInfo(kind, len(vectors), shards, utc_now(), seconds, round(margin, 4))
    write_atomic(building / _INFO, json.dumps(asdict(info)).encode())
    target = folder / INDEX_FOLDER
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    return info


def _ids(folder: Path, manifest: Manifest) -> Any:
    import pyarrow.parquet as pq

    from likeness_guard.core.collections.names import FACES_SUFFIX, SHARDS_FOLDER

    for shard in manifest.shards:
        yield pq.read_table(
            folder / SHARDS_FOLDER / (shard.name + FACES_SUFFIX), columns=["image_id"]
        )


def _write_pq(path: Path, vectors: np.ndarray) -> float:
    """Train, fill and write the quantised index; returns its calibrated margin."""
    import faiss

    faiss.omp_set_num_threads(available_cores())
    index = faiss.IndexPQFastScan(EMBEDDING_SIZE, PQ_SUBQUANTIZERS, 4, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(
        len(vectors), min(len(vectors), PQ_TRAINING), replace=False
    )
    trained = np.ascontiguousarray(vectors[np.sort(sample)], dtype=np.float32)
    index.train(trained)
    for start in range(0, len(vectors), _BLOCK):
        index.add(np.ascontiguousarray(vectors[start : start + _BLOCK], dtype=np.float32))
    with atomic_output(path) as temporary:
        faiss.write_index(index, str(temporary))
    return _calibrated_margin(index, trained[:CALIBRATION_FACES])


def _calibrated_margin(index: Any, faces: np.ndarray) -> float:
    """How far the index may put a face below its true similarity, on these faces: for
    each, a query at CALIBRATION_COSINE to it, compared with the face as the index keeps
    it; the mean shortfall and CALIBRATION_SIGMAS spreads, the look-up rounding on top."""
    rng = np.random.default_rng(1)
    other = rng.standard_normal(faces.shape).astype(np.float32)
    other -= (other * faces).sum(axis=1, keepdims=True) * faces
    other /= np.linalg.norm(other, axis=1, keepdims=True)
    cosine = CALIBRATION_COSINE
    queries = cosine * faces + np.sqrt(1 - cosine**2) * other
    kept = index.pq.decode(index.pq.compute_codes(faces))
    shortfall = cosine - (queries * kept).sum(axis=1)
    spread = float(shortfall.mean() + CALIBRATION_SIGMAS * shortfall.std())
    return max(PQ_SLACK, spread + LUT_ROUNDING)


def index_info(folder: Path) -> IndexInfo | None:
    try:
        data = json.loads((folder / INDEX_FOLDER / _INFO).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return IndexInfo(**{**data, "shards": tuple(data["shards"])})


def current_index(folder: Path, manifest: Manifest) -> IndexInfo | None:
    """The stored index when it covers exactly the collection's shards; None otherwise."""
    info = index_info(folder)
    shards = tuple(s.name for s in manifest.shards)
    return info if info is not None and info.shards == shards else None


class FaceIndex:
    """A stored index, opened: its float32 copy is mapped, not read."""

    def __init__(self, folder: Path) -> None:
        base = folder / INDEX_FOLDER
        self.info = index_info(folder)
        self.vectors: np.ndarray = np.load(base / _VECTORS, mmap_mode="r")
        self.image_ids: np.ndarray = np.load(base / _IMAGES)
        self._pq: Any = None
        self._margin = self.info.pq_margin if self.info is not None else PQ_SLACK
        if (base / _PQ).exists():
            import faiss

            # One thread: a case has a few references, and threads splitting them each
            # scan every code (measured slower on 2 cores).
            faiss.omp_set_num_threads(1)
            self._pq = faiss.read_index(str(base / _PQ))

    def candidates(self, queries: np.ndarray, floor: float) -> np.ndarray:
        """Rows of the faces whose similarity to any query may reach `floor` (every such
        face, and a few below it), sorted."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
        if len(self.image_ids) == 0 or len(queries) == 0:
            return np.zeros(0, dtype=np.int64)
        rows = self._from_pq(queries, floor) if self._pq is not None else None
        return self._rerank(queries, floor, rows)

    def _from_pq(self, queries: np.ndarray, floor: float) -> np.ndarray:
        k = min(FIRST_K, len(self.image_ids))
        while True:
            scores, rows = self._pq.search(queries, k)
            rows = np.asarray(rows, dtype=np.int64)
            if k >= len(self.image_ids) or scores[:, -1].max() < floor - self._margin:
                close = (rows >= 0) & (scores >= floor - self._margin)
                found: np.ndarray = np.unique(rows[close])
                return found
            k = min(k * 4, len(self.image_ids))

    def _rerank(self, queries: np.ndarray, floor: float, rows: np.ndarray | None) -> np.ndarray:
        kept: list[np.ndarray] = []
        if rows is not None:
            close = self._close(self.vectors[rows], queries, floor)
            chosen: np.ndarray = rows[close]
            return chosen
        for start in range(0, len(self.image_ids), _BLOCK):
            close = self._close(self.vectors[start : start + _BLOCK], queries, floor)
            kept.append(np.nonzero(close)[0] + start)
        return np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)

    @staticmethod
    def _close(vectors: np.ndarray, queries: np.ndarray, floor: float) -> np.ndarray:
        similarities = np.asarray(vectors, dtype=np.float32) @ queries.T
        result: np.ndarray = similarities.max(axis=1) >= floor - EXACT_SLACK
        return result
