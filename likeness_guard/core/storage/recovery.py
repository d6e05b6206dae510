"""What every start does first: finish what a crash interrupted (a protection change, a
deletion), and find interrupted scans."""

import contextlib
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.domain.words import (
    FINISHED_DELETION_NOTICE,
    FINISHED_PROTECTION_NOTICE,
    interrupted_notice,
)
from likeness_guard.core.storage import forgetting, protection
from likeness_guard.core.storage.journal import DeletionJournal
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.spool import sweep_spool
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _


def prepare_folder(folder: Path) -> list[str]:
    """Before any store opens (and before the passphrase is asked): finish or undo a
    protection change a crash interrupted, wipe the files of a deletion of everything
    that could not wipe them, the temporary files (downloads, export staging) that a
    killed scan or export left, and lock files and kept-image folders no one uses. Needs
    no key. Does nothing while another window or command has the folder open (it did this
    when it started). Returns what to tell the user."""
    notes: list[str] = []
    with contextlib.suppress(StoreError), FolderLocks(folder).alone():
        switched = protection.change_pending(folder)
        if protection.finish_unfinished(folder) and switched:
            notes.append(_(FINISHED_PROTECTION_NOTICE))
        journal = DeletionJournal(folder)
        if journal.read().wipe_files:
            forgetting.wipe_folder_files(folder)
            journal.clear()
            notes.append(_(FINISHED_DELETION_NOTICE))
        sweep_spool(folder, everything=True)  # no store is open anywhere: none is in use
        forgetting.tidy_alone(folder)  # lock files and empty folders no one uses
    return notes


def recover(store: Store) -> list[str]:
    """Finish a deletion a crash left half done, and mark scans whose process is gone as
    interrupted. Returns what to tell the user (one sentence each)."""
    notes: list[str] = []
    if forgetting.finish_pending(store):
        notes.append(_(FINISHED_DELETION_NOTICE))
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
