"""Scan: drop folders, photos or web addresses; watch progress; matches appear as found."""

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.records import ScanItem, ScanOutcome
from likeness_guard.core.domain.words import outcome_sentence
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.scanning import (
    ScanOptions,
    ScanProgress,
    ScanRequest,
    is_web_address,
    scan,
    scan_options,
    scan_summary,
)
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.style import heading_font, muted_color, set_text_color
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.gui.widgets.announce import Announcer, ProgressAnnouncer
from likeness_guard.gui.widgets.drop_zone import DropZone
from likeness_guard.gui.widgets.labels import StatusLine
from likeness_guard.locale import N_, _, ngettext

IDLE_HINT = N_("Drop something above to begin.")
# Translators: the headings of the numbers a scan shows while it runs.
STAT_CAPTIONS = (
    ("files", N_("Files")),
    ("faces", N_("Faces seen")),
    ("matches", N_("Matches")),
    ("errors", N_("Could not read")),
    ("speed", N_("Speed")),
    ("left", N_("Time left")),
)


def web_addresses(text: str) -> list[str]:
    """The http(s) addresses in pasted text: one per line, or separated by spaces."""
    return [word for word in text.split() if is_web_address(word)]


def duration_words(seconds: float | None) -> str:
    if seconds is None:
        return _("estimating time left")
    if seconds < 60:
        return _("about {seconds} s left").format(seconds=max(1, round(seconds)))
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("about {minutes} min left").format(minutes=minutes)
    # Translators: hours and minutes, e.g. "about 1 h 05 min left".
    left = _("about {hours} h {minutes} min left")
    return left.format(hours=minutes // 60, minutes=f"{minutes % 60:02d}")


class ScanPage(QWidget):
    """Starts and follows one scan at a time.

    Signals: `scan_started(scan_id)`, `item_scanned(ScanItem)` for every item,
    `scan_ended(scan_id)` (also after a cancel), `show_matches_requested`, `photos_requested`.
    """

    scan_started = Signal(int)
    item_scanned = Signal(object)
    scan_ended = Signal(int)
    show_matches_requested = Signal()
    photos_requested = Signal()

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: BackgroundTask | None = None
        self._pending_inputs: list[str] | None = None
        self._scan_id: int | None = None
        self._last_progress: ScanProgress | None = None
        self._cancelling = False
        self._announced = False  # scan_started was emitted for the running scan
        self._closing = False  # after shutdown(), late signals from the worker are ignored
        self.last_worker_thread: int | None = None  # the thread the last scan ran on

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        self._add_heading(layout)
        self._add_inputs(layout)
        self._add_progress(layout)
        self._add_errors(layout)

        session.engine_ready.connect(self._on_engine_ready)
        session.engine_failed.connect(self._on_engine_failed)
        session.data_changed.connect(self.refresh_profile)
        session.data_changed.connect(self._forget_deleted_result)
        self.refresh_profile()

    # ---- building the page ---------------------------------------------------------------

    def _add_heading(self, layout: QVBoxLayout) -> None:
        """The title, what a scan does, and whose face it looks for."""
        title = QLabel(_("Scan"))
        title.setFont(heading_font(self.font()))
        intro = QLabel(
            _(
                "Check the folders, photos or web pages you are worried about. Nothing is "
                "changed or uploaded: Likeness Guard only reads them, here on this computer."
            )
        )
        intro.setWordWrap(True)
        self.profile_label = QLabel()
        self.profile_label.setWordWrap(True)
        self.photos_button = QPushButton(_("Go to My photos"))
        self.photos_button.clicked.connect(self.photos_requested)
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile_label, 1)
        profile_row.addWidget(self.photos_button)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(profile_row)

    def _add_inputs(self, layout: QVBoxLayout) -> None:
        """What to scan: the drop zone, the choosers, pasted addresses; Start and Cancel."""
        self.drop_zone = DropZone(
            _("Drop folders, photos or web addresses here"),
            _("The scan starts as soon as you drop them. Or press Enter here to choose a folder."),
            accept_web=True,
        )
        self.drop_zone.setMinimumHeight(170)
        self.drop_zone.dropped.connect(self.start_scan)
        self.drop_zone.activated.connect(self.choose_folder)

        self.folder_button = QPushButton(_("Choose &folder…"))
        self.folder_button.clicked.connect(self.choose_folder)
        self.files_button = QPushButton(_("Choose p&hotos…"))
        self.files_button.clicked.connect(self.choose_files)
        self.urls_edit = QPlainTextEdit()
        self.urls_edit.setPlaceholderText(
            _("Or paste web addresses here, one per line (https://…), then press Start.")
        )
        self.urls_edit.setAccessibleName(_("Web addresses to scan"))
        self.urls_edit.setTabChangesFocus(True)
        self.urls_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.start_button = QPushButton(_("&Start"))
        self.start_button.setToolTip(_("Scan the web addresses pasted above"))
        self.start_button.clicked.connect(self._start_pasted)
        self.cancel_button = QPushButton(_("&Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_scan)

        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.files_button)
        buttons.addStretch()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout.addWidget(self.drop_zone, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.urls_edit)

    def _add_progress(self, layout: QVBoxLayout) -> None:
        """The progress bar, the running counts, the file being read and the status line."""
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(_("Scan progress"))
        # Said now and then for a screen reader; the bar and counts are what the eye reads.
        self.progress_announcer = ProgressAnnouncer(Announcer(self.progress_bar))
        # Qt puts the numbers in place of %v and %m.
        checked = _("{done} of {total} checked")
        self.progress_bar.setFormat(checked.format(done="%v", total="%m"))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(False)  # no "0 of 1" before anything was given
        self.stat_labels: dict[str, QLabel] = {}
        stats = QGridLayout()
        for column, (key, english) in enumerate(STAT_CAPTIONS):
            caption = _(english)
            head = QLabel(caption)
            set_text_color(head, muted_color(self.palette()))
            value = QLabel("\u2013")
            value.setFont(heading_font(self.font(), 1.15))
            value.setAccessibleName(caption)
            stats.addWidget(head, 0, column)
            stats.addWidget(value, 1, column)
            self.stat_labels[key] = value
        self.current_label = QLabel()
        set_text_color(self.current_label, muted_color(self.palette()))
        self.status = StatusLine(_("Scan status"), _(IDLE_HINT))
        self.matches_button = QPushButton(_("See &matches"))
        self.matches_button.setVisible(False)
        self.matches_button.clicked.connect(self.show_matches_requested)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.matches_button)
        layout.addWidget(self.progress_bar)
        layout.addLayout(stats)
        layout.addWidget(self.current_label)
        layout.addLayout(status_row)

    def _add_errors(self, layout: QVBoxLayout) -> None:
        """The files that could not be read, shown once there is one."""
        self.errors_title = QLabel(_("Files that could not be read (the scan went on):"))
        self.errors_list = QListWidget()
        self.errors_list.setAccessibleName(_("Files that could not be read"))
        self.errors_list.setMaximumHeight(110)
        self.errors_title.setVisible(False)
        self.errors_list.setVisible(False)
        layout.addWidget(self.errors_title)
        layout.addWidget(self.errors_list)

    # ---- state -------------------------------------------------------------------------

    def is_scanning(self) -> bool:
        return self.task is not None

    def scan_to_come(self) -> bool:
        """A scan runs, or waits for the face models to start."""
        return self.task is not None or self._pending_inputs is not None

    @Slot()
    def refresh_profile(self) -> None:
        """Say whose face is looked for, or what to do first."""
        name = self.session.preferences.profile_name
        profile = self.session.store.profile(name)
        count = profile.reference_count if profile else 0
        if count:
            looking = ngettext(
                "Looking for the face of “{name}” ({count} photo).",
                "Looking for the face of “{name}” ({count} photos).",
                count,
            )
            self.profile_label.setText(looking.format(name=name, count=count))
            self.photos_button.setVisible(False)
        else:
            self.profile_label.setText(
                _("First add a few photos of your face on My photos; then come back here.")
            )
            self.photos_button.setVisible(True)

    @Slot()
    def _forget_deleted_result(self) -> None:
        """The last result names files and counts; once its scan is deleted, it goes too."""
        if self.task is not None or self._scan_id is None:
            return
        if self.session.store.scan(self._scan_id) is not None:
            return
        self._clear_result()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(False)
        self._say(_(IDLE_HINT))

    def _clear_result(self) -> None:
        """Forget the last scan's counts, errors and file name."""
        self._scan_id = None
        self._last_progress = None
        self.errors_list.clear()
        self.errors_title.setVisible(False)
        self.errors_list.setVisible(False)
        self.matches_button.setVisible(False)
        for label in self.stat_labels.values():
            label.setText("\u2013")
        self.current_label.clear()

    # ---- starting ----------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose a folder to check"), str(Path.home())
        )
        if folder:
            self.start_scan([folder])

    def choose_files(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose images or videos to check"), str(Path.home())
        )
        if files:
            self.start_scan(files)

    def _start_pasted(self) -> None:
        text = self.urls_edit.toPlainText()
        addresses = web_addresses(text)
        if not addresses:
            self._say(
                _(
                    "Paste one or more web addresses starting with http:// or https:// above, "
                    "or drop a folder."
                )
            )
            self.urls_edit.setFocus()
            return
        self.start_scan(addresses)

    @Slot(list)
    def start_scan(self, inputs: list[str]) -> None:
        """Scan `inputs` (paths and web addresses) for the current profile's face."""
        if self.task is not None:
            self._say(_("A scan is running. Wait for it to finish, or cancel it first."))
            return
        name = self.session.preferences.profile_name
        profile = self.session.store.profile(name)
        if profile is None or profile.reference_count == 0:
            self._say(
                _(
                    "There are no photos of your face yet, so there is nothing to look for. "
                    "Add a few on My photos first."
                ),
                error=True,
            )
            self.photos_button.setVisible(True)
            return
        engine = self.session.engine
        if engine is None:
            if self.session.engine_error:
                self._say(self.session.engine_error, error=True)
                return
            self._pending_inputs = list(inputs)
            self._say(_("Getting the face models ready (a second or two)…"))
            self.session.load_engine()
            return
        self._begin(engine_inputs=list(inputs), profile_name=name)

    @Slot()
    def _on_engine_ready(self) -> None:
        if self._pending_inputs is not None and self.task is None:
            inputs, self._pending_inputs = self._pending_inputs, None
            self.start_scan(inputs)

    @Slot(str)
    def _on_engine_failed(self, message: str) -> None:
        if self._pending_inputs is not None:
            self._pending_inputs = None
            self._say(message, error=True)

    def scan_options(self) -> ScanOptions:
        preferences = self.session.preferences
        return scan_options(
            preset=preferences.preset,
            threshold=preferences.custom_threshold,
            allow_private_addresses=preferences.allow_private_addresses,
            workers=preferences.scan_workers,
        )

    def _begin(self, *, engine_inputs: list[str], profile_name: str) -> None:
        engine = self.session.engine
        assert engine is not None
        self._clear_result()
        self._cancelling = False
        self.progress_bar.setRange(0, 0)  # busy until the files are counted
        self.progress_bar.setTextVisible(True)
        shown = ", ".join(Path(i).name or i for i in engine_inputs[:3])
        more = len(engine_inputs) - 3
        if more > 0:
            # Translators: {shown} names the first three folders, files or addresses.
            counting = ngettext(
                "Counting the files in {shown} and {count} more…",
                "Counting the files in {shown} and {count} more…",
                more,
            )
        else:
            counting = _("Counting the files in {shown}…")
        self._say(counting.format(shown=shown, count=more))
        folder = self.session.data_dir
        request = ScanRequest(profile_name, tuple(engine_inputs), self.scan_options())

        def job(task: TaskContext) -> int:
            with Store(folder) as store:  # SQLite connections belong to one thread
                return scan(
                    store,
                    engine,
                    request,
                    on_progress=task.progress,
                    on_item=task.item,
                    cancel=task.cancel,
                )

        self._announced = False
        self.progress_announcer.reset()
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.task = run_task(
            self,
            "scan",
            job,
            progress=self._on_progress,
            item=self._on_item,
            finished=self._on_finished,
            failed=self._on_failed,
        )

    # ---- while scanning ----------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, progress: object) -> None:
        if self._closing:
            return
        assert isinstance(progress, ScanProgress)
        if not self._announced:  # the scan is stored: the Matches page can follow it
            self._announced = True
            self._scan_id = progress.scan_id
            self.scan_started.emit(progress.scan_id)
        self._last_progress = progress
        self.progress_bar.setRange(0, max(1, progress.total))
        self.progress_bar.setValue(progress.done)
        self.stat_labels["files"].setText(f"{progress.done} / {progress.total}")
        self.stat_labels["faces"].setText(str(progress.faces))
        self.stat_labels["matches"].setText(str(progress.matches))
        self.stat_labels["errors"].setText(str(progress.errors))
        speed = _("{speed} images/s").format(speed=f"{progress.images_per_second:.1f}")
        self.stat_labels["speed"].setText(speed)
        self.stat_labels["left"].setText(duration_words(progress.seconds_left))
        metrics = self.current_label.fontMetrics()
        self.current_label.setText(
            metrics.elidedText(
                _("Now: {current}").format(current=progress.current),
                Qt.TextElideMode.ElideMiddle,
                max(200, self.width() - 60),
            )
        )
        if not self._cancelling:
            self._say(_("Scanning. You can keep using the window; matches appear on Matches."))
        self.progress_announcer.progress(progress.done, progress.total, progress.matches)
        if progress.matches:
            self.matches_button.setVisible(True)

    @Slot(object)
    def _on_item(self, item: object) -> None:
        if self._closing:
            return
        assert isinstance(item, ScanItem)
        if item.is_error:
            self.errors_title.setVisible(True)
            self.errors_list.setVisible(True)
            error = item.error or _("could not be read")
            # Translators: a file or address, and why it could not be read.
            self.errors_list.addItem(
                _("{source} — {error}").format(source=item.source, error=error)
            )
        self.item_scanned.emit(item)

    @Slot()
    def cancel_scan(self) -> None:
        if self.task is None:
            return
        self._cancelling = True
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self._say(_("Stopping after the current image…"))

    @Slot(object)
    def _on_finished(self, scan_id: object) -> None:
        if self._closing:
            return
        assert isinstance(scan_id, int)
        self._scan_id = scan_id
        summary = scan_summary(self.session.store, scan_id)
        counts = summary.counts
        matches = counts.matches
        outcome = summary.outcome
        sentence = outcome_sentence(outcome, counts, self.session.store.first_error(scan_id))
        self._say(sentence, error=outcome is ScanOutcome.FAILED)
        if counts.items == counts.errors:  # nothing was read: a speed would be meaningless
            self.stat_labels["speed"].setText("—")
        self.matches_button.setVisible(matches > 0)
        # Translators: in place of the time left once a scan has ended.
        self.stat_labels["left"].setText(_("stopped") if self._cancelling else _("done"))
        if self._last_progress is None:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
        self._end(scan_id)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._closing:
            return
        self._say(message, error=True)
        self.progress_bar.setRange(0, 1)
        self._end(self._scan_id)

    def _end(self, scan_id: int | None) -> None:
        if self.task is not None:
            self.task.wait()
            self.last_worker_thread = self.task.worker.thread_ident
            self.task.deleteLater()
            self.task = None
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.current_label.setText("")
        if scan_id is not None:
            self.scan_ended.emit(scan_id)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.say(text, error=error)

    def shutdown(self) -> None:
        """Cancel a running scan and wait for it: every finished item is already stored."""
        self._pending_inputs = None
        self._closing = True
        if self.task is not None:
            self.task.stop()
            self.task = None
