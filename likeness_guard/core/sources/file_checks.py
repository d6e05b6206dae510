"""Reading a local file with bounds: regular files only, size checked before and while reading.

Opening a FIFO blocks until someone writes to it, and `/dev/zero` never ends: a name given
on the command line, a link in a scanned folder, or a file swapped for either during a scan
must not hang the app or fill its memory. The file is opened without blocking, its type is
checked on the opened descriptor (so a swap between a check and the open changes nothing),
and reading stops as soon as it passes the size limit or the time limit.
"""

import errno
import os
import stat
import time
from pathlib import Path

from likeness_guard.core.domain.errors import SourceError

_CHUNK = 1024 * 1024


class NotRegularFile(SourceError):
    """The path names a FIFO, a device, a socket or a folder, not a file to read."""


def kind_of(mode: int) -> str | None:
    """Why a file of this mode is not read ("a named pipe (FIFO)", ...), or None for a file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "not a regular file: a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "not a regular file: a character device"
    if stat.S_ISBLK(mode):
        return "not a regular file: a block device"
    if stat.S_ISSOCK(mode):
        return "not a regular file: a socket"
    return "not a regular file"


def read_regular_file(
    path: str | os.PathLike[str],
    max_bytes: int,
    *,
    seconds: float | None = None,
    head: int | None = None,
) -> bytes:
    """Return the whole content of a regular file of at most `max_bytes` bytes.

    With `head`, return only its first `head` bytes (to sniff its format), whatever its size.

    Raises NotRegularFile for FIFOs, devices, sockets and folders (without blocking on
    them), SourceError when the file is or grows larger than `max_bytes` or takes longer
    than `seconds` to read, and OSError (FileNotFoundError, PermissionError...) when it
    cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a socket, a folder
            info = os.stat(path)
            raise NotRegularFile(kind_of(info.st_mode) or "not a regular file") from exc
        raise
    try:
        info = os.fstat(fd)
        reason = kind_of(info.st_mode)
        if reason is not None:
            raise NotRegularFile(reason)
        if head is not None:
            return os.read(fd, head)
        if info.st_size > max_bytes:
            raise SourceError(too_large(max_bytes))
        return _read_all(fd, max_bytes, seconds)
    finally:
        os.close(fd)


def read_text_file(path: str | os.PathLike[str], max_bytes: int = 4 * 1024 * 1024) -> str:
    """A small UTF-8 text file (a list of addresses, a passphrase), read with the same care.

    Raises SourceError (NotRegularFile, too large, not UTF-8) or OSError.
    """
    data = read_regular_file(path, max_bytes, seconds=30.0)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{Path(path).name} is not UTF-8 text") from exc


def too_large(max_bytes: int) -> str:
    """The message for a file over the size limit."""
    if max_bytes >= 1024 * 1024:
        return f"larger than {max_bytes // (1024 * 1024)} MB, skipped"
    return f"larger than {max_bytes} bytes, skipped"


def _read_all(fd: int, max_bytes: int, seconds: float | None) -> bytes:
    started = time.monotonic()
    parts: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
        except BlockingIOError:  # not possible for a regular file, but never spin on it
            raise SourceError("the file could not be read without waiting") from None
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        total += len(chunk)
        if total > max_bytes:  # it grew since we looked, or it never ends
            raise SourceError(too_large(max_bytes))
        if seconds is not None and time.monotonic() - started > seconds:
            raise SourceError(f"reading took longer than {seconds:.0f} s, skipped")
