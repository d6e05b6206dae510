"""What the app knows: profiles, reference faces, scans and the items they found.

These frozen records cross every layer (store, pipeline, report, window, CLI). Their JSON
forms are in `domain/serialize.py`, and every word a user reads about them in `words.py`.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from likeness_guard.core.domain.synthetic import SyntheticReport


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a Z, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class ScanStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the process died mid-scan; what was written is kept
    FAILED = "failed"


class ItemStatus(enum.StrEnum):
    OK = "ok"
    ERROR = "error"


class Verdict(enum.StrEnum):
    """What the user said about a match."""

    ME = "me"
    NOT_ME = "not_me"


class EvidenceStatus(enum.StrEnum):
    """Whether the exact bytes of an item are at hand, for a report."""

    KEPT = "kept"
    MISSING = "missing"  # not in the evidence folder
    CHANGED = "changed"  # the kept bytes no longer hash to the recorded SHA-256


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    created_at: str
    reference_count: int = 0


@dataclass(frozen=True)
class ReferenceFace:
    id: int
    profile_id: int
    source_name: str  # the photo's file name (not its path, not its pixels)
    source_sha256: str
    embedding: np.ndarray
    thumbnail_png: bytes  # the aligned 112x112 face
    det_score: float
    face_width: float
    sharpness: float
    model_pack: str
    created_at: str


@dataclass(frozen=True)
class ModelPackInfo:
    """Which face models a scan used: the pack's name and each file's SHA-256."""

    name: str
    files: Mapping[str, str]


@dataclass(frozen=True)
class Scan:
    id: int
    profile_id: int | None
    profile_name: str
    threshold: float
    preset: str | None
    model_pack: ModelPackInfo
    inputs: tuple[str, ...]
    status: ScanStatus
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class ScanCounts:
    """How many items, errors, matches and faces a scan has."""

    items: int = 0
    errors: int = 0
    matches: int = 0
    faces: int = 0


Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class FaceHit:
    """One face found in an item, and how like the person it is."""

    bbox: Box
    det_score: float
    similarity: float
    reference_id: int | None
    match: bool
    frame: int = 0


@dataclass(frozen=True)
class FileFacts:
    """Facts about a local file, kept as evidence."""

    path: str
    size: int
    modified_at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class HttpFacts:
    """An HTTP response as evidence: its status, the headers that matter and every hop."""

    status: int
    headers: Mapping[str, str]
    redirects: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageFacts:
    """The HTML page an image was found on (its bytes are kept in the evidence folder)."""

    url: str
    final_url: str
    sha256: str
    retrieved_at: str
    http: HttpFacts


@dataclass(frozen=True)
class WebOrigin:
    """Where a web item came from.

    An image that failed before any response keeps only its `url` and `page_url`.
    """

    url: str
    page_url: str | None = None
    final_url: str | None = None
    retrieved_at: str | None = None
    http: HttpFacts | None = None
    page: PageFacts | None = None


@dataclass(frozen=True)
class ScanItem:
    """One scanned image and what was found in it."""

    scan_id: int
    seq: int
    source: str
    status: ItemStatus
    sha256: str | None = None
    error: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    frame_count: int | None = None
    best_similarity: float | None = None
    best_reference_id: int | None = None
    match: bool = False
    duplicate_of: int | None = None
    file: FileFacts | None = None
    web: WebOrigin | None = None
    synthetic: SyntheticReport | None = None
    evidence_kept: bool = False
    verdict: Verdict | None = None
    verdict_at: str | None = None
    faces: tuple[FaceHit, ...] = field(default_factory=tuple)
    id: int = 0  # 0 until stored

    @property
    def best_face(self) -> FaceHit | None:
        if not self.faces:
            return None
        return max(self.faces, key=lambda f: f.similarity)

    @property
    def path(self) -> str | None:
        """The local file's path, when the item is a local file."""
        return self.file.path if self.file else None

    @property
    def is_error(self) -> bool:
        return self.status is ItemStatus.ERROR
