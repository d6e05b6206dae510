"""Asking for the passphrase of a protected data folder when the window starts."""

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from likeness_guard import APP_NAME
from likeness_guard.core.services import protection
from likeness_guard.locale import N_, _

PROMPT = N_(
    "Your Likeness Guard data is protected with a passphrase.\n"
    "Type it to open your photos, scans and kept images:"
)
WRONG = N_("That passphrase does not open your data. Check it (the case counts) and try again:")


def unlock_at_start(folder: Path, parent: QWidget | None = None) -> bool:
    """Ask until the passphrase opens `folder`; False when the person chose Cancel.

    Returns True at once for a folder that is not protected.
    """
    if not protection.is_protected(folder):
        return True
    prompt = _(PROMPT)
    while True:
        text, accepted = QInputDialog.getText(parent, APP_NAME, prompt, QLineEdit.EchoMode.Password)
        if not accepted:
            return False
        try:
            notice = protection.unlock(folder, text)
        except protection.WrongPassphrase:
            prompt = _(WRONG)
            continue
        except protection.SettingsChanged as exc:  # says what happened and what to do
            QMessageBox.critical(parent, APP_NAME, str(exc))
            return False
        if notice is not None:  # its settings had been changed and were put back
            QMessageBox.warning(parent, APP_NAME, notice)
        return True
