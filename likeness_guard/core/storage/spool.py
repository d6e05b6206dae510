"""Temporary files that may hold a person's material: in the data folder, swept after a kill.

A video a scan downloads and the staging of an evidence export hold a person's pictures.
They never go to the system's temp folder (which outlives a forget, and which other
programs read): downloads are written into `<data>/spool/`, and an export, which must be
staged beside its target to be renamed into place, leaves a note there naming its target
while it runs. Every name carries the id of the process that made it, so a sweep knows
what a process that is gone left behind: `sweep_spool` wipes those (every start does it
while no store is open anywhere; forget does it too), and for each note it wipes the
export's half-written staging beside the target.
"""

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from likeness_guard.core.platform import private_temp_file, process_alive
from likeness_guard.core.storage.fs import wipe_file, wipe_tree, write_atomic
from likeness_guard.core.storage.layout import SPOOL_FOLDER

_NOTE_PREFIX = "export"
_NOTE_SUFFIX = ".note"
# What tempfile adds after a staging prefix: 8 random letters, digits or "_" (mkdtemp), and
# ".tmp" for the zip's atomic_output. Nothing else beside a target is ever touched.
_STAGING_TAIL = re.compile(r"[a-z0-9_]{8}(\.tmp)?")


def spool_folder(data_folder: Path) -> Path:
    """`<data>/spool`, made private (0700) when missing. Raises OSError when it cannot be."""
    folder = data_folder / SPOOL_FOLDER
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    return folder


def new_spool_file(data_folder: Path, prefix: str, suffix: str = ".part") -> Path:
    """A new, empty file readable by this user only in the spool, named for this process.

    Raises OSError when it cannot be made."""
    return private_temp_file(spool_folder(data_folder), prefix, suffix)


def staging_prefix(target: Path) -> str:
    """The name prefix of the staging an export writes beside `target` (`.NAME.`)."""
    return f".{target.name}."


@contextlib.contextmanager
def noted_export(data_folder: Path, target: Path) -> Iterator[None]:
    """Run an export to `target` with a note in the spool naming it: if the process is
    killed, the next sweep wipes the staging it left beside `target`."""
    note = _written_note(data_folder, target)
    try:
        yield
    finally:
        if note is not None:
            wipe_file(note)


def _written_note(data_folder: Path, target: Path) -> Path | None:
    """The note naming `target`; None when the data folder cannot be written (the export
    itself may still work)."""
    try:
        note = new_spool_file(data_folder, _NOTE_PREFIX, _NOTE_SUFFIX)
        write_atomic(note, os.fsencode(target.absolute()))
    except OSError:
        return None
    return note


def sweep_spool(data_folder: Path, *, everything: bool = False) -> int:
    """Wipe what processes that are gone left in the spool (every entry with `everything`:
    the caller holds the folder alone), and the export staging their notes name. Returns
    how many entries were wiped."""
    folder = data_folder / SPOOL_FOLDER
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    wiped = 0
    for entry in entries:
        if not everything and process_alive(_owner(entry.name)):
            continue
        path = Path(entry.path)
        if entry.name.endswith(_NOTE_SUFFIX):
            _wipe_staging(path)
        if entry.is_dir(follow_symlinks=False):
            wipe_tree(path)
        else:
            wipe_file(path)
        wiped += 1
    return wiped


def _owner(name: str) -> int:
    """The process id in a spool name (`video-1234-abc.part`); 0 when there is none."""
    parts = name.split("-")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0


def _wipe_staging(note: Path) -> None:
    """Wipe the hidden staging folder and temporary zip an export left beside its target."""
    try:
        target = Path(os.fsdecode(note.read_bytes()))
        names = os.listdir(target.parent)
    except (OSError, ValueError):
        return
    prefix = staging_prefix(target)
    for name in names:
        if name.startswith(prefix) and _STAGING_TAIL.fullmatch(name[len(prefix) :]):
            left = target.parent / name
            if left.is_dir() and not left.is_symlink():
                wipe_tree(left)
            else:
                wipe_file(left)
