"""Safe video decoding: opening a clip for sampling, and single frames.

Videos are read with PyAV (FFmpeg's libraries, no external program) from a file on disk or
from bytes (video_ffmpeg.py), with the demuxer chosen from the bytes (video_container.py).
Frames are sampled at a steady rate plus at scene cuts (video_sampling.py). Animated GIF,
WebP and PNG files that are long enough to be clips go through the same sampler
(video_animation.py). What a clip and its samples are is in video_clip.py.
"""

import numpy as np

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.resize import fit_within
from likeness_guard.core.imaging.video_animation import AnimationReader
from likeness_guard.core.imaging.video_clip import FrameReader, Source
from likeness_guard.core.imaging.video_container import (
    ANIMATED_KINDS,
    DEMUXERS,
    NOT_READABLE,
    read_all,
    sniff_clip,
)
from likeness_guard.core.imaging.video_ffmpeg import AvReader


def open_video(source: Source, kind: str | None = None) -> FrameReader:
    """Open a clip (a path, or the bytes of one) for sampling.

    `kind` is the container from `sniff_video_format` or an animated image format ("gif",
    "webp", "png"); it is sniffed when not given. Raises ImageError with a message for the
    user when the file is not a clip we can read, is damaged before its first frame, or
    claims absurd dimensions.
    """
    if kind is None:
        kind = sniff_clip(source)
    if kind in DEMUXERS:
        return AvReader(source, kind)
    if kind in ANIMATED_KINDS:
        data = source if isinstance(source, bytes) else read_all(source)
        return AnimationReader(data, kind)
    raise ImageError(NOT_READABLE)


def grab_frame(source: Source, time_s: float, max_side: int | None = None) -> np.ndarray:
    """The frame shown at `time_s` seconds, RGB, fitted into `max_side` when given.

    Raises ImageError when the clip cannot be read.
    """
    with open_video(source) as reader:
        rgb = reader.frame_at(time_s)
    if max_side is not None:
        rgb, _ = fit_within(rgb, max_side)
    return rgb
