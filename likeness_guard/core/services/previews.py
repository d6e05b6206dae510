"""Previews of found items: decoded, scaled down and blurred by core imaging (the same
checks and the same blur as the report), as RGB arrays for the window to show.

Pixels come from the original file or, when it is gone (or was a web image), from the
evidence folder's kept bytes.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from likeness_guard.core.domain.errors import ImageError, SourceError
from likeness_guard.core.domain.records import ScanItem
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.locale import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreviewRequest:
    """What to decode: one item, at most `max_side` pixels on its longest side."""

    key: str
    path: str | None
    sha256: str | None
    max_side: int
    faces: tuple[tuple[float, float, float, float], ...] = ()
    # For a video: the moment whose frame to show (the best frame), in seconds.
    video_time_s: float | None = None


@dataclass(frozen=True)
class PreviewPictures:
    """A decoded item (RGB uint8 arrays): clear and blurred, clear face crops, the scale."""

    key: str
    clear: np.ndarray | None
    blurred: np.ndarray | None
    scale: float  # displayed pixels per original pixel
    face_crops: tuple[np.ndarray, ...] = field(default_factory=tuple)
    error: str | None = None


def request_for(item: ScanItem, max_side: int) -> PreviewRequest:
    """The request that previews `item` with the faces of the frame shown (the first frame
    of an image, the best frame of a video)."""
    video_time = None
    if item.is_video:
        video_time = (item.video.best_frame_s if item.video else None) or 0.0
    return PreviewRequest(
        key=f"{item.id}:{max_side}",
        path=item.path,
        sha256=item.sha256,
        max_side=max_side,
        faces=tuple(f.bbox for f in item.shown_faces),
        video_time_s=video_time,
    )


def preview_pictures(request: PreviewRequest, evidence: EvidenceFolder) -> PreviewPictures:
    """Decode, downscale and blur one item; never raises (the error is in the result)."""
    from likeness_guard.core.imaging.decode import decode_scaled

    if request.video_time_s is not None:
        return _video_preview(request, evidence)
    data = _read_bytes(request, evidence)
    if data is None:
        return _failed(
            request, _("The image is no longer where it was found, and no copy was kept.")
        )
    try:
        scaled = decode_scaled(data, request.max_side)
        return _pictures(request, scaled.rgb, scaled.scale)
    except ImageError as exc:  # a damaged or hostile file: a calm note, never a crash
        log.info("preview of %s failed: %s", request.path or request.sha256, exc)
    except Exception:  # our bug: logged in full, and the window still gets an answer
        log.exception("preview of %s failed", request.path or request.sha256)
    return _failed(request, _("This image cannot be shown."))


def _failed(request: PreviewRequest, error: str) -> PreviewPictures:
    return PreviewPictures(request.key, None, None, 1.0, error=error)


def _pictures(request: PreviewRequest, rgb: np.ndarray, scale: float) -> PreviewPictures:
    from likeness_guard.core.imaging import blur

    crops = (blur.face_crop(rgb, box, request.max_side, scale=scale) for box in request.faces)
    return PreviewPictures(
        request.key,
        rgb,
        blur.strong_blur(rgb),
        scale,
        tuple(crop for crop in crops if crop is not None),
    )


def _video_preview(request: PreviewRequest, evidence: EvidenceFolder) -> PreviewPictures:
    """The best frame of a video, read from the file (or the kept copy) by core imaging."""
    from likeness_guard.core.imaging.resize import fit_within
    from likeness_guard.core.imaging.video import grab_frame

    source = video_source(request.path, request.sha256, evidence)
    if source is None:
        return _failed(
            request, _("The video is no longer where it was found, and no copy was kept.")
        )
    try:
        frame = grab_frame(source, request.video_time_s or 0.0)
        shown, scale = fit_within(frame, request.max_side)
        return _pictures(request, shown, scale)
    except ImageError as exc:
        log.info("video preview of %s failed: %s", source, exc)
    except Exception:  # our bug: logged in full, and the window still gets an answer
        log.exception("video preview of %s failed", source)
    return _failed(request, _("This video cannot be shown."))


def video_source(path: str | None, sha256: str | None, evidence: EvidenceFolder) -> Path | None:
    """The video file to open: where it was found, else the copy kept as evidence."""
    if path and Path(path).is_file():
        return Path(path)
    return evidence.path_if_kept(sha256) if sha256 else None


def _read_bytes(request: PreviewRequest, evidence: EvidenceFolder) -> bytes | None:
    from likeness_guard.core.sources.file_checks import read_regular_file
    from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES

    if request.path:
        try:  # regular files only, bounded: it may have been swapped for a FIFO since
            return read_regular_file(Path(request.path), DEFAULT_MAX_FILE_BYTES, seconds=30.0)
        except (OSError, SourceError):
            pass  # moved or deleted since the scan: fall back to the kept copy
    return evidence.get(request.sha256) if request.sha256 else None


def picture_for_screenshot(data: bytes, height: int) -> np.ndarray:
    """A photo scaled to `height` pixels (for the documentation's screenshots)."""
    from likeness_guard.core.imaging.decode import decode_scaled

    return decode_scaled(data, height).rgb
