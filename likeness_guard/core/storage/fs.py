"""Files written whole or not at all, and files overwritten before they are deleted."""

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from likeness_guard.core.platform import fsync_folder, write_at


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
    fsync_folder(path.parent)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either the old file or the whole new one."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def wipe_file(path: Path) -> None:
    """Overwrite a file with zeros where it lies, then delete it (needs no free space).

    Never for a live database file: only SQLite opens those. On copy-on-write file systems
    and SSDs the old blocks may survive elsewhere; deleting through the file system is all
    an app can do there.
    """
    with contextlib.suppress(FileNotFoundError):
        try:
            fd = os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            path.unlink(missing_ok=True)
            return
        try:
            size = os.fstat(fd).st_size
            zeros = bytes(min(size, 1 << 20))
            offset = 0
            while offset < size:
                offset += write_at(fd, zeros[: min(len(zeros), size - offset)], offset)
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
        path.unlink()


def wipe_tree(root: Path) -> None:
    """`wipe_file` every file under `root`, then remove the folders."""
    if not root.is_dir():
        return
    for dirpath, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            wipe_file(Path(dirpath) / name)
        with contextlib.suppress(OSError):
            os.rmdir(dirpath)
