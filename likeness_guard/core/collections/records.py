"""What a collection keeps of each image and each face: typed records, one per row."""

from dataclasses import dataclass, field

import numpy as np

from likeness_guard.core.domain.records import FileFacts, WebOrigin
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.storage.face_cache import CachedFace

EMBEDDING_SIZE = 512


@dataclass(frozen=True)
class ImageSource:
    """Where an image of a collection came from: a local file (read where it lies) or a
    web resource (whose bytes the collection keeps)."""

    source: str  # a path or URL, as a scan lists it
    file: FileFacts | None = None
    web: WebOrigin | None = None
    mtime_ns: int | None = None  # of a local file, with its size: known unchanged without reading


@dataclass(frozen=True)
class ImageRecord:
    """One image of a collection and what its analysis found: the faces the scan's analysis
    finds in the same bytes, and its hashes and AI-marker report."""

    image_id: int
    origin: ImageSource
    size: int
    sha256: str | None
    md5: str | None
    pdq: str | None  # the picture hash (imaging/pdq.py pixels_pdq), None when too flat
    format: str | None = None
    width: int | None = None
    height: int | None = None
    frame_count: int | None = None
    synthetic: SyntheticReport | None = None
    error: str | None = None
    faces: tuple[CachedFace, ...] = field(default_factory=tuple)

    @property
    def source(self) -> str:
        return self.origin.source


def unit_rows(embeddings: np.ndarray) -> np.ndarray:
    """`embeddings` as a contiguous float32 matrix of EMBEDDING_SIZE columns."""
    matrix = np.ascontiguousarray(embeddings, dtype=np.float32)
    return matrix.reshape(-1, EMBEDDING_SIZE)
