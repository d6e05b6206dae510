"""My photos: the reference faces of a profile, added by drop or file picker, removable."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.thresholds import DEFAULT_PROFILE
from likeness_guard.core.domain.words import ENROLL_ADVICE
from likeness_guard.core.services.enrolling import (
    IMAGE_SUFFIXES,
    EnrollRequest,
    EnrollResult,
    enroll,
    photo_paths,
    reference_notes,
)
from likeness_guard.core.services.folder import Store
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.style import heading_font, muted_color, set_text_color
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.gui.widgets.confirm import confirm_deletion
from likeness_guard.gui.widgets.drop_zone import DropZone
from likeness_guard.gui.widgets.labels import StatusLine
from likeness_guard.gui.widgets.reference_row import ReferenceRow
from likeness_guard.gui.widgets.rematch_button import RematchButton
from likeness_guard.locale import _, ngettext

# The file chooser's filter, from the suffixes the scanner takes as images.
PHOTO_PATTERNS = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))


def photo_filter() -> str:
    """The file chooser's filter: "Photos (*.jpg *.png …)"."""
    return _("Photos ({patterns})").format(patterns=PHOTO_PATTERNS)


def confirm_profile_deletion(parent: QWidget, name: str, text: str) -> bool:
    """The real confirmation dialog; tests replace `PhotosPage.confirm`."""
    return confirm_deletion(
        parent,
        title=_("Delete this person"),
        question=_("Delete everything Likeness Guard keeps about “{name}”?").format(name=name),
        details=text,
        delete_label=_("Delete"),
    )


class PhotosPage(QWidget):
    """Enrollment. `enroll_finished` is emitted each time all queued photos were checked."""

    enroll_finished = Signal()
    profile_changed = Signal(str)
    about_to_delete = Signal()
    deleted = Signal()
    references_changed = Signal()

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._task: BackgroundTask | None = None
        self._deleting_name = ""
        self._queue: list[tuple[Path, int | None]] = []  # a photo, and the face chosen in it
        self._in_flight: list[ReferenceRow] = []
        self._waiting_rows: list[ReferenceRow] = []
        self._picked: dict[ReferenceRow, int] = {}  # rows whose face the person clicked
        self._added_face: tuple[ReferenceRow, int] | None = None
        self.confirm: Callable[[QWidget, str, str], bool] = confirm_profile_deletion

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        for label in self._build_intro():
            layout.addWidget(label)
        layout.addLayout(self._build_profile_row())
        layout.addWidget(self._build_drop_zone())
        layout.addLayout(self._build_status_row())
        layout.addWidget(self._build_reference_list(), 1)

        session.engine_ready.connect(self._start_next)
        session.engine_failed.connect(self._on_engine_failed)
        session.data_changed.connect(self.reload)
        session.data_changed.connect(self._forget_old_message)
        session.recheck.progress.connect(self._say)
        session.recheck.done.connect(self._on_rechecked)
        self.reload()

    # ---- building the page ---------------------------------------------------------------

    def _build_intro(self) -> tuple[QLabel, ...]:
        """The title, what makes a good photo, and the advice on which to add."""
        title = QLabel(_("My photos"))
        title.setFont(heading_font(self.font()))
        intro = QLabel(
            _(
                "Add 3 to 5 clear photos of your face: well lit, looking roughly at the camera, "
                "your face at least 60 pixels across (from 48 it is kept with a warning). In a "
                "photo with several faces, click yours. Only a small crop of your face and its "
                "measurements are kept; your photos are not copied."
            )
        )
        intro.setWordWrap(True)
        self.advice = QLabel(_(ENROLL_ADVICE))
        self.advice.setWordWrap(True)
        return title, intro, self.advice

    def _build_profile_row(self) -> QHBoxLayout:
        """Whose face: the person chooser, a new person, deleting this one."""
        self.profile_box = QComboBox()
        self.profile_box.setAccessibleName(_("Whose face"))
        self.profile_box.setMinimumContentsLength(12)
        self.profile_box.currentTextChanged.connect(self._on_profile_chosen)
        profile_label = QLabel(_("Whose &face:"))
        profile_label.setBuddy(self.profile_box)
        self.new_profile_button = QPushButton(_("New person…"))
        self.new_profile_button.setToolTip(_("Helping someone else? Keep their photos apart."))
        self.new_profile_button.clicked.connect(self._new_profile)
        self.delete_profile_button = QPushButton(_("Delete this person…"))
        self.delete_profile_button.setToolTip(
            _("Delete this person's face crops, scans and kept evidence from this computer")
        )
        self.delete_profile_button.clicked.connect(self.delete_profile)
        profile_row = QHBoxLayout()
        profile_row.addWidget(profile_label)
        profile_row.addWidget(self.profile_box)
        profile_row.addWidget(self.new_profile_button)
        profile_row.addWidget(self.delete_profile_button)
        profile_row.addStretch()
        return profile_row

    def _build_drop_zone(self) -> DropZone:
        self.drop_zone = DropZone(
            _("Drop photos of your face here"),
            _("or press Enter here to choose them. Folders work too."),
        )
        self.drop_zone.dropped.connect(self.add_photos)
        self.drop_zone.activated.connect(self.choose_photos)
        return self.drop_zone

    def _build_status_row(self) -> QHBoxLayout:
        """Add photos, what the check says, and the re-check offered after new photos."""
        self.add_button = QPushButton(_("&Add photos…"))
        self.add_button.clicked.connect(self.choose_photos)
        self.status = StatusLine(_("Photo check status"))
        # After photos were added: the scans made before can be compared with them too.
        self.recheck_button = RematchButton(self.session)
        self.recheck_button.setVisible(False)
        self.recheck_button.busy.connect(self._say)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.recheck_button)
        return buttons

    def _build_reference_list(self) -> QScrollArea:
        """The rows of the reference photos, with a hint while there are none."""
        self.empty_label = QLabel(
            _(
                "No photos yet. Drop a few clear photos of your face above, or choose them with "
                "Add photos…"
            )
        )
        self.empty_label.setWordWrap(True)
        set_text_color(self.empty_label, muted_color(self.palette()))
        self._rows_widget = QWidget()
        self._rows = QVBoxLayout(self._rows_widget)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.addWidget(self.empty_label)
        self._rows.addStretch(1)
        self.reference_list = QScrollArea()
        self.reference_list.setWidgetResizable(True)
        self.reference_list.setWidget(self._rows_widget)
        self.reference_list.setAccessibleName(_("Reference photos"))
        return self.reference_list

    # ---- profiles ----------------------------------------------------------------------

    @property
    def profile_name(self) -> str:
        return self.session.preferences.profile_name

    def reload(self) -> None:
        """Rebuild the profile list and the rows from the store."""
        names = [p.name for p in self.session.store.profiles()]
        current = self.profile_name
        if current not in names:
            names.append(current)
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        self.profile_box.addItems(sorted(names))
        self.profile_box.setCurrentText(current)
        self.profile_box.blockSignals(False)
        self._reload_rows()

    def _reload_rows(self) -> None:
        for row in self.rows():
            if row.state != "checking":
                row.deleteLater()
                self._rows.removeWidget(row)
        profile = self.session.store.profile(self.profile_name)
        for reference in self.session.store.references(profile.id) if profile else []:
            row = self._add_row(reference.source_name)
            row.show_accepted(reference.id, reference.thumbnail_png)
        self._refresh_notes()
        self._update_empty_state()

    def _refresh_notes(self) -> None:
        """Show under each accepted photo what it adds next to the others."""
        profile = self.session.store.profile(self.profile_name)
        references = self.session.store.references(profile.id) if profile else []
        notes = {note.reference_id: note.text for note in reference_notes(references)}
        for row in self.accepted_rows():
            if row.reference_id is not None:
                row.set_note(notes.get(row.reference_id, ""))

    @Slot(str)
    def _on_profile_chosen(self, name: str) -> None:
        if not name or name == self.profile_name:
            return
        self.session.preferences.profile_name = name
        self._reload_rows()
        self.profile_changed.emit(name)

    def _new_profile(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            _("New person"),
            _("A name or nickname for the person whose photos you will add:"),
        )
        if ok and name.strip():
            self.create_profile(name.strip())

    def create_profile(self, name: str) -> None:
        """Create (or switch to) a profile and make it current."""
        self.session.store.profile(name, create=True)
        self.session.preferences.profile_name = name
        self.reload()
        self.profile_changed.emit(name)

    def delete_profile(self) -> None:
        """Delete the current person's data after a confirmation that says what goes."""
        if self.is_busy() or self.session.deleting:
            self._say(_("Wait until the photos being checked are done, then try again."))
            return
        store = self.session.store
        name = self.profile_name
        profile = store.profile(name)
        if profile is None:
            return
        scans = store.scans(profile.id)
        crops = ngettext("{count} face crop", "{count} face crops", profile.reference_count)
        # Translators: {crops} is "1 face crop" or "3 face crops".
        summary = ngettext(
            "This deletes “{name}”: {crops} with their measurements, {count} scan with its "
            "matches and answers, and the evidence copies no other person's scans need. The "
            "photos themselves and the folders you scanned are not touched. This cannot be "
            "undone.",
            "This deletes “{name}”: {crops} with their measurements, {count} scans with their "
            "matches and answers, and the evidence copies no other person's scans need. The "
            "photos themselves and the folders you scanned are not touched. This cannot be "
            "undone.",
            len(scans),
        ).format(name=name, crops=crops.format(count=profile.reference_count), count=len(scans))
        if not self.confirm(self, name, summary):
            self._say(_("Nothing was deleted."))
            return
        self.about_to_delete.emit()  # running work on this person's data stops first
        self._deleting_name = name
        self._say(_("Deleting “{name}”…").format(name=name))
        self.session.deletion_done.connect(self._on_deleted)
        self.session.forget_in_background(name)

    @Slot(str)
    def _on_deleted(self, problem: str) -> None:
        self.session.deletion_done.disconnect(self._on_deleted)
        if problem:
            self._say(problem, error=True)
            return
        remaining = [p.name for p in self.session.store.profiles()]
        self.session.preferences.profile_name = remaining[0] if remaining else DEFAULT_PROFILE
        self.profile_changed.emit(self.profile_name)
        self._say(_("“{name}” was deleted.").format(name=self._deleting_name))
        self.deleted.emit()

    # ---- adding photos -----------------------------------------------------------------

    def choose_photos(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose photos of your face"), str(Path.home()), photo_filter()
        )
        if files:
            self.add_photos(files)

    @Slot(list)
    def add_photos(self, inputs: list[str]) -> None:
        """Queue photos (or folders of photos) for the quality check."""
        paths = photo_paths(inputs)
        if not paths:
            self._say(_("There are no photos in what was dropped. Try JPEG or PNG files."))
            return
        for path in paths:
            row = self._add_row(path.name)
            row.path = path
            self._waiting_rows.append(row)
        self._queue.extend((path, None) for path in paths)
        self._update_empty_state()
        self._start_next()

    @Slot()
    def _start_next(self) -> None:
        if self._task is not None or not self._queue:
            return
        engine = self.session.engine
        if engine is None:
            self._say(_("Getting the face models ready (a second or two)…"))
            self.session.load_engine()
            return
        queued, self._queue = self._queue, []
        paths = [path for path, _ in queued]
        self._in_flight = self._waiting_rows[: len(paths)]
        self._waiting_rows = self._waiting_rows[len(paths) :]
        checking = ngettext("Checking {count} photo…", "Checking {count} photos…", len(paths))
        self._say(checking.format(count=len(paths)))
        folder = self.session.data_dir
        request = EnrollRequest(self.profile_name, tuple(paths), tuple(face for _, face in queued))

        def job(task: TaskContext) -> int:
            with Store(folder) as store:  # SQLite connections belong to one thread
                return enroll(store, engine, request, on_result=task.item, cancel=task.cancel)

        self._task = run_task(
            self,
            "enroll",
            job,
            item=self._on_result,
            finished=self._on_finished,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_result(self, result: object) -> None:
        assert isinstance(result, EnrollResult)
        if not self._in_flight:
            return
        row = self._in_flight.pop(0)
        picked = self._picked.pop(row, None)
        if result.accepted and result.reference_id is not None:
            row.show_accepted(result.reference_id, result.thumbnail_png)
            if picked is not None:
                self._added_face = (row, picked)
        elif result.accepted:  # the same photo was added before: its row is already here
            row.deleteLater()
            self._rows.removeWidget(row)
        else:
            row.show_refused(result.reason or _("not usable"), result.thumbnail_png)
            if result.needs_face_choice and row.path is not None:
                row.offer_faces(result.face_choices, result.smaller_faces)
        self._update_empty_state()

    @Slot(int)
    def _enroll_chosen_face(self, face_number: int) -> None:
        """The person clicked their face in a photo with several: enroll that face."""
        row = self.sender()
        if not isinstance(row, ReferenceRow) or row.path is None:
            return
        row.show_checking()
        self._picked[row] = face_number
        self._waiting_rows.append(row)
        self._queue.append((row.path, face_number))
        self._start_next()

    @Slot(object)
    def _on_finished(self, accepted: object) -> None:
        self._end_task()
        count = int(accepted) if isinstance(accepted, int) else 0
        total = len(self.accepted_rows())
        added = ngettext("{count} photo added.", "{count} photos added.", count).format(count=count)
        if not count:
            added = _("No new photo added.")
        profile = self.session.store.profile(self.profile_name)
        scanned = bool(count and profile and self.session.store.scans(profile.id))
        if scanned:
            next_step = _(
                "Your earlier scans have not been compared with the new photos yet: "
                "re-check them, it takes seconds."
            )
        else:
            next_step = _("Next: go to Scan and drop a folder to check.") if total else ""
        if self._added_face is not None:  # said, and shown, where the person can see it
            row, number = self._added_face
            self._added_face = None
            added = _("Added: face {number} of {name}.").format(number=number, name=row.name)
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
            self.reference_list.ensureWidgetVisible(row)
        # Translators: {total} counts the person's accepted photos.
        in_all = ngettext("You have {total} in all.", "You have {total} in all.", total)
        self._say(" ".join(filter(None, (added, in_all.format(total=total), next_step))))
        self.recheck_button.setVisible(scanned or self.recheck_button.isVisible())
        self.recheck_button.setEnabled(not self.session.recheck.is_running())
        self._refresh_notes()
        self.references_changed.emit()
        self._after_task()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        for row in self._in_flight:
            row.show_refused(_("not checked, see the message above"), None)
        self._end_task()
        self._say(message, error=True)
        self._after_task()

    @Slot(str)
    def _on_engine_failed(self, message: str) -> None:
        for row in self._waiting_rows:
            row.show_refused(_("not checked, see the message above"), None)
        self._waiting_rows = []
        self._queue = []
        self._say(message, error=True)
        self.enroll_finished.emit()

    def _end_task(self) -> None:
        if self._task is not None:
            self._task.wait()
            self._task.deleteLater()
            self._task = None
        self._in_flight = []

    def _after_task(self) -> None:
        if self._queue:
            self._start_next()
        else:
            self.enroll_finished.emit()

    def is_busy(self) -> bool:
        return self._task is not None or bool(self._queue)

    # ---- rows --------------------------------------------------------------------------

    def _add_row(self, name: str) -> ReferenceRow:
        row = ReferenceRow(name)
        row.remove_requested.connect(self._remove_reference)
        row.dismiss_requested.connect(self._dismiss_row)
        row.face_chosen.connect(self._enroll_chosen_face)
        self._rows.insertWidget(self._rows.count() - 1, row)
        return row

    def rows(self) -> list[ReferenceRow]:
        found: list[ReferenceRow] = []
        for index in range(self._rows.count()):
            entry = self._rows.itemAt(index)
            widget = entry.widget() if entry is not None else None
            if isinstance(widget, ReferenceRow):
                found.append(widget)
        return found

    def accepted_rows(self) -> list[ReferenceRow]:
        return [r for r in self.rows() if r.state == "accepted"]

    @Slot(int)
    def _remove_reference(self, reference_id: int) -> None:
        self.session.store.remove_reference(reference_id)
        for row in self.rows():
            if row.reference_id == reference_id:
                self._rows.removeWidget(row)
                row.deleteLater()
        self._say(_("Photo removed. Its face crop and measurements were deleted."))
        self._refresh_notes()
        self._update_empty_state()
        self.references_changed.emit()

    @Slot()
    def _dismiss_row(self) -> None:
        row = self.sender()
        if isinstance(row, ReferenceRow):
            self._rows.removeWidget(row)
            row.deleteLater()
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        self.empty_label.setVisible(not any(r.state != "removed" for r in self.rows()))

    # ---- re-checking the scans -----------------------------------------------------------

    @Slot(str, bool)
    def _on_rechecked(self, text: str, changed: bool) -> None:
        if changed:
            self.recheck_button.setVisible(False)  # done: the scans have seen these photos
        if text:
            self._say(text)

    @Slot()
    def _forget_old_message(self) -> None:
        # After a deletion elsewhere an old message may name deleted photos; this page's own
        # "was deleted" message is said after the reload and stays.
        self.status.clear()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.say(text, error=error)

    def shutdown(self) -> None:
        """Stop checking photos (after the one in progress) and wait for the thread."""
        self._queue = []
        if self._task is not None:
            for signal in (self._task.worker.item_done, self._task.worker.finished):
                signal.disconnect()
            self._task.worker.failed.disconnect()
            self._task.stop()
            self._task = None
