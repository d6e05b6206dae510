"""What every start does first: finish an interrupted deletion, find interrupted scans."""

from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.domain.words import FINISHED_DELETION_NOTICE, interrupted_notice
from likeness_guard.core.storage import forgetting
from likeness_guard.core.storage.store import Store


def recover(store: Store) -> list[str]:
    """Finish a deletion a crash left half done, and mark scans whose process is gone as
    interrupted. Returns what to tell the user (one sentence each)."""
    notes: list[str] = []
    if forgetting.finish_pending(store):
        notes.append(FINISHED_DELETION_NOTICE)
    running = {scan.id for scan in store.scans() if scan.status is ScanStatus.RUNNING}
    if running and store.mark_interrupted_scans():
        interrupted = [
            scan
            for scan in store.scans()
            if scan.id in running and scan.status is ScanStatus.INTERRUPTED
        ]
        counts = store.scan_counts(scan.id for scan in interrupted)
        notes += [
            interrupted_notice(scan.id, scan.profile_name, counts[scan.id].items)
            for scan in interrupted
        ]
    return notes
