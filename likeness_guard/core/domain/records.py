"""What the app knows: profiles, reference faces, scans and the items they found.

These frozen records cross every layer (store, pipeline, report, window, CLI). Their JSON
forms are in `domain/serialize.py`, and every word a user reads about them in `words.py`.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from likeness_guard.core.domain.chat import ChatOrigin
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR, POSSIBLE_MIN_FACE


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


class MediaKind(enum.StrEnum):
    """Whether an item is a still image or a clip (animated images long enough count as clips)."""

    IMAGE = "image"
    VIDEO = "video"


class VideoStop(enum.StrEnum):
    """Why a clip was not examined to its end."""

    FRAME_CAP = "frame_cap"  # the settable limit of frames per video was reached
    DECODE_LIMIT = "decode_limit"  # far too many frames: a hostile or endless stream
    DAMAGED = "damaged"  # the data is damaged from some point on
    ENDS_EARLY = "ends_early"  # the file stops before the end its header declares
    CANCELLED = "cancelled"  # the user stopped the scan


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
    frame_s: float | None = None  # in a video: when the frame is shown, in seconds
    # The face looks drawn (cartoon, anime, flat painting) and was matched against the lower
    # threshold for such faces (thresholds.match_threshold).
    drawn: bool = False
    # 0, 90, 180 or 270: how far the face was turned in the picture (clockwise); it was found
    # by searching the picture turned back.
    turned: int = 0


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
    media: MediaKind = MediaKind.IMAGE
    md5: str | None = None  # of the whole file, for videos (hash lists such as StopNCII's)
    video: "VideoFacts | None" = None
    # PDQ of the picture as shown (imaging/pdq.py picture_pdq), for matches and possible
    # matches: the review grid shows copies of one picture, re-encoded or captioned, as one.
    picture_pdq: str | None = None
    chat: ChatOrigin | None = None  # the chat export's message that carried it

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

    @property
    def is_video(self) -> bool:
        return self.media is MediaKind.VIDEO

    @property
    def shown_faces(self) -> tuple[FaceHit, ...]:
        """The faces on the picture a preview shows: the first frame of an image, the best
        frame of a video (the only frame whose faces a video keeps)."""
        if self.is_video:
            return self.faces
        return tuple(f for f in self.faces if f.frame == 0)


@dataclass(frozen=True)
class RawHttpExchange:
    """One HTTP request and its response as they went over the wire, for WARC evidence.

    `response` holds the status line and headers (names, values and order as received,
    line endings normalised to CRLF) and then the body exactly as it arrived: still
    chunked and compressed when the server sent it so. `complete` is False when the body
    was not read (a redirect hop, or a fetch that stopped early).
    """

    url: str
    retrieved_at: str  # ISO 8601 UTC: when the response headers arrived
    request: bytes  # request line and headers as sent (a GET has no body)
    response: bytes
    complete: bool = True
    ip_address: str | None = None  # the server's, as connected to (WARC-IP-Address)


@dataclass(frozen=True)
class VerdictRecord:
    """What the user said about an image's bytes, and when (UTC)."""

    sha256: str
    verdict: Verdict
    verdict_at: str


@dataclass(frozen=True)
class VideoSegment:
    """A stretch of a clip in which the person's face was found (times in seconds)."""

    start_s: float
    end_s: float
    best_similarity: float
    best_frame_s: float


@dataclass(frozen=True)
class VideoFacts:
    """What scanning a clip found, beyond what every item has.

    `frame_pdq` is the PDQ hash (64 hex digits) of the best frame, the one whose faces the
    item keeps; `stopped` says why the clip was not examined to its end (None: it was).
    """

    duration_s: float | None
    frames_examined: int
    segments: tuple[VideoSegment, ...] = ()
    codec: str | None = None
    frame_rate: float | None = None
    best_frame_s: float | None = None
    frame_pdq: str | None = None
    frame_pdq_quality: int | None = None
    examined_until_s: float | None = None
    sample_interval_s: float | None = None
    stopped: VideoStop | None = None

    @property
    def complete(self) -> bool:
        return self.stopped is None


class ExchangeRole(enum.StrEnum):
    """What a kept HTTP exchange fetched for a matched item."""

    IMAGE = "image"  # the image itself (and each redirect on the way)
    PAGE = "page"  # the page it was found on


@dataclass(frozen=True)
class KeptExchange:
    """An HTTP exchange kept with a matched item."""

    role: ExchangeRole
    exchange: RawHttpExchange


@dataclass(frozen=True)
class SkippedEntry:
    """Something a scan met and did not read: a FIFO, a device, a broken or looping link."""

    path: str
    reason: str


class ScanOutcome(enum.StrEnum):
    """How a scan ended, as people are told: the stored status, and whether items failed."""

    RUNNING = "running"
    FINISHED = "finished"
    FINISHED_WITH_ERRORS = "finished with errors"
    FAILED = "failed"  # stopped by an error, or not one item could be read
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


def scan_outcome(status: ScanStatus, counts: ScanCounts) -> ScanOutcome:
    if status is ScanStatus.FINISHED:
        if counts.items and counts.errors == counts.items:
            return ScanOutcome.FAILED
        return ScanOutcome.FINISHED_WITH_ERRORS if counts.errors else ScanOutcome.FINISHED
    return ScanOutcome(str(status))


class MatchTier(enum.StrEnum):
    """How a face or an item stands: a match, a possible match to check, or neither."""

    MATCH = "match"
    POSSIBLE = "possible"
    NONE = "none"


def face_tier(face: FaceHit) -> MatchTier:
    """A face's tier: matched at scan time, or close enough and large enough to check."""
    if face.match:
        return MatchTier.MATCH
    width = face.bbox[2] - face.bbox[0]
    if face.similarity >= POSSIBLE_FLOOR and width >= POSSIBLE_MIN_FACE:
        return MatchTier.POSSIBLE
    return MatchTier.NONE


def item_tier(item: ScanItem) -> MatchTier:
    """An item's tier: its best face's, a match whenever any face matched."""
    if item.match:
        return MatchTier.MATCH
    tiers = {face_tier(face) for face in item.faces}
    return MatchTier.POSSIBLE if MatchTier.POSSIBLE in tiers else MatchTier.NONE
