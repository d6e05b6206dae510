"""Short test videos made from the sample photos with PyAV (no video is stored in the repo).

A video is a list of shots, each one photo shown for some seconds; the photo is fitted into
the frame on a grey background. `motion` pans and zooms slowly and `grain` adds noise, so
that the encoder and the decoder do the work real footage gives them (for benchmarks).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Shot:
    photo: Path
    seconds: float


def fitted(photo: Path, size: tuple[int, int], zoom: float = 1.0) -> np.ndarray:
    """The photo fitted into `size` (width, height) on grey, optionally zoomed in."""
    width, height = size
    image = Image.open(photo).convert("RGB")
    scale = min(width / image.width, height / image.height) * zoom
    shown = image.resize(
        (max(2, round(image.width * scale)), max(2, round(image.height * scale))),
        Image.Resampling.BILINEAR,
    )
    canvas = Image.new("RGB", size, (110, 110, 110))
    canvas.paste(shown, ((width - shown.width) // 2, (height - shown.height) // 2))
    return np.asarray(canvas)


def make_video(
    path: Path,
    shots: Sequence[Shot],
    *,
    size: tuple[int, int] = (480, 270),
    fps: int = 10,
    codec: str = "libx264",
    motion: bool = False,
    grain: float = 0.0,
    faststart: bool = False,
    metadata: dict[str, str] | None = None,
    crf: int = 28,
) -> Path:
    """Encode `shots` into `path` (the container follows the suffix) and return the path."""
    import av

    options = {"movflags": "+faststart"} if faststart else {}
    rng = np.random.default_rng(7)
    with av.open(str(path), "w", options=options) as container:
        if metadata:
            container.metadata.update(metadata)
        stream = container.add_stream(codec, rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast" if not motion else "veryfast", "crf": str(crf)}
        for shot in shots:
            count = max(1, round(shot.seconds * fps))
            still = fitted(shot.photo, size) if not motion else None
            for index in range(count):
                if still is None:
                    picture = fitted(shot.photo, size, zoom=1.0 + 0.1 * index / count)
                    picture = np.roll(picture, int(index * 2) % size[0], axis=1)
                else:
                    picture = still
                if grain:
                    noise = rng.normal(0, grain, picture.shape).astype(np.int16)
                    picture = np.clip(picture.astype(np.int16) + noise, 0, 255).astype(np.uint8)
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
