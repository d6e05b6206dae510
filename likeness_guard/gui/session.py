"""What every page shares: the data folder, the GUI thread's store and the face engine."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.services.folder import Store, data_folder, open_folder, open_store
from likeness_guard.core.services.forgetting import (
    finish_forgetting,
    forget_everything,
    forget_profile,
)
from likeness_guard.core.services.packs import FaceEngine, open_engine
from likeness_guard.core.services.protection import ProtectionChange, is_protected
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.rematching import RematchRunner
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.locale import N_, _

FORGET_FINISHES_LATER = N_(
    "Everything was deleted. The passphrase protection is removed the next time Likeness "
    "Guard starts, once no other window or command has this data folder open."
)
CHANGING_PROTECTION_NOW = N_(
    "Your data is being encrypted or decrypted right now. Wait until that has finished, "
    "then try again."
)
DELETING_NOW = N_("Your data is being deleted. Wait until that has finished, then try again.")
RECHECKING_NOW = N_(
    "Your scans are being compared again with your photos. Wait until that has finished, "
    "then try again."
)

# A protection change on the data folder, run with every store of this process closed.
ProtectionJob = Callable[[Path], ProtectionChange]


class AppSession(QObject):
    """Shared state of one window. The store here is for the GUI thread only.

    The engine opens on a background thread (its pack checked; the models themselves load
    when a job first needs them); `engine_ready` or `engine_failed` tells when.
    `data_changed` is emitted when profiles, references or scans changed in a way every
    page should reload (for example after "Delete all my data"). Deleting runs off the GUI
    thread (compacting the database can take seconds); `deletion_done` follows with "" or
    a message saying what went wrong.

    A passphrase change (`change_protection`) closes the store, runs off the GUI thread,
    and opens the store again: `protection_started`, then `protection_done` with the
    ProtectionChange and "", or None and a message. `store_reopened` follows every time
    `store` is a new Store (after a protection change or "Delete all my data"), for the
    widgets that keep it.
    """

    engine_ready = Signal()
    engine_failed = Signal(str)
    data_changed = Signal()
    deletion_done = Signal(str)
    protection_started = Signal()
    protection_done = Signal(object, str)
    store_reopened = Signal()

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
        # What a crash left: a deletion to finish, scans to show as interrupted (and to
        # continue when the same inputs are scanned again).
        self.store, self.start_notes = open_store(data_folder(data_dir))
        self.data_dir = self.store.folder
        self.preferences = preferences
        self.models_dir = models_dir
        self.engine: FaceEngine | None = engine
        self.engine_error: str | None = None
        self._engine_task: BackgroundTask | None = None
        self._deletion: BackgroundTask | None = None
        self._forgetting_everything = False
        self._protection: BackgroundTask | None = None
        self._work_checks: list[Callable[[], str]] = []
        self._closed = False
        # Every scan compared again with the photos of today ("Re-check all scans…").
        self.recheck = RematchRunner(self.data_dir, self)

    def load_engine(self) -> None:
        """Start loading the models unless they are loaded or loading."""
        if self.engine is not None:
            self.engine_ready.emit()
            return
        if self._engine_task is not None:
            return
        models_dir, data_dir = self.models_dir, self.data_dir

        def load(_: TaskContext) -> FaceEngine:
            # The pack is checked now; the models load when an item first needs them, on
            # that job's thread (a rescan of unchanged files needs none).
            return open_engine(models_dir, data_dir, lazy=True)

        self._engine_task = run_task(
            self, "engine", load, finished=self._on_engine_loaded, failed=self._on_engine_failed
        )

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
        self._forgetting_everything = profile_name is None

        def forget(_: TaskContext) -> None:
            with Store(folder) as store:  # SQLite connections belong to one thread
                if profile_name is None:
                    forget_everything(store)
                else:
                    forget_profile(store, profile_name)

        self._deletion = run_task(
            self, "forget", forget, finished=self._on_forgotten, failed=self._on_forgotten
        )

    @Slot(object)
    def _on_forgotten(self, result: object) -> None:
        if self._deletion is not None:
            self._deletion.wait()
            self._deletion.deleteLater()
            self._deletion = None
        if self._forgetting_everything and not result:
            # A protected folder's database and protection go once no store is open.
            self.store.close()
            finished = finish_forgetting(self.data_dir)
            self.store = Store(self.data_dir)
            self.store_reopened.emit()
            if not finished:
                result = _(FORGET_FINISHES_LATER)
        self._forgetting_everything = False
        # The page that asked updates its choices first; then every page reloads.
        self.deletion_done.emit(result if isinstance(result, str) else "")
        self.data_changed.emit()

    # ---- passphrase protection ------------------------------------------------------------

    @property
    def protected(self) -> bool:
        """Whether the data folder is encrypted with a passphrase now."""
        return is_protected(self.data_dir)

    @property
    def changing_protection(self) -> bool:
        return self._protection is not None

    def watch_work(self, running: Callable[[], str]) -> None:
        """Let a page tell what it runs that keeps the data folder open: `running()` returns
        a sentence saying what to wait for, or "" when nothing runs."""
        self._work_checks.append(running)

    def running_work(self) -> str:
        """Why the data folder cannot be encrypted or decrypted now ("" when it can)."""
        if self._protection is not None:
            return _(CHANGING_PROTECTION_NOW)
        if self._deletion is not None:
            return _(DELETING_NOW)
        if self.recheck.is_running():
            return _(RECHECKING_NOW)
        for running in self._work_checks:
            reason = running()
            if reason:
                return reason
        return ""

    def change_protection(self, job: ProtectionJob) -> str:
        """Run `job(data folder)` (protect, change the passphrase, remove protection) on a
        background thread, with this thread's store closed meanwhile, as the core needs.

        Returns "" when it started (`protection_started` now, `protection_done` later), else
        why it cannot start now (work that keeps the folder open is running).
        """
        reason = self.running_work()
        if reason:
            return reason
        folder = self.data_dir

        def change(_: TaskContext) -> ProtectionChange:
            return job(folder)

        self.store.close()  # the change needs every store of this process closed
        self._protection = run_task(
            self,
            "protection",
            change,
            finished=self._on_protection_changed,
            failed=self._on_protection_changed,
        )
        self.protection_started.emit()  # its outcome arrives later, through the event loop
        return ""

    @Slot(object)
    def _on_protection_changed(self, result: object) -> None:
        if self._protection is not None:
            self._protection.wait()
            self._protection.deleteLater()
            self._protection = None
        if self._closed:
            return  # the window closed meanwhile: nothing to open again
        # Whatever happened, the window goes on with the folder as it is now.
        problem = self._reopen_store()
        if isinstance(result, ProtectionChange):
            self.protection_done.emit(result, problem)
            if not problem:
                self.data_changed.emit()
        else:
            message = result if isinstance(result, str) else ""
            self.protection_done.emit(None, " ".join(filter(None, (message, problem))))

    def _reopen_store(self) -> str:
        """Open the GUI thread's store again; "" or what went wrong."""
        try:
            self.store = Store(self.data_dir)
        except UserFacingError:
            # A change interrupted after its switch (a disk error) is finished the way a
            # start finishes it, then opened again.
            open_folder(self.data_dir)
            try:
                self.store = Store(self.data_dir)
            except UserFacingError as exc:
                return str(exc)
        self.store_reopened.emit()
        return ""

    def close(self) -> None:
        """Wait for background loading, deleting, re-checking and a protection change (it
        runs to its end), and close the store."""
        self._closed = True
        self.recheck.stop()
        for task in (self._engine_task, self._deletion):
            if task is not None:
                task.wait()
        if self._protection is not None:
            while not self._protection.wait():
                pass  # re-encrypting many kept images takes as long as it takes
        self.store.close()
