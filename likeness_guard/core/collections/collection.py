"""A collection: opening, adding images once (incrementally, resumably), listing, removing.

`add_images` goes through the sources in order. A local file whose path, size and
modification time are those of a kept row is not read at all; bytes kept already under
another row (the same SHA-256) are not analysed again, their faces copied; everything else
goes to the engine. Results are written in shards (shards.py) as they come, so a killed add
keeps all but its last shard, and the next add of the same sources skips what is kept.
"""

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from likeness_guard.core.collections.analysis import AnalysisRequest, failed_record
from likeness_guard.core.collections.names import (
    BLOBS_FOLDER,
    MANIFEST_NAME,
    WRITE_LOCK,
    collection_folder,
    collections_root,
    valid_name,
)
from likeness_guard.core.collections.records import ImageRecord, ImageSource
from likeness_guard.core.collections.shards import (
    Manifest,
    add_shard,
    image_rows,
    new_manifest,
    read_manifest,
    records_of,
    remove_unlisted,
    write_manifest,
)
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.platform import FileLock, LockBusy
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.fs import write_atomic
from likeness_guard.locale import _

# Images per shard: a killed add redoes at most this many.
SHARD_IMAGES = 256
# ... or whatever was found in this many seconds, so that a slow add is kept as it goes.
SHARD_SECONDS = 60.0


class ImageEngine(Protocol):
    """Where images are analysed: local_engine.LocalEngine or ray_engine.RayEngine."""

    reads_files: bool

    def analyse(self, requests: Iterator[AnalysisRequest]) -> Iterator[ImageRecord]: ...


@dataclass(frozen=True)
class AddProgress:
    """Counters after each image, for a progress line."""

    done: int
    analysed: int
    unchanged: int
    copied: int
    errors: int
    elapsed: float
    current: str = ""


@dataclass(frozen=True)
class AddResult:
    """What one `collection add` did."""

    name: str
    analysed: int  # images whose bytes went through the models
    unchanged: int  # local files known by path, size and modification time: not read
    copied: int  # bytes kept already under another row: faces copied, nothing analysed
    errors: int
    skipped: int  # entries that are not files (FIFOs, devices, looping links)
    faces: int  # faces in the rows added
    seconds: float

    @property
    def images_per_second(self) -> float:
        return self.analysed / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Known:
    """What the collection holds already, for the incremental check."""

    stamps: dict[str, tuple[int, int | None, str | None]] = field(default_factory=dict)
    by_sha: dict[str, int] = field(default_factory=dict)


def open_collection(data_folder: Path, name: str) -> tuple[Path, Manifest] | None:
    """The folder and manifest of the collection `name`, or None when there is none."""
    if not valid_name(name):
        return None
    folder = collection_folder(data_folder, name)
    manifest = read_manifest(folder)
    return None if manifest is None else (folder, manifest)


def create_collection(data_folder: Path, name: str, pack_key: str, pack_name: str) -> Path:
    """Make the collection's folder (private) and first manifest, when it has none."""
    folder = collection_folder(data_folder, name)
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    if read_manifest(folder) is None:
        write_manifest(folder, new_manifest(name, pack_key, pack_name))
    return folder


def all_collections(data_folder: Path) -> list[Manifest]:
    """The manifests of every collection of the workspace, by name."""
    root = collections_root(data_folder)
    found = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        manifest = read_manifest(folder) if valid_name(folder.name) else None
        if manifest is not None:
            found.append(manifest)
    return found


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Hold the collection's write lock: one add, index build or removal at a time.

    Raises UserFacingError at once when another process holds it."""
    lock = FileLock(folder / WRITE_LOCK, shared=False)
    try:
        lock.acquire(wait=0.0)
    except LockBusy:
        raise UserFacingError(
            _(
                "Collection '{name}' is being changed by another window or command. Try "
                "again when it is done."
            ).format(name=folder.name)
        ) from None
    try:
        yield
    finally:
        lock.release()


def delete_collection(data_folder: Path, name: str) -> bool:
    """Delete the collection `name` (its manifest first: a half-deleted one is no
    collection); returns whether there was one."""
    opened = open_collection(data_folder, name)
    if opened is None:
        return False
    folder = opened[0]
    with writing(folder):  # no collection once its manifest is gone
        (folder / MANIFEST_NAME).unlink()
    shutil.rmtree(folder)  # after the lock's file is closed (Windows deletes no open file)
    return True


def add_images(
    folder: Path,
    items: Iterator[SourceItem],
    engine: ImageEngine,
    *,
    sources: tuple[str, ...] = (),
    on_progress: Callable[[AddProgress], None] | None = None,
    cancel: CancelToken | None = None,
) -> AddResult:
    """Add the images of `items` to the collection in `folder`; returns what was done.

    Cancelling keeps what was analysed up to then (written as a last shard).
    """
    with writing(folder):
        return _add(folder, items, engine, sources, on_progress, cancel or CancelToken())


def _add(
    folder: Path,
    items: Iterator[SourceItem],
    engine: ImageEngine,
    sources: tuple[str, ...],
    on_progress: Callable[[AddProgress], None] | None,
    cancel: CancelToken,
) -> AddResult:
    manifest = read_manifest(folder)
    assert manifest is not None, "create_collection makes the manifest first"
    remove_unlisted(folder, manifest)
    manifest = replace(manifest, sources=tuple(dict.fromkeys((*manifest.sources, *sources))))
    adding = _Adding(folder, manifest, _known(folder, manifest), engine.reads_files, cancel)
    started = time.monotonic()
    for record in engine.analyse(adding.requests(items)):
        adding.take(record)
        adding.flush_when_due()
        if on_progress is not None:
            on_progress(adding.progress(time.monotonic() - started, record.source))
    adding.flush()
    return adding.result(time.monotonic() - started)


def _known(folder: Path, manifest: Manifest) -> _Known:
    rows = image_rows(folder, manifest, ("image_id", "path", "size", "mtime_ns", "sha256"))
    known = _Known()
    for image_id, path, size, mtime_ns, sha256 in zip(
        *(rows[name].to_pylist() for name in rows.column_names), strict=True
    ):
        if path is not None:
            known.stamps[path] = (size, mtime_ns, sha256)
        if sha256 is not None:
            known.by_sha.setdefault(sha256, image_id)
    return known


class _Adding:
    """One add in progress: what to analyse, what to copy, what to write next."""

    def __init__(
        self,
        folder: Path,
        manifest: Manifest,
        known: _Known,
        engine_reads: bool,
        cancel: CancelToken,
    ) -> None:
        self.folder = folder
        self.manifest = manifest
        self.known = known
        self.engine_reads = engine_reads
        self.cancel = cancel
        self.next_id = manifest.next_image_id
        self.buffer: list[ImageRecord] = []
        self.copies: list[tuple[int, ImageSource, int, int]] = []  # new id, origin, of id, size
        self.counts = {"analysed": 0, "unchanged": 0, "copied": 0, "errors": 0, "skipped": 0}
        self.faces = 0
        self.last_flush = time.monotonic()

    def requests(self, items: Iterator[SourceItem]) -> Iterator[AnalysisRequest]:
        """What the engine analyses; what needs no analysis is taken on the way."""
        for item in items:
            if self.cancel.cancelled:
                return
            if item.skip is not None:
                self.counts["skipped"] += 1
                continue
            request = self._request(item)
            if request is not None:
                self.counts["analysed"] += 1
                yield request
            elif self.copies and len(self.copies) >= SHARD_IMAGES:
                self._resolve_copies()

    def _request(self, item: SourceItem) -> AnalysisRequest | None:
        stamp = _stamp(item)
        origin = ImageSource(item.source, item.file, item.web_origin(), stamp[1] if stamp else None)
        if stamp is not None and item.file is not None:
            kept = self.known.stamps.get(item.file.path)
            if kept is not None and kept[:2] == stamp:
                self.counts["unchanged"] += 1
                return None
        image_id = self._new_id()
        if self.engine_reads and item.file is not None and item.web is None:
            return AnalysisRequest(image_id, origin)
        try:
            data = item.read()
        except Exception as exc:  # unreadable (or a source's bug): listed, the add goes on
            self.take(failed_record(AnalysisRequest(image_id, origin), f"cannot be read ({exc})"))
            return None
        import hashlib

        sha256 = hashlib.sha256(data).hexdigest()
        if item.web is not None:
            self._keep_web(item, data, sha256)
        of = self.known.by_sha.get(sha256)
        if of is not None:
            self.copies.append((image_id, origin, of, len(data)))
            return None
        self.known.by_sha[sha256] = image_id
        return AnalysisRequest(image_id, origin, data)

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _keep_web(self, item: SourceItem, data: bytes, sha256: str) -> None:
        """Keep a web image's bytes and its page's: they are not fetched again to match."""
        page = item.web.page if item.web else None
        for blob, digest in ((data, sha256), (page.body, page.sha256) if page else (b"", "")):
            target = self.folder / BLOBS_FOLDER / digest[:2] / digest
            if digest and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, blob)

    def take(self, record: ImageRecord) -> None:
        self.buffer.append(record)
        self.faces += len(record.faces)
        self.counts["errors"] += int(record.error is not None)
        if record.sha256 is not None:
            self.known.by_sha.setdefault(record.sha256, record.image_id)

    def flush_when_due(self) -> None:
        due = time.monotonic() - self.last_flush >= SHARD_SECONDS
        if len(self.buffer) + len(self.copies) >= SHARD_IMAGES or due:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered as a shard, copies resolved first."""
        self._resolve_copies()
        if self.buffer:
            self.manifest = add_shard(self.folder, self.manifest, self.buffer)
        elif self.manifest.sources != (read_manifest(self.folder) or self.manifest).sources:
            write_manifest(self.folder, self.manifest)
        self.buffer = []
        self.last_flush = time.monotonic()

    def _resolve_copies(self) -> None:
        """Rows for bytes kept already: the kept row's analysis under the new origin."""
        if not self.copies:
            return
        wanted = [copy[2] for copy in self.copies]
        written = {r.image_id: r for r in records_of(self.folder, self.manifest, wanted)}
        pending = {r.image_id: r for r in self.buffer}
        waiting = []  # copies of bytes still being analysed: resolved at a later flush
        for image_id, origin, of, size in self.copies:
            source = written.get(of) or pending.get(of)
            if source is None:
                waiting.append((image_id, origin, of, size))
                continue
            self.take(replace(source, image_id=image_id, origin=origin, size=size))
            self.counts["copied"] += 1
        self.copies = waiting

    def progress(self, elapsed: float, current: str) -> AddProgress:
        c = self.counts
        done = c["analysed"] + c["unchanged"] + c["copied"]
        return AddProgress(
            done, c["analysed"], c["unchanged"], c["copied"], c["errors"], elapsed, current
        )

    def result(self, seconds: float) -> AddResult:
        c = self.counts
        return AddResult(
            self.manifest.name, c["analysed"], c["unchanged"], c["copied"], c["errors"],
            c["skipped"], self.faces, seconds,
        )  # fmt: skip


def _stamp(item: SourceItem) -> tuple[int, int] | None:
    """Size and modification time (ns) of a local file, or None."""
    if item.file is None:
        return None
    try:
        info = os.stat(item.file.path)
    except (OSError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns
