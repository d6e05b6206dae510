"""The one way the window asks before deleting anything: the safe answer is the default."""

from PySide6.QtWidgets import QMessageBox, QWidget

from likeness_guard.locale import _


def confirm_deletion(
    parent: QWidget, *, title: str, question: str, details: str, delete_label: str
) -> bool:
    """Ask `question` with exactly what goes in `details`; True only for an explicit yes."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(question)
    box.setInformativeText(details)
    delete = box.addButton(delete_label, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(_("Keep"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is delete
