"""The "Re-check all scans with my new photos" button of My photos and Matches."""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QPushButton, QWidget

from likeness_guard.gui.rematching import REMATCH_LABEL, REMATCH_TIP
from likeness_guard.gui.session import AppSession
from likeness_guard.locale import N_, _

ALREADY_RUNNING = N_("A re-check is running already; its result will show here.")


class RematchButton(QPushButton):
    """Starts the session's re-match of the current person's scans; disabled while one runs.

    `busy(str)` says why nothing started when a re-match runs already.
    """

    busy = Signal(str)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(_(REMATCH_LABEL), parent)
        self.setToolTip(_(REMATCH_TIP))
        self.session = session
        self.clicked.connect(self.start)
        session.recheck.started.connect(self._on_started)
        session.recheck.done.connect(self._on_done)

    @Slot()
    def start(self) -> None:
        """Compare every scan of the current person again with their photos of today."""
        session = self.session
        if not session.recheck.start(session.preferences.profile_name, session.models_dir):
            self.busy.emit(_(ALREADY_RUNNING))

    def offer_if_useful(self) -> None:
        """Show the button once the current person has photos and a scan to compare."""
        store = self.session.store
        profile = store.profile(self.session.preferences.profile_name)
        self.setVisible(bool(profile and profile.reference_count and store.scans(profile.id)))
        self.setEnabled(not self.session.recheck.is_running())

    @Slot()
    def _on_started(self) -> None:
        self.setEnabled(False)

    @Slot()
    def _on_done(self) -> None:
        self.setEnabled(True)
