"""Starting the desktop window: QApplication, settings, session and the main window."""

import logging
import sys
from typing import TYPE_CHECKING

from likeness_guard import APP_NAME, RESOURCES, __version__
from likeness_guard.core.services.folder import LaunchOptions
from likeness_guard.locale import _

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from likeness_guard.gui.preferences import Preferences

log = logging.getLogger(__name__)
_qt_words: "QTranslator | None" = None  # the catalog of Qt's own words now installed


def run_app(options: LaunchOptions) -> int:
    """Open the main window; returns the exit code."""
    from likeness_guard.gui.display_check import display_problem

    problem = display_problem()
    if problem is not None:
        print(f"likeness-guard: {problem}", file=sys.stderr)
        return 2
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from likeness_guard.core.domain.errors import UserFacingError
    from likeness_guard.core.services.audit import set_caseworker
    from likeness_guard.core.services.cases import case_folder
    from likeness_guard.core.services.folder import data_folder
    from likeness_guard.core.services.protection import is_protected
    from likeness_guard.gui.case_windows import CaseWindows
    from likeness_guard.gui.preferences import APPLICATION, ORGANIZATION, Preferences
    from likeness_guard.gui.single_instance import SingleInstance

    # Fractional scale factors (125 %, 150 %) render crisply instead of being rounded.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("likeness-guard")
    from likeness_guard.gui.fonts import use_script_fonts

    use_script_fonts(app)
    _apply_language(app, options, Preferences())
    icon = RESOURCES / "icons" / "likeness-guard.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    try:
        folder = data_folder(options.data_dir)
    except OSError as exc:
        QMessageBox.critical(
            None, APP_NAME, _("The data folder cannot be created ({error}).").format(error=exc)
        )
        return 2
    instance = SingleInstance(folder)  # one window per workspace, whichever case it shows
    if not instance.acquire():
        if instance.wake_running():
            print(_("likeness-guard: the window is already open; it was brought forward."))
            return 0
        QMessageBox.information(
            None, APP_NAME, _("Likeness Guard is already open on this computer. Use that window.")
        )
        return 0
    if options.caseworker:
        set_caseworker(options.caseworker)
    try:
        if options.case:  # the workspace's other case, when one was named at start
            folder = case_folder(folder, options.case)
    except UserFacingError as exc:
        instance.release()
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    windows = CaseWindows(Preferences(), models_dir=options.models_dir)
    window = windows.start(folder)  # the passphrase of a protected case, or nothing opens
    if window is None:
        instance.release()
        return 3 if is_protected(folder) else 2
    instance.activation_requested.connect(windows.bring_forward)
    if windows.start_notes:  # interrupted scans, a deletion finished: said once, at start
        QMessageBox.information(window, APP_NAME, "\n\n".join(windows.start_notes))
    code = app.exec()
    windows.shutdown()
    instance.release()
    return int(code)


def _apply_language(
    app: "QApplication", options: LaunchOptions, preferences: "Preferences"
) -> None:
    """The language chosen in Settings, unless --language or $LIKENESS_GUARD_LANGUAGE chose
    one; a right-to-left language mirrors the whole window."""
    import os

    from PySide6.QtCore import Qt

    from likeness_guard.locale import is_right_to_left, use_language

    chosen_elsewhere = options.language or os.environ.get("LIKENESS_GUARD_LANGUAGE")
    if preferences.language and not chosen_elsewhere:
        use_language(preferences.language)
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if is_right_to_left() else Qt.LayoutDirection.LeftToRight
    )
    _use_qt_words(app)


def _use_qt_words(app: "QApplication") -> None:
    """Qt's own words (file dialogs, standard buttons, a text field's menu) in the language in
    use, from the catalogs Qt ships, where it has one; English otherwise."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from likeness_guard.locale import ENGLISH, current_language

    global _qt_words
    if _qt_words is not None:
        app.removeTranslator(_qt_words)
        _qt_words = None
    language = current_language()
    if language == ENGLISH:
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    words = QTranslator(app)
    if words.load(f"qtbase_{language}", folder) or words.load(
        f"qtbase_{language.split('_')[0]}", folder
    ):
        app.installTranslator(words)
        _qt_words = words
