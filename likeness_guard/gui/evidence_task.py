"""Writing an evidence report or package off the GUI thread, for the Matches page: what it
says while it works and when it is done, and where the result went."""

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from likeness_guard.core.domain.words import counted
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.reporting import EvidenceRequest, PackageResult, write_evidence
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task


def written_words(result: object) -> tuple[str, Path]:
    """The sentence that says where a report or package was saved, and its path."""
    if isinstance(result, PackageResult):
        files = counted(result.originals, "original file")
        captures = counted(result.warc_files, "web capture file")
        text = (
            f"The evidence package was saved as {result.path} ({files}, {captures}). Anyone "
            "can check it with “likeness-guard verify-report”"
        )
        return text + ".", Path(str(result.path))
    path = getattr(result, "pdf_path", result)
    manifest = getattr(result, "manifest_path", None)
    text = f"The evidence report was saved as {path}"
    if manifest is not None:
        text += f", with its fingerprints in {Path(manifest).name}"
    return text + ".", Path(str(path))


class EvidenceTask(QObject):
    """One report or package at a time: `said(text)` while it works and at the end,
    `written(result)` with the ReportResult or PackageResult, `ended()` either way."""

    said = Signal(str)
    written = Signal(object)
    ended = Signal()

    def __init__(self, folder: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self._folder = folder
        self._parent = parent
        self._task: BackgroundTask | None = None
        self._writing = "evidence report"  # or "evidence package": what the message names
        self.written_path: Path | None = None

    def start(self, request: EvidenceRequest) -> None:
        """Write `request` in a worker (the store is opened there: SQLite connections
        belong to one thread)."""
        folder = self._folder

        def job(task: TaskContext) -> object:
            with Store(folder) as store:
                return write_evidence(
                    store,
                    request,
                    progress=lambda done, total: task.progress((done, total)),
                    cancel=task.cancel,
                )

        self._writing = request.what
        self.said.emit(f"Writing the {self._writing}…")
        self._task = run_task(
            self._parent,
            "evidence",
            job,
            progress=self._on_progress,
            finished=self._on_written,
            failed=self._on_failed,
        )

    def is_running(self) -> bool:
        return self._task is not None

    def wait(self) -> None:
        if self._task is not None:
            self._task.wait()

    @Slot(object)
    def _on_progress(self, counts: object) -> None:
        if isinstance(counts, tuple):
            done, total = counts
            self.said.emit(f"Writing the {self._writing}… {done} of {total} images")

    @Slot(object)
    def _on_written(self, result: object) -> None:
        text, self.written_path = written_words(result)
        self.said.emit(text)
        self.written.emit(result)
        self._end()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.said.emit(message)
        self._end()

    def _end(self) -> None:
        if self._task is not None:
            self._task.wait()
            self._task.deleteLater()
            self._task = None
        self.ended.emit()
