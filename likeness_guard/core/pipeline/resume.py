"""Continuing an interrupted scan instead of starting again from the first image.

Scanning the same inputs again, for the same person, with the same threshold and models,
after a scan of them was interrupted (the app was killed, the computer went off) continues
that scan: what it finished is kept and not read again, and only the rest is scanned. A
reference photo enrolled since the interruption makes the old results stale, so then a
new scan starts instead.
"""

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import ModelPackInfo, Profile, ScanStatus
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.resumption import (
    FinishedItems,
    file_key,
    finished_items,
    reopen_scan,
)
from likeness_guard.core.storage.store import Store


@dataclass(frozen=True)
class Resumed:
    """An interrupted scan taken up again."""

    scan_id: int
    finished: FinishedItems


def open_scan(
    store: Store,
    profile: Profile,
    inputs: Sequence[str],
    *,
    threshold: float,
    preset: str | None,
    model_pack: ModelPackInfo,
    guard: ExitStack,
    resume: bool,
) -> tuple[int, Resumed | None]:
    """The scan to write to: the interrupted scan of these inputs taken up again (when
    `resume`, see `resume_interrupted`), or a new one; its alive-lock is entered on `guard`.

    Raises UserFacingError when the profile was deleted while the scan waited for it.
    """
    current = store.profile(profile.name)
    if current is None or current.id != profile.id:
        raise UserFacingError(
            f"Profile '{profile.name}' was deleted, so there is nothing to scan for. Enroll "
            "photos again to start a new profile."
        )
    locks = FolderLocks(store.folder)
    if resume:
        resumed = resume_interrupted(
            store, profile, inputs, threshold=threshold, model_pack=model_pack
        )
        if resumed is not None:
            guard.enter_context(locks.scan_alive(resumed.scan_id))
            return resumed.scan_id, resumed
    scan_id = store.create_scan(
        profile,
        threshold=threshold,
        preset=preset,
        model_pack=model_pack,
        inputs=inputs,
        before_visible=lambda new_id: guard.enter_context(locks.scan_alive(new_id)),
    )
    return scan_id, None


def resume_interrupted(
    store: Store,
    profile: Profile,
    inputs: Sequence[str],
    *,
    threshold: float,
    model_pack: ModelPackInfo,
) -> Resumed | None:
    """Take up the latest scan of `profile` when it was interrupted and matches exactly.

    Returns None (start a new scan) when there is none, or when it differs in inputs,
    threshold or models, or when references were added or removed since it started.
    """
    store.mark_interrupted_scans()
    scans = store.scans(profile.id)
    if not scans:
        return None
    latest = scans[0]
    if (
        latest.status is not ScanStatus.INTERRUPTED
        or tuple(latest.inputs) != tuple(storable(text) for text in inputs)
        or abs(latest.threshold - threshold) > 1e-9
        or dict(latest.model_pack.files) != dict(model_pack.files)
    ):
        return None
    references = store.references(profile.id)
    if any(reference.created_at > latest.started_at for reference in references):
        return None
    finished = finished_items(store.db, latest.id)
    reopen_scan(store.db, latest.id)
    return Resumed(latest.id, finished)


def source_key(item: SourceItem) -> str:
    facts = item.file
    if facts is None:
        return file_key(item.source, None, None, None)
    return file_key(item.source, facts.path, facts.size, facts.modified_at)


def not_finished(items: Iterator[SourceItem], finished: FinishedItems) -> Iterator[SourceItem]:
    """The items still to do (entries already listed as skipped are not listed again)."""
    for item in items:
        if item.skip is not None:
            if item.source not in finished.skipped_paths:
                yield item
        elif source_key(item) not in finished.keys:
            yield item
