"""Watching: the places kept under watch, their last and next run, runs in the background
while the window is open (reported removals followed up too), and a switch for an OS schedule
that looks every hour while it is closed. An alert says only how many new pictures may show
the person: on the system tray where there is one, else on the page."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
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
    ScheduleState,
    WatchReport,
    WatchRequest,
    WatchRunRequest,
    add_places,
    remove_places,
    run_watches,
    schedule_off,
    schedule_on,
    schedule_state,
    watched_places,
)
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.gui.widgets.labels import StatusLine
from likeness_guard.locale import N_, _

# How often the window looks for places whose time has come (milliseconds).
DUE_CHECK_MS = 5 * 60 * 1000
# How often a place is looked at: the value `parse_every` reads, and its words.
EVERY_CHOICES = {
    "6h": N_("every 6 hours"),
    "1d": N_("every day"),
    "7d": N_("every week"),
}


class WatchingPage(QWidget):
    """The watch list, with Add, Remove and "Look now"; due places run on a timer."""

    alert_raised = Signal(str)  # the notification's text: a count, nothing else
    run_finished = Signal(object)  # the WatchReport

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: BackgroundTask | None = None
        self.schedule_task: BackgroundTask | None = None
        self.tray: QSystemTrayIcon | None = None
        # The clock due runs and follow-ups are judged by (tests move it).
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.notifications: list[tuple[str, str]] = []  # (where: "tray" or "page", text)
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
        self.alert_label = QLabel()
        self.alert_label.setWordWrap(True)
        self.alert_label.setAccessibleName(_("New pictures alert"))
        self.alert_label.hide()
        layout.addWidget(self.alert_label)
        self.schedule_box = QCheckBox(_("Look every hour, also while Likeness Guard is closed"))
        self.schedule_box.setAccessibleName(_("Look every hour with the app closed"))
        self.schedule_box.setChecked(schedule_state(session.data_dir).on)
        self.schedule_box.toggled.connect(self.set_schedule)
        layout.addWidget(self.schedule_box)
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
        for value, words in EVERY_CHOICES.items():
            self.every_box.addItem(_(words), value)
        self.every_box.setCurrentIndex(self.every_box.findData("1d"))
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
                parse_every(str(self.every_box.currentData())),
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
        # With nothing watched, a due run still follows up reported removals.
        if self.task is not None or (not due_only and not watched_places(self.session.store)):
            return
        folder, session = self.session.data_dir, self.session
        preferences = session.preferences
        options = scan_options(
            preset=preferences.preset,
            threshold=preferences.custom_threshold,
            allow_private_addresses=preferences.allow_private_addresses,
            workers=preferences.scan_workers,
        )
        request = WatchRunRequest(options, due_only=due_only, now=self.clock())

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
            self.notify(alert)
        self.run_finished.emit(report)

    def notify(self, text: str) -> None:
        """Tell the person about new pictures with `text` (a count, never a picture, a name
        or a site): a system tray message where the desktop has a tray, else the page's
        alert line."""
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.window().windowIcon(), self)
                self.tray.setToolTip("Likeness Guard")
                self.tray.show()
            self.tray.showMessage(
                "Likeness Guard", text, QSystemTrayIcon.MessageIcon.Information, 15_000
            )
            self.notifications.append(("tray", text))
        else:
            self.alert_label.setText(text)
            self.alert_label.show()
            self.notifications.append(("page", text))
        self.alert_raised.emit(text)

    # ---- the OS schedule ---------------------------------------------------------------

    @Slot(bool)
    def set_schedule(self, on: bool) -> None:
        """Write and enable the OS schedule, or remove it, off the GUI thread."""
        if self.schedule_task is not None:
            return
        folder: Path = self.session.data_dir
        self.schedule_box.setEnabled(False)

        def job(task: TaskContext) -> ScheduleState:
            return schedule_on(folder) if on else schedule_off(folder)

        self.schedule_task = run_task(
            self,
            "watch-schedule",
            job,
            finished=self._schedule_set,
            failed=self._schedule_failed,
        )

    @Slot(object)
    def _schedule_set(self, state: object) -> None:
        assert isinstance(state, ScheduleState)
        self._schedule_end(state.on)
        if state.note:
            self.status.say(state.note)
        elif state.on:
            self.status.say(_("The system now looks at the watch list every hour."))
        else:
            self.status.say(_("The hourly schedule is removed."))

    @Slot(str)
    def _schedule_failed(self, message: str) -> None:
        self._schedule_end(schedule_state(self.session.data_dir).on)
        self.status.say(message, error=True)

    def _schedule_end(self, on: bool) -> None:
        if self.schedule_task is not None:
            self.schedule_task.wait()
            self.schedule_task.deleteLater()
            self.schedule_task = None
        self.schedule_box.blockSignals(True)
        self.schedule_box.setChecked(on)
        self.schedule_box.blockSignals(False)
        self.schedule_box.setEnabled(True)

    def is_busy(self) -> bool:
        return self.task is not None or self.schedule_task is not None

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
        if self.schedule_task is not None:
            self.schedule_task.wait()
            self.schedule_task = None
        if self.tray is not None:
            self.tray.hide()
