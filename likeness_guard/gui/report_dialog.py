"""The dialog that sets up an evidence report or package: whose name, which matches, blurred
or not, a PDF alone or everything a recipient needs to check it."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.services.reporting import EvidenceRequest, ReportPrivacy, Selection
from likeness_guard.gui.widgets.writing_language import WritingLanguage
from likeness_guard.locale import N_, _, current_language

UNBLURRED_WARNING = N_(
    "The report will show the matched images as they are, without blurring. Anyone who "
    "opens the file will see them. Choose this only if the person receiving the report "
    "needs to see the images themselves."
)
PACKAGE_NOTE = N_(
    "The package holds the signed report, the original images exactly as they were found, "
    "the web pages and images as they were fetched, and checksums, so that a platform, a "
    "lawyer or the police can check everything on their own computer. The original images "
    "in it are not blurred: share it only with people who need them."
)


class ReportDialog(QDialog):
    """Chooses the report's matches and options; `request()` builds the result."""

    def __init__(
        self,
        scan_id: int,
        matches: list[ScanItem],
        parent: QWidget | None = None,
        *,
        own_photos: frozenset[str] = frozenset(),
    ):
        """`own_photos`: SHA-256 of the user's reference photos (marked, left out by default)."""
        super().__init__(parent)
        self.setWindowTitle(_("Export evidence"))
        self.setMinimumWidth(420)
        self.setMaximumWidth(640)
        self.scan_id = scan_id
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("optional: your name or a pseudonym"))
        self.name.setAccessibleName(_("Name or pseudonym on the report"))
        self.language = WritingLanguage(current_language(), _("Language of the report"))
        self._build_match_choice(matches, own_photos)
        self._build_output_choice()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.ok.setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self._lay_out(buttons)
        self._sync_checks()

    def _build_match_choice(self, matches: list[ScanItem], own_photos: frozenset[str]) -> None:
        """All matches, the confirmed ones, or those ticked in the list of matches."""
        self.all_matches = QRadioButton(_("&All matches of this scan"))
        self.confirmed = QRadioButton(_("Only those I marked “&This is me”"))
        self.picked = QRadioButton(_("Let me &choose"))
        self.which = QButtonGroup(self)
        for button in (self.all_matches, self.confirmed, self.picked):
            self.which.addButton(button)
        self.all_matches.setChecked(True)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Matches to include"))
        for item in matches:
            if item.verdict == Verdict.NOT_ME:
                continue  # never put an image the user said is not them into evidence
            name = item.source.rsplit("/", 1)[-1] or item.source
            own = item.sha256 in own_photos
            score = f"{item.best_similarity or 0:.2f}"
            if own:
                # Translators: {name} is a file name, {score} a similarity such as 0.62.
                text = _("{name}  ({score})  — one of your own reference photos")
            else:
                text = "{name}  ({score})"  # a file name and a number: nothing to translate
            row = QListWidgetItem(text.format(name=name, score=score))
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            row.setData(Qt.ItemDataRole.UserRole + 1, item.verdict == Verdict.ME and not own)
            row.setData(Qt.ItemDataRole.UserRole + 2, own)
            row.setToolTip(item.source)
            self.list.addItem(row)
        for button in (self.all_matches, self.confirmed, self.picked):
            button.toggled.connect(self._sync_checks)
        self.list.itemChanged.connect(self._sync_ok)

    def _build_output_choice(self) -> None:
        """A PDF or a package, and blurred or not, each with its warning."""
        self.report_only = QRadioButton(_("The &report (PDF)"))
        self.package = QRadioButton(
            _("An evidence &package (.zip) for a platform, lawyer or police")
        )
        self.what = QButtonGroup(self)
        for button in (self.report_only, self.package):
            self.what.addButton(button)
        self.report_only.setChecked(True)
        self.package_note = QLabel(_(PACKAGE_NOTE))
        self.package_note.setWordWrap(True)
        self.package_note.setVisible(False)
        self.package.toggled.connect(self.package_note.setVisible)
        self.unblurred = QCheckBox(_("Include the images &without blurring"))
        self.warning = QLabel(_(UNBLURRED_WARNING))
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.unblurred.toggled.connect(self.warning.setVisible)

    def _lay_out(self, buttons: QDialogButtonBox) -> None:
        form = QFormLayout()
        form.addRow(_("Name on the report:"), self.name)
        form.addRow(_("Language of the report:"), self.language)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "The report lists where each image was found, when, its fingerprints (hashes) "
                "and how sure the match is, for a platform, a lawyer or the police. Your own "
                "reference photos are left out unless you choose them."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        for button in (self.all_matches, self.confirmed, self.picked):
            layout.addWidget(button)
        layout.addWidget(self.list)
        layout.addWidget(QLabel(_("What to save:")))
        layout.addWidget(self.report_only)
        layout.addWidget(self.package)
        layout.addWidget(self.package_note)
        layout.addWidget(self.unblurred)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)

    def _rows(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _sync_checks(self) -> None:
        """Tick the rows the chosen option means; only "Let me choose" allows changes."""
        editable = self.picked.isChecked()
        for row in self._rows():
            flags = Qt.ItemFlag.ItemIsEnabled
            if editable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            else:
                own = bool(row.data(Qt.ItemDataRole.UserRole + 2))
                wanted = (self.all_matches.isChecked() and not own) or bool(
                    row.data(Qt.ItemDataRole.UserRole + 1)
                )
                row.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
            row.setFlags(flags | Qt.ItemFlag.ItemIsSelectable)
        self._sync_ok()

    def _sync_ok(self) -> None:
        self.ok.setEnabled(bool(self.chosen_ids()))

    def chosen_ids(self) -> tuple[int, ...]:
        return tuple(
            int(row.data(Qt.ItemDataRole.UserRole))
            for row in self._rows()
            if row.checkState() == Qt.CheckState.Checked
        )

    def selection(self) -> Selection:
        if self.all_matches.isChecked():
            return Selection.ALL_MATCHES  # as `likeness-guard report`: copies included
        return Selection.CONFIRMED if self.confirmed.isChecked() else Selection.CHOSEN

    def request(self, out: Path) -> EvidenceRequest:
        selection = self.selection()
        # An own reference photo goes in only when the person ticked it by hand.
        own_chosen = selection is Selection.CHOSEN and any(
            row.checkState() == Qt.CheckState.Checked
            and bool(row.data(Qt.ItemDataRole.UserRole + 2))
            for row in self._rows()
        )
        return EvidenceRequest(
            scan_id=self.scan_id,
            out=out,
            package=self.package.isChecked(),
            selection=selection,
            item_ids=self.chosen_ids() if selection is Selection.CHOSEN else (),
            unblurred=self.unblurred.isChecked(),
            privacy=ReportPrivacy(
                name=self.name.text().strip() or None, include_own_photos=own_chosen
            ),
            language=self.language.code(),
        )

    def ask(self) -> EvidenceRequest | None:
        """Run the dialog, confirm an unblurred report, then ask where to save it."""
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        if self.unblurred.isChecked():
            answer = QMessageBox.question(
                self,
                _("Include images without blurring?"),
                _(UNBLURRED_WARNING),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        suffix, title, kind = (
            (".zip", _("Save the evidence package"), _("Zip archive (*.zip)"))
            if self.package.isChecked()
            else (".pdf", _("Save the evidence report"), _("PDF (*.pdf)"))
        )
        target, _filter = QFileDialog.getSaveFileName(
            self.parentWidget(), title, str(Path.home() / f"likeness-guard-evidence{suffix}"), kind
        )
        if not target:
            return None
        out = Path(target)
        return self.request(out if out.suffix.lower() == suffix else out.with_suffix(suffix))
