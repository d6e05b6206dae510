"""The Matches page's scan chooser: each scan named by what it scanned, what it found, how
it ended and when, and "All scans" once there are several."""

from PySide6.QtWidgets import QComboBox, QWidget

from likeness_guard.core.domain.records import ScanOutcome
from likeness_guard.core.domain.words import OUTCOME_WORDS, inputs_words
from likeness_guard.core.services.scanning import ScanSummary
from likeness_guard.locale import _, ngettext

ALL_SCANS = -1  # the chooser's entry for every scan at once


def scan_label(summary: ScanSummary) -> str:
    """How a scan is named in the chooser: what was scanned, how much, how it ended, when."""
    scan, counts = summary.scan, summary.counts
    started = scan.started_at.replace("T", " ").rstrip("Z")[:16]
    outcome = summary.outcome
    images = ngettext("{count} image", "{count} images", counts.items)
    matches = ngettext("{count} match", "{count} matches", counts.matches)
    if outcome is ScanOutcome.FINISHED:
        # Translators: {inputs} names what was scanned; {images} is "3 images", {matches}
        # "1 match"; {started} a date and time.
        label = _("{inputs} — {images}, {matches} ({started} UTC)")
    else:
        # Translators: as above; {outcome} says how the scan ended ("stopped by you").
        label = _("{inputs} — {images}, {matches}, {outcome} ({started} UTC)")
    return label.format(
        inputs=inputs_words(scan.inputs),
        images=images.format(count=counts.items),
        matches=matches.format(count=counts.matches),
        outcome=OUTCOME_WORDS[outcome],
        started=started,
    )


def newest_with_results(summaries: list[ScanSummary]) -> int | None:
    """The newest scan that found something: where Matches opens, never an empty one."""
    for summary in summaries:
        if summary.counts.matches:
            return summary.scan.id
    return summaries[0].scan.id if summaries else None


class ScanChooser(QComboBox):
    """Holds a scan id (or ALL_SCANS) as each entry's data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Which scan"))
        # A scan's name can be long: shown cut in the middle of a narrow window rather than
        # pushing the page wider than the screen (the list opens as wide as it needs).
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)

    def fill(self, summaries: list[ScanSummary], scan_id: int | None = None) -> int:
        """List `summaries` (newest first) and choose `scan_id`; None chooses the newest
        scan that found something. Returns the id chosen."""
        self.clear()
        for summary in summaries:
            self.addItem(scan_label(summary), summary.scan.id)
        if len(summaries) > 1:
            self.addItem(_("All scans"), ALL_SCANS)
        self.setEnabled(bool(summaries))
        if scan_id is None:
            newest = newest_with_results(summaries)
            scan_id = newest if newest is not None else ALL_SCANS
        index = self.findData(scan_id)
        if index >= 0:
            self.setCurrentIndex(index)
        return scan_id

    def scan_at(self, index: int) -> int:
        """The scan id of an entry (ALL_SCANS for "All scans")."""
        data = self.itemData(index)
        return int(data) if isinstance(data, int) else ALL_SCANS

    def rename(self, summary: ScanSummary) -> None:
        """Name a listed scan again, with its counts as they are now."""
        index = self.findData(summary.scan.id)
        if index >= 0:
            self.setItemText(index, scan_label(summary))
