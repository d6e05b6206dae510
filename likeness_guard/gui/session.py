"""What every page shares: the data folder, the GUI thread's store and the face engine."""

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from likeness_guard.core import services
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage.recovery import recover
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.recheck import Recheck
from likeness_guard.gui.workers import BackgroundTask, CallWorker


class AppSession(QObject):
    """Shared state of one window. The store here is for the GUI thread only.

    The engine loads on a background thread; `engine_ready` or `engine_failed` tells when.
    `data_changed` is emitted when profiles, references or scans changed in a way every
    page should reload (for example after "Delete all my data"). Deleting runs off the GUI
    thread (compacting the database can take seconds); `deletion_done` follows with "" or
    a message saying what went wrong.
    """

    engine_ready = Signal()
    engine_failed = Signal(str)
    data_changed = Signal()
    deletion_done = Signal(str)

    def __init__(
        self,
        data_dir: Path | None,
        preferences: Preferences,
        *,
        models_dir: Path | None = None,
        engine: FaceEngine | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = Store.open(data_dir)
        self.data_dir = self.store.folder
        # What a crash left: a deletion to finish, scans to show as interrupted (and to
        # continue when the same inputs are scanned again).
        self.start_notes: list[str] = recover(self.store)
        self.preferences = preferences
        self.models_dir = models_dir
        self.engine: FaceEngine | None = engine
        self.engine_error: str | None = None
        self._engine_task: BackgroundTask | None = None
        self._deletion: BackgroundTask | None = None
        # Every scan compared again with the photos of today ("Re-check all scans…").
        self.recheck = Recheck(self.data_dir, self)

    def load_engine(self) -> None:
        """Start loading the models unless they are loaded or loading."""
        if self.engine is not None:
            self.engine_ready.emit()
            return
        if self._engine_task is not None:
            return
        models_dir, data_dir = self.models_dir, self.data_dir
        worker = CallWorker(lambda: services.open_engine(models_dir, data_dir))
        worker.finished.connect(self._on_engine_loaded)
        worker.failed.connect(self._on_engine_failed)
        self._engine_task = BackgroundTask(worker, self)
        self._engine_task.start()

    @Slot(object)
    def _on_engine_loaded(self, engine: object) -> None:
        assert isinstance(engine, FaceEngine)
        self.engine = engine
        self.engine_ready.emit()

    @Slot(str)
    def _on_engine_failed(self, message: str) -> None:
        self.engine_error = message
        self.engine_failed.emit(message)

    def use_engine(self, engine: FaceEngine) -> None:
        """Work with another model pack from now on (Settings switched it); pages reload,
        since the references were embedded again."""
        self.engine = engine
        self.engine_error = None
        self.engine_ready.emit()
        self.data_changed.emit()

    @property
    def deleting(self) -> bool:
        return self._deletion is not None

    def forget_in_background(self, profile_name: str | None) -> None:
        """Delete one person's data, or everything for None, on a background thread."""
        if self._deletion is not None:
            return
        folder = self.data_dir

        def forget() -> None:
            with Store(folder) as store:  # SQLite connections belong to one thread
                if profile_name is None:
                    services.forget_everything(store)
                else:
                    services.forget_profile(store, profile_name)

        worker = CallWorker(forget)
        worker.finished.connect(self._on_forgotten)
        worker.failed.connect(self._on_forgotten)
        self._deletion = BackgroundTask(worker, self)
        self._deletion.start()

    @Slot(object)
    def _on_forgotten(self, result: object) -> None:
        if self._deletion is not None:
            self._deletion.wait()
            self._deletion.deleteLater()
            self._deletion = None
        # On a full disk, deleting everything removes the database file itself.
        if not self.store.path.exists():
            self.store.reopen()
        # The page that asked updates its choices first; then every page reloads.
        self.deletion_done.emit(result if isinstance(result, str) else "")
        self.data_changed.emit()

    def close(self) -> None:
        """Wait for background loading, deleting and re-checking, and close the store."""
        self.recheck.stop()
        for task in (self._engine_task, self._deletion):
            if task is not None:
                task.wait()
        self.store.close()
