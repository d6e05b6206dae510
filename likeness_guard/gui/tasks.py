"""Background work for the window: `run_task` runs one core job on its own QThread and
reports back through signals, so widgets are only ever touched on the GUI thread."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.locale import N_, _

log = logging.getLogger(__name__)

# Translators: {name} is the name of a programming error, such as KeyError.
BUG_MESSAGE = N_(
    "Something went wrong inside Likeness Guard ({name}). What was already found is kept. "
    "Please try again; if it happens again, report it with the log."
)


@dataclass(frozen=True)
class TaskContext:
    """What a job gets: where to report progress and each item, and its cancel token."""

    progress: Callable[[object], None]
    item: Callable[[object], None]
    cancel: CancelToken


Job = Callable[[TaskContext], object]


class _Worker(QObject):
    """Runs the job on the worker thread. Signals: `progress` and `item_done` while it
    runs, then exactly one of `finished` (the job's result) or `failed` (a message for the
    user), then `ended`."""

    progress = Signal(object)
    item_done = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(self, job: Job, name: str) -> None:
        super().__init__()
        self.job = job
        self.name = name
        self.cancel_token = CancelToken()
        self.thread_ident: int | None = None  # which thread ran the job, for tests

    @Slot()
    def run(self) -> None:
        self.thread_ident = threading.get_ident()
        context = TaskContext(self.progress.emit, self.item_done.emit, self.cancel_token)
        try:
            result = self.job(context)
        except UserFacingError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: log it with its traceback, tell the user calmly
            log.exception("background job %s failed", self.name)
            self.failed.emit(_(BUG_MESSAGE).format(name=type(exc).__name__))
        else:
            self.finished.emit(result)
        finally:
            self.ended.emit()


class BackgroundTask(QObject):
    """Owns a job's worker and the QThread it runs on; keeps both alive until it ends."""

    def __init__(self, worker: _Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.qthread = QThread()
        self.qthread.setObjectName(f"likeness-guard-{worker.name}")
        worker.moveToThread(self.qthread)
        self.qthread.started.connect(worker.run)
        # Direct: quit() is thread-safe, and the GUI thread may be blocked in wait().
        worker.ended.connect(self.qthread.quit, Qt.ConnectionType.DirectConnection)

    def is_running(self) -> bool:
        return self.qthread.isRunning()

    def cancel(self) -> None:
        """Ask the job to stop after the current item; safe from any thread."""
        self.worker.cancel_token.cancel()

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the job and wait for its thread to end; returns True when it did."""
        self.cancel()
        return self.wait(timeout_ms)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        if not self.qthread.isRunning():
            return True
        finished: bool = self.qthread.wait(timeout_ms)
        return finished


def run_task(
    parent: QObject,
    name: str,
    job: Job,
    *,
    finished: Callable[[object], None],
    failed: Callable[[str], None],
    progress: Callable[[object], None] | None = None,
    item: Callable[[object], None] | None = None,
    ended: Callable[[], None] | None = None,
) -> BackgroundTask:
    """Start `job` on a new thread; its outcome reaches `finished` or `failed` (then `ended`)
    on the GUI thread. Keep the returned task: `wait()` it before dropping it."""
    worker = _Worker(job, name)
    if progress is not None:
        worker.progress.connect(progress)
    if item is not None:
        worker.item_done.connect(item)
    worker.finished.connect(finished)
    worker.failed.connect(failed)
    if ended is not None:
        worker.ended.connect(ended, Qt.ConnectionType.QueuedConnection)
    task = BackgroundTask(worker, parent)
    task.qthread.start()
    return task
