"""A workspace's case folders: where they are, their names, and folders being deleted.

A case is a data folder of its own under `<workspace>/cases/<folder name>/`, with a small
`case.json` that keeps the name as typed and when it was made. A case being deleted is
first renamed to a hidden `.deleting-…` folder, so that it is never listed (or opened)
half deleted; whatever a crash leaves of one is removed by the next listing.
"""

import contextlib
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.platform import same_file_name
from likeness_guard.core.storage.fs import write_atomic
from likeness_guard.core.storage.layout import CASE_INFO_NAME, CASES_FOLDER, COLLECTIONS_FOLDER

DELETING_PREFIX = ".deleting-"


@dataclass(frozen=True)
class CaseFolder:
    """A case's folder with the name and time `case.json` gives (the folder's name and no
    time when the file is missing or unreadable)."""

    folder: Path
    name: str
    created_at: str | None


def cases_root(workspace: Path) -> Path:
    return workspace / CASES_FOLDER


def case_folders(workspace: Path) -> list[CaseFolder]:
    """The workspace's further cases (not its own first one), by name; sweeps what a
    deletion that was interrupted left."""
    root = cases_root(workspace)
    found: list[CaseFolder] = []
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith(DELETING_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
            continue
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        found.append(read_case_folder(entry))
    return sorted(found, key=lambda case: case.name.casefold())


def read_case_folder(folder: Path) -> CaseFolder:
    try:
        info = json.loads((folder / CASE_INFO_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    name = info.get("name") if isinstance(info, dict) else None
    created = info.get("created_at") if isinstance(info, dict) else None
    return CaseFolder(
        folder,
        name if isinstance(name, str) and name.strip() else folder.name,
        created if isinstance(created, str) else None,
    )


def find_case_folder(workspace: Path, name: str) -> CaseFolder | None:
    """The case called `name` (as typed, or its folder's name; case and accents as a
    system that ignores them would), or None."""
    for case in case_folders(workspace):
        if same_file_name(case.name, name) or same_file_name(case.folder.name, name):
            return case
    return None


def make_case_folder(workspace: Path, folder_name: str, name: str, created_at: str) -> Path:
    """Make `cases/<folder_name>/` (private) with its `case.json`; FileExistsError when a
    folder of that name is there already."""
    root = cases_root(workspace)
    with contextlib.suppress(FileExistsError):
        root.mkdir(mode=0o700)
    folder = root / folder_name
    folder.mkdir(mode=0o700)  # FileExistsError: another process made it meanwhile
    info = {"name": storable(name), "created_at": created_at}
    write_atomic(folder / CASE_INFO_NAME, json.dumps(info, ensure_ascii=False).encode("utf-8"))
    return folder


def set_aside_for_deleting(folder: Path) -> Path:
    """Rename a case's folder to a hidden one that nothing lists or opens; returns it.
    Raises OSError when it cannot be renamed (Windows, while a file in it is open)."""
    hidden = folder.with_name(f"{DELETING_PREFIX}{uuid.uuid4().hex}")
    folder.rename(hidden)
    return hidden


def collection_count(workspace: Path) -> int:
    """How many collections the workspace holds (folders under collections/)."""
    try:
        return sum(
            1
            for entry in (workspace / COLLECTIONS_FOLDER).iterdir()
            if entry.is_dir() and not entry.name.startswith(".")
        )
    except OSError:
        return 0
