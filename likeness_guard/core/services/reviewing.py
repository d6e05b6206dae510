"""Reviewing what a scan found: "This is me" / "Not me", the review list, and comparing
stored faces again with today's reference photos (re-matching, which reads no scanned file).
"""

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import ScanItem, ScanStatus, Verdict, VerdictRecord
from likeness_guard.core.domain.thresholds import resolve_threshold
from likeness_guard.core.imaging.pdq import SAME_PICTURE_DISTANCE
from likeness_guard.core.services.audit import AuditAction, record
from likeness_guard.core.services.scanning import find_profile, scan_summaries, scan_summary
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _

if TYPE_CHECKING:
    from likeness_guard.core.pipeline.rematch import RematchResult

# How many PDQ bits apart two pictures may be and still be one picture (the tiles group them).
__all__ = ["SAME_PICTURE_DISTANCE"]


def set_verdict(store: Store, sha256: str, verdict: Verdict | None) -> str | None:
    """Record "This is me" / "not me" (None clears it) for an image's bytes: it holds in every
    scan that saw the same SHA-256. Returns when it was given (UTC), or None when cleared.
    The window's buttons and `likeness-guard review` both come here."""
    when = store.set_sha256_verdict(sha256, verdict)
    answer = "cleared" if verdict is None else str(verdict)
    record(store, AuditAction.REVIEW_ANSWER, f"picture {sha256[:16]}", f"answer={answer}")
    return when


@dataclass(frozen=True)
class PictureAnswer:
    """The answer that holds for an item: given to its very bytes (`own`), or to another
    version of the same picture (resized, re-encoded: `answered_sha256` names those bytes),
    which the window shows as such until the person confirms it."""

    verdict: Verdict
    at: str
    own: bool
    answered_sha256: str


@dataclass(frozen=True)
class Answers:
    """Every answer given in a data folder, looked up by bytes or by picture (the same PDQ
    rule that groups versions on the grid: at most SAME_PICTURE_DISTANCE bits apart)."""

    by_sha256: Mapping[str, VerdictRecord] = field(default_factory=dict)
    _hashes: np.ndarray = field(default_factory=lambda: np.zeros((0, 32), np.uint8))
    _answered: tuple[VerdictRecord, ...] = ()

    def same_as(self, other: "Answers") -> bool:
        """Whether both hold the same answers for the same pictures."""
        return self.by_sha256 == other.by_sha256 and np.array_equal(self._hashes, other._hashes)

    def for_item(self, item: ScanItem) -> PictureAnswer | None:
        """The answer for `item`'s bytes, else the latest one given to another version of
        its picture; None when neither was answered."""
        own = self.by_sha256.get(item.sha256 or "")
        if own is not None:
            return PictureAnswer(own.verdict, own.verdict_at, True, own.sha256)
        if not item.picture_pdq or not self._answered:
            return None
        wanted = np.frombuffer(bytes.fromhex(item.picture_pdq), np.uint8)
        close = np.bitwise_count(self._hashes ^ wanted).sum(axis=1) <= SAME_PICTURE_DISTANCE
        found = [record for record, near in zip(self._answered, close, strict=True) if near]
        if not found:
            return None
        latest = max(found, key=lambda record: record.verdict_at)
        return PictureAnswer(latest.verdict, latest.verdict_at, False, latest.sha256)


def answers(store: Store) -> Answers:
    """Every answer given so far, by bytes and by picture."""
    given = store.answered_pictures()
    pictured = [(record, pdq) for record, pdq in given if pdq]
    hashes = np.array(
        [np.frombuffer(bytes.fromhex(pdq), np.uint8) for _, pdq in pictured], np.uint8
    ).reshape(-1, 32)
    return Answers(
        {record.sha256: record for record, _ in given},
        hashes,
        tuple(record for record, _ in pictured),
    )


def answers_stamp(store: Store) -> int | None:
    """A number that changes when another process or thread may have given an answer (any
    commit by another connection): cheap enough to ask every second. None while the store
    is closed (its data being deleted or its protection changed)."""
    try:
        return store.commits_by_others()
    except sqlite3.Error:
        return None


def review_list(store: Store, scan_id: int) -> list[ScanItem]:
    """The scan's matches, most similar first, each with the verdict on its bytes and when.

    Raises UserFacingError when there is no such scan.
    """
    scan_summary(store, scan_id)
    return store.matches(scan_id)


def rematch(
    store: Store,
    scan_id: int,
    *,
    preset: str | None = None,
    threshold: float | None = None,
    models_dir: Path | None = None,
) -> "RematchResult":
    """Compare a scan's stored faces again with the profile's reference photos of today (and
    a new threshold or preset, when given), without reading any scanned file.

    Raises UserFacingError when there is no such scan, its profile is gone or has no
    references made with these models, or the scan was made with other models.
    """
    from likeness_guard.core.pipeline.model_packs import model_pack_for, references_in_use
    from likeness_guard.core.pipeline.rematch import rematch_scan
    from likeness_guard.core.storage.face_cache import cache_key

    scan = scan_summary(store, scan_id).scan
    pack = model_pack_for(store.folder, models_dir)
    if dict(pack.info().files) != dict(scan.model_pack.files):
        raise UserFacingError(
            _(
                "Scan {scan} was made with other face models than the ones in use now, so "
                "its faces cannot be compared again. Scan the same folders again instead."
            ).format(scan=scan_id)
        )
    references = references_in_use(store, scan.profile_id, pack) if scan.profile_id else []
    if not references:
        raise UserFacingError(
            _(
                "Profile '{name}' has no reference photos made with the models in use now. "
                "Enroll a few clear photos of your face, then re-match."
            ).format(name=scan.profile_name)
        )
    if preset is None and threshold is None:
        chosen, chosen_preset = scan.threshold, scan.preset
    else:
        try:
            chosen, chosen_preset = resolve_threshold(preset, threshold)
        except ValueError as exc:
            raise UserFacingError(
                _("That threshold cannot be used: {reason}.").format(reason=exc)
            ) from exc
    return rematch_scan(store, scan_id, references, chosen, chosen_preset, cache_key(pack.info()))


@dataclass(frozen=True)
class ProfileRematch:
    """What comparing every scan of a profile again changed: each scan's result, and the
    scans that could not be compared again, each with the reason in words."""

    results: "tuple[RematchResult, ...]"
    problems: tuple[tuple[int, str], ...] = ()  # (scan id, why it was left as it was)
    running: int = 0  # scans still running, left alone

    @property
    def matches_before(self) -> int:
        return sum(result.matches_before for result in self.results)

    @property
    def matches_after(self) -> int:
        return sum(result.matches_after for result in self.results)

    @property
    def not_rematched(self) -> int:
        return sum(result.not_rematched for result in self.results)

    @property
    def new_without_copy(self) -> int:
        return sum(result.new_without_copy for result in self.results)


def rematch_profile(
    store: Store,
    profile_name: str,
    *,
    models_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> ProfileRematch:
    """Compare every scan of a profile again (oldest first, each at its own threshold) with
    the profile's reference photos of today, without reading any scanned file.

    A scan that cannot be compared again (made with other models, say) is named in
    `problems` and the others go on; a scan still running is left alone. `progress(done,
    total)` follows the scans. Raises UserFacingError when there is no such profile or it
    has no reference photo.
    """
    profile = find_profile(store, profile_name)
    if not store.references(profile.id):
        raise UserFacingError(
            _(
                "Profile '{name}' has no reference photos yet. Add a few clear photos of your "
                "face first."
            ).format(name=profile.name)
        )
    scans = [summary.scan for summary in reversed(scan_summaries(store, profile.id))]
    todo = [scan.id for scan in scans if scan.status != ScanStatus.RUNNING]
    results: list[RematchResult] = []
    problems: list[tuple[int, str]] = []
    for done, scan_id in enumerate(todo):
        if cancel is not None and cancel.cancelled:
            break
        if progress is not None:
            progress(done, len(todo))
        try:
            results.append(rematch(store, scan_id, models_dir=models_dir))
        except UserFacingError as exc:
            problems.append((scan_id, str(exc)))
    if progress is not None:
        progress(len(results) + len(problems), len(todo))
    return ProfileRematch(tuple(results), tuple(problems), running=len(scans) - len(todo))
