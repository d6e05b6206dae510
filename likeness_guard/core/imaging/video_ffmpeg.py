"""Video containers (MP4, MOV, WebM, MKV, AVI) decoded with PyAV, FFmpeg's libraries.

Packets are read one by one from a file or from bytes, so memory stays bounded whatever the
clip's length; damaged packets are skipped, and a long run of them ends the clip. Sampled
frames are converted to RGB at a reduced size for the face detector; the full-size frame is
converted on demand.
"""

import logging
import math
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.records import VideoStop
from likeness_guard.core.imaging.video_clip import (
    ReaderBase,
    SampledFrame,
    SamplingOutcome,
    SamplingPolicy,
    Source,
    VideoInfo,
)
from likeness_guard.core.imaging.video_container import (
    INCOMPLETE,
    ISO_KINDS,
    file_size,
    has_iso_box,
    open_container,
)
from likeness_guard.core.imaging.video_sampling import SCENE_SAMPLES, FrameSampler, fit_size

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream

log = logging.getLogger(__name__)

# Frames larger than this are refused as hostile (8K video is 33 megapixels).
MAX_FRAME_PIXELS = 40_000_000
# A header can claim any duration; beyond this it is not believed when spreading samples.
MAX_PLAUSIBLE_DURATION_S = 24 * 3600.0
# Packets that fail to decode, in a row, before the rest of the file is taken as damaged.
_MAX_BAD_PACKETS_IN_A_ROW = 50
# Frames decoded after a seek while looking for one moment.
_MAX_FRAMES_AFTER_SEEK = 2000
# Pixel formats whose first plane is 8-bit luma: the scene measure reads it as it is.
_LUMA_FIRST = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"}
)


class AvReader(ReaderBase):
    """A video container read with PyAV."""

    def __init__(self, source: Source, kind: str) -> None:
        self._stack = ExitStack()
        self._size = len(source) if isinstance(source, bytes) else file_size(source)
        self._data_end = 0  # where the last packet read ends in the file
        self._largest_packet = 0
        self._bad_packets = 0
        try:
            self._container = open_container(source, kind, self._stack)
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

    def close(self) -> None:
        self._stack.close()

    @staticmethod
    def _video_stream(container: "InputContainer", source: Source, kind: str) -> "VideoStream":
        if not container.streams.video:
            if kind in ISO_KINDS and not has_iso_box(source, b"moov"):
                raise ImageError(INCOMPLETE)
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
        sampler = FrameSampler(policy, self.info.duration_s)
        if policy.skip_nonref:
            self._stream.codec_context.skip_frame = "NONREF"
        number = -1
        time_s = 0.0
        decoded = self._decoded(self._stream)
        try:
            for frame in _chain(self._first, decoded):
                number += 1
                if sampler.halted(cancel):
                    break
                time_s = self._time(frame, number, time_s)
                take, cut = sampler.wants(time_s, _frame_luma(frame))
                if not take:
                    continue
                rate = self.info.frame_rate
                index = round(time_s * rate) if rate else number
                yield self._sample(frame, index, time_s, cut, policy)
                if sampler.full():
                    break
        except _Damaged as exc:
            log.info("video damaged after %.1f s: %s", sampler.until_s, exc)
            sampler.stopped = VideoStop.DAMAGED
        finally:
            decoded.close()
            self._outcome = self._finished(sampler)

    def _finished(self, sampler: FrameSampler) -> SamplingOutcome:
        """The outcome, telling a clip that ends early apart: cut off (the data ran to the
        end of the file) or damaged on the way."""
        if sampler.stopped is None and _ends_early(sampler.until_s, self.info.duration_s):
            reach = self._data_end + self._largest_packet + 4096
            cut_off = reach >= self._size or not self._bad_packets
            sampler.stopped = VideoStop.ENDS_EARLY if cut_off else VideoStop.DAMAGED
        return sampler.outcome()

    def _sample(
        self,
        frame: "VideoFrame",
        number: int,
        time_s: float,
        cut: bool,
        policy: SamplingPolicy,
    ) -> SampledFrame:
        rotation = self.info.rotation
        width, height, scale = fit_size(frame.width, frame.height, policy.analysis_max_side)
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


def _frame_luma(frame: "VideoFrame") -> np.ndarray:
    """A small luma picture of the frame for the scene measure (no full conversion)."""
    width, height = frame.width, frame.height
    step = max(1, max(width, height) // SCENE_SAMPLES)
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
