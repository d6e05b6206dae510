"""The vector index finds every face at or above the floor that an exact search finds."""

from pathlib import Path

import numpy as np
import pytest

from likeness_guard.core.collections import vector_index
from likeness_guard.core.collections.records import ImageRecord, ImageSource
from likeness_guard.core.collections.shards import add_shard, new_manifest, read_manifest
from likeness_guard.core.collections.vector_index import FaceIndex, build_index, current_index
from likeness_guard.core.storage.face_cache import CachedFace


def planted(count: int, queries: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Random unit vectors with, for each query, 20 planted at cosines 0.24 to 0.9."""
    vectors = rng.standard_normal((count, 512), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows = rng.choice(count, 20 * len(queries), replace=False).reshape(len(queries), 20)
    for query, chosen in zip(queries, rows, strict=True):
        for row, cosine in zip(chosen, np.linspace(0.24, 0.9, 20), strict=True):
            other = rng.standard_normal(512).astype(np.float32)
            other -= (other @ query) * query
            other /= np.linalg.norm(other)
            vectors[row] = cosine * query + np.sqrt(1 - cosine**2) * other
    return vectors, len(rows.ravel())


def _collection(folder: Path, vectors: np.ndarray, per_image: int = 10) -> None:
    manifest = new_manifest("c", "pack:1", "pack")
    records = []
    for start in range(0, len(vectors), per_image):
        faces = tuple(
            CachedFace(0, (0.0, 0.0, 80.0, 80.0), 0.9, vector)
            for vector in vectors[start : start + per_image]
        )
        origin = ImageSource(f"/pics/{start}.jpg")
        records.append(ImageRecord(start // per_image, origin, 1, None, None, None, faces=faces))
    for start in range(0, len(records), 2000):
        manifest = add_shard(folder, manifest, records[start : start + 2000])


@pytest.mark.parametrize("quantised", [False, True])
def test_the_index_misses_no_face_an_exact_search_finds(
    tmp_path: Path, quantised: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(11)
    queries = rng.standard_normal((3, 512), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    vectors, _ = planted(20_000, queries, rng)
    if quantised:  # the quantised index from this many faces on (50 000 in the app)
        monkeypatch.setattr(vector_index, "PQ_FROM_FACES", 10_000)
    _collection(tmp_path, vectors)
    manifest = read_manifest(tmp_path)
    assert manifest is not None
    assert current_index(tmp_path, manifest) is None
    info = build_index(tmp_path, manifest)
    assert info.kind == ("pq-fastscan" if quantised else "exact")
    if quantised:  # measured on these faces: a few hundredths, as on a million
        assert vector_index.PQ_SLACK <= info.pq_margin < 0.2
    assert current_index(tmp_path, manifest) == info
    index = FaceIndex(tmp_path)
    rows = index.candidates(queries, 0.25)
    exact = set(np.nonzero((vectors @ queries.T).max(axis=1) >= 0.25)[0].tolist())
    assert len(exact) >= 3 * 19  # every planted face from 0.25 up
    assert exact <= set(rows.tolist())
    assert len(rows) < 2 * len(exact)  # and few more
    assert set(index.image_ids[rows].tolist()) == {row // 10 for row in exact}
