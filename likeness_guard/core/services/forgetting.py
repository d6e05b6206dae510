"""Deleting: one person's data, or everything, with the database compacted after."""

import logging
from pathlib import Path

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.storage.store import Store


def forget_profile(store: Store, name: str) -> bool:
    """Delete one person's references, scans and the evidence no one else needs.

    Returns False when there is no such profile.
    """
    return store.forget_profile(name)


def forget_everything(store: Store) -> None:
    """Delete every profile, scan and evidence file, and compact the database.

    In a protected folder, the database files and the protection itself go once every
    store on the folder is closed: call `finish_forgetting` then. The OS schedule that
    looks at this folder's watch list goes first (a failure to remove it is logged: it
    stops nothing, and its runs find an empty list).
    """
    from likeness_guard.core.scheduling import turn_off

    try:
        turn_off(store.folder)
    except UserFacingError as exc:
        logging.getLogger(__name__).warning("%s", exc)
    store.forget_all()


def finish_forgetting(folder: Path, wait: float = 10.0) -> bool:
    """After a deletion, with every store of this process closed: wipe the database files
    and the protection of a protected folder after `forget_everything` (waiting up to
    `wait` seconds for other windows and commands to close it), and delete the lock files
    and empty folders the deletion left. True when nothing is left to do now; False when
    another one keeps it open (the next start finishes it)."""
    from likeness_guard.core.storage.forgetting import finish_wipe, tidy_folder
    from likeness_guard.core.storage.journal import DeletionJournal

    finished = finish_wipe(folder, wait) or not DeletionJournal(folder).read().wipe_files
    tidy_folder(folder)
    return finished


def make_room(folder: Path, *, everything: bool) -> bool:
    """Before a deletion opens the store: on a disk so full that the database cannot even
    be opened, delete what needs no database (every kept image and download, when
    everything goes) and give back the space set aside for deleting. True when the disk
    was that full."""
    from likeness_guard.core.storage.forgetting import make_room as room

    return room(folder, everything=everything)


def compaction_pending(folder: Path) -> bool:
    """Whether a deletion still waits for the database to be compacted."""
    from likeness_guard.core.storage.journal import DeletionJournal

    return DeletionJournal(folder).read().compact
