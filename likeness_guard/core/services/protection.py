"""Passphrase protection of the data folder: unlock it, turn it on, change it, turn it off."""

from pathlib import Path

from likeness_guard.core.storage.crypto import MIN_PASSPHRASE
from likeness_guard.core.storage.protection import (
    PassphraseNeeded,
    ProtectionChange,
    SettingsChanged,
    WrongPassphrase,
    is_protected,
    needs_passphrase_message,
)

__all__ = [
    "MIN_PASSPHRASE",
    "PassphraseNeeded",
    "ProtectionChange",
    "SettingsChanged",
    "WrongPassphrase",
    "is_protected",
    "needs_passphrase_message",
]


def unlock(folder: Path, passphrase: str) -> str | None:
    """Hold the folder's key for this process; returns what to tell the person when its
    protection settings had been changed and were put back from their copy. Raises
    WrongPassphrase, or SettingsChanged (a UserFacingError saying what to do)."""
    from likeness_guard.core.storage.protection import unlock as unlock_folder

    return unlock_folder(folder, passphrase)


def protect_folder(folder: Path, passphrase: str) -> ProtectionChange:
    """Encrypt the folder's database, kept images and signing key with a passphrase.

    Every store on the folder must be closed (in this process too). Raises UserFacingError
    (already protected, passphrase too short, folder open elsewhere, conversion failed).
    """
    from likeness_guard.core.storage.protection import protect

    return protect(folder, passphrase)


def change_passphrase(folder: Path, old: str, new: str) -> ProtectionChange:
    """Encrypt everything again under `new`. Raises WrongPassphrase for `old`, and
    UserFacingError as `protect_folder` does."""
    from likeness_guard.core.storage.protection import change_passphrase as change

    return change(folder, old, new)


def remove_protection(folder: Path, passphrase: str) -> ProtectionChange:
    """Decrypt everything and turn protection off. Raises WrongPassphrase, and
    UserFacingError as `protect_folder` does."""
    from likeness_guard.core.storage.protection import remove_protection as remove

    return remove(folder, passphrase)


def read_passphrase_file(path: str) -> str:
    """The passphrase in `path`: its first line, without the line ending (a regular file
    of at most 64 KB: never a FIFO or a device).

    Raises UserFacingError when the file cannot be read or is empty.
    """
    from likeness_guard.core.domain.errors import SourceError, UserFacingError
    from likeness_guard.core.sources.file_checks import read_text_file
    from likeness_guard.locale import _

    try:
        text = read_text_file(path, max_bytes=64 * 1024)
    except (OSError, SourceError) as exc:
        raise UserFacingError(
            _("Cannot read the passphrase file {path}: {reason}").format(path=path, reason=exc)
        ) from exc
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if not passphrase:
        raise UserFacingError(_("The passphrase file {path} is empty.").format(path=path))
    return passphrase
