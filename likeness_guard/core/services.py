"""Use cases that the command line and the window share, so neither re-implements the other.

Opening the store and the models, scan options from settings, summaries of what is stored,
the scan JSON document and forgetting all live here; the CLI and the window only turn
their own input (arguments, preferences) into these calls and show the results.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import Profile, Scan, ScanCounts
from likeness_guard.core.domain.serialize import JsonDict, item_json, scan_json
from likeness_guard.core.domain.thresholds import resolve_threshold
from likeness_guard.core.imaging.formats import IMAGE_SUFFIXES
from likeness_guard.core.pipeline.scan import ScanOptions
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.storage.store import Store

if TYPE_CHECKING:
    from likeness_guard.core.engine.face_engine import FaceEngine


@dataclass(frozen=True)
class LaunchOptions:
    """What the window is started with: the data folder and model pack (None: defaults)."""

    data_dir: Path | None = None
    models_dir: Path | None = None


def open_engine(models_dir: Path | None = None) -> "FaceEngine":
    """Load the face models (the bundled pack, or the pack in `models_dir`).

    Raises ModelPackError (a UserFacingError) when they are missing or damaged.
    """
    from likeness_guard.core.engine.face_engine import FaceEngine
    from likeness_guard.core.engine.model_pack import load_model_pack

    return FaceEngine(load_model_pack(models_dir))


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
) -> ScanOptions:
    """Scan options from what the user chose; an explicit threshold wins over a preset.

    Raises UserFacingError for a threshold outside (0, 1).
    """
    from likeness_guard.core.sources.web import WebOptions

    try:
        chosen, preset_name = resolve_threshold(preset, threshold)
    except ValueError as exc:
        raise UserFacingError(str(exc)) from exc
    return ScanOptions(
        threshold=chosen,
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
    return {**scan_json(scan), "items": [item_json(item) for item in store.items(scan_id)]}


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
    """Delete every profile, scan and evidence file, and compact the database."""
    store.forget_all()


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
