"""What the scan's loader hands on for each item: one case per kind of item (`Loaded`).

The loader only tells the cases apart; what happens to each (analysed where, matched how,
written with which evidence) is decided in one place, scan.py's `_take_on`.
"""

from dataclasses import dataclass
from typing import TypeAlias

from likeness_guard.core.domain.records import MediaKind
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.pipeline.incremental import FileStamp
from likeness_guard.core.pipeline.video_loader import VideoJob
from likeness_guard.core.sources.base import SourceItem


@dataclass(frozen=True)
class Skipped:
    """An entry that is not scanned at all (a FIFO, a device, a looping link): only listed."""

    item: SourceItem
    reason: str


@dataclass(frozen=True, kw_only=True)
class ItemFacts:
    """What the loader learned about an item it read, or tried to: the part every case has."""

    seq: int
    item: SourceItem
    sha256: str | None = None
    md5: str | None = None  # of a clip's whole file
    media: MediaKind = MediaKind.IMAGE
    synthetic: SyntheticReport | None = None  # a clip's AI markers, found while loading
    data: bytes | None = None  # the bytes, when they are in memory


@dataclass(frozen=True, kw_only=True)
class Failed(ItemFacts):
    """Could not be read, or is a clip that could not be opened: listed as an error."""

    error: str


@dataclass(frozen=True, kw_only=True)
class Duplicate(ItemFacts):
    """The same bytes as an earlier item of this scan: that item's results are copied.
    `stamp`: the file as it was, remembered when it is new (`remember`) so that a rescan
    need not read it again."""

    sha256: str
    stamp: FileStamp | None = None
    remember: bool = False


@dataclass(frozen=True, kw_only=True)
class Known(ItemFacts):
    """Bytes analysed in an earlier scan (storage/face_cache.py): only matched again, a
    still image or a clip (which one, the cache says).

    `data` is empty when the file was known by its stamp (path, size, modification time,
    inode and status-change time), or is a clip on disk that was only hashed.
    """

    sha256: str
    stamp: FileStamp | None = None  # the file as it was before it was read
    remember: bool = False  # the stamp is new: remember which bytes it held


@dataclass(frozen=True, kw_only=True)
class Video(ItemFacts):
    """A clip, opened: sampled on the loader thread while the models read `job.frames()`.
    `data` holds a clip that came as bytes (a short download, a long animation)."""

    sha256: str
    job: VideoJob
    stamp: FileStamp | None = None  # a clip on disk as it was before it was hashed


@dataclass(frozen=True, kw_only=True)
class Still(ItemFacts):
    """New bytes of a still image: decoded and analysed by the analysis pool."""

    sha256: str
    data: bytes
    stamp: FileStamp | None = None


Loaded: TypeAlias = Skipped | Failed | Duplicate | Known | Video | Still
