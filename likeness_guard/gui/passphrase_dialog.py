"""Passphrase protection in the window's words: the dialog asking for the passphrases to
protect the data folder, change its passphrase or remove its protection, and what a change
did."""

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.words import ProtectionAction
from likeness_guard.core.services.protection import MIN_PASSPHRASE
from likeness_guard.gui.style import heading_font
from likeness_guard.locale import N_, _, ngettext


@dataclass(frozen=True)
class PassphraseAnswer:
    """What was typed: the current passphrase ("" when protecting) and the new one ("" when
    removing protection)."""

    current: str = ""
    new: str = ""


NO_RECOVERY = N_(
    "There is no way to recover a lost passphrase: without it nobody can open your data, "
    "including you. Write it down somewhere safe."
)
TITLES = {
    ProtectionAction.PROTECT: N_("Protect your data with a passphrase"),
    ProtectionAction.CHANGE: N_("Change the passphrase"),
    ProtectionAction.REMOVE: N_("Remove the passphrase protection"),
}
# Each explanation is whole (a translator sees it as one text); the first two end with
# NO_RECOVERY's sentences, word for word.
EXPLANATIONS = {
    ProtectionAction.PROTECT: N_(
        "Everything Likeness Guard keeps in its data folder is encrypted: your face "
        "measurements, scan results and kept images. From now on the window and every "
        "command ask for this passphrase before they open anything. There is no way to "
        "recover a lost passphrase: without it nobody can open your data, including you. "
        "Write it down somewhere safe."
    ),
    ProtectionAction.CHANGE: N_(
        "Everything is encrypted again with the new passphrase; the current one will no "
        "longer open your data. There is no way to recover a lost passphrase: without it "
        "nobody can open your data, including you. Write it down somewhere safe."
    ),
    ProtectionAction.REMOVE: N_(
        "Your data will be decrypted and stored unencrypted: anyone who can open the data "
        "folder can then read your face measurements, scan results and kept images."
    ),
}
OK_LABELS = {
    ProtectionAction.PROTECT: N_("Encrypt my data"),
    ProtectionAction.CHANGE: N_("Change the passphrase"),
    ProtectionAction.REMOVE: N_("Remove protection"),
}
NO_CURRENT = N_("Type your current passphrase.")
MISMATCH = N_("The two new passphrases are not the same. Type them again.")


def too_short_words() -> str:
    """What to say when the new passphrase is shorter than MIN_PASSPHRASE."""
    return ngettext(
        "The new passphrase is too short: use at least {count} character (a few unrelated "
        "words are easy to remember and hard to guess).",
        "The new passphrase is too short: use at least {count} characters (a few unrelated "
        "words are easy to remember and hard to guess).",
        MIN_PASSPHRASE,
    ).format(count=MIN_PASSPHRASE)


def ask_passphrases(parent: QWidget | None, action: ProtectionAction) -> PassphraseAnswer | None:
    """The real dialog; None when the person chose Cancel. Tests replace
    `SettingsPage.ask_passphrases`."""
    dialog = PassphraseDialog(action, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.answer()
    finally:
        dialog.deleteLater()


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class PassphraseDialog(QDialog):
    """The fields one action needs. OK checks them and says what is wrong below them
    instead of closing; the passphrase itself is checked by the core afterwards."""

    def __init__(self, action: ProtectionAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(_(TITLES[action]))
        self.setModal(True)
        self.setMinimumWidth(440)
        title = QLabel(_(TITLES[action]))
        title.setFont(heading_font(self.font()))
        explanation = QLabel(_(EXPLANATIONS[action]))
        explanation.setWordWrap(True)
        self.current = _password_field(_("Current passphrase"))
        self.new = _password_field(_("New passphrase"))
        self.again = _password_field(_("New passphrase again"))
        form = QFormLayout()
        if action is not ProtectionAction.PROTECT:
            form.addRow(_("Current passphrase:"), self.current)
        if action is not ProtectionAction.REMOVE:
            form.addRow(_("New passphrase:"), self.new)
            form.addRow(_("New passphrase again:"), self.again)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(_("What to correct"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_(OK_LABELS[action]))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def mistake(self) -> str:
        """What to correct in the fields, or "" when they can be used."""
        return self._check()[0]

    def _check(self) -> tuple[str, QLineEdit | None]:
        if self.action is not ProtectionAction.PROTECT and not self.current.text():
            return _(NO_CURRENT), self.current
        if self.action is ProtectionAction.REMOVE:
            return "", None
        if len(self.new.text()) < MIN_PASSPHRASE:
            return too_short_words(), self.new
        if self.new.text() != self.again.text():
            return _(MISMATCH), self.again
        return "", None

    def accept(self) -> None:
        mistake, field = self._check()
        self.problem.setText(mistake)
        if field is not None:
            field.setFocus()
            field.selectAll()
            return
        super().accept()

    def answer(self) -> PassphraseAnswer:
        return PassphraseAnswer(current=self.current.text(), new=self.new.text())


PROTECTED_STATE = N_(
    "Your data is encrypted with a passphrase. The window and every command ask for it "
    "before they open anything."
)
NOT_PROTECTED_STATE = N_(
    "Your data is not encrypted. Anyone who can open the data folder can read it: your face "
    "measurements, scan results and kept images."
)
WORKING = {
    ProtectionAction.PROTECT: N_(
        "Encrypting your data… this can take a while for many kept images."
    ),
    ProtectionAction.CHANGE: N_(
        "Encrypting your data again with the new passphrase… this can take a while for many "
        "kept images."
    ),
    ProtectionAction.REMOVE: N_(
        "Decrypting your data… this can take a while for many kept images."
    ),
}
NOTHING_CHANGED = N_("Nothing was changed.")
