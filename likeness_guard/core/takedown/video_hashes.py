"""vPDQ, Meta's video hash: the PDQ hash of one frame per second, with its quality and time.

Computed here with PyAV and the project's PDQ because Meta's `vpdq` is published as source
only (it needs a compiler and FFmpeg's development files); the tests compare the result with
it. Like Meta's hasher, it takes every n-th decoded frame, n = seconds per hash x the
stream's frame rate (at least 1), hashes the frame's pixels as decoded (no rotation, no
resizing), and dates it frame number / frame rate.
"""

import io
import json
import logging
from dataclasses import dataclass

from likeness_guard.core.imaging.pdq import pdq_hash

log = logging.getLogger(__name__)

SECONDS_PER_HASH = 1.0
MAX_FEATURES = 36_000  # ten hours at one hash a second: a bound for a hostile file


@dataclass(frozen=True)
class VpdqFeature:
    """One hashed frame."""

    pdq_hex: str
    quality: int
    frame_number: int
    timestamp: float  # seconds

    def __str__(self) -> str:
        """As python-threatexchange serialises a compact vPDQ feature."""
        return f"{self.pdq_hex},{self.quality},{self.timestamp:.3f}"


def vpdq_of_video(data: bytes, seconds_per_hash: float = SECONDS_PER_HASH) -> list[VpdqFeature]:
    """The vPDQ features of a video's first video stream; empty when it cannot be decoded."""
    import av

    features: list[VpdqFeature] = []
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.video[0]
            rate = float(stream.average_rate or stream.guessed_rate or 0) or 1.0
            every = max(1, int(seconds_per_hash * rate))
            for number, frame in enumerate(container.decode(stream)):
                if number % every:
                    continue
                hashed = pdq_hash(frame.to_ndarray(format="rgb24"))
                features.append(VpdqFeature(hashed.hex, hashed.quality, number, number / rate))
                if len(features) >= MAX_FEATURES:
                    break
    except (av.FFmpegError, IndexError, ValueError, OSError) as exc:
        log.info("no vPDQ for a video that cannot be decoded: %s", exc)
        return []
    return features


def vpdq_json(features: list[VpdqFeature]) -> str:
    """The signal HMA stores for a video: a JSON list of "pdq hex,quality,timestamp"."""
    return json.dumps([str(feature) for feature in features], separators=(",", ":"))
