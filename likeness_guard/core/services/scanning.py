"""Scanning: options from what the person chose, running a scan, and what scans found."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError, UserFacingError
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.records import (
    Profile,
    Scan,
    ScanCounts,
    ScanItem,
    ScanOutcome,
    SkippedEntry,
)
from likeness_guard.core.domain.records import scan_outcome as outcome_of
from likeness_guard.core.domain.serialize import item_json, scan_json, skipped_json
from likeness_guard.core.domain.thresholds import resolve_threshold
from likeness_guard.core.pipeline.scan import ScanOptions, ScanProgress
from likeness_guard.core.pipeline.video_loader import VideoSettings
from likeness_guard.core.services.audit import AuditAction, record
from likeness_guard.core.services.packs import FaceEngine
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.sources.web import WebOptions, is_web_address
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _, ngettext

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "ScanOptions",
    "ScanProgress",
    "VideoSettings",
    "WebOptions",
    "is_web_address",
]


def find_profile(store: Store, name: str) -> Profile:
    """The profile called `name`; raises UserFacingError saying how to make one."""
    profile = store.profile(name)
    if profile is None:
        raise UserFacingError(
            _(
                "There is no profile called '{name}'. Add photos of your face first (on the "
                "My photos page, or: likeness-guard enroll PHOTO...)."
            ).format(name=name)
        )
    return profile


@dataclass(frozen=True)
class WebLimits:
    """How long web addresses may take, and addresses allowed although refused otherwise."""

    scan_seconds: float = WebOptions.scan_seconds
    page_seconds: float = WebOptions.page_seconds
    allowed_addresses: tuple[str, ...] = ()


def scan_options(
    *,
    preset: str | None = None,
    threshold: float | None = None,
    allow_private_addresses: bool = False,
    follow_links: bool = False,
    max_images_per_page: int = 200,
    include_hidden: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_video_frames: int = VideoSettings.max_frames,
    check_provenance: bool = True,
    workers: int | None = None,
    web_limits: WebLimits = WebLimits(),
) -> ScanOptions:
    """Scan options from what the user chose; an explicit threshold wins over a preset.

    Raises UserFacingError for a threshold outside (0, 1) or fewer than one worker.
    """
    try:
        chosen, preset_name = resolve_threshold(preset, threshold)
    except ValueError as exc:
        raise UserFacingError(str(exc)) from exc
    if workers is not None and workers < 1:
        raise UserFacingError(
            ngettext(
                "{count} worker cannot analyse anything: give 1 or more (or leave it out for "
                "one per core).",
                "{count} workers cannot analyse anything: give 1 or more (or leave it out for "
                "one per core).",
                workers,
            ).format(count=workers)
        )
    return ScanOptions(
        threshold=chosen,
        workers=workers,
        preset=preset_name,
        include_hidden=include_hidden,
        max_file_bytes=max_file_bytes,
        check_provenance=check_provenance,
        video=replace(VideoSettings(), max_frames=max_video_frames),
        web=WebOptions(
            allow_private_addresses=allow_private_addresses,
            follow_links=follow_links,
            max_images_per_page=max_images_per_page,
            scan_seconds=web_limits.scan_seconds,
            page_seconds=web_limits.page_seconds,
            allowed_addresses=web_limits.allowed_addresses,
        ),
    )


def address_list(path: Path) -> list[str]:
    """The web addresses in a text file, one a line ('#' starts a comment line).

    Raises UserFacingError when it cannot be read (a regular file of at most 4 MB).
    """
    from likeness_guard.core.sources.file_checks import read_text_file

    try:  # a regular file, bounded: never a FIFO or /dev/zero
        lines = read_text_file(path).splitlines()
    except (OSError, SourceError) as exc:
        raise UserFacingError(
            _("Cannot read the URL list {path}: {reason}").format(path=path, reason=exc)
        ) from exc
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class ScanRequest:
    """What to look through, for whose face, and how."""

    profile_name: str
    inputs: tuple[str, ...]
    options: ScanOptions


def scan(
    store: Store,
    engine: FaceEngine,
    request: ScanRequest,
    *,
    on_progress: Callable[[ScanProgress], None] | None = None,
    on_item: Callable[[ScanItem], None] | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Run a scan; every item is stored as it is found and handed to `on_item`.

    Returns the scan's id (also after a cancel: what was found is kept). Raises
    UserFacingError when the profile does not exist or nothing can be scanned.
    """
    from likeness_guard.core.pipeline.scan import run_scan

    if not request.inputs:
        raise UserFacingError(_("Nothing to scan: give folders, files or web addresses."))
    profile = find_profile(store, request.profile_name)
    inputs = len(request.inputs)
    record(
        store,
        AuditAction.SCAN_STARTED,
        f"profile {profile.id}",
        f"inputs={inputs} threshold={request.options.threshold:.2f}",
        profile_id=profile.id,
    )
    scan_id = run_scan(
        store,
        engine,
        profile,
        list(request.inputs),
        request.options,
        on_progress=on_progress,
        on_item=on_item,
        cancel=cancel,
    )
    summary = scan_summary(store, scan_id)
    details = (
        f"status={summary.scan.status} items={summary.counts.items} "
        f"matches={summary.counts.matches}"
    )
    record(store, AuditAction.SCAN_FINISHED, f"scan {scan_id}", details, profile_id=profile.id)
    return scan_id


@dataclass(frozen=True)
class ScanSummary:
    """A scan with its counts."""

    scan: Scan
    counts: ScanCounts

    @property
    def outcome(self) -> ScanOutcome:
        return outcome_of(self.scan.status, self.counts)


def scan_summaries(store: Store, profile_id: int | None = None) -> list[ScanSummary]:
    """Every scan (of one profile, or all), newest first, with counts, in three queries."""
    scans = store.scans(profile_id)
    counts = store.scan_counts(scan.id for scan in scans)
    return [ScanSummary(scan, counts[scan.id]) for scan in scans]


def skipped_entries(store: Store, scan_id: int) -> "list[SkippedEntry]":
    """What the scan met and did not read (pipes, devices, links out of the folder), each
    with its reason."""
    return list(store.skipped.of_scan(scan_id))


def scan_summary(store: Store, scan_id: int) -> ScanSummary:
    """One scan with its counts; raises UserFacingError when there is no such scan."""
    scan = store.scan(scan_id)
    if scan is None:
        raise UserFacingError(_("There is no scan number {scan}.").format(scan=scan_id))
    return ScanSummary(scan, store.scan_counts([scan_id])[scan_id])


def chosen_scan(store: Store, text: str) -> int:
    """A scan number as typed ("last" is the newest); raises UserFacingError."""
    if text == "last":
        last = store.last_scan_id()
        if last is None:
            raise UserFacingError(_("There is no scan yet: run 'likeness-guard scan' first."))
        return last
    try:
        return int(text)
    except ValueError:
        raise UserFacingError(
            _("--scan takes a scan number or 'last', not {text}.").format(text=repr(text))
        ) from None


def scan_document(store: Store, scan_id: int) -> JsonDict:
    """The whole scan as `scan --json` writes it: settings, model pack, times, every item.

    Raises UserFacingError when there is no such scan.
    """
    summary = scan_summary(store, scan_id)
    document = {
        **scan_json(summary.scan),
        "items": [item_json(item) for item in store.items(scan_id)],
        # FIFOs, devices, sockets, broken or looping links: met, never read.
        "skipped": skipped_json(store.skipped.of_scan(scan_id)),
    }
    if summary.outcome is ScanOutcome.FAILED:
        # Not one item could be read: the scan ran to its end, but it failed, as the
        # window says too (a partial failure stays "finished"; its items say which).
        document["status"] = str(ScanOutcome.FAILED)
    return document
