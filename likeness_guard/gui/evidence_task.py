"""Writing an evidence report or package off the GUI thread, for the Matches page: what it
says while it works and when it is done, and where the result went."""

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.reporting import EvidenceRequest, PackageResult, write_evidence
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.locale import _, ngettext


def written_words(result: object) -> tuple[str, Path]:
    """The sentence that says where a report or package was saved, and its path."""
    if isinstance(result, PackageResult):
        files = ngettext(
            "{count} original file", "{count} original files", result.originals
        ).format(count=result.originals)
        captures = ngettext(
            "{count} web capture file", "{count} web capture files", result.warc_files
        ).format(count=result.warc_files)
        # Translators: {files} is "3 original files", {captures} is "2 web capture files".
        text = _(
            "The evidence package was saved as {path} ({files}, {captures}). Anyone can check "
            "it with “likeness-guard verify-report”."
        )
        return text.format(path=result.path, files=files, captures=captures), Path(str(result.path))
    path = getattr(result, "pdf_path", result)
    manifest = getattr(result, "manifest_path", None)
    if manifest is None:
        return _("The evidence report was saved as {path}.").format(path=path), Path(str(path))
    text = _("The evidence report was saved as {path}, with its fingerprints in {manifest}.")
    return text.format(path=path, manifest=Path(manifest).name), Path(str(path))


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
        self._package = False  # writing an evidence package, not the report alone
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

        self._package = request.package
        if request.package:
            self.said.emit(_("Writing the evidence package…"))
        else:
            self.said.emit(_("Writing the evidence report…"))
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
            if self._package:
                text = _("Writing the evidence package… {done} of {total} images")
            else:
                text = _("Writing the evidence report… {done} of {total} images")
            self.said.emit(text.format(done=done, total=total))

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
