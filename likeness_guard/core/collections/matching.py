"""Matching a case against a collection: the index finds the candidates, the scan decides.

A case's references are looked up in the collection's vector index down to the lowest
similarity any face can be listed at; the images those faces are in, and the images that
are copies of the pictures the person confirmed (same SHA-256 or MD5, or a picture hash
within the review grid's distance), become the items of a new scan of that case, each
decided by the scan's own functions (pipeline/incremental.py `matched`, domain/records.py
`item_tier`) and written by the scan's own writer (pipeline/writing.py `store_item`), with
the image's bytes kept as evidence for a match. Review, reports and notices then read it
as any scan.
"""

import contextlib
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from likeness_guard.core.collections.collection import writing
from likeness_guard.core.collections.names import BLOBS_FOLDER
from likeness_guard.core.collections.records import ImageRecord
from likeness_guard.core.collections.shards import Manifest, image_rows, records_of
from likeness_guard.core.collections.vector_index import (
    FaceIndex,
    build_index,
    current_index,
    live_image_ids,
)
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import (
    ItemStatus,
    MatchTier,
    Profile,
    ScanItem,
    ScanStatus,
    Verdict,
    item_tier,
)
from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR, match_threshold
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.pdq import SAME_PICTURE_DISTANCE
from likeness_guard.core.pipeline.incremental import matched
from likeness_guard.core.pipeline.resume import open_scan
from likeness_guard.core.pipeline.scan import usable_references
from likeness_guard.core.pipeline.writing import store_item
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.face_cache import cache_key
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.store import Store


@dataclass(frozen=True)
class MatchOutcome:
    """What matching a case against a collection found, as a scan of that case."""

    scan_id: int
    candidates: int  # images written as items of the scan
    matches: int
    possible: int
    known_pictures: int  # images found as copies of confirmed pictures
    index_seconds: float  # building the index, when it was not current
    query_seconds: float


@dataclass(frozen=True)
class _Known:
    """The pictures the person confirmed ("this is me"), by their hashes."""

    sha256: frozenset[str]
    md5: frozenset[str]
    pdq: np.ndarray  # (n, 32) uint8


def lowest_listed(threshold: float) -> float:
    """The lowest similarity at which a face gets a tier at `threshold`: a match (a drawn
    face's lower threshold included) or a possible match."""
    return min(threshold, match_threshold(threshold, True), POSSIBLE_FLOOR)


def match_case(
    store: Store,
    engine: FaceEngine,
    profile: Profile,
    name: str,
    folder: Path,
    manifest: Manifest,
    *,
    threshold: float,
    preset: str | None,
    check_provenance: bool = True,
    on_item: Callable[[ScanItem], None] | None = None,
    cancel: CancelToken | None = None,
) -> MatchOutcome:
    """Match `profile` (of `store`'s case) against the collection `name` (kept in `folder`)
    and write the result as a new scan; returns what it found.

    Raises UserFacingError when the collection's faces were found with another model pack,
    or the profile has no usable references.
    """
    if cache_key(engine.pack.info()) != manifest.pack_key:
        raise UserFacingError(
            f"Collection '{name}' was analysed with the model pack '{manifest.pack_name}'. "
            "Match it with that pack, or add its images again with this one."
        )
    references = usable_references(store, engine, profile)
    matrix = np.stack([r.embedding for r in references])
    ids = [r.id for r in references]
    started = time.monotonic()
    index_seconds = 0.0
    if current_index(folder, manifest) is None:
        with writing(folder):
            index_seconds = build_index(folder, manifest).seconds
    index = FaceIndex(folder)
    rows = index.candidates(matrix, lowest_listed(threshold))
    by_face = set(index.image_ids[rows].tolist())
    known = _known_pictures(store)
    by_picture = _copies_of_known(folder, manifest, known)
    records = sorted(records_of(folder, manifest, by_face | by_picture), key=lambda r: r.image_id)
    query_seconds = time.monotonic() - started - index_seconds
    writer = _Writing(store, folder, matrix, ids, threshold, check_provenance)
    counts = writer.write_scan(
        profile, name, records, by_picture, engine, preset, on_item, cancel or CancelToken()
    )
    return MatchOutcome(counts[0], len(records), counts[1], counts[2], len(by_picture),
                        index_seconds, query_seconds)  # fmt: skip


def _known_pictures(store: Store) -> _Known:
    answered = [(v, pdq) for v, pdq in store.answered_pictures() if v.verdict is Verdict.ME]
    md5s = set()
    for verdict, _ in answered:
        data = store.evidence.get(verdict.sha256)
        if data is not None:
            md5s.add(hashlib.md5(data, usedforsecurity=False).hexdigest())
    hashes = [bytes.fromhex(pdq) for _, pdq in answered if pdq]
    pdq = np.frombuffer(b"".join(hashes), dtype=np.uint8).reshape(-1, 32)
    return _Known(frozenset(v.sha256 for v, _ in answered), frozenset(md5s), pdq)


def _copies_of_known(folder: Path, manifest: Manifest, known: _Known) -> set[int]:
    """Live images that are the confirmed pictures' bytes, or copies of their pictures."""
    if not known.sha256 and not known.md5 and not len(known.pdq):
        return set()
    rows = image_rows(folder, manifest, ("image_id", "sha256", "md5", "pdq"))
    live = set(live_image_ids(folder, manifest).tolist())
    found: set[int] = set()
    image_ids, sha256s, md5s, pdqs = (rows[c].to_pylist() for c in rows.column_names)
    hashed = [(i, p) for i, p in zip(image_ids, pdqs, strict=True) if p]
    if hashed and len(known.pdq):
        matrix = np.frombuffer(b"".join(bytes.fromhex(p) for _, p in hashed), np.uint8)
        bits = np.bitwise_count(matrix.reshape(-1, 1, 32) ^ known.pdq[None]).sum(axis=2)
        close = (bits <= SAME_PICTURE_DISTANCE).any(axis=1)
        found.update(i for (i, _), near in zip(hashed, close, strict=True) if near)
    for image_id, sha256, md5 in zip(image_ids, sha256s, md5s, strict=True):
        if sha256 in known.sha256 or md5 in known.md5:
            found.add(image_id)
    return found & live


class _Writing:
    """Writing a collection's candidates as the items of one scan."""

    def __init__(
        self,
        store: Store,
        folder: Path,
        matrix: np.ndarray,
        ids: Sequence[int],
        threshold: float,
        check_provenance: bool,
    ) -> None:
        self.store = store
        self.folder = folder
        self.matrix = matrix
        self.ids = list(ids)
        self.threshold = threshold
        self.check_provenance = check_provenance

    def write_scan(
        self,
        profile: Profile,
        name: str,
        records: Sequence[ImageRecord],
        known: set[int],
        engine: FaceEngine,
        preset: str | None,
        on_item: Callable[[ScanItem], None] | None,
        cancel: CancelToken,
    ) -> tuple[int, int, int]:
        """Write the scan; returns its id, its matches and its possible matches."""
        guard = contextlib.ExitStack()
        guard.enter_context(FolderLocks(self.store.folder).scanning(profile.id))
        status, matches, possible = ScanStatus.CANCELLED, 0, 0
        with guard:
            scan_id, _ = open_scan(
                self.store, profile, [f"collection:{name}"], threshold=self.threshold,
                preset=preset, model_pack=engine.pack.info(), guard=guard, resume=False,
            )  # fmt: skip
            try:
                for seq, record in enumerate(records):
                    if cancel.cancelled:
                        break
                    item = self.write_item(scan_id, seq, record, record.image_id in known)
                    tier = item_tier(item)
                    matches += tier is MatchTier.MATCH
                    possible += tier is MatchTier.POSSIBLE
                    if on_item is not None:
                        on_item(item)
                else:
                    status = ScanStatus.FINISHED
            finally:
                self.store.finish_scan(scan_id, status)
        return scan_id, matches, possible

    def write_item(self, scan_id: int, seq: int, record: ImageRecord, known: bool) -> ScanItem:
        """One image as a scan writes it: the same decision, record and evidence."""
        origin = record.origin
        synthetic = record.synthetic if self.check_provenance else None
        base = ScanItem(
            scan_id=scan_id, seq=seq, source=origin.source, status=ItemStatus.OK,
            sha256=record.sha256, file=origin.file, web=origin.web, synthetic=synthetic,
        )  # fmt: skip
        item = matched(
            base, record, record.faces, self.matrix, self.ids, self.threshold, synthetic=synthetic
        )
        if record.error is not None:
            item = replace(item, status=ItemStatus.ERROR, error=record.error)
        if known and not item.match:  # a copy of a picture the person confirmed
            item = replace(item, match=True)
        if item_tier(item) is not MatchTier.NONE:
            item = replace(item, picture_pdq=record.pdq)
        data = self._bytes(record) if item.match else None
        source = SourceItem(origin.source, read=lambda: data or b"", file=origin.file)
        if origin.web is not None and origin.web.page is not None and item.match:
            page = self._blob(origin.web.page.sha256)
            if page is not None:
                self.store.evidence.put(page)
        return store_item(self.store, item, source, data)

    def _bytes(self, record: ImageRecord) -> bytes | None:
        """The image's bytes, when they are still the bytes analysed: a local file read
        again where it lies, a web image from the collection's kept copy."""
        if record.sha256 is None:
            return None
        data = None
        if record.origin.file is not None:
            with contextlib.suppress(OSError):
                data = open(record.origin.file.path, "rb").read()  # noqa: SIM115
        else:
            data = self._blob(record.sha256)
        if data is None or hashlib.sha256(data).hexdigest() != record.sha256:
            return None
        return data

    def _blob(self, sha256: str) -> bytes | None:
        try:
            return (self.folder / BLOBS_FOLDER / sha256[:2] / sha256).read_bytes()
        except OSError:
            return None
