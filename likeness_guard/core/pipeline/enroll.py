"""Enrollment: turning a person's own photos into reference faces, after the quality gate."""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from likeness_guard.core.domain.errors import ImageError, SourceError
from likeness_guard.core.domain.records import Profile
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.quality import check_reference
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.sources.file_checks import read_regular_file
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.storage.store import Store


@dataclass(frozen=True)
class EnrollResult:
    """What happened to one reference photo."""

    source: str
    reason: str | None  # None when accepted
    reference_id: int | None = None
    thumbnail_png: bytes | None = None  # the aligned face, accepted or not, when one was found
    already_enrolled: bool = False

    @property
    def accepted(self) -> bool:
        return self.reason is None


def enroll_bytes(
    store: Store, engine: FaceEngine, profile: Profile, data: bytes, source: str
) -> EnrollResult:
    """Check one photo and, if it passes, store its face as a reference of `profile`.

    Only the embedding, the aligned face thumbnail, the file name and the photo's SHA-256 are
    kept; the photo itself is not copied.
    """
    try:
        image = decode_image(data, max_frames=1)
    except ImageError as exc:
        return EnrollResult(source, f"cannot be read: {exc}")
    check = check_reference(engine.analyze(image.frames[0]))
    thumbnail = png_bytes(check.face.aligned) if check.face is not None else None
    if not check.accepted or check.face is None:
        return EnrollResult(source, check.reason, thumbnail_png=thumbnail)
    assert thumbnail is not None
    reference_id = store.add_reference(
        profile.id,
        source_name=Path(source).name or source,
        source_sha256=hashlib.sha256(data).hexdigest(),
        embedding=check.face.embedding,
        thumbnail_png=thumbnail,
        det_score=check.face.det_score,
        face_width=check.face.width,
        sharpness=check.sharpness,
        model_pack=engine.pack.key,
    )
    return EnrollResult(
        source,
        None,
        reference_id=reference_id,
        thumbnail_png=thumbnail,
        already_enrolled=reference_id is None,
    )


def enroll_file(store: Store, engine: FaceEngine, profile: Profile, path: Path) -> EnrollResult:
    """Like `enroll_bytes`, reading the photo from disk."""
    try:  # regular files only, bounded: a FIFO or a link to /dev/zero must not hang
        data = read_regular_file(path, DEFAULT_MAX_FILE_BYTES, seconds=60.0)
    except SourceError as exc:
        return EnrollResult(storable(str(path)), str(exc))
    except FileNotFoundError:
        return EnrollResult(str(path), "not found — check the file name")
    except IsADirectoryError:
        return EnrollResult(str(path), "this is a folder — give photos of your face")
    except OSError as exc:
        return EnrollResult(str(path), f"cannot be read ({exc.strerror or exc})")
    return enroll_bytes(store, engine, profile, data, storable(str(path)))


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an RGB array as PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()
