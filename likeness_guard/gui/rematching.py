"""Re-matching every scan of a person with their photos of today, off the GUI thread.

No scanned file is read again: `rematch_profile` compares the faces each scan
kept with the reference photos, so thousands of images take seconds. (Not to be confused
with a takedown re-check, which fetches a web address again.) The window calls it
"Re-check all scans with my new photos".
"""

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from likeness_guard.core.domain.words import not_rematched_words, without_copy_words
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.reviewing import ProfileRematch, rematch_profile
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.locale import N_, _, ngettext

REMATCH_LABEL = N_("Re-check all scans with my new photos")
REMATCH_TIP = N_(
    "Compare the faces every scan of this person found again with the photos on My photos. "
    "It takes seconds: no file or web page is read again."
)


def rematch_words(outcome: ProfileRematch) -> str:
    """What a re-match did, in plain words: how many scans, what changed, what could not be
    compared again and why."""
    parts: list[str] = []
    if outcome.results:
        parts.append(_compared_words(outcome))
    elif not outcome.problems:
        parts.append(
            _(
                "There is no finished scan to compare your photos with yet. Scan a folder or a "
                "web page first."
            )
        )
    if outcome.not_rematched:
        parts.append(not_rematched_words(outcome.not_rematched))
    if outcome.new_without_copy:
        parts.append(without_copy_words(outcome.new_without_copy))
    if outcome.problems:
        failed = len(outcome.problems)
        parts.append(
            ngettext(
                "{count} scan could not be compared again and stays as it was:",
                "{count} scans could not be compared again and stay as they were:",
                failed,
            ).format(count=failed)
        )
        parts.extend(why for _scan, why in outcome.problems)
    if outcome.running:
        parts.append(
            _("The scan still running was left as it is: re-check again once it has finished.")
        )
    return " ".join(parts)


def _compared_words(outcome: ProfileRematch) -> str:
    """ "Compared your photos again with 2 scans: 1 new match (3 before, 4 now)." """
    compared = len(outcome.results)
    before, after = outcome.matches_before, outcome.matches_after
    new = after - before
    scans = ngettext("{count} scan", "{count} scans", compared).format(count=compared)
    if new > 0:
        # Translators: {scans} is "1 scan" or "3 scans"; {before} and {after} count matches.
        sentence = ngettext(
            "Compared your photos again with {scans}: {count} new match "
            "({before} before, {after} now).",
            "Compared your photos again with {scans}: {count} new matches "
            "({before} before, {after} now).",
            new,
        )
    elif new < 0:
        # Translators: {scans} is "1 scan" or "3 scans"; {before} and {after} count matches.
        sentence = ngettext(
            "Compared your photos again with {scans}: {count} match fewer "
            "({before} before, {after} now).",
            "Compared your photos again with {scans}: {count} matches fewer "
            "({before} before, {after} now).",
            -new,
        )
    else:
        # Translators: {scans} is "1 scan" or "3 scans"; {before} and {after} count matches.
        sentence = _(
            "Compared your photos again with {scans}: no new match ({before} before, {after} now)."
        )
    return sentence.format(scans=scans, count=abs(new), before=before, after=after)


class RematchRunner(QObject):
    """Runs one re-match of a person's scans at a time on a worker thread.

    Signals: `started()`, `progress(str)` while it runs, then `done(str, bool)`: what
    happened in words, and whether any scan was compared again (pages showing matches
    reload then).
    """

    started = Signal()
    progress = Signal(str)
    done = Signal(str, bool)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self._task: BackgroundTask | None = None

    def is_running(self) -> bool:
        return self._task is not None

    def start(self, profile_name: str, models_dir: Path | None = None) -> bool:
        """Re-match every scan of `profile_name` with the models in `models_dir` (None: the
        bundled ones); False when a re-match is running already."""
        if self._task is not None:
            return False
        folder = self.data_dir

        def job(task: TaskContext) -> ProfileRematch:
            with Store(folder) as store:  # SQLite connections belong to one thread
                return rematch_profile(
                    store,
                    profile_name,
                    models_dir=models_dir,
                    progress=lambda done, total: task.progress((done, total)),
                    cancel=task.cancel,
                )

        self._task = run_task(
            self,
            "rematch",
            job,
            progress=self._on_progress,
            finished=self._on_finished,
            failed=self._on_failed,
        )
        self.started.emit()  # the job's own signals arrive later, through the event loop
        self.progress.emit(_("Comparing your photos again with your scans…"))
        return True

    @Slot(object)
    def _on_progress(self, counts: object) -> None:
        if isinstance(counts, tuple):
            done, total = counts
            self.progress.emit(
                _("Comparing your photos again with your scans… {done} of {total} done").format(
                    done=done, total=total
                )
            )

    @Slot(object)
    def _on_finished(self, outcome: object) -> None:
        self._end()
        assert isinstance(outcome, ProfileRematch)
        self.done.emit(rematch_words(outcome), bool(outcome.results))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end()
        self.done.emit(message, False)

    def _end(self) -> None:
        if self._task is not None:
            self._task.wait()
            self._task.deleteLater()
            self._task = None

    def stop(self) -> None:
        """Stop after the scan in progress and wait (before a deletion, or on closing)."""
        if self._task is not None:
            for signal in (self._task.worker.finished, self._task.worker.failed):
                signal.disconnect()
            self._task.stop()
            self._task.deleteLater()
            self._task = None
            self.done.emit("", False)  # nothing to say: the pages only enable their buttons
