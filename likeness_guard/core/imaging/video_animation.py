"""Animated GIF, WebP and PNG files long enough to be clips, sampled in time like a video
(decoded with Pillow)."""

import io
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.records import VideoStop
from likeness_guard.core.imaging.formats import sniff_format
from likeness_guard.core.imaging.resize import fit_within
from likeness_guard.core.imaging.video_clip import (
    ReaderBase,
    SampledFrame,
    SamplingPolicy,
    VideoInfo,
)
from likeness_guard.core.imaging.video_container import ANIMATED_KINDS
from likeness_guard.core.imaging.video_sampling import FrameSampler, luma_of

if TYPE_CHECKING:
    from PIL import Image

# Browsers show GIF frames that declare less than 20 ms for 100 ms; so do we.
_MIN_ANIMATION_FRAME_MS = 20
_DEFAULT_ANIMATION_FRAME_MS = 100
# Pillow decodes animation frames one after another (about 5 ns a pixel here): a 10,000-frame
# GIF held a scan for 50 s. The frames decoded are capped so that one animation costs at
# most about this many pixels (1000 frames of 1000x1000; more of smaller ones); the rest
# is left out, and the clip says it stopped early.
ANIMATION_DECODED_PIXELS = 1_000_000_000
_MIN_CAPPED_FRAMES = 50


def animation_frame_count(data: bytes) -> int:
    """How many frames an animated GIF, WebP or PNG holds (1 for a still; 0 if unreadable)."""
    from PIL import Image

    if sniff_format(data) not in ANIMATED_KINDS:
        return 1
    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(getattr(image, "n_frames", 1))
    except Exception:  # damaged: the image decoder says why
        return 0


@dataclass
class AnimationReader(ReaderBase):
    """An animated GIF, WebP or PNG, sampled in time like a video."""

    data: bytes
    kind: str
    info: VideoInfo = field(init=False)

    def __post_init__(self) -> None:
        with self._opened() as image:
            count = int(getattr(image, "n_frames", 1))
            self._cap = max(
                _MIN_CAPPED_FRAMES, ANIMATION_DECODED_PIXELS // max(1, image.width * image.height)
            )
            durations = []
            total_ms = 0
            for index in range(min(count, self._cap)):
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

    def _opened(self) -> Any:
        from likeness_guard.core.imaging.decode import opened_image

        return _PillowOnly(opened_image(self.data))

    def frames(
        self, policy: SamplingPolicy, cancel: CancelToken | None = None
    ) -> Generator[SampledFrame, None, None]:
        capped = min(policy.max_decoded_frames, self._cap)
        sampler = FrameSampler(replace(policy, max_decoded_frames=capped), self.info.duration_s)
        start_ms = 0
        try:
            with self._opened() as image:
                for number, ms in enumerate(self._durations):
                    if sampler.halted(cancel):
                        break
                    time_s = start_ms / 1000
                    start_ms += ms
                    image.seek(number)
                    rgb_full = _pillow_rgb(image)
                    take, cut = sampler.wants(time_s, luma_of(rgb_full))
                    if not take:
                        continue
                    rgb, scale = fit_within(rgb_full, policy.analysis_max_side)
                    yield SampledFrame(
                        number, round(time_s, 3), rgb, scale, cut, _constant(rgb_full)
                    )
                    if sampler.full():
                        break
                else:
                    if len(self._durations) < (self.info.frame_count or 0):
                        sampler.stopped = VideoStop.DECODE_LIMIT  # the frames left are capped
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
