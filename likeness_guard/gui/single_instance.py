"""One window per data folder: a second start brings the first window forward.

Two windows on one data folder would each show what the other deleted. A lock file beside
the database (in the folder's locks/) says a window is open; a second start touches a
wake-up file that the first window watches (QtCore only: the bundle leaves QtNetwork out).
"""

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, Signal, Slot

from likeness_guard.core.services.folder import window_lock_files


class SingleInstance(QObject):
    """Hold with `acquire()`; `activation_requested` fires when another start asks for us."""

    activation_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        lock, self._wake = window_lock_files(data_dir)
        lock.parent.mkdir(mode=0o700, exist_ok=True)
        self._lock = QLockFile(str(lock))
        # A crashed window leaves its lock; QLockFile sees that its process is gone.
        self._lock.setStaleLockTime(0)
        self._watcher: QFileSystemWatcher | None = None

    def acquire(self) -> bool:
        """True when this is the only window on the folder (then it watches for others)."""
        if not self._lock.tryLock(100):
            return False
        self._wake.touch(mode=0o600, exist_ok=True)
        self._watcher = QFileSystemWatcher([str(self._wake)], self)
        self._watcher.fileChanged.connect(self._on_wake)
        return True

    def wake_running(self) -> bool:
        """Ask the window that holds the folder to come forward; False if it cannot be told."""
        try:
            with self._wake.open("ab") as wake:
                wake.write(b".")
        except OSError:
            return False
        return True

    def release(self) -> None:
        if self._watcher is not None:
            self._watcher.deleteLater()
            self._watcher = None
        self._lock.unlock()

    @Slot(str)
    def _on_wake(self, path: str) -> None:
        if self._watcher is not None and path not in self._watcher.files():
            self._watcher.addPath(path)  # some editors replace the file; watch the new one
        self.activation_requested.emit()
