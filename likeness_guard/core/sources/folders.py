"""Local files and folders as scan sources: a careful recursive walk."""

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.domain.records import FileFacts
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.imaging.formats import (
    IMAGE_SUFFIXES,
    VIDEO_SUFFIXES,
    sniff_format,
    sniff_video_format,
)
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.file_checks import kind_of, read_regular_file

DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024
# Videos are read from disk in pieces, never whole, so they may be much larger.
DEFAULT_MAX_VIDEO_BYTES = 16 * 1024 * 1024 * 1024
# Longest a single file may take to read (a slow network share, a file that keeps growing).
DEFAULT_READ_SECONDS = 60.0


def iter_path_items(
    paths: Sequence[str | Path],
    *,
    include_hidden: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    cancel: CancelToken | None = None,
    read_seconds: float = DEFAULT_READ_SECONDS,
) -> Iterator[SourceItem]:
    """Yield one item per image file under `paths` (files or folders), in a stable order.

    Folders are walked recursively; symlinked folders are followed once (loops are cut);
    hidden files and folders are skipped unless asked. In folders, files with an image
    extension are yielded, and so are extension-less or oddly named files whose first bytes
    say they are images. A file named on the command line is always yielded. What is not a
    regular file (FIFOs, devices, sockets, broken or looping links) gives an item with
    `skip` set to the reason, and is never opened for reading.
    """
    visited: set[tuple[int, int]] = set()
    limits = (max_file_bytes, read_seconds)
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
            yield from _walk(path, visited, include_hidden, limits, cancel)
        elif (reason := kind_of(info.st_mode)) is not None:
            yield _skipped_item(path, reason)
        else:
            yield _file_item(path, info, limits)


def count_path_items(paths: Sequence[str | Path], *, include_hidden: bool = False) -> int:
    """How many items `iter_path_items` will yield (cheap: names and sizes only)."""
    return sum(
        1
        for item in iter_path_items(
            paths, include_hidden=include_hidden, max_file_bytes=1 << 62, cancel=None
        )
        if item.skip is None
    )


def _walk(
    root: Path,
    visited: set[tuple[int, int]],
    include_hidden: bool,
    limits: tuple[int, float],
    cancel: CancelToken | None,
) -> Iterator[SourceItem]:
    try:
        info = root.stat()
    except OSError as exc:
        yield _error_item(root, _os_message(exc))
        return
    key = (info.st_dev, info.st_ino)
    if key in visited:  # a symlink back up the tree, or the same folder given twice
        if root.is_symlink():
            yield _skipped_item(root, "a link to a folder that is already being scanned")
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
        path = Path(entry.path)
        try:
            entry_info = entry.stat()  # follows symlinks; folder loops are cut by `visited`
        except OSError as exc:
            yield _unstatable_item(path, exc)
            continue
        if stat.S_ISDIR(entry_info.st_mode):
            folders.append(path)
            continue
        reason = kind_of(entry_info.st_mode)
        if reason is not None:  # FIFOs, devices, sockets: never opened
            yield _skipped_item(path, reason)
        elif path.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES or _looks_like_image(path):
            yield _file_item(path, entry_info, limits)
    for folder in folders:
        yield from _walk(folder, visited, include_hidden, limits, cancel)


def _unstatable_item(path: Path, exc: OSError) -> SourceItem:
    """An entry that could not even be looked at: a broken or looping link, or one that went."""
    if exc.errno == errno.ELOOP:
        return _skipped_item(path, "a link that loops back on itself")
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return _skipped_item(path, "a link to something that does not exist")
        return _error_item(path, "the file disappeared while scanning")
    return _error_item(path, _os_message(exc))


def _looks_like_image(path: Path) -> bool:
    """Sniff files without a known image extension (downloads often lose theirs)."""
    try:
        head = read_regular_file(path, 1 << 62, head=64)
    except (OSError, SourceError):
        return False
    return sniff_format(head) is not None or sniff_video_format(head) is not None


def _is_video(path: Path) -> bool:
    """Named like a video, or starting like one (then it is read from disk, not into memory)."""
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return True
    try:
        head = read_regular_file(path, 1 << 62, head=64)
    except (OSError, SourceError):
        return False
    return sniff_video_format(head) is not None


def _file_item(path: Path, info: os.stat_result, limits: tuple[int, float]) -> SourceItem:
    max_file_bytes, read_seconds = limits
    video = _is_video(path)
    if video:
        max_file_bytes = max(max_file_bytes, DEFAULT_MAX_VIDEO_BYTES)
    facts = FileFacts(
        path=storable(str(path.absolute())),
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
        # Regular files only, bounded in size and time: the file may have been swapped for
        # a FIFO or a link to /dev/zero since the walk looked at it.
        try:
            return read_regular_file(path, max_file_bytes, seconds=read_seconds)
        except OSError as exc:
            raise SourceError(_os_message(exc)) from exc

    return SourceItem(
        source=storable(str(path)), read=read, file=facts, path=path if video else None
    )


def _error_item(path: Path, message: str, facts: FileFacts | None = None) -> SourceItem:
    def read() -> bytes:
        raise SourceError(message)

    return SourceItem(source=storable(str(path)), read=read, file=facts)


def _skipped_item(path: Path, reason: str) -> SourceItem:
    def read() -> bytes:
        raise SourceError(reason)

    return SourceItem(source=storable(str(path)), read=read, skip=reason)


def _os_message(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied — Likeness Guard is not allowed to read it"
    if isinstance(exc, FileNotFoundError):
        return "the file disappeared while scanning"
    if isinstance(exc, IsADirectoryError):
        return "this is a folder, not a file"
    return f"cannot be read ({exc.strerror or exc})"
