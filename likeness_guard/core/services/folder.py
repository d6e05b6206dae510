"""The data folder: which one, what every start does first, and opening its store.

`Store` and `EvidenceFolder` are handed to the window and the CLI as opaque handles: they
read through the Store's query methods, and change data only through the use cases here.
"""

from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.layout import WINDOW_LOCK, WINDOW_WAKE
from likeness_guard.core.storage.store import Store

__all__ = ["EvidenceFolder", "Store"]


@dataclass(frozen=True)
class LaunchOptions:
    """What the window is started with: the data folder (the workspace), model pack,
    language, case and caseworker (None: defaults; the language then comes from Settings,
    else the system)."""

    data_dir: Path | None = None
    models_dir: Path | None = None
    language: str | None = None
    case: str | None = None  # a case of the workspace to open instead of its first one
    caseworker: str | None = None  # named at start: the window does not ask then


def data_folder(override: str | Path | None = None) -> Path:
    """The data folder (`--data-dir`, $LIKENESS_GUARD_HOME or the platform's), created
    private when missing. Raises OSError when it cannot be created."""
    from likeness_guard.core.storage.layout import data_dir

    return data_dir(override)


def existing_data_folder(override: str | Path | None = None) -> Path | None:
    """The data folder when it exists already; None otherwise (nothing is created)."""
    from likeness_guard.core.storage.layout import existing_data_dir

    return existing_data_dir(override)


def open_folder(folder: Path) -> list[str]:
    """What every start does before it opens a store or asks a passphrase: finish a
    protection change or a deletion a crash interrupted. Returns what to tell the user."""
    from likeness_guard.core.storage.recovery import prepare_folder

    return prepare_folder(folder)


def open_store(folder: Path) -> tuple[Store, list[str]]:
    """Open the (unlocked) folder's store and finish what a crash left half done there.

    Returns the store and what to tell the user. The store's connection belongs to the
    calling thread.
    """
    from likeness_guard.core.storage.recovery import recover

    store = Store(folder)
    try:
        return store, recover(store)
    except BaseException:
        store.close()
        raise


def window_lock_files(folder: Path) -> tuple[Path, Path]:
    """The window's one-instance lock file and the file a second start touches to wake it."""
    return folder / WINDOW_LOCK, folder / WINDOW_WAKE


def save_file(path: Path, data: bytes) -> None:
    """Write a file the user asked for atomically: all of it or, after a crash, nothing."""
    from likeness_guard.core.storage.fs import write_atomic

    write_atomic(path, data)


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
    # In a workspace's own case: the further cases and the collections it holds, which
    # "Delete all my data" keeps (each case is deleted on its own).
    other_cases: int = 0
    collections: int = 0


def stored_data(store: Store) -> StoredData:
    from likeness_guard.core.services.scanning import scan_summaries
    from likeness_guard.core.storage.case_folders import case_folders, collection_count
    from likeness_guard.core.storage.layout import workspace_of

    profiles = store.profiles()
    summaries = scan_summaries(store)
    workspace = workspace_of(store.folder) == store.folder
    return StoredData(
        folder=store.folder,
        profile_names=tuple(p.name for p in profiles),
        references=sum(p.reference_count for p in profiles),
        scans=len(summaries),
        items=sum(s.counts.items for s in summaries),
        matches=sum(s.counts.matches for s in summaries),
        evidence_files=store.evidence.count(),
        other_cases=len(case_folders(store.folder)) if workspace else 0,
        collections=collection_count(store.folder) if workspace else 0,
    )
