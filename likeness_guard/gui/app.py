"""Starting the desktop window: QApplication, settings, session and the main window."""

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from likeness_guard import APP_NAME, RESOURCES, __version__

log = logging.getLogger(__name__)


def run_app(args: argparse.Namespace) -> int:
    """Open the main window with the global options (data_dir, models); returns the exit code."""
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
        session = AppSession(
            Path(args.data_dir) if args.data_dir else _default_data_dir(),
            Preferences(),
            models_dir=Path(args.models) if getattr(args, "models", None) else None,
        )
    except UserFacingError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    session.store.mark_interrupted_scans()
    window = MainWindow(session)
    window.show()
    code = app.exec()
    window.shutdown()
    return int(code)


def _default_data_dir() -> Path:
    from likeness_guard.core.storage.paths import data_dir

    return data_dir()


def main(argv: Sequence[str] | None = None) -> int:
    """The GUI-script entry point: the same global options as the command line."""
    from likeness_guard.cli import add_global_options

    parser = argparse.ArgumentParser(prog="likeness-guard-gui", description=APP_NAME)
    add_global_options(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
