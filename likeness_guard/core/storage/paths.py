"""Where Likeness Guard keeps its data, and how files are written safely."""

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import platformdirs

ENV_HOME = "LIKENESS_GUARD_HOME"


def _chosen_folder(override: str | os.PathLike[str] | None) -> Path:
    """`--data-dir`, else $LIKENESS_GUARD_HOME, else the platform's user data folder."""
    if override is not None:
        path = Path(override)
    elif os.environ.get(ENV_HOME):
        path = Path(os.environ[ENV_HOME])
    else:
        path = Path(platformdirs.user_data_dir("likeness-guard", appauthor=False))
    return path.expanduser().absolute()


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder, creating it with mode 0700.

    Order: an explicit override (`--data-dir`), then $LIKENESS_GUARD_HOME, then the
    platform's user data folder.
    """
    path = _chosen_folder(override)
    names = _names(path)
    if names is not None and "likeness-guard.sqlite3" not in names and names - _OUR_NAMES:
        # A folder that already holds other things (the user's Documents, say): its
        # permissions are the user's business. Everything goes into a private subfolder.
        path = path / DATA_SUBFOLDER
        names = _names(path)
    if names is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)  # private from the first moment (umask only removes)
    elif names <= _OUR_NAMES:
        with contextlib.suppress(OSError):  # a folder of ours, or an empty one given to us
            path.chmod(0o700)
    return path


def _names(folder: Path) -> set[str] | None:
    """The names in `folder`, or None when it does not exist (or is no folder)."""
    try:
        return {entry.name for entry in os.scandir(folder)}
    except OSError:
        return None


# The installation's report-signing key (report/signing.py), sealed when the folder is
# protected (storage/crypto.py).
SIGNING_FOLDER = "signing"
SIGNING_KEY_FILE = "report-signing-key.pem"

# What Likeness Guard itself keeps in a data folder.
_OUR_NAMES = frozenset(
    {
        "likeness-guard.sqlite3",
        "likeness-guard.sqlite3-wal",
        "likeness-guard.sqlite3-shm",
        "evidence",
        "locks",
        "deletions.journal",
        "deletions.reserve",
        "protection.json",
        SIGNING_FOLDER,
        "models",  # face model packs the person added (pipeline/model_packs.py)
    }
)
DATA_SUBFOLDER = "likeness-guard-data"


def existing_data_dir(override: str | os.PathLike[str] | None = None) -> Path | None:
    """The data folder `data_dir` would use, when it already holds a database; None
    otherwise. Creates and changes nothing (for checking reports on any computer)."""
    path = _chosen_folder(override)
    for candidate in (path, path / DATA_SUBFOLDER):
        if (candidate / "likeness-guard.sqlite3").is_file():
            return candidate
    return None


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write to; it replaces `path` only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either the old file or the whole new one."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not supported everywhere (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
