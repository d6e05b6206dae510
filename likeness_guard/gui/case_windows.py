"""One window at a time over a workspace's cases: opening a case's session and window,
and switching to another case by opening it anew and closing the old one."""

from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from likeness_guard import APP_NAME
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.services.audit import caseworker, set_caseworker
from likeness_guard.core.services.cases import case_count, workspace_of
from likeness_guard.core.services.folder import open_folder
from likeness_guard.core.services.packs import FaceEngine
from likeness_guard.gui.main_window import MainWindow
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.session import AppSession
from likeness_guard.locale import _


class CaseWindows(QObject):
    """Owns the main window of the case open now. `engine`: the models to share between
    cases (tests); None: each session loads its own pack (a case may have chosen another)."""

    def __init__(
        self,
        preferences: Preferences,
        *,
        models_dir: Path | None = None,
        engine: FaceEngine | None = None,
    ) -> None:
        super().__init__()
        self.preferences = preferences
        self.models_dir = models_dir
        self.engine = engine
        self.window: MainWindow | None = None
        self.start_notes: list[str] = []

    def open(self, folder: Path) -> MainWindow | None:
        """Open the case in `folder` (asking its passphrase when it is protected) in a new
        window, not shown yet; None when it cannot be opened (the reason was shown)."""
        from likeness_guard.gui.unlock_dialog import unlock_at_start

        parent = self.window
        notes = open_folder(folder)  # what a crash left there, before the passphrase
        if not unlock_at_start(folder, parent):
            return None
        try:
            session = AppSession(
                folder, self.preferences, models_dir=self.models_dir, engine=self.engine
            )
        except UserFacingError as exc:
            QMessageBox.critical(parent, APP_NAME, str(exc))
            return None
        window = MainWindow(session)
        window.case_menu.switch_requested.connect(self.switch)
        self.start_notes = notes + session.start_notes
        return window

    def start(self, folder: Path) -> MainWindow | None:
        """The first window: opened, shown, and the caseworker asked when needed."""
        self.window = self.open(folder)
        if self.window is not None:
            self.window.show()
            self._name_caseworker()
        return self.window

    @Slot(object)
    def switch(self, folder: object) -> None:
        """Open the case in `folder` in place of the one open now; the old window keeps
        going when the new case cannot be opened."""
        assert isinstance(folder, Path)
        old = self.window
        if old is not None:
            old.case_menu.shutdown()
        new = self.open(folder)
        if new is None:
            return
        if old is not None:
            new.restoreGeometry(old.saveGeometry())
            old.shutdown()  # its scans stop (what they found is kept), its store closes
        self.window = new
        new.show()
        if old is not None:
            old.close()
            old.deleteLater()
        opened = _("Now working on: {title}").format(title=new.windowTitle())
        new.statusBar().showMessage(opened)
        new.case_menu.announcer.say(opened)
        if self.start_notes:  # interrupted scans, a deletion finished there
            QMessageBox.information(new, APP_NAME, "\n\n".join(self.start_notes))

    @Slot()
    def bring_forward(self) -> None:
        if self.window is not None:
            self.window.bring_forward()

    def shutdown(self) -> None:
        if self.window is not None:
            self.window.shutdown()

    def _name_caseworker(self) -> None:
        """Use the caseworker kept in Preferences; ask once when the workspace has more
        than one case and none is named yet (a person alone is never asked)."""
        if caseworker() is None and self.preferences.caseworker:
            set_caseworker(self.preferences.caseworker)
        if self.window is not None and case_count(workspace_of(self.window.session.data_dir)) > 1:
            self.window.case_menu.ensure_caseworker()
