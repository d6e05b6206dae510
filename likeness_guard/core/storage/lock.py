"""Locks between processes and threads working on one data folder.

A scan holds its profile's lock shared and a lock of its own; forgetting a profile takes
that profile's lock exclusively, and forgetting everything takes the folder's lock
exclusively, so a scan and a deletion of the same person never run at once. A deletion
that finds a scan running asks it to stop (a small request file the scan looks for between
items) and waits for it. The scan's own lock tells a later start whether the process that
ran it is gone (the scan was interrupted) or still scanning.

The locks are `flock` locks on files in `<data>/locks/` (named by numbers, never by names);
each lock opens its own file, so two threads of one process exclude each other as two
processes do. On systems without `fcntl` (Windows) they do nothing.
"""

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCKS_FOLDER = "locks"
_ALL = "all"
WAIT_SECONDS = 120.0


class FolderLocks:
    """The locks of one data folder."""

    def __init__(self, folder: Path) -> None:
        self.root = folder / LOCKS_FOLDER

    @property
    def available(self) -> bool:
        """False where locks do nothing (no fcntl)."""
        return fcntl is not None

    @contextlib.contextmanager
    def scanning(self, profile_id: int) -> Iterator[Callable[[], bool]]:
        """Hold the locks of a scan of `profile_id`; yields a check "was I asked to stop?".

        Waits while the profile (or everything) is being deleted.
        """
        with (
            self._locked(_ALL, exclusive=False, wait=WAIT_SECONDS),
            self._locked(_profile(profile_id), exclusive=False, wait=WAIT_SECONDS),
        ):
            stops = (self._stop_file(_ALL), self._stop_file(_profile(profile_id)))
            yield lambda: any(path.exists() for path in stops)

    @contextlib.contextmanager
    def scan_alive(self, scan_id: int) -> Iterator[None]:
        """Held by a running scan for as long as its process lives."""
        with self._locked(_scan(scan_id), exclusive=True, wait=0.0):
            yield

    def scan_is_dead(self, scan_id: int) -> bool:
        """True when no process holds the scan's lock (it was killed, or crashed)."""
        if fcntl is None:
            return True
        try:
            with self._locked(_scan(scan_id), exclusive=True, wait=0.0):
                pass
        except StoreError:
            return False
        with contextlib.suppress(OSError):
            (self.root / f"{_scan(scan_id)}.lock").unlink()
        return True

    def nothing_running(self) -> bool:
        """True when no scan or deletion holds any lock of this folder right now."""
        if fcntl is None:
            return True
        try:
            with self._locked(_ALL, exclusive=True, wait=0.0):
                return True
        except StoreError:
            return False

    @contextlib.contextmanager
    def forgetting(self, profile_id: int | None, wait: float = WAIT_SECONDS) -> Iterator[None]:
        """Hold the locks for deleting one profile (or everything, for None).

        A scan of that profile still running is asked to stop, and waited for.
        """
        name = _ALL if profile_id is None else _profile(profile_id)
        stop = self._stop_file(name)
        try:
            with contextlib.ExitStack() as stack:
                if profile_id is not None:
                    stack.enter_context(self._locked(_ALL, exclusive=False, wait=wait, stop=stop))
                stack.enter_context(self._locked(name, exclusive=True, wait=wait, stop=stop))
                with contextlib.suppress(OSError):
                    stop.unlink()
                yield
        finally:
            with contextlib.suppress(OSError):
                stop.unlink()

    def hold_open(self) -> "OpenHold":
        """Held by every open Store: `protect` must not swap files under another one."""
        return OpenHold(self.root)

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        """Held while no other Store is open on the folder, in any process.

        Raises StoreError when another window or command has it open.
        """
        if fcntl is None:
            yield
            return
        self.root.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(self.root / "open.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(
                    "Likeness Guard is open in another window or command on this data folder. "
                    "Close it, then try again."
                ) from None
            yield
        finally:
            os.close(fd)

    def _stop_file(self, name: str) -> Path:
        return self.root / f"{name}.stop"

    @contextlib.contextmanager
    def _locked(
        self, name: str, *, exclusive: bool, wait: float, stop: Path | None = None
    ) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        self.root.mkdir(mode=0o700, exist_ok=True)
        path = self.root / f"{name}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreError(_busy_message(exclusive)) from None
                    if stop is not None and not stop.exists():
                        with contextlib.suppress(OSError):
                            stop.touch(mode=0o600)
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _busy_message(exclusive: bool) -> str:
    if exclusive:
        return (
            "A scan of this person is still running and did not stop in time. Stop it (or "
            "close the other Likeness Guard window), then try again."
        )
    return (
        "This person's data is being deleted right now. Wait until the deletion is finished, "
        "then start the scan again."
    )


def _profile(profile_id: int) -> str:
    return f"profile-{int(profile_id)}"


def _scan(scan_id: int) -> str:
    return f"scan-{int(scan_id)}"


class OpenHold:
    """A shared lock on `locks/open.lock` for as long as a Store is open."""

    def __init__(self, root: Path) -> None:
        self._fd: int | None = None
        if fcntl is None:
            return
        try:
            root.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(root / "open.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:  # a read-only folder: nothing to protect against
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError(
                "The data folder is being encrypted right now. Wait until that is finished."
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
