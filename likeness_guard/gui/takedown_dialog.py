"""Take down: check whether the matched web images are still online, write notices per site,
and how hash-blocking services help. The work runs off the GUI thread."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.takedown import Jurisdiction, Recheck
from likeness_guard.core.domain.words import online_words
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.takedown import (
    NoticeChoices,
    NoticeSender,
    platform_directory,
    recheck,
    recheck_targets,
    write_takedown_notices,
)
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.style import error_color, set_text_color
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.gui.widgets.writing_language import WritingLanguage
from likeness_guard.locale import ENGLISH, N_, _, ngettext

# Translators: the laws a notice can cite; keep the names of the acts as they are known.
JURISDICTIONS = {
    Jurisdiction.US: N_("United States (TAKE IT DOWN Act, for covered platforms)"),
    Jurisdiction.EU: N_("European Union (Digital Services Act, Article 16)"),
    Jurisdiction.UK: N_("England and Wales (Sexual Offences Act, section 66B)"),
    Jurisdiction.OTHER: N_("Elsewhere (the site's own rules)"),
}


class TakedownDialog(QDialog):
    """For one scan. Signals: `recheck_done(list of Recheck)`, `notices_written(NoticeFiles)`,
    `failed(message)`."""

    recheck_done = Signal(object)
    notices_written = Signal(object)
    failed = Signal(str)

    def __init__(self, session: AppSession, scan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.scan_id = scan_id
        self._task: BackgroundTask | None = None
        self.setWindowTitle(_("Take down"))
        self.setMinimumWidth(560)

        intro = QLabel(
            _(
                "Ask each site to remove the images, and check later whether they did. Nothing "
                "is sent from here: the notices are files you send yourself. Only the addresses "
                "where you were found are checked again."
            )
        )
        intro.setWordWrap(True)

        self.addresses = QListWidget()
        self.addresses.setAccessibleName(_("Matched web addresses"))
        self.check_button = QPushButton(_("&Check again"))
        self.check_button.clicked.connect(self.start_recheck)
        online = QGroupBox(_("Still online?"))
        online_layout = QVBoxLayout(online)
        online_layout.addWidget(self.addresses)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addStretch()
        online_layout.addLayout(row)

        notices = self._notices_group()

        blocking = self._blocking_group()

        self.status = QLabel()
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, online, notices, blocking, self.status, close):
            layout.addWidget(widget)
        self._written: Path | None = None
        self._fill_addresses()

    def _notices_group(self) -> QGroupBox:
        """Who signs, under which law, in which language, and what the person states."""
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("your name, as your signature"))
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(_("where the site can answer you"))
        self.behalf_edit = QLineEdit()
        self.behalf_edit.setPlaceholderText(_("only if you act for the person shown"))
        self.jurisdiction = QComboBox()
        for value, text in JURISDICTIONS.items():
            self.jurisdiction.addItem(_(text), value)
        self.jurisdiction.setCurrentIndex(self.jurisdiction.findData(Jurisdiction.OTHER))
        self.recipient_language = WritingLanguage(ENGLISH, _("Language of the notices"))
        self.recipient_language.setToolTip(
            _(
                "The language of the people who receive the notices. Legal statements whose "
                "translation no one has checked stay in English, and the notice says so."
            )
        )
        self.include_unreviewed = QCheckBox(_("Also include matches I have not confirmed"))
        self.intimate = QListWidget()
        self.intimate.setAccessibleName(_("Which items are intimate or sexual"))
        self.altered = QCheckBox(_("I state that these were made or altered to show me"))
        self.no_consent_to_creation = QCheckBox(_("I did not consent to these being made"))
        self.write_button = QPushButton(_("&Write notices…"))
        self.write_button.clicked.connect(self.choose_and_write)
        self.open_button = QPushButton(_("Open notices"))
        self.open_button.clicked.connect(self._open_notices)
        self.folder_button = QPushButton(_("Show in folder"))
        self.folder_button.clicked.connect(self._show_folder)
        for button in (self.open_button, self.folder_button):
            button.setVisible(False)
        notices = QGroupBox(_("Takedown notices, one per site"))
        form = QFormLayout(notices)
        form.addRow(_("Name:"), self.name_edit)
        form.addRow(_("Email:"), self.email_edit)
        form.addRow(_("On behalf of:"), self.behalf_edit)
        form.addRow(_("Law:"), self.jurisdiction)
        form.addRow(_("Written in:"), self.recipient_language)
        form.addRow("", self.include_unreviewed)
        form.addRow(_("Intimate or sexual (tick each one that is):"), self.intimate)
        form.addRow("", self.altered)
        form.addRow("", self.no_consent_to_creation)
        buttons_row = QHBoxLayout()
        for button in (self.write_button, self.open_button, self.folder_button):
            buttons_row.addWidget(button)
        buttons_row.addStretch()
        form.addRow("", buttons_row)
        return notices

    def _blocking_group(self) -> QGroupBox:
        """StopNCII and Take It Down, and which files to select there (nothing is uploaded)."""
        blocking = QGroupBox(_("Block copies everywhere"))
        blocking_layout = QVBoxLayout(blocking)
        for service in platform_directory().hash_blocking:
            # Translators: {service} is a linked name such as StopNCII; {audience} says who it
            # is for, {how} what it does.
            text = _("{service}, for {audience}: {how}")
            link = f'<a href="{service.url}">{service.name}</a>'
            label = QLabel(
                text.format(service=link, audience=_(service.audience), how=_(service.how))
            )
            label.setWordWrap(True)
            label.setOpenExternalLinks(True)
            blocking_layout.addWidget(label)
        self.hashing_steps = QLabel(
            _(
                "How: make an evidence package (Matches → Export evidence report…) with only "
                "the images you confirmed. On the service's own page, start a case; when it "
                "asks for images or videos, select the files in the package's originals/ "
                "folder. Your browser makes the hashes there (PDQ for images, MD5 for videos) "
                "and sends only those. Likeness Guard uploads nothing."
            )
        )
        self.hashing_steps.setWordWrap(True)
        blocking_layout.addWidget(self.hashing_steps)
        return blocking

    def showEvent(self, event: QShowEvent) -> None:
        # Wrapped labels need more height than a layout's minimum says: ask for the height
        # the whole layout needs at this width, so nothing is squeezed.
        layout = self.layout()
        if layout is not None:
            self.setMinimumHeight(layout.totalHeightForWidth(self.width()))
        super().showEvent(event)

    # ---- re-checks ---------------------------------------------------------------------

    def _fill_addresses(self) -> None:
        store = self.session.store
        targets = recheck_targets(store, self.scan_id)
        latest = store.takedowns.latest_rechecks(t.url for t in targets)
        self.addresses.clear()
        self.intimate.clear()
        for target in targets:
            # Translators: {state} says whether an image is still online; {address} is its URL.
            state = _("{state} — {address}")
            self.addresses.addItem(
                state.format(state=online_words(latest.get(target.url)), address=target.url)
            )
            statement = QListWidgetItem(target.url)
            statement.setFlags(statement.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            statement.setCheckState(Qt.CheckState.Unchecked)
            statement.setData(Qt.ItemDataRole.UserRole, target.sha256)
            self.intimate.addItem(statement)
        self.check_button.setEnabled(bool(targets))
        self.write_button.setEnabled(bool(targets))
        if not targets:
            self.status.setText(
                _(
                    "This scan found no image of you on the web, so there is nothing to check or "
                    "report here. Scan the web addresses where you saw the images."
                )
            )

    def start_recheck(self) -> None:
        if self._task is not None:
            return
        folder = self.session.data_dir
        allow = self.session.preferences.allow_private_addresses
        scan_id = self.scan_id

        def work(_context: TaskContext) -> list[Recheck]:
            with Store(folder) as store:  # SQLite connections belong to one thread
                return recheck(store, scan_id, allow_private_addresses=allow)

        self.status.setText(_("Checking the addresses again…"))
        self._run(work, self._on_rechecked)

    @Slot(object)
    def _on_rechecked(self, results: object) -> None:
        assert isinstance(results, list)
        self._fill_addresses()
        gone = sum(1 for r in results if r.removed)
        online = sum(1 for r in results if r.online)
        checked = ngettext(
            "Checked {count} address: {gone} gone, {online} still online.",
            "Checked {count} addresses: {gone} gone, {online} still online.",
            len(results),
        )
        self.status.setText(checked.format(count=len(results), gone=gone, online=online))
        self.recheck_done.emit(results)

    # ---- notices -----------------------------------------------------------------------

    def choose_and_write(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save takedown notices"),
            str(Path.home() / "takedown-notices.pdf"),
            _("PDF (*.pdf)"),
        )
        if path:
            self.write_notices(Path(path))

    def write_notices(self, path: Path) -> None:
        """Write the notices to `path` (and .txt, .eml beside it) in the background."""
        name, email = self.name_edit.text().strip(), self.email_edit.text().strip()
        if not name or "@" not in email:
            self._fail(_("Enter your name and an email address where the sites can answer you."))
            return
        if self._task is not None:  # the buttons are off while a step runs
            self.status.setText(_("Still finishing the last step: try again in a moment."))
            return
        sender = NoticeSender(
            name=name,
            contact_email=email,
            jurisdiction=Jurisdiction(self.jurisdiction.currentData()),
            on_behalf_of=self.behalf_edit.text().strip() or None,
            language=self.recipient_language.code(),
        )
        folder, scan_id = self.session.data_dir, self.scan_id
        choices = self.notice_choices()

        def work(_context: TaskContext) -> object:
            with Store(folder) as store:
                return write_takedown_notices(store, scan_id, sender, path, choices)

        self.status.setText(_("Writing the notices…"))
        self._run(work, self._on_written)

    def notice_choices(self) -> NoticeChoices:
        """What the person ticked: which items are intimate, and what they state of all."""
        intimate = tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.intimate.item(row) for row in range(self.intimate.count()))
            if item.checkState() == Qt.CheckState.Checked
        )
        every = ("all",) if self.intimate.count() else ()
        return NoticeChoices(
            include_unreviewed=self.include_unreviewed.isChecked(),
            intimate=intimate,
            altered=every if self.altered.isChecked() else (),
            no_consent_to_creation=every if self.no_consent_to_creation.isChecked() else (),
        )

    @Slot(object)
    def _on_written(self, files: object) -> None:
        self._written = getattr(files, "pdf", None)
        notices = getattr(files, "notices", ())
        saved = ngettext(
            "Saved {count} notice as {path}, with the same text as .txt and an email draft per "
            "site. Send each to the address on its page.",
            "Saved {count} notices as {path}, with the same text as .txt and an email draft per "
            "site. Send each to the address on its page.",
            len(notices),
        )
        self.status.setText(saved.format(count=len(notices), path=self._written))
        for button in (self.open_button, self.folder_button):
            button.setVisible(True)
        self.notices_written.emit(files)

    def _open_notices(self) -> None:
        if self._written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._written)))

    def _show_folder(self) -> None:
        if self._written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._written.parent)))

    # ---- background work ---------------------------------------------------------------

    def _run(self, work: Callable[[TaskContext], object], done: Callable[[object], None]) -> None:
        self.status.setPalette(self.palette())  # a new attempt: no longer in error colour
        for button in (self.check_button, self.write_button):
            button.setEnabled(False)
        self._task = run_task(
            self, "takedown", work, finished=done, failed=self._fail, ended=self._end
        )

    @Slot(str)
    def _fail(self, message: str) -> None:
        self.status.setText(message)
        set_text_color(self.status, error_color(self.palette()))
        self.failed.emit(message)

    @Slot()
    def _end(self) -> None:
        if self._task is not None:
            self._task.wait()
            self._task.deleteLater()
            self._task = None
        for button in (self.check_button, self.write_button):
            button.setEnabled(True)

    def done(self, result: int) -> None:
        """Closing waits for work in progress (it is short: a few requests or a PDF)."""
        if self._task is not None:
            self._task.wait()
        super().done(result)
