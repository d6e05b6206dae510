"""Enrollment: turning a person's own photos into reference faces, after the quality gate."""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from likeness_guard.core.domain.errors import ImageError, SourceError
from likeness_guard.core.domain.records import Profile, ReferenceFace
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.domain.words import face_position_words, reference_adds_words
from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
from likeness_guard.core.engine.quality import MIN_FACE_WIDTH, check_reference, size_warning
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.sources.file_checks import read_regular_file
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _


@dataclass(frozen=True)
class FaceChoice:
    """One face of a photo with several, offered to the person to pick theirs."""

    number: int  # 1 = the largest face; what `face_number` and `--face N` take
    width: int  # pixels across the face in the photo
    position: str  # where it is, in words ("top left")
    thumbnail_png: bytes  # the aligned face the recognizer saw


@dataclass(frozen=True)
class EnrollResult:
    """What happened to one reference photo."""

    source: str
    reason: str | None  # None when accepted
    reference_id: int | None = None
    thumbnail_png: bytes | None = None  # the aligned face, accepted or not, when one was found
    already_enrolled: bool = False
    warning: str | None = None  # accepted, but a better photo would work better
    # When refused because the photo has several faces: the ones large enough to use, to
    # choose from, and how many more were too small to offer.
    face_choices: tuple[FaceChoice, ...] = ()
    smaller_faces: int = 0

    @property
    def accepted(self) -> bool:
        return self.reason is None

    @property
    def needs_face_choice(self) -> bool:
        """True when the photo was refused only because the person must pick their face."""
        return bool(self.face_choices)


def enroll_bytes(
    store: Store,
    engine: FaceEngine,
    profile: Profile,
    data: bytes,
    source: str,
    face_number: int | None = None,
) -> EnrollResult:
    """Check one photo and, if it passes, store its face as a reference of `profile`.

    `face_number` picks one face of a photo with several (1 = the largest); without it such
    a photo is refused and the result lists the faces to choose from (`face_choices`).
    Only the embedding, the aligned face thumbnail, the file name and the photo's SHA-256 are
    kept; the photo itself is not copied.
    """
    try:
        image = decode_image(data, max_frames=1)
    except ImageError as exc:
        return EnrollResult(source, _("cannot be read: {reason}").format(reason=exc))
    frame = image.frames[0]
    faces = engine.analyze(frame)
    check = check_reference(faces, face_number)
    thumbnail = png_bytes(check.face.aligned) if check.face is not None else None
    if check.several_faces:
        choices = face_choices(faces, frame.shape[1], frame.shape[0])
        reason = check.reason
        if not choices:
            widest = max(round(f.width) for f in faces)
            reason = _(
                "{count} faces found, all too small to use (the largest is {widest} pixels "
                "wide, at least {needed} needed) — use a closer or larger photo"
            ).format(count=len(faces), widest=widest, needed=MIN_FACE_WIDTH)
        return EnrollResult(
            source,
            reason,
            thumbnail_png=thumbnail,
            face_choices=choices,
            smaller_faces=len(faces) - len(choices),
        )
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
        warning=check.warning,
    )


def face_choices(
    faces: list[DetectedFace], image_width: int, image_height: int
) -> tuple[FaceChoice, ...]:
    """The faces (largest first, numbered from 1) wide enough to serve as a reference."""
    return tuple(
        FaceChoice(
            number=number,
            width=round(face.width),
            position=face_position_words(face.bbox, image_width, image_height),
            thumbnail_png=png_bytes(face.aligned),
        )
        for number, face in enumerate(faces, start=1)
        if round(face.width) >= MIN_FACE_WIDTH
    )


@dataclass(frozen=True)
class ReferenceNote:
    """How much one reference adds next to the person's other references."""

    reference_id: int
    number: int  # 1-based, in the order the references are listed (oldest first)
    best_similarity: float | None  # to the most similar other reference; None when alone
    closest_number: int | None
    text: str  # what it adds, and a size warning when the face is small


def reference_notes(references: list[ReferenceFace]) -> list[ReferenceNote]:
    """For each reference (oldest first), its best similarity to the others, in words."""
    if not references:
        return []
    matrix = np.stack([r.embedding for r in references]).astype(np.float32)
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -np.inf)
    notes = []
    for index, reference in enumerate(references):
        best: float | None = None
        closest: int | None = None
        if len(references) > 1:
            other = int(np.argmax(similarity[index]))
            best, closest = float(similarity[index, other]), other + 1
        text = reference_adds_words(best, closest)
        warning = size_warning(reference.face_width)
        if warning:
            text = f"{text}; {warning}"
        notes.append(ReferenceNote(reference.id, index + 1, best, closest, text))
    return notes


def enroll_file(
    store: Store,
    engine: FaceEngine,
    profile: Profile,
    path: Path,
    face_number: int | None = None,
) -> EnrollResult:
    """Like `enroll_bytes`, reading the photo from disk."""
    try:  # regular files only, bounded: a FIFO or a link to /dev/zero must not hang
        data = read_regular_file(path, DEFAULT_MAX_FILE_BYTES, seconds=60.0)
    except SourceError as exc:
        return EnrollResult(storable(str(path)), str(exc))
    except FileNotFoundError:
        return EnrollResult(str(path), _("not found — check the file name"))
    except IsADirectoryError:
        return EnrollResult(str(path), _("this is a folder — give photos of your face"))
    except OSError as exc:
        reason = exc.strerror or exc
        return EnrollResult(str(path), _("cannot be read ({reason})").format(reason=reason))
    return enroll_bytes(store, engine, profile, data, storable(str(path)), face_number)


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an RGB array as PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()
