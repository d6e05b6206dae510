"""A collection on disk: Parquet shards of image rows and face rows, and a manifest.

Each `collection add` writes its results in shards of a few hundred images: a file of image
rows and a file of face rows (with their embeddings), each written whole to a temporary
name, synced and renamed, and only then listed in the manifest, which is replaced the same
way. A killed add leaves the collection as it was after its last listed shard; files not
listed are what it was writing, and are removed by the next add, which goes on from there.
"""

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from likeness_guard.core.collections.names import (
    FACES_SUFFIX,
    IMAGES_SUFFIX,
    MANIFEST_NAME,
    SHARDS_FOLDER,
)
from likeness_guard.core.collections.records import (
    EMBEDDING_SIZE,
    ImageRecord,
    ImageSource,
    unit_rows,
)
from likeness_guard.core.domain.records import FileFacts, utc_now
from likeness_guard.core.domain.serialize import (
    synthetic_from_json,
    synthetic_json,
    web_from_json,
    web_json,
)
from likeness_guard.core.storage.face_cache import CachedFace
from likeness_guard.core.storage.fs import atomic_output, write_atomic

if TYPE_CHECKING:
    import pyarrow as pa

MANIFEST_VERSION = 1
# What the incremental check and the matcher read of every image row (no faces).
STAMP_COLUMNS = ("image_id", "source", "path", "size", "mtime_ns", "sha256", "md5", "pdq")


@dataclass(frozen=True)
class ShardEntry:
    """One shard listed in the manifest."""

    name: str
    images: int
    faces: int


@dataclass(frozen=True)
class Manifest:
    """What a collection holds: its shards, and the model pack its faces were found with."""

    name: str
    pack_key: str  # storage/face_cache.py cache_key: faces of another pack are not comparable
    pack_name: str
    created_at: str
    updated_at: str
    next_image_id: int = 0
    shards: tuple[ShardEntry, ...] = ()
    sources: tuple[str, ...] = ()  # what was added, as given

    @property
    def images(self) -> int:
        return sum(shard.images for shard in self.shards)

    @property
    def faces(self) -> int:
        return sum(shard.faces for shard in self.shards)


def new_manifest(name: str, pack_key: str, pack_name: str) -> Manifest:
    now = utc_now()
    return Manifest(name, pack_key, pack_name, created_at=now, updated_at=now)


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of the collection in `folder`, or None when there is none."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    shards = tuple(ShardEntry(**entry) for entry in data.pop("shards"))
    data.pop("version", None)
    return Manifest(**{**data, "sources": tuple(data.get("sources", ()))}, shards=shards)


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically: readers see the old one or the whole new one."""
    document: dict[str, Any] = {"version": MANIFEST_VERSION, **asdict(manifest)}
    document["sources"] = list(manifest.sources)
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    write_atomic(folder / MANIFEST_NAME, text.encode("utf-8"))


def add_shard(folder: Path, manifest: Manifest, records: Sequence[ImageRecord]) -> Manifest:
    """Write `records` as a new shard and list it; returns the manifest now on disk."""
    if not records:
        return manifest
    import pyarrow.parquet as pq

    name = f"{len(manifest.shards):06d}-{secrets.token_hex(4)}"
    shards = folder / SHARDS_FOLDER
    images, faces = _images_table(records), _faces_table(records)
    for table, suffix in ((images, IMAGES_SUFFIX), (faces, FACES_SUFFIX)):
        with atomic_output(shards / (name + suffix)) as temporary:
            pq.write_table(table, temporary, compression="zstd")
    entry = ShardEntry(name, len(records), faces.num_rows)
    next_id = max(manifest.next_image_id, max(r.image_id for r in records) + 1)
    updated = replace(
        manifest, shards=(*manifest.shards, entry), next_image_id=next_id, updated_at=utc_now()
    )
    write_manifest(folder, updated)
    return updated


def remove_unlisted(folder: Path, manifest: Manifest) -> int:
    """Delete shard files the manifest does not list (a killed add's last shard)."""
    listed = {s.name + suffix for s in manifest.shards for suffix in (IMAGES_SUFFIX, FACES_SUFFIX)}
    removed = 0
    for path in (folder / SHARDS_FOLDER).glob("*"):
        if path.name not in listed:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def image_rows(
    folder: Path, manifest: Manifest, columns: Sequence[str] = STAMP_COLUMNS
) -> "pa.Table":
    """The image rows of every listed shard (only `columns`), in the order written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [
        pq.read_table(folder / SHARDS_FOLDER / (s.name + IMAGES_SUFFIX), columns=list(columns))
        for s in manifest.shards
    ]
    return pa.concat_tables(tables) if tables else _images_table([]).select(list(columns))


def face_shards(folder: Path, manifest: Manifest) -> Iterable["pa.Table"]:
    """The face rows of each listed shard, one table per shard, in the order written."""
    import pyarrow.parquet as pq

    for shard in manifest.shards:
        yield pq.read_table(folder / SHARDS_FOLDER / (shard.name + FACES_SUFFIX))


def records_of(folder: Path, manifest: Manifest, image_ids: Iterable[int]) -> list[ImageRecord]:
    """The whole records (faces and embeddings included) of these images, by id."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    wanted = pa.array(sorted(set(image_ids)), type=pa.int64())
    found: list[ImageRecord] = []
    for shard in manifest.shards:
        base = folder / SHARDS_FOLDER / shard.name
        ids = pq.read_table(base.with_name(shard.name + IMAGES_SUFFIX), columns=["image_id"])
        mask = pc.is_in(ids["image_id"], value_set=wanted)
        if not pc.any(mask).as_py():
            continue
        images = pq.read_table(base.with_name(shard.name + IMAGES_SUFFIX)).filter(mask)
        faces = pq.read_table(base.with_name(shard.name + FACES_SUFFIX))
        faces = faces.filter(pc.is_in(faces["image_id"], value_set=wanted))
        found.extend(_records(images, faces))
    return found


def face_matrix(faces: "pa.Table") -> np.ndarray:
    """The embeddings of a face table as an (n, 512) float32 matrix."""
    column = faces["embedding"].combine_chunks()
    return unit_rows(column.values.to_numpy(zero_copy_only=False))


def _images_table(records: Sequence[ImageRecord]) -> "pa.Table":
    import pyarrow as pa

    def column(get: Any) -> list[Any]:
        return [get(r) for r in records]

    return pa.table(
        {
            "image_id": pa.array(column(lambda r: r.image_id), pa.int64()),
            "source": pa.array(column(lambda r: r.origin.source), pa.string()),
            "path": pa.array(column(lambda r: r.origin.file and r.origin.file.path), pa.string()),
            "modified_at": pa.array(
                column(lambda r: r.origin.file and r.origin.file.modified_at), pa.string()
            ),
            "web": pa.array(column(lambda r: _json(r.origin.web, web_json)), pa.string()),
            "size": pa.array(column(lambda r: r.size), pa.int64()),
            "mtime_ns": pa.array(column(lambda r: r.origin.mtime_ns), pa.int64()),
            "sha256": pa.array(column(lambda r: r.sha256), pa.string()),
            "md5": pa.array(column(lambda r: r.md5), pa.string()),
            "pdq": pa.array(column(lambda r: r.pdq), pa.string()),
            "format": pa.array(column(lambda r: r.format), pa.string()),
            "width": pa.array(column(lambda r: r.width), pa.int32()),
            "height": pa.array(column(lambda r: r.height), pa.int32()),
            "frame_count": pa.array(column(lambda r: r.frame_count), pa.int32()),
            "synthetic": pa.array(
                column(lambda r: _json(r.synthetic, synthetic_json)), pa.string()
            ),
            "error": pa.array(column(lambda r: r.error), pa.string()),
            "faces": pa.array(column(lambda r: len(r.faces)), pa.int32()),
        }
    )


def _json(value: Any, to_json: Any) -> str | None:
    return None if value is None else json.dumps(to_json(value), ensure_ascii=False)


def _faces_table(records: Sequence[ImageRecord]) -> "pa.Table":
    import pyarrow as pa

    faces = [(r.image_id, face) for r in records for face in r.faces]
    boxes = np.array([face.bbox for _, face in faces], dtype=np.float64).reshape(-1, 4)
    vectors = np.stack([f.embedding for _, f in faces]) if faces else np.zeros((0, 512))
    flat = pa.array(unit_rows(vectors).ravel(), pa.float32())
    return pa.table(
        {
            "image_id": pa.array([i for i, _ in faces], pa.int64()),
            "frame": pa.array([f.frame for _, f in faces], pa.int32()),
            "x1": boxes[:, 0],
            "y1": boxes[:, 1],
            "x2": boxes[:, 2],
            "y2": boxes[:, 3],
            "det_score": pa.array([float(f.det_score) for _, f in faces], pa.float64()),
            "drawn": pa.array([f.drawn for _, f in faces], pa.bool_()),
            "turned": pa.array([f.turned for _, f in faces], pa.int16()),
            "embedding": pa.FixedSizeListArray.from_arrays(flat, EMBEDDING_SIZE),
        }
    )


def _records(images: "pa.Table", faces: "pa.Table") -> list[ImageRecord]:
    """Image records from matching image and face rows."""
    vectors = face_matrix(faces)
    by_image: dict[int, list[CachedFace]] = {}
    for row, face in enumerate(faces.drop_columns(["embedding"]).to_pylist()):
        box = (face["x1"], face["y1"], face["x2"], face["y2"])
        by_image.setdefault(face["image_id"], []).append(
            CachedFace(
                face["frame"], box, face["det_score"], vectors[row], face["drawn"], face["turned"]
            )
        )
    return [_record(row, tuple(by_image.get(row["image_id"], ()))) for row in images.to_pylist()]


def _record(row: dict[str, Any], faces: tuple[CachedFace, ...]) -> ImageRecord:
    path = row["path"]
    facts = FileFacts(path, row["size"], row["modified_at"] or "") if path is not None else None
    web = web_from_json(json.loads(row["web"])) if row["web"] else None
    synthetic = synthetic_from_json(json.loads(row["synthetic"])) if row["synthetic"] else None
    return ImageRecord(
        image_id=row["image_id"],
        origin=ImageSource(row["source"], facts, web, row["mtime_ns"]),
        size=row["size"],
        sha256=row["sha256"],
        md5=row["md5"],
        pdq=row["pdq"],
        format=row["format"],
        width=row["width"],
        height=row["height"],
        frame_count=row["frame_count"],
        synthetic=synthetic,
        error=row["error"],
        faces=faces,
    )
