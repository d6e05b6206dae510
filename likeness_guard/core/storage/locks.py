"""Locks between processes and threads working on one data folder.

A scan holds its profile's lock shared and a lock of its own; forgetting a profile takes
that profile's lock exclusively, and forgetting everything takes the folder's lock
exclusively, so a scan and a deletion of the same person never run at once. A deletion
that finds a scan running asks it to stop (a small request file the scan looks for between
items) and waits for it. The scan's own lock tells a later start whether the process that
ran it is gone (the scan was interrupted) or still scanning.

Every open Store holds `open.lock` shared. Whatever replaces or wipes the database files
(protect, change or remove a passphrase, delete everything, recovery) holds it exclusively,
so that it runs only while no connection to the database is open, in any process.

The locks are files in `<data>/locks/` (named by numbers, never by names), locked through
the platform module (flock on Linux and macOS, LockFileEx on Windows).
"""

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.platform import FileLock, LockBusy
from likeness_guard.core.storage.layout import LOCKS_FOLDER

_ALL = "all"
_OPEN = "open"
_PROFILE = "profile"
_SCAN = "scan"
WAIT_SECONDS = 120.0
# A Store opened while a protection change or a full wipe runs waits this long for it.
OPEN_WAIT_SECONDS = 30.0

FOLDER_IN_USE = (
    "Likeness Guard is open in another window or command on this data folder. Close it, "
    "then try again."
)
FOLDER_BEING_CHANGED = (
    "The data folder is being encrypted, decrypted or emptied right now. Wait until that is "
    "finished, then try again."
)

FOLDER_BUSY_FOR_COPY = (
    "A scan or a deletion is running in this case. Wait until it has finished (or stop "
    "it), then try again."
)


class FolderLocks:
    """The locks of one data folder."""

    def __init__(self, folder: Path) -> None:
        self.root = folder / LOCKS_FOLDER

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
        try:
            with self._locked(_scan(scan_id), exclusive=True, wait=0.0):
                pass
        except StoreError:
            return False
        # The file stays: deleting a lock file another process may be about to lock would
        # let two processes each hold "the" lock of one scan.
        return True

    def nothing_running(self) -> bool:
        """True when no scan or deletion holds any lock of this folder right now."""
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

    @contextlib.contextmanager
    def holding_still(self, wait: float = 0.0) -> Iterator[None]:
        """Held while no scan or deletion runs in the folder (ones that start meanwhile
        wait), for copying it whole; running ones are not asked to stop. Raises StoreError
        when one still runs after `wait` seconds."""
        with self._locked(_ALL, exclusive=True, wait=wait, busy=FOLDER_BUSY_FOR_COPY):
            yield

    def hold_open(self, wait: float = OPEN_WAIT_SECONDS) -> FileLock | None:
        """The shared lock every open Store holds; None for a read-only folder (nothing can
        replace its files). Raises StoreError when the files are being replaced for longer
        than `wait` seconds."""
        try:
            return self._take(_OPEN, shared=True, wait=wait, busy=FOLDER_BEING_CHANGED)
        except _Unlockable:
            return None

    @contextlib.contextmanager
    def alone(self, wait: float = 0.0) -> Iterator[None]:
        """Held while no Store is open on the folder, in any process (this one included).

        Raises StoreError when another window or command keeps it open for `wait` seconds.
        """
        lock = self._take(_OPEN, shared=False, wait=wait, busy=FOLDER_IN_USE)
        try:
            yield
        finally:
            lock.release()

    def tidy(self) -> int:
        """Delete the lock and stop files of profiles and scans; returns how many went.

        Only while the caller holds the folder alone: no store is open anywhere, so no one
        holds one of them or waits for it, and whoever wants one next makes it anew.
        Deleting one that someone holds would let a second process take "the" same lock.
        Numbers are used again after a deletion, so a stop file a killed deletion left
        would otherwise stop the scans of the next person given that number. The folder's
        own locks and the window's stay.
        """
        removed = 0
        for pattern in (f"{_PROFILE}-*.lock", f"{_PROFILE}-*.stop", f"{_SCAN}-*.lock"):
            for path in self.root.glob(pattern):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    def _take(
        self,
        name: str,
        *,
        shared: bool,
        wait: float,
        busy: str,
        on_wait: Callable[[], None] | None = None,
    ) -> FileLock:
        """Take the lock `name`; StoreError(`busy`) when it stays taken, _Unlockable (a
        StoreError) when its file cannot be made (a read-only folder)."""
        try:
            self.root.mkdir(mode=0o700, exist_ok=True)
            lock = FileLock(self.root / f"{name}.lock", shared=shared)
            lock.acquire(wait=wait, on_wait=on_wait)
        except LockBusy:
            raise StoreError(busy) from None
        except OSError as exc:
            raise _Unlockable(f"The data folder cannot be locked ({exc}).") from exc
        return lock

    def _stop_file(self, name: str) -> Path:
        return self.root / f"{name}.stop"

    @contextlib.contextmanager
    def _locked(
        self,
        name: str,
        *,
        exclusive: bool,
        wait: float,
        stop: Path | None = None,
        busy: str | None = None,
    ) -> Iterator[None]:
        def ask_to_stop() -> None:
            if stop is not None and not stop.exists():
                with contextlib.suppress(OSError):
                    stop.touch(mode=0o600)

        lock = self._take(
            name,
            shared=not exclusive,
            wait=wait,
            busy=busy or _busy_message(exclusive),
            on_wait=ask_to_stop,
        )
        try:
            yield
        finally:
            lock.release()


class _Unlockable(StoreError):
    """A lock file cannot be made (a read-only folder)."""


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
    return f"{_PROFILE}-{int(profile_id)}"


def _scan(scan_id: int) -> str:
    return f"{_SCAN}-{int(scan_id)}"
