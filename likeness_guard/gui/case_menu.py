"""The window's Case menu: the workspace's cases (switch to one), a new case, exporting the
open case, deleting another one, and who the caseworker is.

Switching is asked of whoever owns the windows (`switch_requested`): a new session and
window open on the case's data folder, and the old ones close. Exporting and deleting run
off the GUI thread (gui/tasks.run_task), each with a store of its own.
"""

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMenu, QMessageBox, QWidget

from likeness_guard import APP_NAME
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.services.audit import caseworker, set_caseworker
from likeness_guard.core.services.cases import (
    CaseExport,
    CaseSummary,
    case_count,
    case_name,
    create_case,
    delete_case,
    export_case,
    list_cases,
    workspace_of,
)
from likeness_guard.core.services.folder import Store
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.gui.widgets.announce import Announcer
from likeness_guard.gui.widgets.confirm import confirm_deletion
from likeness_guard.locale import _


def case_label(case: CaseSummary) -> str:
    """A case as listed in the menu and in the window's title."""
    # Translators: how the workspace's own first case is listed among the named cases.
    return case.name if case.name is not None else _("Workspace's own case")


def window_title(folder: Path) -> str:
    """The window's title: the app's name, with the open case's when the workspace has
    more than one case (a person alone sees the app's name only)."""
    workspace = workspace_of(folder)
    if case_count(workspace) <= 1:
        return APP_NAME
    name = case_name(folder)
    # Translators: the window's title: the app's name and the case open in it.
    return _("{app} — {case}").format(
        app=APP_NAME, case=name if name is not None else _("Workspace's own case")
    )


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """The real text dialog; tests replace `CaseMenu.ask_text`."""
    answer, accepted = QInputDialog.getText(parent, title, label, text=text)
    return answer if accepted else None


def ask_item(parent: QWidget, title: str, label: str, items: list[str]) -> str | None:
    """The real choice dialog; tests replace `CaseMenu.ask_item`."""
    answer, accepted = QInputDialog.getItem(parent, title, label, items, 0, False)
    return answer if accepted else None


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    """The real save dialog; tests replace `CaseMenu.ask_save_path`."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, _("Export this case"), suggested, _("Zip archives (*.zip)")
    )
    return Path(chosen) if chosen else None


def ask_to_confirm(parent: QWidget, name: str) -> bool:
    """The real confirmation; tests replace `CaseMenu.confirm`."""
    return confirm_deletion(
        parent,
        title=_("Delete a case"),
        question=_("Delete the case “{name}” from this computer?").format(name=name),
        details=_(
            "This deletes its reference photos' data, scans, answers, kept evidence and audit "
            "log, and its folder. Other cases and the collections stay as they are. Export "
            "the case first if it must be kept. This cannot be undone."
        ),
        delete_label=_("Delete this case"),
    )


class CaseMenu(QMenu):
    """`switch_requested(folder)`: open that case's data folder instead of this one;
    `cases_changed`: a case was made or deleted (the title may name the case now)."""

    switch_requested = Signal(object)
    cases_changed = Signal()

    ask_text = staticmethod(ask_text)
    ask_item = staticmethod(ask_item)
    ask_save_path = staticmethod(ask_save_path)
    confirm = staticmethod(ask_to_confirm)

    def __init__(self, session: AppSession, window: QMainWindow) -> None:
        super().__init__(_("&Case"), window)
        self.setAccessibleName(_("Case"))
        self.session = session
        self.window_ = window
        self.workspace = workspace_of(session.data_dir)
        self.announcer = Announcer(window)
        self.task: BackgroundTask | None = None
        self.switch_menu = self.addMenu(_("Switch to"))
        self.switch_menu.setAccessibleName(_("Switch to another case"))
        self.new_action = self._action(_("New case…"), self.new_case)
        self.export_action = self._action(_("Export this case…"), self.export_case)
        self.delete_action = self._action(_("Delete a case…"), self.delete_case)
        self.addSeparator()
        self.caseworker_action = self._action(_("Caseworker…"), self.choose_caseworker)
        self.aboutToShow.connect(self.fill)

    def _action(self, text: str, slot: object) -> QAction:
        action = self.addAction(text)
        action.triggered.connect(slot)
        return action

    @Slot()
    def fill(self) -> None:
        """List the cases to switch to, the open one checked."""
        self.switch_menu.clear()
        group = QActionGroup(self.switch_menu)
        for case in list_cases(self.workspace, counted=False):
            action = self.switch_menu.addAction(case_label(case))
            action.setCheckable(True)
            action.setChecked(case.folder == self.session.data_dir)
            action.setData(str(case.folder))
            group.addAction(action)
            action.triggered.connect(self._switch_to_action)
        busy = self.task is not None
        for action in (self.new_action, self.export_action, self.delete_action):
            action.setEnabled(not busy)

    @Slot()
    def _switch_to_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.switch_to(Path(str(action.data())))

    def switch_to(self, folder: Path) -> None:
        """Ask to open the case in `folder`; not while this case's work runs (a scan, a
        deletion, an export): the person is told what to wait for."""
        if folder == self.session.data_dir:
            return
        reason = self.session.running_work() or (
            _("A case is being exported or deleted. Wait until that has finished.")
            if self.task is not None
            else ""
        )
        if reason:
            self._tell(reason)
            return
        self.switch_requested.emit(folder)

    # ---- new -------------------------------------------------------------------------

    @Slot()
    def new_case(self) -> None:
        name = self.ask_text(
            self.window_,
            _("New case"),
            _("The new case's name (a reference number is safer than a person's name):"),
        )
        if not name or not name.strip():
            return
        try:
            created = create_case(self.workspace, name)
        except UserFacingError as exc:  # the name cannot be used, or is taken
            QMessageBox.warning(self.window_, APP_NAME, str(exc))
            return
        self.announcer.say(_("Case “{name}” was made.").format(name=created.name))
        self.cases_changed.emit()
        self.ensure_caseworker()
        self.switch_to(created.folder)

    def ensure_caseworker(self) -> None:
        """With more than one case: ask once who works here, unless named already."""
        if caseworker() is None and case_count(self.workspace) > 1:
            self.choose_caseworker()

    @Slot()
    def choose_caseworker(self) -> None:
        preferences = self.session.preferences
        name = self.ask_text(
            self.window_,
            _("Caseworker"),
            _("Your name, for the audit log of each case (who did what, and when):"),
            caseworker() or preferences.caseworker,
        )
        if name is None:
            return
        preferences.caseworker = " ".join(name.split())
        preferences.sync()
        set_caseworker(preferences.caseworker or None)

    # ---- export ----------------------------------------------------------------------

    @Slot()
    def export_case(self) -> None:
        if self.task is not None:
            return
        suggested = str(Path.home() / f"{self.session.data_dir.name}.zip")
        target = self.ask_save_path(self.window_, suggested)
        if target is None:
            return
        folder = self.session.data_dir

        def job(_context: TaskContext) -> CaseExport:
            with Store(folder) as store:  # SQLite connections belong to one thread
                return export_case(store, target)

        self.task = run_task(self, "case-export", job, finished=self._exported, failed=self._failed)

    @Slot(object)
    def _exported(self, result: object) -> None:
        self._task_ended()
        if isinstance(result, CaseExport):
            self._tell(_("This case was written to {path}.").format(path=result.path))

    # ---- delete ----------------------------------------------------------------------

    @Slot()
    def delete_case(self) -> None:
        if self.task is not None:
            return
        others = [
            case
            for case in list_cases(self.workspace, counted=False)
            if not case.first and case.folder != self.session.data_dir
        ]
        if not others:
            self._tell(
                _(
                    "There is no other case to delete. The open case cannot be deleted: "
                    "switch to another case first."
                )
            )
            return
        labels = [case_label(case) for case in others]
        chosen = self.ask_item(self.window_, _("Delete a case"), _("Which case?"), labels)
        if chosen is None or chosen not in labels:
            return
        case = others[labels.index(chosen)]
        from likeness_guard.gui.unlock_dialog import unlock_at_start

        if not unlock_at_start(case.folder, self.window_) or not self.confirm(self.window_, chosen):
            self._tell(_("Nothing was deleted."))
            return
        folder = case.folder

        def job(_context: TaskContext) -> str:
            delete_case(folder)
            return chosen

        self.task = run_task(self, "case-delete", job, finished=self._deleted, failed=self._failed)

    @Slot(object)
    def _deleted(self, result: object) -> None:
        self._task_ended()
        self._tell(_("The case “{name}” was deleted.").format(name=result))
        self.cases_changed.emit()

    # ---- shared ----------------------------------------------------------------------

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._task_ended()
        self._tell(message)

    def _task_ended(self) -> None:
        if self.task is not None:
            self.task.wait()
            self.task.deleteLater()
            self.task = None

    def _tell(self, message: str) -> None:
        self.window_.statusBar().showMessage(message)
        self.announcer.say(message)

    def shutdown(self) -> None:
        """Wait for an export or deletion to end (neither can stop halfway safely)."""
        if self.task is not None:
            while not self.task.wait():
                pass
            self.task.deleteLater()
            self.task = None
