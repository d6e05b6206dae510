"""What differs between Windows, macOS and Linux, in one place: the user's data folder, file
locks between processes, and writing at an offset.

Locks come from portalocker: `flock` on Linux and macOS (held per open file, so two threads
of one process that each open the file exclude each other as two processes do, and closing
one descriptor never drops another's lock), `LockFileEx` on Windows (per handle, the same).
"""

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import platformdirs

APP_FOLDER_NAME = "likeness-guard"
_POLL_SECONDS = 0.05


def user_data_folder() -> Path:
    """The platform's folder for this user's application data (created by the caller)."""
    return Path(platformdirs.user_data_dir(APP_FOLDER_NAME, appauthor=False))


class LockBusy(Exception):
    """Another process (or thread) holds the lock, and it did not come free in time."""


class FileLock:
    """A shared or exclusive lock on one file, held between `acquire` and `release`.

    Each instance opens its own handle on the file, so instances exclude each other
    whether they live in one process or in several.
    """

    def __init__(self, path: Path, *, shared: bool) -> None:
        self.path = path
        self.shared = shared
        self._handle: int | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self, wait: float = 0.0, on_wait: Callable[[], None] | None = None) -> None:
        """Take the lock, trying for up to `wait` seconds (`on_wait` runs between tries).

        Raises LockBusy when it stays taken, OSError when the file cannot be opened.
        """
        import portalocker

        if self._handle is not None:
            return
        flags = portalocker.LockFlags.SHARED if self.shared else portalocker.LockFlags.EXCLUSIVE
        flags |= portalocker.LockFlags.NON_BLOCKING
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        deadline = time.monotonic() + wait
        try:
            while True:
                try:
                    portalocker.lock(handle, flags)
                    break
                except portalocker.LockException:
                    if time.monotonic() >= deadline:
                        raise LockBusy(str(self.path)) from None
                    if on_wait is not None:
                        on_wait()
                    time.sleep(_POLL_SECONDS)
        except BaseException:
            os.close(handle)
            raise
        self._handle = handle

    def release(self) -> None:
        """Let go of the lock (nothing when it is not held)."""
        import portalocker

        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            with contextlib.suppress(portalocker.LockException, OSError):
                portalocker.unlock(handle)
        finally:
            os.close(handle)

    def __enter__(self) -> "FileLock":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def write_at(fd: int, data: bytes, offset: int) -> int:
    """Write `data` at `offset` of an open file; returns how many bytes were written.

    `os.pwrite` does not exist on Windows: there the file position is moved instead (the
    callers own their descriptors, so no one else's position moves).
    """
    if hasattr(os, "pwrite"):
        return os.pwrite(fd, data, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover - Windows
    return os.write(fd, data)  # pragma: no cover - Windows


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable where the system allows it (not on
    Windows, which cannot open a folder: its renames are durable through the file)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def reserve_space(fd: int, size: int) -> None:
    """Give an open, empty file `size` bytes of real blocks (not a sparse file).

    Raises OSError when there is no room.
    """
    if hasattr(os, "posix_fallocate"):
        os.posix_fallocate(fd, 0, size)
    else:  # pragma: no cover - macOS, Windows
        chunk = b"\0" * (1 << 20)
        written = 0
        while written < size:
            written += os.write(fd, chunk[: min(len(chunk), size - written)])
        os.fsync(fd)


def free_bytes(folder: Path) -> int | None:
    """Bytes free for this user on the file system of `folder`; None when it cannot be told."""
    import shutil

    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs now (True when that cannot be told: callers only
    delete what a process that is surely gone left behind)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - Windows: no cheap, safe check; keep its files
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, under another user
        return True
    return True


def private_temp_file(folder: Path, prefix: str, suffix: str) -> Path:
    """A new empty file readable by this user only in `folder` (made 0700 when missing),
    named `PREFIX-PID-RANDOM SUFFIX` so that a sweep can tell when its process is gone.
    Raises OSError when it cannot be made."""
    import tempfile

    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    fd, name = tempfile.mkstemp(prefix=f"{prefix}-{os.getpid()}-", suffix=suffix, dir=folder)
    os.close(fd)  # mkstemp made it readable by this user only
    return Path(name)


def system_kind() -> str:
    """Which kind of OS schedule this system has: "windows", "macos" or "linux" (any other
    Unix is treated as Linux, where a systemd user timer is tried)."""
    import sys

    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def user_schedule_folder(system: str) -> Path:
    """Where this user's schedule files go: systemd's user units ($XDG_CONFIG_HOME/systemd/
    user), launchd's agents (~/Library/LaunchAgents), and on Windows the app's own config
    folder, from which the task is imported into Task Scheduler."""
    if system == "macos":
        return Path.home() / "Library" / "LaunchAgents"
    if system == "windows":
        return Path(platformdirs.user_config_dir(APP_FOLDER_NAME, appauthor=False)) / "schedules"
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def program_command() -> list[str]:
    """How a schedule starts this program's command line: the bundle's console executable
    (never the windowed one, which opens the window), or this Python with `-m`."""
    import sys

    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        if exe.stem.endswith("-gui"):  # Windows bundles carry both, side by side
            exe = exe.with_name(exe.stem[: -len("-gui")] + exe.suffix)
        return [str(exe)]
    return [sys.executable, "-m", "likeness_guard"]


def find_tool(name: str) -> str | None:
    """The full path of a system program (systemctl, launchctl, schtasks), or None."""
    import shutil

    return shutil.which(name)


# Names Windows refuses for a file or folder, with or without an extension ("CON.txt").
_WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{kind}{n}" for kind in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
_WINDOWS_FORBIDDEN_CHARACTERS = frozenset('<>:"/\\|?*')
_FOLDER_NAME_LIMIT = 64  # characters: far below every system's limit, with room for a path


def safe_folder_name(display_name: str) -> str:
    """A folder name for `display_name` that every supported system accepts: characters
    Windows forbids (and control characters) become "-", no leading dot (a hidden folder) or
    trailing dot or space (Windows drops them), a device name (CON, COM1, NUL.txt …) gets
    "_" after it, at most 64 characters. "" when nothing usable is left."""
    import unicodedata

    # Runs of white space (tabs, new lines) become one space.
    name = " ".join(unicodedata.normalize("NFC", display_name).split())
    name = "".join(
        "-" if ch in _WINDOWS_FORBIDDEN_CHARACTERS or unicodedata.category(ch)[0] == "C" else ch
        for ch in name
    )
    name = name.lstrip(". ")[:_FOLDER_NAME_LIMIT].rstrip(". ")
    if name.split(".")[0].upper().rstrip() in _WINDOWS_DEVICE_NAMES:
        name += "_"
    return name


def same_file_name(first: str, second: str) -> bool:
    """Whether two names would be one file on a system that ignores case and Unicode
    normalisation (Windows, macOS by default): compare them that way everywhere, so that a
    folder made on Linux can be copied to those systems."""
    import unicodedata

    def key(name: str) -> str:
        return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", name).casefold())

    return key(first) == key(second)
