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


@dataclass(frozen=True)
class PassphraseAnswer:
    """What was typed: the current passphrase ("" when protecting) and the new one ("" when
    removing protection)."""

    current: str = ""
    new: str = ""


NO_RECOVERY = (
    "There is no way to recover a lost passphrase: without it nobody can open your data, "
    "including you. Write it down somewhere safe."
)
TITLES = {
    ProtectionAction.PROTECT: "Protect your data with a passphrase",
    ProtectionAction.CHANGE: "Change the passphrase",
    ProtectionAction.REMOVE: "Remove the passphrase protection",
}
EXPLANATIONS = {
    ProtectionAction.PROTECT: (
        "Everything Likeness Guard keeps in its data folder is encrypted: your face "
        "measurements, scan results and kept images. From now on the window and every "
        "command ask for this passphrase before they open anything. " + NO_RECOVERY
    ),
    ProtectionAction.CHANGE: (
        "Everything is encrypted again with the new passphrase; the current one will no "
        "longer open your data. " + NO_RECOVERY
    ),
    ProtectionAction.REMOVE: (
        "Your data will be decrypted and stored unencrypted: anyone who can open the data "
        "folder can then read your face measurements, scan results and kept images."
    ),
}
OK_LABELS = {
    ProtectionAction.PROTECT: "Encrypt my data",
    ProtectionAction.CHANGE: "Change the passphrase",
    ProtectionAction.REMOVE: "Remove protection",
}
NO_CURRENT = "Type your current passphrase."
TOO_SHORT = (
    f"The new passphrase is too short: use at least {MIN_PASSPHRASE} characters (a few "
    "unrelated words are easy to remember and hard to guess)."
)
MISMATCH = "The two new passphrases are not the same. Type them again."


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
        self.setWindowTitle(TITLES[action])
        self.setModal(True)
        self.setMinimumWidth(440)
        title = QLabel(TITLES[action])
        title.setFont(heading_font(self.font()))
        explanation = QLabel(EXPLANATIONS[action])
        explanation.setWordWrap(True)
        self.current = _password_field("Current passphrase")
        self.new = _password_field("New passphrase")
        self.again = _password_field("New passphrase again")
        form = QFormLayout()
        if action is not ProtectionAction.PROTECT:
            form.addRow("Current passphrase:", self.current)
        if action is not ProtectionAction.REMOVE:
            form.addRow("New passphrase:", self.new)
            form.addRow("New passphrase again:", self.again)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("What to correct")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(OK_LABELS[action])
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
            return NO_CURRENT, self.current
        if self.action is ProtectionAction.REMOVE:
            return "", None
        if len(self.new.text()) < MIN_PASSPHRASE:
            return TOO_SHORT, self.new
        if self.new.text() != self.again.text():
            return MISMATCH, self.again
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


PROTECTED_STATE = (
    "Your data is encrypted with a passphrase. The window and every command ask for it "
    "before they open anything."
)
NOT_PROTECTED_STATE = (
    "Your data is not encrypted. Anyone who can open the data folder can read it: your face "
    "measurements, scan results and kept images."
)
WORKING = {
    ProtectionAction.PROTECT: "Encrypting your data… this can take a while for many kept images.",
    ProtectionAction.CHANGE: (
        "Encrypting your data again with the new passphrase… this can take a while for many "
        "kept images."
    ),
    ProtectionAction.REMOVE: "Decrypting your data… this can take a while for many kept images.",
}
NOTHING_CHANGED = "Nothing was changed."
