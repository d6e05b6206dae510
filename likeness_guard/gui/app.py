"""Starting the desktop window: QApplication, settings, session and the main window."""

import logging
import sys

from likeness_guard import APP_NAME, RESOURCES, __version__
from likeness_guard.core.services import LaunchOptions

log = logging.getLogger(__name__)


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
    from likeness_guard.gui.main_window import MainWindow
    from likeness_guard.gui.preferences import APPLICATION, ORGANIZATION, Preferences
    from likeness_guard.gui.session import AppSession

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
    icon = RESOURCES / "icons" / "likeness-guard.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    try:
        session = AppSession(options.data_dir, Preferences(), models_dir=options.models_dir)
    except UserFacingError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    session.store.mark_interrupted_scans()
    window = MainWindow(session)
    window.show()
    code = app.exec()
    window.shutdown()
    return int(code)
