"""The names of what Likeness Guard keeps in a data folder, and which folder that is.

Everything that names a file of the data folder takes the name from here, so that one
place says what the folder may hold (and so what "delete all" and "is this folder ours"
look for).
"""

import contextlib
import os
from pathlib import Path

from likeness_guard.core.platform import user_data_folder

ENV_HOME = "LIKENESS_GUARD_HOME"

DB_NAME = "likeness-guard.sqlite3"
# SQLite's own companions of the database in WAL mode: only SQLite opens or deletes them.
DATABASE_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")
EVIDENCE_FOLDER = "evidence"
LOCKS_FOLDER = "locks"
JOURNAL_NAME = "deletions.journal"
RESERVE_NAME = "deletions.reserve"
PROTECTION_NAME = "protection.json"
# The same bytes again: a change to one of the two is found out (storage/protection_file.py).
PROTECTION_COPY_NAME = "protection.copy.json"
# A protection change (protect, change, remove) that reached its switch: see protection.py.
SWITCH_NAME = "protection.switch"
# The installation's report-signing key (report/signing.py), sealed when protected.
SIGNING_FOLDER = "signing"
SIGNING_KEY_FILE = "report-signing-key.pem"
SECRET_FILES = (Path(SIGNING_FOLDER) / SIGNING_KEY_FILE,)
MODELS_FOLDER = "models"  # face model packs the person added (pipeline/model_packs.py)
# Temporary files that may hold a person's material (downloaded videos, notes of exports in
# progress): here, never in the system's temp folder; swept at every start (storage/spool.py).
SPOOL_FOLDER = "spool"
# A helpline's workspace: the data folder itself is its first case; further cases are data
# folders of their own under cases/<name>/, and collections analysed once (shared by every
# case of the workspace) under collections/<name>/.
CASES_FOLDER = "cases"
COLLECTIONS_FOLDER = "collections"
# A case's name as the person typed it and when it was made (storage/case_folders.py).
CASE_INFO_NAME = "case.json"
# The window's one-instance lock and wake-up file, beside the folder's other locks.
WINDOW_LOCK = Path(LOCKS_FOLDER) / "window.lock"
WINDOW_WAKE = Path(LOCKS_FOLDER) / "window.wake"
# Suffixes of the new copies a protection change writes, and of the ones it replaces.
STAGED_SUFFIX = ".staged"
REPLACED_SUFFIX = ".replaced"

_KEPT_NAMES = (
    *DATABASE_FILES,
    EVIDENCE_FOLDER,
    LOCKS_FOLDER,
    JOURNAL_NAME,
    RESERVE_NAME,
    PROTECTION_NAME,
    PROTECTION_COPY_NAME,
    SWITCH_NAME,
    SIGNING_FOLDER,
    MODELS_FOLDER,
    SPOOL_FOLDER,
    CASES_FOLDER,
    COLLECTIONS_FOLDER,
    CASE_INFO_NAME,
    # What the window kept beside the database before version 0.1 moved it to locks/.
    "window.lock",
    "window.wake",
)
# With the copies a protection change leaves while it runs: a folder that a kill left
# between two renames (no database file, its staged copy beside it) is still ours, so the
# next start finishes the change there instead of starting afresh in a subfolder.
OUR_NAMES = frozenset(
    name + suffix for name in _KEPT_NAMES for suffix in ("", STAGED_SUFFIX, REPLACED_SUFFIX)
)
DATA_SUBFOLDER = "likeness-guard-data"


def _chosen_folder(override: str | os.PathLike[str] | None) -> Path:
    """`--data-dir`, else $LIKENESS_GUARD_HOME, else the platform's user data folder."""
    if override is not None:
        path = Path(override)
    elif os.environ.get(ENV_HOME):
        path = Path(os.environ[ENV_HOME])
    else:
        path = user_data_folder()
    return path.expanduser().absolute()


def _resolved(chosen: Path) -> Path:
    """The folder that holds (or will hold) the database for a chosen folder.

    The chosen folder itself when it is ours (or empty); its private subfolder when it
    already holds other things (the user's Documents, say) or a subfolder was made there
    before. The same answer every time, whatever was written since.
    """
    if (chosen / DB_NAME).is_file():
        return chosen
    if (chosen / DATA_SUBFOLDER).is_dir():
        return chosen / DATA_SUBFOLDER
    names = _names(chosen)
    if names is not None and names - OUR_NAMES:
        return chosen / DATA_SUBFOLDER
    return chosen


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder, creating it with mode 0700.

    Order: an explicit override (`--data-dir`), then $LIKENESS_GUARD_HOME, then the
    platform's user data folder. Raises OSError when it cannot be created.
    """
    path = _resolved(_chosen_folder(override))
    names = _names(path)
    if names is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)  # private from the first moment (umask only removes)
    elif names <= OUR_NAMES:
        with contextlib.suppress(OSError):  # a folder of ours, or an empty one given to us
            path.chmod(0o700)
    return path


def existing_data_dir(override: str | os.PathLike[str] | None = None) -> Path | None:
    """The data folder `data_dir` would use, when it already holds a database; None
    otherwise. Creates and changes nothing (for checking reports on any computer)."""
    path = _resolved(_chosen_folder(override))
    return path if (path / DB_NAME).is_file() else None


def _names(folder: Path) -> set[str] | None:
    """The names in `folder`, or None when it does not exist (or is no folder)."""
    try:
        return {entry.name for entry in os.scandir(folder)}
    except OSError:
        return None


def workspace_of(folder: Path) -> Path:
    """The workspace a data folder belongs to: the folder itself, or for a case kept under
    `<workspace>/cases/<name>/`, that workspace."""
    return folder.parent.parent if folder.parent.name == CASES_FOLDER else folder
