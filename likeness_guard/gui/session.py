"""What every page shares: the data folder, the GUI thread's store and the face engine."""

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.workers import BackgroundTask, EngineLoadWorker


class AppSession(QObject):
    """Shared state of one window. The store here is for the GUI thread only.

    The engine loads on a background thread; `engine_ready` or `engine_failed` tells when.
    `data_changed` is emitted when profiles, references or scans changed in a way every
    page should reload (for example after "Delete all my data").
    """

    engine_ready = Signal()
    engine_failed = Signal(str)
    data_changed = Signal()

    def __init__(
        self,
        data_dir: Path,
        preferences: Preferences,
        *,
        models_dir: Path | None = None,
        engine: FaceEngine | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = Store.open(data_dir)
        self.data_dir = self.store.folder
        self.preferences = preferences
        self.models_dir = models_dir
        self.engine: FaceEngine | None = engine
        self.engine_error: str | None = None
        self._engine_task: BackgroundTask | None = None

    def load_engine(self) -> None:
        """Start loading the models unless they are loaded or loading."""
        if self.engine is not None:
            self.engine_ready.emit()
            return
        if self._engine_task is not None:
            return
        worker = EngineLoadWorker(self.models_dir)
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

    def close(self) -> None:
        """Wait for background loading and close the store."""
        if self._engine_task is not None:
            self._engine_task.wait()
        self.store.close()
