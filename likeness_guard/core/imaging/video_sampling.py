"""Which decoded frames of a clip the detector sees: a steady rate, scene cuts, the caps."""

import math
from dataclasses import dataclass

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import VideoStop
from likeness_guard.core.imaging.video_clip import SamplingOutcome, SamplingPolicy

# The scene measure compares small luma pictures about this many samples wide.
SCENE_SAMPLES = 64


@dataclass
class FrameSampler:
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

    def halted(self, cancel: CancelToken | None) -> bool:
        """Whether to stop before the next frame (cancelled, or decoded too many); call
        before decoding each one. Says why in `stopped`."""
        if cancel is not None and cancel.cancelled:
            self.stopped = VideoStop.CANCELLED
        elif self.decoded >= self.policy.max_decoded_frames:
            self.stopped = VideoStop.DECODE_LIMIT
        return self.stopped is not None

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
        """Whether the cap is reached (then `stopped` says so); call after each frame taken."""
        if self.taken < self.policy.max_frames:
            return False
        self.stopped = VideoStop.FRAME_CAP
        return True

    def outcome(self) -> SamplingOutcome:
        return SamplingOutcome(
            frames_examined=self.taken,
            frames_decoded=self.decoded,
            examined_until_s=round(self.until_s, 3),
            stopped=self.stopped,
            interval_s=round(self.interval_s, 3),
        )


def luma_of(rgb: np.ndarray) -> np.ndarray:
    """A small luma picture of an RGB frame, for the scene measure."""
    step = max(1, max(rgb.shape[:2]) // SCENE_SAMPLES)
    small = rgb[::step, ::step].astype(np.float32)
    luma: np.ndarray = small @ np.array([0.299, 0.587, 0.114], np.float32)
    return luma


def fit_size(width: int, height: int, max_side: int) -> tuple[int, int, float]:
    """Size to convert to (never up), keeping even sizes for the converter, and the scale."""
    longest = max(width, height)
    if longest <= max_side:
        return width, height, 1.0
    scale = max_side / longest
    fitted_w = max(2, round(width * scale / 2) * 2)
    fitted_h = max(2, round(height * scale / 2) * 2)
    return fitted_w, fitted_h, fitted_w / width
