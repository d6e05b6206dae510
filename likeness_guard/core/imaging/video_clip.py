"""What a clip is to the scan: its facts, which frames are sampled, a sampled frame, how far
sampling got, and the reader every kind of clip is read through."""

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Protocol, Self

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import VideoStop
from likeness_guard.core.imaging.video_sealed import ClipFile

# Animated images with more frames than this are clips, sampled in time like a video.
ANIMATION_AS_VIDEO_FRAMES = 8

# A clip on disk (as it is, or a download sealed in the spool), or the bytes of one.
Source = ClipFile | bytes


@dataclass(frozen=True)
class SamplingPolicy:
    """Which frames of a clip are looked at.

    A frame every 1/frames_per_second seconds, plus the first frame after each scene cut,
    at most `max_frames` per clip. When the clip is long enough to exceed the cap at that
    rate, the steady samples are spread over the whole clip instead (the outcome says how
    far apart). Frames are converted with their longest side at most `analysis_max_side`
    (the detector looks at 640 pixels anyway; larger frames would only be cut into tiles).
    """

    frames_per_second: float = 2.0
    max_frames: int = 1800
    analysis_max_side: int = 1280
    # Mean absolute change of luma (0-255) between two decoded frames that counts as a cut.
    scene_threshold: float = 28.0
    min_scene_gap_s: float = 0.25
    # A hard limit on decoding work, whatever the samples: a hostile file can hold millions
    # of tiny frames.
    max_decoded_frames: int = 500_000
    # Skip decoding frames that no other frame refers to (B-frames): the decoder's work
    # roughly halves, and sampling at 2 frames a second never needs every frame.
    skip_nonref: bool = True


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip (sizes as displayed, after any rotation)."""

    container: str  # "mp4", "mov", "webm", "mkv", "avi", "gif", "webp", "png"
    codec: str | None
    width: int
    height: int
    duration_s: float | None  # None when unknown or not believable
    frame_rate: float | None
    frame_count: int | None  # as declared; None when not declared
    rotation: int = 0  # degrees counter-clockwise applied to decoded frames


@dataclass(frozen=True)
class SampledFrame:
    """One frame chosen for the face detector."""

    number: int  # decoded frame number, 0 for the first
    time_s: float  # from the start of the clip
    rgb: np.ndarray  # RGB uint8 HxWx3 at analysis size
    scale: float  # rgb pixels per displayed pixel
    scene_cut: bool
    full_size: Callable[[], np.ndarray]  # the same frame at full size, converted on demand


@dataclass(frozen=True)
class SamplingOutcome:
    """How far sampling got, once the frames are exhausted."""

    frames_examined: int
    frames_decoded: int
    examined_until_s: float
    stopped: VideoStop | None  # None when the whole clip was examined
    interval_s: float  # seconds between steady samples


class FrameReader(Protocol):
    """A clip opened for sampling; close it (or use it as a context manager)."""

    info: VideoInfo

    def frames(
        self, policy: SamplingPolicy, cancel: CancelToken | None = None
    ) -> Generator[SampledFrame, None, None]: ...

    @property
    def outcome(self) -> SamplingOutcome | None: ...

    def frame_at(self, time_s: float) -> np.ndarray: ...

    def close(self) -> None: ...

    def __enter__(self) -> "FrameReader": ...

    def __exit__(self, *exc: object) -> None: ...


class ReaderBase:
    """What every reader shares: the context manager, and the outcome of its last sampling."""

    _outcome: SamplingOutcome | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing stays open between calls, unless a reader says otherwise."""

    @property
    def outcome(self) -> SamplingOutcome | None:
        return self._outcome
