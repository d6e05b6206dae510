"""Use cases that the command line and the window share, so neither re-implements the other.

Opening the store and the models, scan options from settings, summaries of what is stored,
the scan JSON document and forgetting all live here; the CLI and the window only turn
their own input (arguments, preferences) into these calls and show the results.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import (
    Profile,
    Scan,
    ScanCounts,
    ScanItem,
    ScanOutcome,
    ScanStatus,
    Verdict,
    scan_outcome,
)
from likeness_guard.core.domain.serialize import JsonDict, item_json, scan_json, skipped_json
from likeness_guard.core.domain.thresholds import resolve_threshold
from likeness_guard.core.imaging.formats import IMAGE_SUFFIXES
from likeness_guard.core.pipeline.scan import ScanOptions
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.storage.crypto import MIN_PASSPHRASE
from likeness_guard.core.storage.protection import ProtectionChange, is_protected
from likeness_guard.core.storage.store import Store

# What the window and the CLI need to know of passphrase protection.
__all__ = ["MIN_PASSPHRASE", "ProtectionChange", "is_protected"]

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from likeness_guard.core.domain.takedown import Recheck, TakedownRequest
    from likeness_guard.core.engine.face_engine import FaceEngine
    from likeness_guard.core.pipeline.rematch import RematchResult
    from likeness_guard.core.report.notices import NoticeFiles, NoticeSender


@dataclass(frozen=True)
class LaunchOptions:
    """What the window is started with: the data folder and model pack (None: defaults)."""

    data_dir: Path | None = None
    models_dir: Path | None = None


def open_engine(models_dir: Path | None = None, data_folder: Path | None = None) -> "FaceEngine":
    """Load the face models: the pack in `models_dir` when given, else the pack chosen in
    `data_folder` (`likeness-guard models use`), else the bundled pack.

    Raises ModelPackError (a UserFacingError) when they are missing or damaged.
    """
    from likeness_guard.core.engine.face_engine import FaceEngine
    from likeness_guard.core.pipeline.model_packs import model_pack_for

    return FaceEngine(model_pack_for(data_folder, models_dir))


def find_profile(store: Store, name: str) -> Profile:
    """The profile called `name`; raises UserFacingError saying how to make one."""
    profile = store.profile(name)
    if profile is None:
        raise UserFacingError(
            f"There is no profile called '{name}'. Enroll photos of your face first: "
            "likeness-guard enroll PHOTO..."
        )
    return profile


def scan_options(
    *,
    preset: str | None = None,
    threshold: float | None = None,
    allow_private_addresses: bool = False,
    follow_links: bool = False,
    max_images_per_page: int = 200,
    include_hidden: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    check_provenance: bool = True,
    workers: int | None = None,
) -> ScanOptions:
    """Scan options from what the user chose; an explicit threshold wins over a preset.

    Raises UserFacingError for a threshold outside (0, 1) or fewer than one worker.
    """
    from likeness_guard.core.sources.web import WebOptions

    try:
        chosen, preset_name = resolve_threshold(preset, threshold)
    except ValueError as exc:
        raise UserFacingError(str(exc)) from exc
    if workers is not None and workers < 1:
        raise UserFacingError(
            f"{workers} workers cannot analyse anything: give 1 or more (or leave it out "
            "for one per core)."
        )
    return ScanOptions(
        threshold=chosen,
        workers=workers,
        preset=preset_name,
        include_hidden=include_hidden,
        max_file_bytes=max_file_bytes,
        check_provenance=check_provenance,
        web=WebOptions(
            allow_private_addresses=allow_private_addresses,
            follow_links=follow_links,
            max_images_per_page=max_images_per_page,
        ),
    )


@dataclass(frozen=True)
class ScanSummary:
    """A scan with its counts."""

    scan: Scan
    counts: ScanCounts

    @property
    def outcome(self) -> ScanOutcome:
        return scan_outcome(self.scan.status, self.counts)


def scan_summaries(store: Store, profile_id: int | None = None) -> list[ScanSummary]:
    """Every scan (of one profile, or all), newest first, with counts, in three queries."""
    scans = store.scans(profile_id)
    counts = store.scan_counts(scan.id for scan in scans)
    return [ScanSummary(scan, counts[scan.id]) for scan in scans]


def scan_summary(store: Store, scan_id: int) -> ScanSummary:
    """One scan with its counts; raises UserFacingError when there is no such scan."""
    scan = store.scan(scan_id)
    if scan is None:
        raise UserFacingError(f"There is no scan number {scan_id}.")
    return ScanSummary(scan, store.scan_counts([scan_id])[scan_id])


def scan_document(store: Store, scan_id: int) -> JsonDict:
    """The whole scan as `scan --json` writes it: settings, model pack, times, every item.

    Raises UserFacingError when there is no such scan.
    """
    scan = scan_summary(store, scan_id).scan
    return {
        **scan_json(scan),
        "items": [item_json(item) for item in store.items(scan_id)],
        # FIFOs, devices, sockets, broken or looping links: met, never read.
        "skipped": skipped_json(store.skipped.of_scan(scan_id)),
    }


@dataclass(frozen=True)
class StoredData:
    """How much is stored, to say exactly what a deletion removes."""

    folder: Path
    profile_names: tuple[str, ...]
    references: int
    scans: int
    items: int
    matches: int
    evidence_files: int


def stored_data(store: Store) -> StoredData:
    profiles = store.profiles()
    summaries = scan_summaries(store)
    return StoredData(
        folder=store.folder,
        profile_names=tuple(p.name for p in profiles),
        references=sum(p.reference_count for p in profiles),
        scans=len(summaries),
        items=sum(s.counts.items for s in summaries),
        matches=sum(s.counts.matches for s in summaries),
        evidence_files=store.evidence.count(),
    )


def forget_profile(store: Store, name: str) -> bool:
    """Delete one person's references, scans and the evidence no one else needs.

    Returns False when there is no such profile.
    """
    return store.forget_profile(name)


def forget_everything(store: Store) -> None:
    """Delete every profile, scan and evidence file, and compact the database.

    In a protected folder, the database files and the protection itself go once every
    store on the folder is closed: call `finish_forgetting` then.
    """
    store.forget_all()


def finish_forgetting(folder: Path, wait: float = 10.0) -> bool:
    """After `forget_everything`, with every store of this process closed: wipe the
    database files and the protection of a protected folder, waiting up to `wait` seconds
    for other windows and commands to close it. True when nothing is left to do now; False
    when another one keeps it open (the next start finishes it)."""
    from likeness_guard.core.storage.forgetting import finish_wipe
    from likeness_guard.core.storage.journal import DeletionJournal

    return finish_wipe(folder, wait) or not DeletionJournal(folder).read().wipe_files


def data_folder(override: str | Path | None = None) -> Path:
    """The data folder (`--data-dir`, $LIKENESS_GUARD_HOME or the platform's), created
    private when missing. Raises OSError when it cannot be created."""
    from likeness_guard.core.storage.layout import data_dir

    return data_dir(override)


def open_folder(folder: Path) -> list[str]:
    """What every start does before it opens a store or asks a passphrase: finish a
    protection change or a deletion a crash interrupted. Returns what to tell the user."""
    from likeness_guard.core.storage.recovery import prepare_folder

    return prepare_folder(folder)


def protect_folder(folder: Path, passphrase: str) -> ProtectionChange:
    """Encrypt the folder's database, kept images and signing key with a passphrase.

    Every store on the folder must be closed (in this process too). Raises UserFacingError
    (already protected, passphrase too short, folder open elsewhere, conversion failed).
    """
    from likeness_guard.core.storage.protection import protect

    return protect(folder, passphrase)


def change_passphrase(folder: Path, old: str, new: str) -> ProtectionChange:
    """Encrypt everything again under `new`. Raises WrongPassphrase for `old`, and
    UserFacingError as `protect_folder` does."""
    from likeness_guard.core.storage.protection import change_passphrase as change

    return change(folder, old, new)


def remove_protection(folder: Path, passphrase: str) -> ProtectionChange:
    """Decrypt everything and turn protection off. Raises WrongPassphrase, and
    UserFacingError as `protect_folder` does."""
    from likeness_guard.core.storage.protection import remove_protection as remove

    return remove(folder, passphrase)


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


# ---- takedown ---------------------------------------------------------------------------


def write_takedown_notices(
    store: Store,
    scan_id: int,
    sender: "NoticeSender",
    out_pdf: Path,
    *,
    only_confirmed: bool = False,
) -> "NoticeFiles":
    """One notice per site for the scan's web matches: a PDF, a .txt and .eml drafts.

    Raises UserFacingError when there is no such scan, nothing to report, or the files
    cannot be written.
    """
    from likeness_guard.core.report.notices import build_notices, collect_entries, write_notices

    scan_summary(store, scan_id)  # a clear error for an unknown scan
    entries = collect_entries(store, scan_id, only_confirmed=only_confirmed)
    return write_notices(build_notices(entries, sender), sender, out_pdf)


def recheck(
    store: Store,
    scan_id: int,
    *,
    allow_private_addresses: bool = False,
    cancel: CancelToken | None = None,
    on_result: "Callable[[Recheck], None] | None" = None,
) -> list["Recheck"]:
    """Fetch the scan's matched web addresses again and record whether they are still there.

    Raises UserFacingError when there is no such scan.
    """
    from likeness_guard.core.pipeline.recheck import recheck_scan
    from likeness_guard.core.sources.web import WebOptions

    scan_summary(store, scan_id)
    options = WebOptions(allow_private_addresses=allow_private_addresses)
    return recheck_scan(store, scan_id, options, cancel=cancel, on_result=on_result)


def record_takedown_request(
    store: Store, sha256_prefix: str, reported_to: str, reported_on: str | None = None
) -> list["TakedownRequest"]:
    """Note that every web address where these bytes were found was reported.

    `reported_on` is an ISO date or date-time (UTC); default now. Returns the records.
    Raises UserFacingError for an unknown or ambiguous prefix, a local-only image, or a bad
    date.
    """
    from likeness_guard.core.domain.records import utc_now
    from likeness_guard.core.domain.takedown import parse_utc
    from likeness_guard.core.report.platforms import platform_directory

    when = reported_on or utc_now()
    try:
        parse_utc(when)
    except ValueError:
        raise UserFacingError(
            f"--reported-on takes a date such as 2026-05-20 (UTC), not {when!r}."
        ) from None
    sha256 = store.resolve_sha256(sha256_prefix)
    urls = store.web_urls_of(sha256)
    if not urls:
        raise UserFacingError(
            "That image was found in local files only: there is no web address to report."
        )
    directory = platform_directory()
    records = []
    for url in urls:
        platform = directory.platform_for(url)
        us_platform = platform is not None and platform.us_platform
        records.append(store.takedowns.add_request(url, sha256, reported_to, when, us_platform))
    return records


@dataclass(frozen=True)
class TakedownState:
    """Where an address stands: its latest re-check, the requests made, and any deadline."""

    url: str
    latest: "Recheck | None"
    requests: tuple["TakedownRequest", ...]
    deadline: "datetime | None"  # the earliest removal deadline that applies
    overdue: bool


def takedown_state(store: Store, url: str, now: "datetime | None" = None) -> TakedownState:
    from datetime import UTC, datetime

    now = now or datetime.now(UTC)
    latest = store.takedowns.latest_rechecks([url]).get(url)
    requests = tuple(store.takedowns.requests([url]))
    deadlines = [r.deadline for r in requests if r.deadline is not None]
    return TakedownState(
        url=url,
        latest=latest,
        requests=requests,
        deadline=min(deadlines) if deadlines else None,
        overdue=any(r.overdue(now, latest) for r in requests),
    )


# ---- review -----------------------------------------------------------------------------


def set_verdict(store: Store, sha256: str, verdict: Verdict | None) -> str | None:
    """Record "This is me" / "not me" (None clears it) for an image's bytes: it holds in every
    scan that saw the same SHA-256. Returns when it was given (UTC), or None when cleared.
    The window's buttons and `likeness-guard review` both come here."""
    return store.set_sha256_verdict(sha256, verdict)


def review_list(store: Store, scan_id: int) -> list[ScanItem]:
    """The scan's matches, most similar first, each with the verdict on its bytes and when.

    Raises UserFacingError when there is no such scan.
    """
    scan_summary(store, scan_id)
    return store.matches(scan_id)


# ---- re-match ---------------------------------------------------------------------------


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
            f"Scan {scan_id} was made with other face models than the ones in use now, so "
            "its faces cannot be compared again. Scan the same folders again instead."
        )
    references = references_in_use(store, scan.profile_id, pack) if scan.profile_id else []
    if not references:
        raise UserFacingError(
            f"Profile '{scan.profile_name}' has no reference photos made with the models in "
            "use now. Enroll a few clear photos of your face, then re-match."
        )
    if preset is None and threshold is None:
        chosen, chosen_preset = scan.threshold, scan.preset
    else:
        try:
            chosen, chosen_preset = resolve_threshold(preset, threshold)
        except ValueError as exc:
            raise UserFacingError(f"That threshold cannot be used: {exc}.") from exc
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
    progress: "Callable[[int, int], None] | None" = None,
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
            f"Profile '{profile.name}' has no reference photos yet. Add a few clear photos "
            "of your face first."
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
