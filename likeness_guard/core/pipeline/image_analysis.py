"""One still image analysed from its bytes: decoded, checked for AI markers, faces found.

This is the work a scan spreads over its model workers (analysis_pool.py). A job holds only
bytes, settings and the reference embeddings, and its result only numbers and records, so
both cross a process boundary cheaply; decoded pixels never leave the worker that decoded
them.
"""

import logging
from dataclasses import dataclass, replace

import numpy as np

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.decode import DecodedImage, decode_image
from likeness_guard.core.imaging.pdq import pixels_pdq
from likeness_guard.core.pipeline.budget import ItemClock
from likeness_guard.core.storage.face_cache import CachedFace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageJob:
    """What a worker needs to analyse one image."""

    data: bytes
    source: str  # for the log only
    max_frames: int
    check_provenance: bool
    item_seconds: float
    # The references and the lowest similarity a listed item can have: an image with a face
    # that close gets its picture hash here, from the pixels already decoded (scan.py would
    # otherwise decode its matches once more for it).
    references: np.ndarray | None = None
    hash_from: float = 1.0
    # A collection (core/collections) keeps every picture's hash, to find known pictures
    # again where no face shows.
    hash_every_picture: bool = False


@dataclass(frozen=True)
class ImageAnalysis:
    """What one image held. `error` set means the item is listed as an error; faces found
    before the error (frames checked within the time limit) are still given."""

    faces: tuple[CachedFace, ...] = ()
    format: str | None = None
    width: int | None = None
    height: int | None = None
    frame_count: int | None = None
    synthetic: SyntheticReport | None = None
    error: str | None = None
    picture_pdq: str | None = None  # for an image that may show the person (see ImageJob)

    @property
    def complete(self) -> bool:
        """Every frame was analysed: worth keeping for the next scan."""
        return self.error is None


def analyse_image(job: ImageJob, engine: FaceEngine) -> ImageAnalysis:
    """Decode, inspect and analyse `job`; never raises for a bad image or a model failure."""
    clock = ItemClock(job.item_seconds)
    image: DecodedImage | None = None
    error = None
    try:
        image = decode_image(job.data, max_frames=job.max_frames)
    except ImageError as exc:
        error = str(exc)
    except Exception as exc:  # a decoder bug on one hostile file must not stop the scan
        log.exception("decoding failed on %s", job.source)
        error = f"could not be decoded ({type(exc).__name__})"
    synthetic = None
    if job.check_provenance:
        from likeness_guard.core.provenance import inspect_bytes

        stored = image.frames[0] if image is not None and image.first_as_stored else None
        synthetic = inspect_bytes(job.data, stored)  # never raises
    if image is None:
        return ImageAnalysis(synthetic=synthetic, error=error)
    return _faces_of(image, job, engine, clock, synthetic)


def _faces_of(
    image: DecodedImage,
    job: ImageJob,
    engine: FaceEngine,
    clock: ItemClock,
    synthetic: SyntheticReport | None,
) -> ImageAnalysis:
    shape = ImageAnalysis(
        format=image.format,
        width=image.width,
        height=image.height,
        frame_count=image.frame_count,
        synthetic=synthetic,
    )
    found: list[CachedFace] = []
    checked = 0
    try:
        for number, pixels in enumerate(image.frames):
            if checked and clock.expired:
                break  # the item's time is up: the frames left are not checked
            found.extend(
                CachedFace(
                    number, face.bbox, face.det_score, face.embedding, face.drawn, face.turned
                )
                for face in engine.analyze(pixels)
            )
            checked += 1
    except Exception as exc:  # a model failure on one odd image must not stop the scan
        log.exception("face analysis failed on %s", job.source)
        return replace(
            shape, error=f"face analysis failed ({type(exc).__name__}); the scan went on"
        )
    shape = replace(shape, picture_pdq=_picture_hash(image, job, found))
    if checked < len(image.frames):
        return replace(
            shape,
            faces=tuple(found),
            error=f"only {checked} of {len(image.frames)} frames could be checked within the "
            f"time limit of {clock.seconds:.0f} s; the faces found in them are listed",
        )
    return replace(shape, faces=tuple(found))


def _picture_hash(image: DecodedImage, job: ImageJob, faces: list[CachedFace]) -> str | None:
    """The picture's hash when a face in it is close enough to a reference to be listed
    (or for every picture, when the job asks for it)."""
    if job.hash_every_picture:
        return pixels_pdq(image.frames[0])
    if job.references is None or not faces:
        return None
    similarities = np.stack([face.embedding for face in faces]) @ job.references.T
    return pixels_pdq(image.frames[0]) if similarities.max() >= job.hash_from else None
