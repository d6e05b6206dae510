"""The protection settings file and its copy: read, checked against each other, put back.

`protection.json` holds the Argon2id settings, the salt and a check value that covers
every setting (crypto.py). `protection.copy.json` holds the same bytes. Someone who changes
or deletes one of them (to make the person believe she forgot her passphrase) is found
out: the two differ, the version the passphrase opens is used, the other is put back from
it, and the person is told. A change to both that the passphrase does not open reads as a
wrong passphrase (nothing on the disk can tell the two apart); settings that no version
writes are refused with a message saying what happened and what to do. The data itself is
never touched by any of this.
"""

import contextlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.storage.crypto import (
    FolderKey,
    SettingsChanged,
    WrongPassphrase,
    opened,
    settings_bytes,
    settings_problem,
)
from likeness_guard.core.storage.fs import write_atomic
from likeness_guard.core.storage.layout import PROTECTION_COPY_NAME, PROTECTION_NAME
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.locale import _

log = logging.getLogger(__name__)

SETTINGS_FILES = (PROTECTION_NAME, PROTECTION_COPY_NAME)


@dataclass(frozen=True)
class OpenedSettings:
    """The keys a passphrase gave, and what to tell the person (settings put back)."""

    key: FolderKey
    notice: str | None = None


def is_protected(folder: Path) -> bool:
    """Whether the folder is protected: either settings file says so (one may be gone)."""
    return any((folder / name).exists() for name in SETTINGS_FILES)


def settings_files(folder: Path, settings: dict[str, object]) -> dict[Path, bytes]:
    """The files (and their bytes) that keep `settings` in `folder`."""
    data = settings_bytes(settings)
    return {folder / name: data for name in SETTINGS_FILES}


def open_settings(folder: Path, passphrase: str, *, repair: bool = True) -> OpenedSettings:
    """The folder's keys under `passphrase`, checked against both settings files.

    When the files differ (one changed, damaged or missing), each readable version is
    tried; the one the passphrase opens is used, and with `repair` the other file is put
    back from it (only while no store is open anywhere; else at a later unlock). An old
    folder's settings (version 1, no copy) are brought up to the current form the same way.
    Raises WrongPassphrase when the two agree and the passphrase opens neither,
    SettingsChanged when they were changed or damaged and the passphrase opens none.
    """
    found = {name: _read(folder / name) for name in SETTINGS_FILES}
    readable = [value for value in found.values() if isinstance(value, dict)]
    agree = len(readable) == 2 and readable[0] == readable[1]
    # A folder protected before the copy existed: one file, of version 1.
    legacy = (
        len(readable) == 1
        and readable[0].get("version") == 1
        and not (folder / PROTECTION_COPY_NAME).exists()
    )
    tried: list[dict[str, object]] = []
    for settings in readable:
        if settings in tried:
            continue
        tried.append(settings)
        try:
            key, current = opened(settings, passphrase)
        except (WrongPassphrase, SettingsChanged) as exc:
            if agree or legacy:
                raise
            log.info("a version of the protection settings did not open: %s", exc)
            continue
        stale = [
            path
            for path, data in settings_files(folder, current).items()
            if _bytes_of(found[path.name]) != data
        ]
        if repair and stale:
            _put_back(folder, current)
        notice = None if (agree or legacy) else _put_back_notice(folder, stale)
        return OpenedSettings(key, notice)
    raise SettingsChanged(_changed_message(folder, found))


def _read(path: Path) -> dict[str, object] | str:
    """The settings in `path`, or why they cannot be used (missing, damaged, impossible)."""
    try:
        settings = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as exc:
        return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if not isinstance(settings, dict):
        return "not an object"
    problem = settings_problem(settings)
    return settings if problem is None else problem


def _bytes_of(found: dict[str, object] | str) -> bytes | None:
    return settings_bytes(found) if isinstance(found, dict) else None


def _put_back(folder: Path, settings: dict[str, object]) -> None:
    """Write both settings files, when no store is open anywhere (a protection change may
    be running otherwise: it writes them itself)."""
    with contextlib.suppress(StoreError), FolderLocks(folder).alone(0.0):
        for path, data in settings_files(folder, settings).items():
            with contextlib.suppress(OSError):
                write_atomic(path, data)


def _put_back_notice(folder: Path, stale: list[Path]) -> str:
    names = ", ".join(str(path) for path in stale) or str(folder / PROTECTION_NAME)
    return _(
        "The protection settings of your data folder had been changed, damaged or deleted "
        "({names}). Your passphrase opened the copy Likeness Guard keeps, and the settings "
        "were put back from it. Your data was not touched. If you did not do this yourself, "
        "someone with access to this computer may have tried to lock you out of your data."
    ).format(names=names)


def _changed_message(folder: Path, found: dict[str, dict[str, object] | str]) -> str:
    # Why each unusable file cannot be used (the system's words or the setting at fault);
    # a readable one failed the passphrase's check, which the sentence itself says.
    details = "; ".join(f"{name}: {why}" for name, why in found.items() if isinstance(why, str))
    return _(
        "The protection settings of the data folder {folder} were changed or damaged "
        "({details}), and your passphrase opens none of them. Your data itself was not "
        "touched and nothing has been deleted. Put back {main} and {copy} from a backup of "
        "this folder, then try again. If you are sure of the passphrase, someone with "
        "access to this computer may have changed these files."
    ).format(
        folder=folder,
        details=details,
        main=PROTECTION_NAME,
        copy=PROTECTION_COPY_NAME,
    )
