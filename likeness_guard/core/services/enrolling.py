"""Enrolling: checking photos of the person's face and keeping them as references."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.imaging.formats import IMAGE_SUFFIXES
from likeness_guard.core.pipeline.enroll import (
    EnrollResult,
    FaceChoice,
    ReferenceNote,
    reference_notes,
)
from likeness_guard.core.services.audit import AuditAction, record
from likeness_guard.core.services.packs import FaceEngine
from likeness_guard.core.storage.store import Store

__all__ = [
    "IMAGE_SUFFIXES",
    "EnrollResult",
    "FaceChoice",
    "ReferenceNote",
    "reference_notes",
]


@dataclass(frozen=True)
class EnrollRequest:
    """Photos to check for one profile (made when missing). `face_numbers`, when given,
    holds for each photo the face the person chose (1 = the largest) or None."""

    profile_name: str
    paths: tuple[Path, ...]
    face_numbers: tuple[int | None, ...] = field(default=())

    def faces(self) -> tuple[int | None, ...]:
        return self.face_numbers or (None,) * len(self.paths)


def enroll(
    store: Store,
    engine: FaceEngine,
    request: EnrollRequest,
    *,
    on_result: Callable[[EnrollResult], None] | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Check each photo with the quality gate and keep the accepted faces, in the order
    given; `on_result` hears each photo's outcome. Returns how many were accepted."""
    from likeness_guard.core.pipeline.enroll import enroll_file

    profile = store.profile(request.profile_name, create=True)
    assert profile is not None  # create=True makes it
    accepted = 0
    for path, face_number in zip(request.paths, request.faces(), strict=True):
        if cancel is not None and cancel.cancelled:
            break
        result = enroll_file(store, engine, profile, path, face_number)
        accepted += int(result.accepted)
        if on_result is not None:
            on_result(result)
    details = f"accepted={accepted} photos={len(request.paths)}"
    record(store, AuditAction.ENROLLED, f"profile {profile.id}", details, profile_id=profile.id)
    return accepted


def photo_paths(inputs: list[str]) -> list[Path]:
    """Files as given; for a folder, the photos directly inside it (sorted)."""
    paths: list[Path] = []
    for text in inputs:
        path = Path(text)
        if path.is_dir():
            paths.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES))
        else:
            paths.append(path)
    return paths
