"""Answers ("Me" / "Not me") as the whole data folder knows them, watched for changes.

An answer may be given on a tile, in the detail, or by `likeness-guard review` in a terminal
on the same data folder: the Matches grid follows all of them. The store's data_version
changes with every commit by another connection, so asking it each second costs almost
nothing; the answers are read again only when it changed.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.reviewing import Answers, answers, answers_stamp

WATCH_MS = 1000  # how often the window looks for answers given elsewhere


class AnswerWatch(QObject):
    """Holds the folder's answers (`current`); `changed(Answers)` when they are no longer the
    same, whoever gave them. `store` is a callable: the session's store may be reopened."""

    changed = Signal(object)

    def __init__(self, store: Callable[[], Store], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._stamp: int | None = None
        self.current = Answers()
        self._timer = QTimer(self)
        self._timer.setInterval(WATCH_MS)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def read(self) -> Answers:
        """Read the answers now (after this window gave one, or listed other items)."""
        self._stamp = answers_stamp(self._store())
        self.current = answers(self._store())
        return self.current

    @Slot()
    def _look(self) -> None:
        stamp = answers_stamp(self._store())
        if stamp is None or stamp == self._stamp:
            return
        before = self.current
        if not self.read().same_as(before):
            self.changed.emit(self.current)
