"""The Collections dialog: the workspace's collections, adding a folder to one (analysed
once, off the GUI thread), and finding the open case's person in one (a new scan).

Both jobs run through gui/tasks.run_task, each with what it needs of its own (the match
opens a store for its thread); every control has an accessible name, and what happens is
also announced.
"""

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.services.collections import (
    AddProgress,
    AddRequest,
    AddResult,
    MatchOutcome,
    add_to_collection,
    collections,
    match_collection,
)
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.packs import open_engine
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.tasks import BackgroundTask, Job, TaskContext, run_task
from likeness_guard.gui.widgets.announce import Announcer
from likeness_guard.locale import _, ngettext


def ask_folder(parent: QWidget) -> Path | None:
    """The real folder dialog; tests replace `CollectionsDialog.ask_folder`."""
    chosen = QFileDialog.getExistingDirectory(parent, _("Add a folder to the collection"))
    return Path(chosen) if chosen else None


class CollectionsDialog(QDialog):
    """Lists the collections; adds a folder to the named one; matches the selected one."""

    ask_folder = staticmethod(ask_folder)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Collections"))
        self.session = session
        self.task: BackgroundTask | None = None
        self.announcer = Announcer(self)
        self.listing = QListWidget()
        self.listing.setAccessibleName(_("Collections of this workspace"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Collection name"))
        self.name.setPlaceholderText(_("A name for the collection, such as forum-2026"))
        self.add_button = QPushButton(_("Add a folder…"))
        self.add_button.setAccessibleName(_("Add a folder to the named collection"))
        self.match_button = QPushButton(_("Find this person in it"))
        self.match_button.setAccessibleName(_("Find this case's person in the collection"))
        self.status = QLabel(_("Collections are analysed once and shared by every case."))
        self.status.setAccessibleName(_("Status"))
        self.status.setWordWrap(True)
        close = QPushButton(_("Close"))
        close.setAccessibleName(_("Close the collections"))
        close.clicked.connect(self.close)
        self.add_button.clicked.connect(self.add_folder)
        self.match_button.clicked.connect(self.match_selected)
        self.listing.currentRowChanged.connect(self._chosen)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.match_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for widget in (self.listing, self.name, self.status):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        """List the collections again, each with its size."""
        self.listing.clear()
        for summary in collections(self.session.data_dir):
            text = ngettext(
                "{name}: {count} image, {faces} faces",
                "{name}: {count} images, {faces} faces",
                summary.images,
            ).format(name=summary.name, count=summary.images, faces=summary.faces)
            self.listing.addItem(text)
            self.listing.item(self.listing.count() - 1).setData(256, summary.name)
        self.match_button.setEnabled(self.task is None and self.listing.count() > 0)

    @Slot(int)
    def _chosen(self, row: int) -> None:
        item = self.listing.item(row)
        if item is not None:
            self.name.setText(str(item.data(256)))

    def _busy(self, busy: bool) -> None:
        self.add_button.setEnabled(not busy)
        self.match_button.setEnabled(not busy and self.listing.count() > 0)

    def _tell(self, text: str, *, urgent: bool = False) -> None:
        self.status.setText(text)
        self.announcer.say(text, urgent=urgent)

    @Slot()
    def add_folder(self) -> None:
        name = self.name.text().strip()
        if self.task is not None or not name:
            if not name:
                self._tell(_("Type a name for the collection first."), urgent=True)
            return
        folder = self.ask_folder(self)
        if folder is None:
            return
        data_dir, models = self.session.data_dir, self.session.models_dir

        def add(context: TaskContext) -> AddResult:
            engine = open_engine(models, data_dir, lazy=True)
            request = AddRequest(name, (str(folder),))
            return add_to_collection(
                data_dir, engine, request, on_progress=context.progress, cancel=context.cancel
            )

        self._start("collection-add", add, _("Analysing the folder once…"))

    @Slot()
    def match_selected(self) -> None:
        item = self.listing.currentItem() or self.listing.item(0)
        if self.task is not None or item is None:
            return
        name = str(item.data(256))
        data_dir, models = self.session.data_dir, self.session.models_dir
        preferences = self.session.preferences
        profile, preset = preferences.profile_name, preferences.preset.value
        threshold = preferences.custom_threshold

        def match(context: TaskContext) -> MatchOutcome:
            engine = open_engine(models, data_dir, lazy=True)
            with Store(data_dir) as store:  # a store of this thread's own
                return match_collection(
                    store, engine, name, profile_name=profile, preset=preset,
                    threshold=threshold, cancel=context.cancel,
                )  # fmt: skip

        self._start("collection-match", match, _("Looking for this person in the collection…"))

    def _start(self, task_name: str, job: Job, saying: str) -> None:
        self._busy(True)
        self._tell(saying)
        self.task = run_task(
            self, task_name, job,
            finished=self._finished, failed=self._failed, progress=self._progress,
            ended=self._ended,
        )  # fmt: skip

    @Slot(object)
    def _progress(self, progress: object) -> None:
        if isinstance(progress, AddProgress):
            self.status.setText(
                ngettext("{count} image done", "{count} images done", progress.done).format(
                    count=progress.done
                )
            )

    @Slot(object)
    def _finished(self, result: object) -> None:
        if isinstance(result, AddResult):
            self._tell(
                ngettext(
                    "Collection {name}: {count} image analysed.",
                    "Collection {name}: {count} images analysed.",
                    result.analysed,
                ).format(name=result.name, count=result.analysed)
            )
        elif isinstance(result, MatchOutcome):
            self._tell(
                ngettext(
                    "{count} match found; see the Matches page (scan {scan}).",
                    "{count} matches found; see the Matches page (scan {scan}).",
                    result.matches,
                ).format(count=result.matches, scan=result.scan_id)
            )

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._tell(message, urgent=True)

    @Slot()
    def _ended(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.wait()
        self._busy(False)
        self.refresh()

    def done(self, result: int) -> None:
        """Closing stops a running job first (what it analysed is kept)."""
        if self.task is not None:
            self.task.stop()
        super().done(result)
