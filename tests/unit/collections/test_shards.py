"""The collection on disk: records kept whole, and an interrupted add resumed."""

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.collections import collection as collection_module
from likeness_guard.core.collections.analysis import AnalysisSettings
from likeness_guard.core.collections.collection import add_images, create_collection
from likeness_guard.core.collections.local_engine import LocalEngine
from likeness_guard.core.collections.names import SHARDS_FOLDER, collection_folder, valid_name
from likeness_guard.core.collections.records import ImageRecord, ImageSource
from likeness_guard.core.collections.shards import (
    add_shard,
    new_manifest,
    read_manifest,
    records_of,
    write_manifest,
)
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import FileFacts, WebOrigin
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.storage.face_cache import CachedFace


def _record(image_id: int, faces: int, rng: np.random.Generator) -> ImageRecord:
    vectors = rng.standard_normal((faces, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = tuple(
        CachedFace(0, (1.25, 2.5, 40.125, 50.0), 0.8123456, vector, drawn=i == 1, turned=90 * i)
        for i, vector in enumerate(vectors)
    )
    web = WebOrigin("https://example.org/a.jpg", "https://example.org/") if image_id % 2 else None
    facts = None if web else FileFacts(f"/pics/{image_id}.jpg", 1234, "2026-01-01T00:00:00Z")
    origin = ImageSource(web.url if web else f"/pics/{image_id}.jpg", facts, web, 17)
    return ImageRecord(
        image_id, origin, 1234, f"{image_id:064x}", f"{image_id:032x}", "ab" * 32,
        "jpeg", 640, 480, 1, None, None, found,
    )  # fmt: skip


def test_records_come_back_exactly_as_written(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    records = [_record(i, faces=i % 3, rng=rng) for i in range(7)]
    write_manifest(tmp_path, new_manifest("c", "pack:1", "pack"))
    manifest = add_shard(tmp_path, read_manifest(tmp_path) or new_manifest("c", "", ""), records)
    assert (manifest.images, manifest.faces, manifest.next_image_id) == (7, 6, 7)
    assert read_manifest(tmp_path) == manifest
    back = {r.image_id: r for r in records_of(tmp_path, manifest, [1, 2, 5])}
    for image_id in (1, 2, 5):
        original, read = records[image_id], back[image_id]
        assert read.origin == original.origin
        assert (read.sha256, read.md5, read.pdq, read.width) == (
            original.sha256, original.md5, original.pdq, original.width
        )  # fmt: skip
        for mine, theirs in zip(original.faces, read.faces, strict=True):
            assert theirs.bbox == mine.bbox
            assert theirs.det_score == mine.det_score
            assert (theirs.drawn, theirs.turned) == (mine.drawn, mine.turned)
            assert np.array_equal(theirs.embedding, mine.embedding)  # float32, bit for bit


def test_names_that_could_escape_the_folder_are_refused(tmp_path: Path) -> None:
    for name in ("..", ".hidden", "a/b", "", "x" * 65, "a\\b"):
        assert not valid_name(name)
        with pytest.raises(ValueError, match="not a collection name"):
            collection_folder(tmp_path, name)
    assert valid_name("forum-2026_v2.1")


class _Interrupted(Exception):
    """Stands for the process being killed between two images."""


def _items(folder: Path, stop_after: int | None) -> Iterator[SourceItem]:
    for number, item in enumerate(iter_path_items([str(folder)])):
        if stop_after is not None and number == stop_after:
            raise _Interrupted
        yield item


def test_an_interrupted_add_keeps_its_shards_and_the_next_add_goes_on(
    tmp_path: Path, photos: dict[str, Path], engine: FaceEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "images"
    source.mkdir()
    picture = Image.open(photos["t1"]).convert("RGB")
    for number in range(7):
        buffer = io.BytesIO()
        picture.resize((picture.width - 8 * number, picture.height)).save(buffer, "JPEG")
        (source / f"{number}.jpg").write_bytes(buffer.getvalue())
    monkeypatch.setattr(collection_module, "SHARD_IMAGES", 2)
    folder = create_collection(tmp_path / "data", "c", "pack:1", "pack")
    analyser = LocalEngine(engine, AnalysisSettings(check_provenance=False), workers=1)
    with pytest.raises(_Interrupted):
        add_images(folder, _items(source, stop_after=5), analyser)
    kept = read_manifest(folder)
    assert kept is not None
    # Whole shards only (images still in the pool when it stopped are not written).
    assert kept.images in (2, 4)
    assert len(kept.shards) == kept.images // 2
    (folder / SHARDS_FOLDER / "000009-dead.faces.parquet").write_bytes(b"half a file")
    result = add_images(folder, _items(source, None), analyser, cancel=CancelToken())
    assert (result.unchanged, result.analysed) == (kept.images, 7 - kept.images)
    final = read_manifest(folder)
    assert final is not None
    assert final.images == 7
    assert not (folder / SHARDS_FOLDER / "000009-dead.faces.parquet").exists()
    sources = [r.source for r in records_of(folder, final, range(final.next_image_id))]
    assert sorted(Path(s).name for s in sources) == [f"{n}.jpg" for n in range(7)]
