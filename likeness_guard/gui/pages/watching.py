"""Watching: the places kept under watch, their last and next run, and runs in the background
while the window is open. An alert says only how many new pictures may show the person."""

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.watching import DEFAULT_PAGES, MAX_PAGES, parse_every, place_json
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.packs import FaceEngine
from likeness_guard.core.services.scanning import scan_options
from likeness_guard.core.services.watching import (
    WatchReport,
    WatchRequest,
    WatchRunRequest,
    add_places,
    remove_places,
    run_watches,
    watched_places,
)
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.gui.widgets.labels import StatusLine
from likeness_guard.locale import _

# How often the window looks for places whose time has come (milliseconds).
DUE_CHECK_MS = 5 * 60 * 1000
EVERY_CHOICES = ("6h", "1d", "7d")


class WatchingPage(QWidget):
    """The watch list, with Add, Remove and "Look now"; due places run on a timer."""

    alert_raised = Signal(str)  # the notification's text: a count, nothing else
    run_finished = Signal(object)  # the WatchReport

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: BackgroundTask | None = None
        self.tray: QSystemTrayIcon | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Places kept under watch are looked at again on their own: only what is new "
                "is fetched and checked, and nothing is sent anywhere but to these places."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._add_row())
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(_("Watched places"))
        self.table.setHorizontalHeaderLabels(
            [_("Place"), _("How often"), _("Last run"), _("Next run")]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove the chosen place from the watch list"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.run_button = QPushButton(_("Look now"))
        self.run_button.setAccessibleName(_("Look at every watched place now"))
        self.run_button.clicked.connect(self.run_all)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        layout.addLayout(buttons)
        self.status = StatusLine(_("Watching status"))
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setInterval(DUE_CHECK_MS)
        self.timer.timeout.connect(self.run_due)
        self.timer.start()
        self.refresh()

    def _add_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText(_("A web address, a folder or a chat export"))
        self.place_edit.setAccessibleName(_("Place to watch"))
        self.every_box = QComboBox()
        self.every_box.addItems(list(EVERY_CHOICES))
        self.every_box.setCurrentText("1d")
        self.every_box.setAccessibleName(_("How often to look"))
        self.pages_box = QSpinBox()
        self.pages_box.setRange(1, MAX_PAGES)
        self.pages_box.setValue(DEFAULT_PAGES)
        self.pages_box.setAccessibleName(_("Pages of a thread to follow"))
        self.add_button = QPushButton(_("Watch"))
        self.add_button.setAccessibleName(_("Add the place to the watch list"))
        self.add_button.clicked.connect(self.add_place)
        for widget in (self.place_edit, self.every_box, self.pages_box, self.add_button):
            row.addWidget(widget, 1 if widget is self.place_edit else 0)
        return row

    # ---- the list ----------------------------------------------------------------------

    def refresh(self) -> None:
        places = watched_places(self.session.store)
        self.table.setRowCount(len(places))
        for row, place in enumerate(places):
            document = place_json(place)
            cells = (
                place.place,
                str(document["every"]),
                place.last_run_at or _("never"),
                str(document["next_run_at"]),
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(256, place.id)  # Qt.UserRole
                self.table.setItem(row, column, cell)

    @Slot()
    def add_place(self) -> None:
        text = self.place_edit.text().strip()
        try:
            request = WatchRequest(
                self.session.preferences.profile_name,
                (text,),
                parse_every(self.every_box.currentText()),
                self.pages_box.value(),
            )
            add_places(self.session.store, request)
        except (UserFacingError, ValueError) as exc:
            self.status.say(str(exc), error=True)
            return
        self.place_edit.clear()
        self.status.say(_("Watching {place}.").format(place=text))
        self.refresh()

    @Slot()
    def remove_selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        cells = [self.table.item(row, 0) for row in sorted(rows)]
        ids = [str(cell.data(256)) for cell in cells if cell is not None]
        if ids:
            remove_places(self.session.store, ids)
            self.refresh()

    # ---- runs --------------------------------------------------------------------------

    @Slot()
    def run_due(self) -> None:
        self._start(due_only=True)

    @Slot()
    def run_all(self) -> None:
        self._start(due_only=False)

    def is_running(self) -> bool:
        return self.task is not None

    def _start(self, *, due_only: bool) -> None:
        if self.task is not None or not watched_places(self.session.store):
            return
        folder, session = self.session.data_dir, self.session
        preferences = session.preferences
        options = scan_options(
            preset=preferences.preset,
            threshold=preferences.custom_threshold,
            allow_private_addresses=preferences.allow_private_addresses,
            workers=preferences.scan_workers,
        )
        request = WatchRunRequest(options, due_only=due_only)

        def engine() -> FaceEngine:
            if session.engine is None:
                raise UserFacingError(_("The face models are still loading; try again soon."))
            return session.engine

        def job(task: TaskContext) -> WatchReport:
            with Store(folder) as store:  # SQLite connections belong to one thread
                return run_watches(store, engine, request, cancel=task.cancel)

        self.run_button.setEnabled(False)
        self.status.say(_("Looking at the watched places…"))
        self.task = run_task(self, "watch", job, finished=self._finished, failed=self._failed)

    @Slot(object)
    def _finished(self, report: object) -> None:
        assert isinstance(report, WatchReport)
        self._end()
        self.refresh()
        alert = report.alert()
        self.status.say(alert or _("Nothing new in the watched places."))
        if alert:
            self.alert_raised.emit(alert)
            if self.tray is not None and QSystemTrayIcon.supportsMessages():
                self.tray.showMessage("Likeness Guard", alert)
        self.run_finished.emit(report)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._end()
        self.status.say(message, error=True)

    def _end(self) -> None:
        if self.task is not None:
            self.task.wait()
            self.task.deleteLater()
            self.task = None
        self.run_button.setEnabled(True)

    def shutdown(self) -> None:
        """Stop the timer and a run in progress (what it found is kept)."""
        self.timer.stop()
        if self.task is not None:
            self.task.stop()
            self.task = None
