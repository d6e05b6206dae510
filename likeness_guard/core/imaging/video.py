"""Safe video decoding: a clip's facts, frames sampled for face detection, single frames.

Videos are read with PyAV (FFmpeg's libraries, no external program) from a file on disk or
from bytes, packet by packet, so memory stays bounded whatever their length. The demuxer is
chosen from the bytes, never guessed by FFmpeg, so a playlist or a file that points
elsewhere is never followed. Frames are sampled at a steady rate plus at scene cuts and
converted to RGB at a reduced size for the face detector; the full-size frame can be had on
demand. Animated GIF, WebP and PNG files that are long enough to be clips go through the
same sampler.
"""

import io
import logging
import math
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.records import VideoStop
from likeness_guard.core.imaging.formats import sniff_format, sniff_video_format
from likeness_guard.core.imaging.resize import fit_within

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream
    from PIL import Image

log = logging.getLogger(__name__)

# Frames larger than this are refused as hostile (8K video is 33 megapixels).
MAX_FRAME_PIXELS = 40_000_000
# A header can claim any duration; beyond this it is not believed when spreading samples.
MAX_PLAUSIBLE_DURATION_S = 24 * 3600.0
# Animated images with more frames than this are clips, sampled in time like a video.
ANIMATION_AS_VIDEO_FRAMES = 8
# Browsers show GIF frames that declare less than 20 ms for 100 ms; so do we.
_MIN_ANIMATION_FRAME_MS = 20
_DEFAULT_ANIMATION_FRAME_MS = 100
# Packets that fail to decode, in a row, before the rest of the file is taken as damaged.
_MAX_BAD_PACKETS_IN_A_ROW = 50
# Frames decoded after a seek while looking for one moment.
_MAX_FRAMES_AFTER_SEEK = 2000
# The scene measure compares small luma pictures about this many samples wide.
_SCENE_SAMPLES = 64
# FFmpeg's demuxer for each container we read (see formats.sniff_video_format).
_DEMUXERS = {
    "mp4": "mov",
    "m4v": "mov",
    "mov": "mov",
    "webm": "matroska",
    "mkv": "matroska",
    "avi": "avi",
}
_ISO_KINDS = frozenset({"mp4", "m4v", "mov"})
_INCOMPLETE = (
    "the video is incomplete: its index is missing, which usually means the download or copy "
    "did not finish"
)
# Pixel formats whose first plane is 8-bit luma: the scene measure reads it as it is.
_LUMA_FIRST = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"}
)

Source = Path | bytes


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


def video_kind(head: bytes) -> str | None:
    """The container of a video from its first bytes ("mp4", "webm", ...), or None."""
    return sniff_video_format(head)


def open_video(source: Source, kind: str | None = None) -> FrameReader:
    """Open a clip (a path, or the bytes of one) for sampling.

    `kind` is the container from `sniff_video_format` or an animated image format ("gif",
    "webp", "png"); it is sniffed when not given. Raises ImageError with a message for the
    user when the file is not a clip we can read, is damaged before its first frame, or
    claims absurd dimensions.
    """
    if kind is None:
        kind = _sniff(source)
    if kind in _DEMUXERS:
        return _AvReader(source, kind)
    if kind in ("gif", "webp", "png"):
        data = source if isinstance(source, bytes) else _read_all(source)
        return _AnimationReader(data, kind)
    raise ImageError("not a video (or a format Likeness Guard cannot read)")


def grab_frame(source: Source, time_s: float, max_side: int | None = None) -> np.ndarray:
    """The frame shown at `time_s` seconds, RGB, fitted into `max_side` when given.

    Raises ImageError when the clip cannot be read.
    """
    with open_video(source) as reader:
        rgb = reader.frame_at(time_s)
    if max_side is not None:
        rgb, _ = fit_within(rgb, max_side)
    return rgb


def animation_frame_count(data: bytes) -> int:
    """How many frames an animated GIF, WebP or PNG holds (1 for a still; 0 if unreadable)."""
    from PIL import Image

    if sniff_format(data) not in ("gif", "webp", "png"):
        return 1
    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(getattr(image, "n_frames", 1))
    except Exception:  # damaged: the image decoder says why
        return 0


@dataclass(frozen=True)
class ContainerTags:
    """Metadata tags of a video container and its streams, for the AI-marker checks."""

    container: str
    tags: tuple[tuple[str, str, str], ...]  # (where, key, value)


def read_container_tags(source: Source, kind: str | None = None) -> ContainerTags:
    """Every metadata tag of the container and its streams, without decoding pictures.

    Raises ImageError when the container cannot be opened.
    """
    kind = kind or _sniff(source)
    if kind not in _DEMUXERS:
        raise ImageError("not a video (or a format Likeness Guard cannot read)")
    with ExitStack() as stack:
        container = _open_container(source, kind, stack)
        tags: list[tuple[str, str, str]] = [
            (f"{kind.upper()} container", str(k), str(v)) for k, v in container.metadata.items()
        ]
        for stream in container.streams:
            where = f"{kind.upper()} {stream.type} stream {stream.index}"
            tags.extend((where, str(k), str(v)) for k, v in stream.metadata.items())
    return ContainerTags(kind, tuple(tags))


# ---- sampling, shared by both readers ----------------------------------------------------


@dataclass
class _Sampler:
    """Decides, frame by frame, which ones the detector sees."""

    policy: SamplingPolicy
    duration_s: float | None
    interval_s: float = 0.0
    next_due_s: float = 0.0
    last_taken_s: float = -math.inf
    previous: np.ndarray | None = None
    taken: int = 0
    decoded: int = 0
    until_s: float = 0.0
    stopped: VideoStop | None = None

    def __post_init__(self) -> None:
        interval = 1.0 / max(self.policy.frames_per_second, 1e-3)
        steady_share = 0.8  # leave a fifth of the cap for scene cuts
        cap = max(1, int(self.policy.max_frames * steady_share))
        if self.duration_s is not None and self.duration_s / interval > cap:
            interval = self.duration_s / cap
        self.interval_s = interval

    def wants(self, time_s: float, luma: np.ndarray | None) -> tuple[bool, bool]:
        """(take this frame, it follows a cut); call once per decoded frame, in order."""
        self.decoded += 1
        self.until_s = max(self.until_s, time_s)
        cut = False
        if luma is not None:
            previous = self.previous
            if previous is not None and previous.shape == luma.shape:
                cut = float(np.abs(luma - previous).mean()) > self.policy.scene_threshold
            self.previous = luma
        if time_s >= self.next_due_s - 1e-6:
            # Arithmetic, not a loop: a hostile timestamp can jump by years.
            self.next_due_s = (math.floor(time_s / self.interval_s + 1e-6) + 1) * self.interval_s
        elif not (cut and time_s - self.last_taken_s >= self.policy.min_scene_gap_s):
            return False, cut
        self.last_taken_s = time_s
        self.taken += 1
        return True, cut

    def full(self) -> bool:
        return self.taken >= self.policy.max_frames

    def outcome(self) -> SamplingOutcome:
        return SamplingOutcome(
            frames_examined=self.taken,
            frames_decoded=self.decoded,
            examined_until_s=round(self.until_s, 3),
            stopped=self.stopped,
            interval_s=round(self.interval_s, 3),
        )


def _luma_of(rgb: np.ndarray) -> np.ndarray:
    step = max(1, max(rgb.shape[:2]) // _SCENE_SAMPLES)
    small = rgb[::step, ::step].astype(np.float32)
    luma: np.ndarray = small @ np.array([0.299, 0.587, 0.114], np.float32)
    return luma


def _fit_size(width: int, height: int, max_side: int) -> tuple[int, int, float]:
    """Size to convert to (never up), keeping even sizes for the converter, and the scale."""
    longest = max(width, height)
    if longest <= max_side:
        return width, height, 1.0
    scale = max_side / longest
    fitted_w = max(2, round(width * scale / 2) * 2)
    fitted_h = max(2, round(height * scale / 2) * 2)
    return fitted_w, fitted_h, fitted_w / width


# ---- FFmpeg containers -----------------------------------------------------------------


class _AvReader:
    """A video container read with PyAV."""

    def __init__(self, source: Source, kind: str) -> None:
        self._stack = ExitStack()
        self._outcome: SamplingOutcome | None = None
        self._size = len(source) if isinstance(source, bytes) else _file_size(source)
        self._data_end = 0  # where the last packet read ends in the file
        self._largest_packet = 0
        self._bad_packets = 0
        try:
            self._container = _open_container(source, kind, self._stack)
            self._stream = self._video_stream(self._container, source, kind)
            self._start_s = _seconds(self._stream.start_time, self._stream.time_base) or 0.0
            self._first = self._first_frame()
        except BaseException:
            self._stack.close()
            raise
        rotation = _rotation(self._first)
        width, height = self._first.width, self._first.height
        if rotation in (90, 270):
            width, height = height, width
        self.info = VideoInfo(
            container=kind,
            codec=self._stream.codec_context.name or None,
            width=width,
            height=height,
            duration_s=_duration(self._container, self._stream),
            frame_rate=_rate(self._stream),
            frame_count=int(self._stream.frames) or None,
            rotation=rotation,
        )

    def __enter__(self) -> "_AvReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()

    @property
    def outcome(self) -> SamplingOutcome | None:
        return self._outcome

    @staticmethod
    def _video_stream(container: "InputContainer", source: Source, kind: str) -> "VideoStream":
        if not container.streams.video:
            if kind in _ISO_KINDS and not _has_iso_box(source, b"moov"):
                raise ImageError(_INCOMPLETE)
            raise ImageError("there is no picture in this file (only sound or other data)")
        stream = container.streams.video[0]
        context = stream.codec_context
        width, height = int(context.width or 0), int(context.height or 0)
        if width * height > MAX_FRAME_PIXELS:
            raise ImageError(
                f"the video claims frames of {width}x{height} pixels, too large to analyse safely"
            )
        if context.name is None or context.codec is None:
            raise ImageError("the video is in a format this app cannot decode")
        return stream

    def _first_frame(self) -> "VideoFrame":
        """Decode up to the first picture, so that a clip that cannot be read fails here."""
        for frame in self._decoded(self._stream):
            return frame
        raise ImageError("the video is damaged or incomplete: not one frame could be decoded")

    def _decoded(self, stream: "VideoStream") -> Generator["VideoFrame", None, None]:
        """Frames in order; damaged packets are skipped, a run of them ends the clip."""
        import av

        bad_in_a_row = 0
        try:
            for packet in self._container.demux(stream):
                if packet.pos is not None and packet.pos >= 0:
                    self._data_end = max(self._data_end, packet.pos + packet.size)
                    self._largest_packet = max(self._largest_packet, packet.size)
                try:
                    frames = packet.decode()
                except (av.FFmpegError, ValueError) as exc:
                    self._bad_packets += 1
                    bad_in_a_row += 1
                    if bad_in_a_row > _MAX_BAD_PACKETS_IN_A_ROW:
                        raise _Damaged(str(exc)) from exc
                    continue
                for frame in frames:
                    bad_in_a_row = 0
                    self._check_size(frame)
                    yield frame
        except av.error.EOFError:
            return
        except av.FFmpegError as exc:
            raise _Damaged(str(exc)) from exc

    @staticmethod
    def _check_size(frame: "VideoFrame") -> None:
        if frame.width * frame.height > MAX_FRAME_PIXELS or not frame.width or not frame.height:
            raise _Damaged(f"a frame of {frame.width}x{frame.height} pixels")

    def _time(self, frame: "VideoFrame", number: int, previous: float) -> float:
        seconds = frame.time
        if seconds is None or not math.isfinite(seconds):
            rate = self.info.frame_rate or 25.0
            return max(previous, number / rate)
        return max(0.0, seconds - self._start_s)

    def frames(
        self, policy: SamplingPolicy, cancel: CancelToken | None = None
    ) -> Generator[SampledFrame, None, None]:
        """Sampled frames, in order; `outcome` is set once they are exhausted or closed."""
        sampler = _Sampler(policy, self.info.duration_s)
        if policy.skip_nonref:
            self._stream.codec_context.skip_frame = "NONREF"
        number = -1
        time_s = 0.0
        decoded = self._decoded(self._stream)
        try:
            for frame in _chain(self._first, decoded):
                number += 1
                if cancel is not None and cancel.cancelled:
                    sampler.stopped = VideoStop.CANCELLED
                    break
                if sampler.decoded >= policy.max_decoded_frames:
                    sampler.stopped = VideoStop.DECODE_LIMIT
                    break
                time_s = self._time(frame, number, time_s)
                take, cut = sampler.wants(time_s, _frame_luma(frame))
                if not take:
                    continue
                rate = self.info.frame_rate
                index = round(time_s * rate) if rate else number
                yield self._sample(frame, index, time_s, cut, policy)
                if sampler.full():
                    sampler.stopped = VideoStop.FRAME_CAP
                    break
        except _Damaged as exc:
            log.info("video damaged after %.1f s: %s", sampler.until_s, exc)
            sampler.stopped = VideoStop.DAMAGED
        finally:
            decoded.close()
            if sampler.stopped is None and _ends_early(sampler.until_s, self.info.duration_s):
                # Cut off (the data ran to the end of the file) or damaged on the way?
                reach = self._data_end + self._largest_packet + 4096
                cut_off = reach >= self._size or not self._bad_packets
                sampler.stopped = VideoStop.ENDS_EARLY if cut_off else VideoStop.DAMAGED
            self._outcome = sampler.outcome()

    def _sample(
        self,
        frame: "VideoFrame",
        number: int,
        time_s: float,
        cut: bool,
        policy: SamplingPolicy,
    ) -> SampledFrame:
        rotation = self.info.rotation
        width, height, scale = _fit_size(frame.width, frame.height, policy.analysis_max_side)
        rgb = _frame_rgb(frame, rotation, width, height)

        def full_size() -> np.ndarray:
            return rgb if scale == 1.0 else _frame_rgb(frame, rotation, None, None)

        return SampledFrame(number, round(time_s, 3), rgb, scale, cut, full_size)

    def frame_at(self, time_s: float) -> np.ndarray:
        """The frame shown at `time_s` (the last one starting at or before it)."""
        import av

        stream = self._stream
        stream.codec_context.skip_frame = "DEFAULT"
        target = max(0.0, time_s)
        chosen: VideoFrame = self._first
        if target > 0:
            try:
                offset = int((target + self._start_s) / float(stream.time_base or Fraction(1)))
                self._container.seek(offset, stream=stream, backward=True, any_frame=False)
            except (av.FFmpegError, OverflowError, ValueError):
                log.debug("seek failed; decoding from the start", exc_info=True)
            number = 0
            previous = 0.0
            try:
                for frame in self._decoded(stream):
                    previous = self._time(frame, number, previous)
                    if previous > target + 1e-3 and number:
                        break
                    chosen = frame
                    number += 1
                    if number > _MAX_FRAMES_AFTER_SEEK:
                        break
            except _Damaged:
                pass  # the last good frame before the damage will do
        return _frame_rgb(chosen, self.info.rotation, None, None)


class _Damaged(Exception):
    """The rest of the clip cannot be decoded."""


def _chain(first: "VideoFrame", rest: Iterator["VideoFrame"]) -> Iterator["VideoFrame"]:
    yield first
    yield from rest


def _open_container(source: Source, kind: str, stack: ExitStack) -> "InputContainer":
    import av

    stream: Any = (
        io.BytesIO(source) if isinstance(source, bytes) else stack.enter_context(source.open("rb"))
    )
    try:
        container: InputContainer = av.open(
            stream, mode="r", format=_DEMUXERS[kind], metadata_errors="ignore", buffer_size=1 << 18
        )
    except av.FFmpegError as exc:
        raise ImageError(_open_failure(kind, str(exc), source)) from exc
    except OSError as exc:
        raise ImageError(f"the video cannot be read ({exc.strerror or exc})") from exc
    stack.callback(container.close)
    return container


def _open_failure(kind: str, reason: str, source: Source) -> str:
    lowered = reason.lower()
    if "moov atom not found" in lowered or (
        kind in _ISO_KINDS and not _has_iso_box(source, b"moov")
    ):
        return _INCOMPLETE
    if "invalid data" in lowered or "end of file" in lowered:
        return f"the {kind.upper()} video is damaged or is not really a video"
    return f"the {kind.upper()} video cannot be read ({reason[:80]})"


def _frame_luma(frame: "VideoFrame") -> np.ndarray:
    """A small luma picture of the frame for the scene measure (no full conversion)."""
    width, height = frame.width, frame.height
    step = max(1, max(width, height) // _SCENE_SAMPLES)
    if frame.format.name in _LUMA_FIRST:
        plane = frame.planes[0]
        rows = np.frombuffer(memoryview(plane), np.uint8)
        rows = rows[: plane.line_size * height].reshape(height, plane.line_size)
        return rows[::step, :width:step].astype(np.float32)
    small = frame.reformat(
        width=max(1, width // step), height=max(1, height // step), format="gray"
    )
    return small.to_ndarray().astype(np.float32)


def _frame_rgb(
    frame: "VideoFrame", rotation: int, width: int | None, height: int | None
) -> np.ndarray:
    """The frame as RGB (at `width` x `height` when given), turned upright."""
    rgb = frame.to_ndarray(format="rgb24", width=width, height=height, interpolation="AREA")
    if rotation:
        rgb = np.rot90(rgb, k=rotation // 90)
    return np.ascontiguousarray(rgb)


def _rotation(frame: "VideoFrame") -> int:
    try:
        degrees = round(float(frame.rotation))
    except (AttributeError, TypeError, ValueError):
        return 0
    return degrees % 360 if degrees % 90 == 0 else 0


def _seconds(value: int | None, base: Fraction | None) -> float | None:
    if value is None or base is None:
        return None
    seconds = float(value * base)
    return seconds if math.isfinite(seconds) else None


def _duration(container: "InputContainer", stream: "VideoStream") -> float | None:
    seconds = _seconds(stream.duration, stream.time_base)
    if seconds is None and container.duration is not None:
        seconds = container.duration / 1_000_000
    if seconds is None or not 0 < seconds <= MAX_PLAUSIBLE_DURATION_S:
        return None
    return round(seconds, 3)


def _rate(stream: "VideoStream") -> float | None:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            value = float(rate)
            if 0 < value <= 1000:
                return round(value, 3)
    return None


def _ends_early(until_s: float, duration_s: float | None) -> bool:
    """The clip stopped well before the end its header declares (a cut-off download)."""
    if duration_s is None:
        return False
    return until_s < duration_s - max(2.0, 0.05 * duration_s)


@dataclass(frozen=True)
class IsoBox:
    """One top-level box of an ISO base media file (MP4, MOV)."""

    kind: bytes
    offset: int
    size: int
    header: int
    complete: bool


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def iso_top_boxes(stream: IO[bytes], limit: int = 10_000) -> Iterator["IsoBox"]:
    """The top-level boxes of an MP4/MOV file, in order; a box cut short by the end of the
    file comes last, with the size that is there."""
    stream.seek(0, io.SEEK_END)
    end = stream.tell()
    offset = 0
    for _ in range(limit):
        if offset + 8 > end:
            return
        stream.seek(offset)
        head = stream.read(8)
        size, kind = int.from_bytes(head[:4], "big"), head[4:8]
        header = 8
        if size == 1:
            size = int.from_bytes(stream.read(8), "big")
            header = 16
        elif size == 0:
            size = end - offset
        if size < header:
            return
        if offset + size > end:
            yield IsoBox(kind, offset, end - offset, header, complete=False)
            return
        yield IsoBox(kind, offset, size, header, complete=True)
        offset += size


def _has_iso_box(source: Source, kind: bytes) -> bool:
    try:
        with ExitStack() as stack:
            stream: IO[bytes] = (
                io.BytesIO(source)
                if isinstance(source, bytes)
                else stack.enter_context(source.open("rb"))
            )
            return any(box.kind == kind and box.complete for box in iso_top_boxes(stream))
    except OSError:
        return True  # unknown: say nothing about an index


def _sniff(source: Source) -> str:
    head = source[:4096] if isinstance(source, bytes) else _read_head(source)
    if not head:
        raise ImageError("the file is empty")
    kind = sniff_video_format(head) or sniff_format(head)
    if kind is None:
        raise ImageError("not a video (or a format Likeness Guard cannot read)")
    return kind


def _read_head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError as exc:
        raise ImageError(f"the video cannot be read ({exc.strerror or exc})") from exc


def _read_all(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImageError(f"the file cannot be read ({exc.strerror or exc})") from exc


# ---- animated images ---------------------------------------------------------------------


@dataclass
class _AnimationReader:
    """An animated GIF, WebP or PNG, sampled in time like a video (decoded with Pillow)."""

    data: bytes
    kind: str
    info: VideoInfo = field(init=False)
    _outcome: SamplingOutcome | None = None

    def __post_init__(self) -> None:
        with self._opened() as image:
            count = int(getattr(image, "n_frames", 1))
            durations = []
            total_ms = 0
            for index in range(count):
                image.seek(index)
                ms = _frame_ms(image)
                durations.append(ms)
                total_ms += ms
            self._durations = durations
            width, height = image.size
        self.info = VideoInfo(
            container=self.kind,
            codec=self.kind,
            width=width,
            height=height,
            duration_s=round(total_ms / 1000, 3) if total_ms else None,
            frame_rate=round(count * 1000 / total_ms, 3) if total_ms else None,
            frame_count=count,
        )

    def __enter__(self) -> "_AnimationReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing stays open between calls."""

    @property
    def outcome(self) -> SamplingOutcome | None:
        return self._outcome

    def _opened(self) -> Any:
        from likeness_guard.core.imaging.decode import opened_image

        return _PillowOnly(opened_image(self.data))

    def frames(
        self, policy: SamplingPolicy, cancel: CancelToken | None = None
    ) -> Generator[SampledFrame, None, None]:
        sampler = _Sampler(policy, self.info.duration_s)
        start_ms = 0
        try:
            with self._opened() as image:
                for number, ms in enumerate(self._durations):
                    if cancel is not None and cancel.cancelled:
                        sampler.stopped = VideoStop.CANCELLED
                        break
                    if sampler.decoded >= policy.max_decoded_frames:
                        sampler.stopped = VideoStop.DECODE_LIMIT
                        break
                    time_s = start_ms / 1000
                    start_ms += ms
                    image.seek(number)
                    rgb_full = _pillow_rgb(image)
                    take, cut = sampler.wants(time_s, _luma_of(rgb_full))
                    if not take:
                        continue
                    rgb, scale = fit_within(rgb_full, policy.analysis_max_side)
                    yield SampledFrame(
                        number, round(time_s, 3), rgb, scale, cut, _constant(rgb_full)
                    )
                    if sampler.full():
                        sampler.stopped = VideoStop.FRAME_CAP
                        break
        except ImageError:
            sampler.stopped = VideoStop.DAMAGED
        finally:
            self._outcome = sampler.outcome()

    def frame_at(self, time_s: float) -> np.ndarray:
        start_ms = 0.0
        target_ms = max(0.0, time_s * 1000)
        chosen = 0
        for number, ms in enumerate(self._durations):
            if start_ms > target_ms + 1:
                break
            chosen = number
            start_ms += ms
        with self._opened() as image:
            image.seek(chosen)
            return _pillow_rgb(image)


class _PillowOnly:
    """Turns the decoder's `(kind, image)` context into one that yields the image, and
    Pillow's errors while seeking into ImageError."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def __enter__(self) -> "Image.Image":
        _kind, image = self._context.__enter__()
        return image  # type: ignore[no-any-return]

    def __exit__(self, *exc: Any) -> bool | None:
        return self._context.__exit__(*exc)  # type: ignore[no-any-return]


def _constant(rgb: np.ndarray) -> Callable[[], np.ndarray]:
    return lambda: rgb


def _frame_ms(image: "Image.Image") -> int:
    try:
        ms = int(image.info.get("duration") or 0)
    except (TypeError, ValueError):
        ms = 0
    return ms if ms >= _MIN_ANIMATION_FRAME_MS else _DEFAULT_ANIMATION_FRAME_MS


def _pillow_rgb(image: "Image.Image") -> np.ndarray:
    from likeness_guard.core.imaging.decode import to_rgb

    image.load()
    return to_rgb(image)
