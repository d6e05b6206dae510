"""The main window: a page list on the left and the pages, remembering where the user was."""

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from likeness_guard.gui.accessibility import install_roles
from likeness_guard.gui.case_menu import CaseMenu, window_title
from likeness_guard.gui.pages.matches import MatchesPage
from likeness_guard.gui.pages.photos import PhotosPage
from likeness_guard.gui.pages.scan import ScanPage
from likeness_guard.gui.pages.settings import SettingsPage
from likeness_guard.gui.pages.watching import WatchingPage
from likeness_guard.gui.pages.welcome import WelcomePage
from likeness_guard.gui.previews import PreviewService
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.style import follow_theme, theme_sheet
from likeness_guard.locale import N_, _

PAGES = ("welcome", "photos", "scan", "matches", "watching", "settings")
SCANNING_NOW = N_("A scan is running. Wait until it has finished (or stop it), then try again.")
ADDING_PHOTOS_NOW = N_(
    "Your photos are being checked and added. Wait until that has finished, then try again."
)
WRITING_REPORT_NOW = N_(
    "An evidence report is being written. Wait until it has finished, then try again."
)
# Translators: the names of the window's pages, in the list on its left.
PAGE_TITLES = {
    "welcome": N_("Welcome"),
    "photos": N_("My photos"),
    "scan": N_("Scan"),
    "matches": N_("Matches"),
    "watching": N_("Watching"),
    "settings": N_("Settings"),
}


class MainWindow(QMainWindow):
    """Owns the session's pages and background threads; closing it stops them cleanly."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_roles()  # before any widget is asked for its accessibility interface
        self.session = session
        self._closed = False
        self.case_menu = CaseMenu(session, self)
        self.menuBar().addMenu(self.case_menu)
        self.menuBar().setAccessibleName(_("Menu bar"))
        self.case_menu.cases_changed.connect(self.show_case_in_title)
        self.collections_action = self.menuBar().addAction(_("Co&llections…"))
        self.collections_action.triggered.connect(self.open_collections)
        self.show_case_in_title()
        self.setMinimumSize(760, 560)
        self.setStyleSheet(theme_sheet(QApplication.palette()))  # started in high contrast
        self.previews = PreviewService(session.store.evidence.root, self)

        self.welcome_page = WelcomePage()
        self.photos_page = PhotosPage(session)
        self.scan_page = ScanPage(session)
        self.matches_page = MatchesPage(session, self.previews)
        self.watching_page = WatchingPage(session)
        self.settings_page = SettingsPage(session)
        self.pages: dict[str, QWidget] = {
            "welcome": self.welcome_page,
            "photos": self.photos_page,
            "scan": self.scan_page,
            "matches": self.matches_page,
            "watching": self.watching_page,
            "settings": self.settings_page,
        }

        self._build_navigation()

        self.welcome_page.start_requested.connect(self._go_photos)
        self.scan_page.photos_requested.connect(self._go_photos)
        self.scan_page.show_matches_requested.connect(self._go_matches)
        self.scan_page.scan_started.connect(self.matches_page.follow_scan)
        self.scan_page.item_scanned.connect(self.matches_page.add_live_item)
        self.scan_page.scan_ended.connect(self.matches_page.scan_ended)
        self.matches_page.scan_requested.connect(self._go_scan)
        self.photos_page.profile_changed.connect(self.scan_page.refresh_profile)
        self.photos_page.references_changed.connect(self.scan_page.refresh_profile)
        self.settings_page.about_to_delete.connect(self._stop_work_before_delete)
        self.photos_page.about_to_delete.connect(self._stop_work_before_delete)
        session.engine_failed.connect(self._show_engine_error)
        session.watch_work(self._work_in_pages)
        session.protection_started.connect(self._hold_still)
        session.protection_done.connect(self._go_on)
        session.store_reopened.connect(self._use_reopened_store)
        self.previews.use_evidence(session.store.evidence)

        self._restore()
        session.load_engine()

    def _build_navigation(self) -> None:
        """The page list on the left, the page stack beside it and the Ctrl+number keys."""
        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Pages"))
        # Wide enough for the longest page name in the language and text size in use.
        widest = max(self.nav.fontMetrics().horizontalAdvance(_(t)) for t in PAGE_TITLES.values())
        self.nav.setFixedWidth(max(170, widest + 48))
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        self._shortcuts: list[QShortcut] = []
        for number, key in enumerate(PAGES, 1):
            title = _(PAGE_TITLES[key])
            entry = QListWidgetItem(title)
            # Translators: a page's name and the keys that open it, e.g. "Scan (Ctrl+3)".
            page_and_keys = _("{page} ({shortcut})")
            entry.setToolTip(page_and_keys.format(page=title, shortcut=f"Ctrl+{number}"))
            entry.setSizeHint(entry.sizeHint().expandedTo(self.nav.fontMetrics().size(0, "Xg") * 2))
            self.nav.addItem(entry)
            self.stack.addWidget(_scrolling(self.pages[key]))
            self.pages[key].setAccessibleName(title)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(self._shortcut_handler(key))
            self._shortcuts.append(shortcut)
        self.nav.currentRowChanged.connect(self._on_row)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    @Slot()
    def show_case_in_title(self) -> None:
        """The app's name, and the open case's when the workspace has more than one."""
        self.setWindowTitle(window_title(self.session.data_dir))

    def open_collections(self) -> None:
        """The Collections dialog (gui/collections_dialog.py), modal."""
        from likeness_guard.gui.collections_dialog import CollectionsDialog

        dialog = CollectionsDialog(self.session, self)
        dialog.exec()
        dialog.deleteLater()

    # ---- navigation --------------------------------------------------------------------

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(PAGES.index(key))

    def current_page(self) -> str:
        return PAGES[max(0, self.stack.currentIndex())]

    def _shortcut_handler(self, key: str) -> "_PageSwitch":
        return _PageSwitch(self, key)

    @Slot(int)
    def _on_row(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)

    @Slot()
    def _go_photos(self) -> None:
        self.show_page("photos")

    @Slot()
    def _go_scan(self) -> None:
        self.show_page("scan")

    @Slot()
    def _go_matches(self) -> None:
        self.show_page("matches")

    def _restore(self) -> None:
        preferences = self.session.preferences
        geometry = preferences.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1040, 720)
        self.fit_on_screen()
        has_photos = any(p.reference_count for p in self.session.store.profiles())
        last = preferences.last_page
        if not has_photos:
            self.show_page("welcome")  # the first run, or everything was deleted
        else:
            self.show_page(last if last in PAGES else "photos")

    @Slot()
    def bring_forward(self) -> None:
        """Another start asked for this window: show it, in front, not minimised."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def fit_on_screen(self) -> None:
        """Keep the window inside the screen's free area: a geometry saved at another scale
        or on a larger monitor must not open taller than the screen or off it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        width = min(self.width(), area.width() - extra_w)
        height = min(self.height(), area.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, 320), max(height, 240))
        frame = self.frameGeometry()
        x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
        y = min(max(frame.y(), area.top()), area.bottom() - frame.height() + 1)
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    @Slot(str)
    def _show_engine_error(self, message: str) -> None:
        self.statusBar().showMessage(message)

    @Slot()
    def _stop_work_before_delete(self) -> None:
        self.scan_page.cancel_scan()
        if self.scan_page.task is not None:
            self.scan_page.task.wait()
        self.session.recheck.stop()
        self.previews.forget()

    # ---- while the data folder is encrypted or decrypted ---------------------------------

    def _work_in_pages(self) -> str:
        """What the pages run that keeps the data folder open ("" for nothing)."""
        if self.scan_page.scan_to_come():
            return _(SCANNING_NOW)
        if self.photos_page.is_busy():
            return _(ADDING_PHOTOS_NOW)
        if self.matches_page.is_writing_report():
            return _(WRITING_REPORT_NOW)
        return ""

    @Slot()
    def _hold_still(self) -> None:
        """The store is closed while the change runs: only Settings stays usable."""
        self._set_pages_usable(False)

    @Slot(object, str)
    def _go_on(self, change: object, problem: str) -> None:
        self._set_pages_usable(True)

    def _set_pages_usable(self, usable: bool) -> None:
        self.nav.setEnabled(usable)
        for shortcut in self._shortcuts:
            shortcut.setEnabled(usable)
        for key, page in self.pages.items():
            if key != "settings":
                page.setEnabled(usable)

    @Slot()
    def _use_reopened_store(self) -> None:
        self.previews.forget()  # kept images may have new names and keys
        self.previews.use_evidence(self.session.store.evidence)

    # ---- closing -----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # the theme: light, dark, contrast
            follow_theme(self, QApplication.palette())
            sheet = theme_sheet(QApplication.palette())
            if sheet != self.styleSheet():
                self.setStyleSheet(sheet)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Remember the window, cancel running work and wait for every thread; idempotent.

        A cancelled scan keeps every item finished before the cancel: each is stored as it
        completes, and the scan is marked "cancelled".
        """
        if self._closed:
            return
        self._closed = True
        preferences = self.session.preferences
        preferences.geometry = self.saveGeometry()
        preferences.last_page = self.current_page()
        preferences.sync()
        self.scan_page.shutdown()
        self.photos_page.shutdown()
        self.matches_page.shutdown()
        self.watching_page.shutdown()
        self.settings_page.wait_for_pack_job()
        self.case_menu.shutdown()
        self.previews.shutdown()
        self.session.close()


class _PageSwitch:
    """A callable that shows one page (a shortcut's slot, without a lambda)."""

    def __init__(self, window: MainWindow, key: str) -> None:
        self.window = window
        self.key = key

    def __call__(self) -> None:
        self.window.show_page(self.key)
        self.window.pages[self.key].setFocus(Qt.FocusReason.ShortcutFocusReason)


def _scrolling(page: QWidget) -> QScrollArea:
    """`page` in a scroll area that appears only when the window is smaller than the page
    needs (text at 200 %, a small screen): the page is never squeezed until words are cut."""
    holder = QScrollArea()
    holder.setWidget(page)
    holder.setWidgetResizable(True)
    holder.setFrameShape(QScrollArea.Shape.NoFrame)
    return holder
