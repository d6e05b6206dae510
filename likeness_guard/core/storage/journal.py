"""The deletion journal: what a deletion set out to do, so that a crash mid-way is finished.

Before a deletion touches anything, it writes what it is about to delete (profile numbers,
or "everything"; never a name) into `<data>/deletions.journal`; the entry is cleared only
once the rows, the kept images and the compaction are all done. The next start finds an
entry left behind and finishes the job.

The file is made once at its full size and then overwritten in place, so that writing it
needs no free space: a full disk must never stop a deletion.
"""

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from likeness_guard.core.platform import reserve_space, write_at
from likeness_guard.core.storage.layout import JOURNAL_NAME, RESERVE_NAME

# Space set aside while there is some, given back when a deletion meets a full disk: the
# database needs room in its write-ahead log even to delete (deleted rows are overwritten).
RESERVE_BYTES = 4 * 1024 * 1024
_SIZE = 4096


@dataclass
class PendingDeletion:
    """What a deletion still has to do."""

    profiles: set[int] = field(default_factory=set)
    everything: bool = False
    sweep_evidence: bool = False  # kept images no item refers to any more
    compact: bool = False  # VACUUM, postponed by a full disk
    # The database files, protection settings and sealed secrets, to be overwritten and
    # removed once no connection is open (after deleting everything in a protected folder,
    # or on a full disk).
    wipe_files: bool = False

    @property
    def rows_pending(self) -> bool:
        """Something to finish through an open store."""
        return bool(self.profiles or self.everything or self.sweep_evidence or self.compact)

    @property
    def empty(self) -> bool:
        return not (self.rows_pending or self.wipe_files)


class DeletionJournal:
    """The journal file of one data folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / JOURNAL_NAME

    def prepare(self) -> None:
        """Make the file at its full size, and the reserve, while there is room."""
        if not self.path.exists():
            with contextlib.suppress(OSError):
                self._write_raw(b"{}")
        reserve = self.path.with_name(RESERVE_NAME)
        if not reserve.exists():
            try:
                fd = os.open(reserve, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError:
                return
            try:  # real blocks, not a sparse file (which would reserve nothing)
                reserve_space(fd, RESERVE_BYTES)
            except OSError:  # no room for it now: try again at the next start
                os.close(fd)
                reserve.unlink(missing_ok=True)
                return
            os.close(fd)

    def give_back_reserve(self) -> bool:
        """Free the reserved space (a deletion met a full disk); True when there was some."""
        reserve = self.path.with_name(RESERVE_NAME)
        try:
            reserve.unlink()
        except OSError:
            return False
        return True

    def read(self) -> PendingDeletion:
        """What is pending; a torn or unreadable entry means "sweep and compact"."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return PendingDeletion()
        except OSError:
            return PendingDeletion(sweep_evidence=True, compact=True)
        try:
            data = json.loads(raw.decode("utf-8").strip() or "{}")
            return PendingDeletion(
                profiles={int(p) for p in data.get("profiles", [])},
                everything=bool(data.get("everything", False)),
                sweep_evidence=bool(data.get("sweep_evidence", False)),
                compact=bool(data.get("compact", False)),
                wipe_files=bool(data.get("wipe_files", False)),
            )
        except (ValueError, TypeError, AttributeError):
            return PendingDeletion(sweep_evidence=True, compact=True)

    def write(self, pending: PendingDeletion) -> bool:
        """Record `pending` in place; False when it could not be written (the deletion goes on
        all the same)."""
        data = {
            "profiles": sorted(pending.profiles),
            "everything": pending.everything,
            "sweep_evidence": pending.sweep_evidence,
            "compact": pending.compact,
            "wipe_files": pending.wipe_files,
        }
        try:
            self._write_raw(json.dumps(data).encode("utf-8"))
        except OSError:
            return False
        return True

    def add(self, **changes: object) -> PendingDeletion:
        """Merge `changes` into what is pending and write it; returns the new state."""
        pending = self.read()
        for key, value in changes.items():
            if key == "profiles":
                assert isinstance(value, set)
                pending.profiles |= value
            else:
                setattr(pending, key, bool(value) or getattr(pending, key))
        self.write(pending)
        return pending

    def clear(self) -> None:
        self.write(PendingDeletion())

    def _write_raw(self, text: bytes) -> None:
        if len(text) > _SIZE:
            text = json.dumps({"sweep_evidence": True, "compact": True}).encode()
        padded = text.ljust(_SIZE, b" ")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            write_at(fd, padded, 0)  # the same blocks every time: no new space needed
            os.fsync(fd)
        finally:
            os.close(fd)
