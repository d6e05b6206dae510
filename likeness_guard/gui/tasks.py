"""Workers that run core jobs off the GUI thread and report back through signals."""

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import ScanItem
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.scan import ScanOptions, ScanProgress
from likeness_guard.core.storage.store import Store

if TYPE_CHECKING:
    from likeness_guard.gui.report_dialog import ReportRequest

log = logging.getLogger(__name__)

BUG_MESSAGE = (
    "Something went wrong inside Likeness Guard ({name}). What was already found is kept. "
    "Please try again; if it happens again, report it with the log."
)


class Worker(QObject):
    """A job run by `run()` on a background thread.

    Signals: `progress` and `item_done` while it runs, then exactly one of `finished`
    (with the job's result) or `failed` (a message for the user), then `ended`.
    """

    progress = Signal(object)
    item_done = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.cancel_token = CancelToken()
        self.thread_ident: int | None = None  # which thread ran the job, for tests

    def cancel(self) -> None:
        """Ask the job to stop after the current item; safe from any thread."""
        self.cancel_token.cancel()

    @Slot()
    def run(self) -> None:
        self.thread_ident = threading.get_ident()
        try:
            result = self.work()
        except UserFacingError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: log it with its traceback, tell the user calmly
            log.exception("background job %s failed", type(self).__name__)
            self.failed.emit(BUG_MESSAGE.format(name=type(exc).__name__))
        else:
            self.finished.emit(result)
        finally:
            self.ended.emit()

    def work(self) -> object:
        """The job itself; runs on the worker thread. Returns the result for `finished`."""
        raise NotImplementedError


class BackgroundTask(QObject):
    """Owns a worker and the QThread it runs on; keeps both alive until the thread ends."""

    def __init__(self, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.qthread = QThread()
        self.qthread.setObjectName(f"likeness-guard-{type(worker).__name__}")
        worker.moveToThread(self.qthread)
        self.qthread.started.connect(worker.run)
        # Direct: quit() is thread-safe, and the GUI thread may be blocked in wait().
        worker.ended.connect(self.qthread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.qthread.start()

    def is_running(self) -> bool:
        return self.qthread.isRunning()

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the job and wait for its thread to end; returns True when it did."""
        self.worker.cancel()
        return self.wait(timeout_ms)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        if not self.qthread.isRunning():
            return True
        finished: bool = self.qthread.wait(timeout_ms)
        return finished


class CallWorker(Worker):
    """Any one-shot job: `finished` carries what `job()` returns."""

    def __init__(self, job: Callable[[], object]) -> None:
        super().__init__()
        self.job = job

    def work(self) -> object:
        return self.job()


class EnrollWorker(Worker):
    """Checks photos with the quality gate and stores the accepted faces of one profile.

    `item_done` carries one `EnrollResult` per photo, in the order given. `face_numbers`,
    when given, holds for each photo the face the person chose (1 = the largest) or None.
    """

    def __init__(
        self,
        data_dir: Path,
        engine: FaceEngine,
        profile_name: str,
        paths: list[Path],
        face_numbers: list[int | None] | None = None,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.engine = engine
        self.profile_name = profile_name
        self.paths = paths
        self.face_numbers = face_numbers or [None] * len(paths)

    def work(self) -> int:
        from likeness_guard.core.pipeline.enroll import enroll_file

        accepted = 0
        # The store's connection belongs to the thread that opened it.
        with Store.open(self.data_dir) as store:
            profile = store.profile(self.profile_name, create=True)
            assert profile is not None
            for path, face_number in zip(self.paths, self.face_numbers, strict=True):
                if self.cancel_token.cancelled:
                    break
                result = enroll_file(store, self.engine, profile, path, face_number)
                accepted += int(result.accepted)
                self.item_done.emit(result)
        return accepted


class ScanWorker(Worker):
    """Runs `run_scan`; `progress` carries ScanProgress, `item_done` each ScanItem.

    `scan_started` carries the scan id as soon as the first item is stored; `finished`
    carries the scan id (also after a cancel: what was found is kept).
    """

    scan_started = Signal(int)

    def __init__(
        self,
        data_dir: Path,
        engine: FaceEngine,
        profile_name: str,
        inputs: list[str],
        options: ScanOptions,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.engine = engine
        self.profile_name = profile_name
        self.inputs = inputs
        self.options = options
        self._announced = False

    def work(self) -> int:
        from likeness_guard.core.pipeline.scan import run_scan

        with Store.open(self.data_dir) as store:
            profile = store.profile(self.profile_name)
            if profile is None:
                raise UserFacingError(
                    f"The profile '{self.profile_name}' no longer exists. Add photos of "
                    "yourself on the My photos page first."
                )
            return run_scan(
                store,
                self.engine,
                profile,
                self.inputs,
                self.options,
                on_progress=self._on_progress,
                on_item=self._on_item,
                cancel=self.cancel_token,
            )

    def _on_progress(self, progress: ScanProgress) -> None:
        if not self._announced:
            self._announced = True
            self.scan_started.emit(progress.scan_id)
        self.progress.emit(progress)

    def _on_item(self, item: ScanItem) -> None:
        self.item_done.emit(item)


class ReportWorker(Worker):
    """Writes an evidence report or package; `progress` carries (done, total), `finished`
    the result (a ReportResult, or a PackageResult for a package)."""

    def __init__(self, data_dir: Path, request: "ReportRequest") -> None:
        super().__init__()
        self.data_dir = data_dir
        self.request = request

    def work(self) -> object:
        from likeness_guard.core.report import ReportCancelled, build_report
        from likeness_guard.core.report.package import export_package
        from likeness_guard.core.report.privacy import ReportPrivacy

        with Store.open(self.data_dir) as store:
            try:
                if self.request.package:
                    return export_package(
                        store,
                        self.request.scan_id,
                        self.request.out,
                        item_ids=list(self.request.item_ids),
                        unblurred=self.request.unblurred,
                        privacy=ReportPrivacy(name=self.request.title_name),
                        progress=lambda done, total: self.progress.emit((done, total)),
                        cancelled=lambda: self.cancel_token.cancelled,
                    )
                return build_report(
                    store,
                    self.request.scan_id,
                    self.request.out,
                    item_ids=list(self.request.item_ids),
                    unblurred=self.request.unblurred,
                    title_name=self.request.title_name,
                    progress=lambda done, total: self.progress.emit((done, total)),
                    cancelled=lambda: self.cancel_token.cancelled,
                )
            except ReportCancelled:
                what = "package" if self.request.package else "report"
                raise UserFacingError(f"The {what} was not written: you cancelled it.") from None
