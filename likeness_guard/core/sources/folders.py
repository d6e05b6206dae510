"""Local files and folders as scan sources: a careful recursive walk."""

import os
import stat
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.domain.records import FileFacts
from likeness_guard.core.imaging.formats import IMAGE_SUFFIXES, sniff_format
from likeness_guard.core.sources.base import SourceItem

DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024


def iter_path_items(
    paths: Sequence[str | Path],
    *,
    include_hidden: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    cancel: CancelToken | None = None,
) -> Iterator[SourceItem]:
    """Yield one item per image file under `paths` (files or folders), in a stable order.

    Folders are walked recursively; symlinked folders are followed once (loops are cut);
    hidden files and folders are skipped unless asked. In folders, files with an image
    extension are yielded, and so are extension-less or oddly named files whose first bytes
    say they are images. A file named on the command line is always yielded.
    """
    visited: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(given).expanduser()
        if cancel is not None and cancel.cancelled:
            return
        try:
            info = path.stat()
        except FileNotFoundError:
            yield _error_item(path, "not found — check that the file or folder still exists")
            continue
        except OSError as exc:
            yield _error_item(path, _os_message(exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, visited, include_hidden, max_file_bytes, cancel)
        else:
            yield _file_item(path, info, max_file_bytes)


def count_path_items(paths: Sequence[str | Path], *, include_hidden: bool = False) -> int:
    """How many items `iter_path_items` will yield (cheap: names and sizes only)."""
    return sum(
        1
        for _ in iter_path_items(
            paths, include_hidden=include_hidden, max_file_bytes=1 << 62, cancel=None
        )
    )


def _walk(
    root: Path,
    visited: set[tuple[int, int]],
    include_hidden: bool,
    max_file_bytes: int,
    cancel: CancelToken | None,
) -> Iterator[SourceItem]:
    try:
        info = root.stat()
    except OSError as exc:
        yield _error_item(root, _os_message(exc))
        return
    key = (info.st_dev, info.st_ino)
    if key in visited:  # a symlink back up the tree, or the same folder given twice
        return
    visited.add(key)
    try:
        with os.scandir(root) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield _error_item(root, f"cannot open this folder ({_os_message(exc)})")
        return
    folders = []
    for entry in entries:
        if cancel is not None and cancel.cancelled:
            return
        if not include_hidden and entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():  # follows symlinks; loops are cut by `visited`
                folders.append(Path(entry.path))
                continue
            if not entry.is_file():
                continue  # sockets, fifos, broken links
            entry_info = entry.stat()
        except OSError:
            continue
        path = Path(entry.path)
        if path.suffix.lower() in IMAGE_SUFFIXES or _looks_like_image(path):
            yield _file_item(path, entry_info, max_file_bytes)
    for folder in folders:
        yield from _walk(folder, visited, include_hidden, max_file_bytes, cancel)


def _looks_like_image(path: Path) -> bool:
    """Sniff files without a known image extension (downloads often lose theirs)."""
    try:
        with path.open("rb") as f:
            return sniff_format(f.read(64)) is not None
    except OSError:
        return False


def _file_item(path: Path, info: os.stat_result, max_file_bytes: int) -> SourceItem:
    facts = FileFacts(
        path=str(path.absolute()),
        size=info.st_size,
        modified_at=datetime.fromtimestamp(info.st_mtime, UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
    )
    if info.st_size > max_file_bytes:
        limit = max_file_bytes // (1024 * 1024)
        return _error_item(path, f"larger than {limit} MB, skipped", facts)

    def read() -> bytes:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(_os_message(exc)) from exc
        if len(data) > max_file_bytes:  # grew since we looked
            raise SourceError(f"larger than {max_file_bytes // (1024 * 1024)} MB, skipped")
        return data

    return SourceItem(source=str(path), read=read, file=facts)


def _error_item(path: Path, message: str, facts: FileFacts | None = None) -> SourceItem:
    def read() -> bytes:
        raise SourceError(message)

    return SourceItem(source=str(path), read=read, file=facts)


def _os_message(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied — Likeness Guard is not allowed to read it"
    if isinstance(exc, FileNotFoundError):
        return "the file disappeared while scanning"
    if isinstance(exc, IsADirectoryError):
        return "this is a folder, not a file"
    return f"cannot be read ({exc.strerror or exc})"
