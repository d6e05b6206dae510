"""Local files and folders as scan sources: a careful recursive walk."""

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
from likeness_guard.locale import _

DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024
# Videos are read from disk in pieces, never whole, so they may be much larger.
DEFAULT_MAX_VIDEO_BYTES = 16 * 1024 * 1024 * 1024
# Longest a single file may take to read (a slow network share, a file that keeps growing).
DEFAULT_READ_SECONDS = 60.0


# Never entered, whatever the folder chosen: what is there is the system's, not pictures,
# and reading it can hang (/dev) or lead anywhere (/proc/<pid>/cwd, /proc/<pid>/root).
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")


def _not_read() -> bytes:
    raise SourceError("only counted, not to be read")


# What a counting walk yields for each file it finds (count_path_items).
COUNTED = SourceItem(source="", read=_not_read)


@dataclass(frozen=True)
class _Walk:
    """What one given folder's walk keeps to: its own real path, and the folders it never
    enters (the data folder, /proc, /sys, /dev)."""

    root: str
    never: tuple[str, ...]
    include_hidden: bool
    limits: tuple[int, float]
    # Only counting (count_path_items): a file is yielded as COUNTED, neither opened to see
    # whether it starts like a video nor described (its facts were a third of the count).
    counting: bool = False

    def refuses(self, path: Path, *, link: bool) -> str | None:
        """Why `path` (a link, or a folder) is not followed, or None."""
        real = os.path.realpath(path)
        if link and not _inside(real, self.root):
            return _("a link to a place outside the folder you chose, not followed")
        for folder in self.never:
            if _inside(real, folder):
                if folder in SYSTEM_FOLDERS:
                    return _("a system folder ({folder}), never scanned").format(folder=folder)
                return _("Likeness Guard's own data folder, never scanned")
        return None


def iter_path_items(
    paths: Sequence[str | Path],
    *,
    include_hidden: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    cancel: CancelToken | None = None,
    read_seconds: float = DEFAULT_READ_SECONDS,
    never_enter: Sequence[Path] = (),
    counting: bool = False,
) -> Iterator[SourceItem]:
    """Yield one item per image file under `paths` (files or folders), in a stable order.

    Folders are walked recursively and never left: a link (to a file or a folder) that
    leads outside the folder given, into a folder of `never_enter` (the data folder) or
    into /proc, /sys or /dev gives an item with `skip` set to the reason, and so do folder
    loops. Hidden files and folders are skipped unless asked. In folders, files with an
    image extension are yielded, and so are extension-less or oddly named files whose first
    bytes say they are images. A file named on the command line is always yielded. What is
    not a regular file (FIFOs, devices, sockets, broken or looping links) gives an item
    with `skip` set to the reason, and is never opened for reading. `counting=True` yields
    COUNTED for each file found in a folder (count_path_items).
    """
    visited: set[tuple[int, int]] = set()
    never = (*(os.path.realpath(folder) for folder in never_enter), *SYSTEM_FOLDERS)
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
            walk = _Walk(os.path.realpath(path), never, include_hidden, limits, counting)
            if (reason := walk.refuses(path, link=False)) is not None:
                yield _skipped_item(path, reason)
            else:
                yield from _walk(path, visited, walk, cancel)
        elif (reason := kind_of(info.st_mode)) is not None:
            yield _skipped_item(path, reason)
        else:
            yield _file_item(path, info, limits)


def count_path_items(paths: Sequence[str | Path], *, include_hidden: bool = False) -> int:
    """How many items `iter_path_items` will yield (cheap: names and sizes only)."""
    return sum(
        1
        for item in iter_path_items(
            paths,
            include_hidden=include_hidden,
            max_file_bytes=1 << 62,
            cancel=None,
            counting=True,
        )
        if item.skip is None
    )


def _walk(
    root: Path,
    visited: set[tuple[int, int]],
    walk: _Walk,
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
        if not walk.include_hidden and entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            entry_info = entry.stat()  # follows symlinks; folder loops are cut by `visited`
        except OSError as exc:
            yield _unstatable_item(path, exc)
            continue
        is_folder = stat.S_ISDIR(entry_info.st_mode)
        reason = None if is_folder else kind_of(entry_info.st_mode)
        if reason is None and (is_folder or entry.is_symlink()):
            reason = walk.refuses(path, link=entry.is_symlink())
        if reason is None and is_folder:
            folders.append(path)
        elif reason is not None:  # FIFOs, devices, sockets, links out: never opened
            yield _skipped_item(path, reason)
        elif path.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES or _looks_like_image(path):
            yield COUNTED if walk.counting else _file_item(path, entry_info, walk.limits)
    for folder in folders:
        yield from _walk(folder, visited, walk, cancel)


def _inside(path: str, folder: str) -> bool:
    """Whether the real path `path` is `folder` or lies under it."""
    if folder == os.sep:
        return True
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


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


def _starts_like_video(path: Path) -> bool:
    """Whether a file's first bytes say it is a video (then it is read from disk in pieces,
    not into memory)."""
    try:
        head = read_regular_file(path, 1 << 62, head=64)
    except (OSError, SourceError):
        return False
    return sniff_video_format(head) is not None


def _file_item(path: Path, info: os.stat_result, limits: tuple[int, float]) -> SourceItem:
    max_file_bytes, read_seconds = limits
    # A file named like an image is looked at only when it is read (`clip_if_video`); one too
    # large for an image is looked at now, since a video may be that large.
    named_video = path.suffix.lower() in VIDEO_SUFFIXES
    video = named_video or (info.st_size > max_file_bytes and _starts_like_video(path))
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
        source=storable(str(path)),
        read=read,
        file=facts,
        path=path if video else None,
        clip_if_video=None if video else _ClipIfVideo(path),
    )


class _ClipIfVideo:
    """The file if its first bytes say it is a video, else None: looked at once, when first
    asked (a small class: functools.cache per item was a third of the walk)."""

    __slots__ = ("_clip", "_looked", "_path")

    def __init__(self, path: Path) -> None:
        self._path = path
        self._looked = False
        self._clip: Path | None = None

    def __call__(self) -> Path | None:
        if not self._looked:
            self._clip = self._path if _starts_like_video(self._path) else None
            self._looked = True
        return self._clip


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
