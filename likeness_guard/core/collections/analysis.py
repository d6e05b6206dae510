"""One image of a collection analysed: the scan's own analysis of its bytes, and its hashes.

Both engines (this process's analysis pool, a Ray cluster's actors) turn an
`AnalysisRequest` into an `ImageRecord` with these functions, so a face kept in a
collection is the face a scan of the same bytes finds (pipeline/image_analysis.py).
"""

import hashlib
from dataclasses import dataclass

from likeness_guard.core.collections.records import ImageRecord, ImageSource
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.formats import sniff_video_format
from likeness_guard.core.pipeline.budget import ITEM_SECONDS
from likeness_guard.core.pipeline.image_analysis import ImageAnalysis, ImageJob, analyse_image

# Said of a clip: a collection keeps still images (and the first frames of animations).
NOT_A_STILL = "a video: collections keep still images only; scan it instead"


@dataclass(frozen=True)
class AnalysisSettings:
    """How every image of one `collection add` is analysed (as a scan's still images)."""

    max_frames: int = 8
    check_provenance: bool = True
    item_seconds: float = ITEM_SECONDS


@dataclass(frozen=True)
class AnalysisRequest:
    """One image to analyse. `data` None: read `origin.file.path` where the work runs (a
    worker of a cluster reads the file from its own disk)."""

    image_id: int
    origin: ImageSource
    data: bytes | None = None


def image_job(data: bytes, source: str, settings: AnalysisSettings) -> ImageJob:
    """The scan's job for these bytes, asking for the picture hash whatever the faces."""
    return ImageJob(
        data=data,
        source=source,
        max_frames=settings.max_frames,
        check_provenance=settings.check_provenance,
        item_seconds=settings.item_seconds,
        hash_every_picture=True,
    )


def still_or_none(data: bytes) -> bool:
    """Whether these bytes are analysed as a still image (not a clip)."""
    return sniff_video_format(data[:64]) is None


def record_of(request: AnalysisRequest, data: bytes, analysis: ImageAnalysis) -> ImageRecord:
    """The collection's record of an image from its bytes and their analysis."""
    return ImageRecord(
        image_id=request.image_id,
        origin=request.origin,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        pdq=analysis.picture_pdq,
        format=analysis.format,
        width=analysis.width,
        height=analysis.height,
        frame_count=analysis.frame_count,
        synthetic=analysis.synthetic,
        error=analysis.error,
        faces=analysis.faces,
    )


def failed_record(request: AnalysisRequest, error: str, data: bytes | None = None) -> ImageRecord:
    """The record of an image that could not be read or is not a still image."""
    digest = None if data is None else hashlib.sha256(data).hexdigest()
    md5 = None if data is None else hashlib.md5(data, usedforsecurity=False).hexdigest()
    facts = request.origin.file
    size = len(data) if data is not None else (facts.size if facts is not None else 0)
    return ImageRecord(request.image_id, request.origin, size, digest, md5, None, error=error)


def read_request(request: AnalysisRequest) -> bytes:
    """The request's bytes: given, or read from its file. Raises OSError."""
    if request.data is not None:
        return request.data
    facts = request.origin.file
    if facts is None:
        raise OSError("no bytes and no file to read them from")
    with open(facts.path, "rb") as stream:
        return stream.read()


def analyse_request(
    request: AnalysisRequest, engine: FaceEngine, settings: AnalysisSettings
) -> ImageRecord:
    """Read (where needed) and analyse one image in this process; never raises for a bad
    or unreadable file."""
    try:
        data = read_request(request)
    except OSError as exc:
        return failed_record(request, f"cannot be read ({exc})")
    if not still_or_none(data):
        return failed_record(request, NOT_A_STILL, data)
    job = image_job(data, request.origin.source, settings)
    return record_of(request, data, analyse_image(job, engine))
