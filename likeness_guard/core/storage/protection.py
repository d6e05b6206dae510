"""Protecting a data folder with a passphrase: turning it on, changing it, turning it off,
and the keys this process was given.

With protection on, the database is encrypted page by page with SQLCipher (its journal and
WAL too), every kept image is sealed (crypto.py) and stored under a keyed name (an HMAC of
its SHA-256, so the name does not tell which image it is), and so is the report-signing
key; each sealed file is bound to its role and name (crypto.py), so two cannot be swapped.
`protection.json` (and its copy, protection_file.py) holds only the Argon2id settings, the
salt and a check value covering every setting, to tell a wrong passphrase at once.

Every change is staged and crash-safe, and runs only while no store is open anywhere (the
folder's exclusive lock): new copies are written beside the old ones (`*.staged`), then the
switch file is written (the moment of commitment), then the copies replace the old files,
which are overwritten. A crash before the switch leaves the old folder as it was (the
copies are wiped at the next start); after it, the next start finishes the change
(`finish_unfinished`). No key is needed for either.

The keys are kept in this process only, per folder, once `unlock` was given the
passphrase: every store opened on that folder afterwards (in any thread) finds them.
"""

import contextlib
import hashlib
import io
import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.domain.errors import StoreError, UserFacingError
from likeness_guard.core.storage.crypto import (
    KEPT_ROLE,
    FolderKey,
    PassphraseNeeded,
    SettingsChanged,
    WrongPassphrase,
    bound_to,
    is_sealed,
    new_protection,
    open_bytes,
    seal_bytes,
    seal_stream,
    unseal_stream,
)
from likeness_guard.core.storage.db import connect
from likeness_guard.core.storage.fs import atomic_output, wipe_file, wipe_tree, write_atomic
from likeness_guard.core.storage.layout import (
    DB_NAME,
    EVIDENCE_FOLDER,
    REPLACED_SUFFIX,
    SECRET_FILES,
    STAGED_SUFFIX,
    SWITCH_NAME,
)
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.migrations import migrate
from likeness_guard.core.storage.protection_file import (
    SETTINGS_FILES,
    is_protected,
    open_settings,
    settings_files,
)

__all__ = ["PassphraseNeeded", "SettingsChanged", "WrongPassphrase", "is_protected"]

log = logging.getLogger(__name__)

# How long a change waits for other windows' and commands' stores to close.
ALONE_WAIT_SECONDS = 10.0
_PIECE = 1024 * 1024
# Secret files are sealed bound to this role and their path in the folder (crypto.bound_to).
_SECRET_ROLE = "secret"
_SIGNING_SECRET = SECRET_FILES[0].as_posix()

_KEYS: dict[str, FolderKey] = {}
_KEYS_LOCK = threading.Lock()


@dataclass(frozen=True)
class ProtectionChange:
    """What a change did: kept files carried over, and damaged ones that could not be."""

    kept_files: int
    damaged_files: int = 0


def needs_passphrase_message(folder: Path) -> str:
    return (
        f"The data in {folder} is protected with a passphrase. Give it with "
        "--passphrase-file FILE (a file holding only the passphrase), or run the command in "
        "a terminal to be asked for it."
    )


def held_key(folder: Path) -> FolderKey | None:
    """The folder's keys when it is protected (None when it is not). Reads, never writes.

    Raises PassphraseNeeded when it is protected and this process was not given the
    passphrase.
    """
    if not is_protected(folder):
        return None
    with _KEYS_LOCK:
        key = _KEYS.get(_folder_id(folder))
    if key is None:
        raise PassphraseNeeded(needs_passphrase_message(folder))
    return key


def unlock(folder: Path, passphrase: str) -> str | None:
    """Check `passphrase` against the folder and keep its keys for this process.

    Returns what to tell the person when the protection settings had been changed and were
    put back from their copy (None otherwise). Raises WrongPassphrase, or SettingsChanged
    when the settings were changed or damaged and the passphrase opens no version of them.
    Does nothing for a folder that is not protected.
    """
    if not is_protected(folder):
        return None
    found = open_settings(folder, passphrase)
    _keep(folder, found.key)
    return found.notice


def forget_keys() -> None:
    """Forget every key this process holds (tests; the window when it closes)."""
    with _KEYS_LOCK:
        _KEYS.clear()


def protect(folder: Path, passphrase: str) -> ProtectionChange:
    """Turn protection on: encrypt the database, seal the kept images and secrets.

    Needs the folder to itself (no store open, no scan running). Raises UserFacingError
    when it is already protected or the passphrase is too short, StoreError when another
    window or command keeps it open or the database cannot be converted.
    """
    settings, key = new_protection(passphrase)
    with _alone(folder):
        if is_protected(folder):
            raise UserFacingError(f"The data in {folder} is already protected with a passphrase.")
        change = _replace(folder, None, key, settings)
    _keep(folder, key)
    return change


def change_passphrase(folder: Path, old: str, new: str) -> ProtectionChange:
    """Encrypt everything again under a new passphrase. Raises WrongPassphrase for `old`,
    UserFacingError when the folder is not protected or `new` too short, StoreError as
    `protect` does."""
    settings, key = new_protection(new)
    with _alone(folder):
        old_key = _checked_key(folder, old)
        change = _replace(folder, old_key, key, settings)
    _keep(folder, key)
    return change


def remove_protection(folder: Path, passphrase: str) -> ProtectionChange:
    """Decrypt everything and turn protection off. Raises WrongPassphrase, UserFacingError
    when the folder is not protected, StoreError as `protect` does."""
    with _alone(folder):
        old_key = _checked_key(folder, passphrase)
        change = _replace(folder, old_key, None, None)
    with _KEYS_LOCK:
        _KEYS.pop(_folder_id(folder), None)
    return change


def finish_unfinished(folder: Path) -> bool:
    """Finish a change that reached its switch, or wipe the copies of one that did not;
    True when there was one. The caller holds the folder alone."""
    if (folder / SWITCH_NAME).exists():
        _finish(folder)
        return True
    leftovers = _leftovers(folder)
    for path in leftovers:
        wipe_tree(path) if path.is_dir() and not path.is_symlink() else wipe_file(path)
    return bool(leftovers)


def change_pending(folder: Path) -> bool:
    """True when a change reached its switch and was not finished (a store must not open)."""
    return (folder / SWITCH_NAME).exists()


# ---- secrets kept in files of their own (the report-signing key) ---------------------------


def sealed_secret(folder: Path, data: bytes, name: str = _SIGNING_SECRET) -> bytes:
    """`data` as a secret file of `folder` keeps it: sealed when the folder is protected,
    bound to `name` (its path in the folder; the report-signing key unless said).

    Raises PassphraseNeeded when it is protected and not unlocked.
    """
    key = held_key(folder)
    return data if key is None else seal_bytes(key.evidence, data, bound_to(_SECRET_ROLE, name))


def opened_secret(folder: Path, stored: bytes, name: str = _SIGNING_SECRET) -> bytes:
    """The plain bytes of a secret file of `folder` (as they are, when not sealed).

    Raises PassphraseNeeded when it is sealed and the folder not unlocked, ValueError when
    it was changed, sealed with another key, or is another sealed file put in its place.
    """
    if not is_sealed(stored):
        return stored
    key = held_key(folder)
    if key is None:
        raise ValueError(f"{folder} holds a sealed file but is not protected")
    return open_bytes(key.evidence, stored, bound_to(_SECRET_ROLE, name))


def seal_in_place(folder: Path, path: Path) -> None:
    """Seal a secret file kept plain in a protected folder (made by an earlier version)."""
    name = path.relative_to(folder).as_posix()
    write_atomic(_staged(path), sealed_secret(folder, path.read_bytes(), name))
    _swap(path)


# ---- the staged change -----------------------------------------------------------------------


@contextlib.contextmanager
def _alone(folder: Path) -> Iterator[None]:
    locks = FolderLocks(folder)
    with locks.forgetting(None, wait=0.0), locks.alone(ALONE_WAIT_SECONDS):
        finish_unfinished(folder)  # an earlier change a crash interrupted
        yield


def _checked_key(folder: Path, passphrase: str) -> FolderKey:
    if not is_protected(folder):
        raise UserFacingError(f"The data in {folder} is not protected with a passphrase.")
    # Both settings files are written anew by the change: nothing to put back first.
    return open_settings(folder, passphrase, repair=False).key


def _replace(
    folder: Path,
    old: FolderKey | None,
    new: FolderKey | None,
    settings: dict[str, object] | None,
) -> ProtectionChange:
    """Stage new copies of everything under `new`, switch, and put them in place."""
    try:
        _stage_database(folder, old, new)
        change = _stage_evidence(folder, old, new)
        for secret in SECRET_FILES:
            _stage_secret(folder, secret, old, new)
        if settings is not None:
            for path, data in settings_files(folder, settings).items():
                write_atomic(_staged(path), data)
    except BaseException:
        finish_unfinished(folder)  # no switch yet: the copies go, the folder is as it was
        raise
    # The switch: from here on the change counts, and a crash is finished at the next start.
    write_atomic(folder / SWITCH_NAME, json.dumps({"protected": new is not None}).encode())
    _finish(folder)
    return change


def _stage_database(folder: Path, old: FolderKey | None, new: FolderKey | None) -> None:
    """Write the database, brought up to date, as `new` encrypts it (plain for None)."""
    source = folder / DB_NAME
    target = _staged(source)
    wipe_file(target)
    with contextlib.closing(connect(source, None if old is None else old.database)) as db:
        migrate(db, folder)  # a new folder gets its tables; an old one is brought up to date
    try:
        import sqlcipher3.dbapi2 as sqlcipher

        with contextlib.closing(sqlcipher.connect(str(source), isolation_level=None)) as db:
            db.execute("PRAGMA cipher_log_level = NONE")
            if old is not None:
                db.execute(f"PRAGMA key = \"x'{old.database.hex()}'\"")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            target_key = "''" if new is None else f"\"x'{new.database.hex()}'\""
            db.execute(f"ATTACH DATABASE ? AS target KEY {target_key}", (str(target),))
            db.execute("SELECT sqlcipher_export('target')")
            db.execute(f"PRAGMA target.user_version = {version}")
            db.execute("DETACH DATABASE target")
        # Owner only (SQLite made it; the folder itself is private). chmod opens nothing.
        os.chmod(target, 0o600)
    except (sqlite3.Error, OSError, ImportError) as exc:
        raise StoreError(f"The database could not be converted ({exc}).") from exc
    except Exception as exc:  # SQLCipher's own exception classes
        raise StoreError(f"The database could not be converted ({exc}).") from exc


def _stage_evidence(folder: Path, old: FolderKey | None, new: FolderKey | None) -> ProtectionChange:
    """Copy every kept file into the staged folder, opened with `old` and sealed with `new`
    under its new name. A damaged file (it no longer opens) is left behind and counted."""
    root = folder / EVIDENCE_FOLDER
    target = _staged(root)
    wipe_tree(target)
    target.mkdir(mode=0o700)
    kept = damaged = 0
    for path in sorted(root.glob("*/*")) if root.is_dir() else []:
        if path.name.startswith("."):  # a copy a killed scan left unfinished
            continue
        try:
            _copy_kept(path, old, new, target)
        except ValueError:
            log.warning("a kept file is damaged and was left out: %s", path.name)
            damaged += 1
            continue
        kept += 1
    return ProtectionChange(kept, damaged)


def _copy_kept(path: Path, old: FolderKey | None, new: FolderKey | None, target: Path) -> None:
    fd, name = tempfile.mkstemp(prefix=".incoming.", suffix=".tmp", dir=target)
    tmp = Path(name)
    try:
        with path.open("rb") as stored, os.fdopen(fd, "wb") as writer:
            pieces: Iterable[bytes] = (
                iter(lambda: stored.read(_PIECE), b"")
                if old is None
                else unseal_stream(old.evidence, stored, bound_to(KEPT_ROLE, path.name))
            )
            if new is None:
                digest = hashlib.sha256()
                for piece in pieces:
                    digest.update(piece)
                    writer.write(piece)
                sha256 = digest.hexdigest()
            else:
                reader = io.BufferedReader(_PieceReader(pieces), _PIECE)
                sha256 = seal_stream(new.evidence, reader, writer, new.kept_binding)
            writer.flush()
            os.fsync(writer.fileno())
        kept_name = sha256 if new is None else new.name_for(sha256)
        (target / kept_name[:2]).mkdir(mode=0o700, exist_ok=True)
        os.replace(tmp, target / kept_name[:2] / kept_name)
    finally:
        tmp.unlink(missing_ok=True)


def _stage_secret(folder: Path, secret: Path, old: FolderKey | None, new: FolderKey | None) -> None:
    path = folder / secret
    binding = bound_to(_SECRET_ROLE, secret.as_posix())
    try:
        stored = path.read_bytes()
    except FileNotFoundError:
        return
    if is_sealed(stored):
        if old is None:
            raise StoreError(f"{path} is sealed, but the folder is not protected.")
        try:
            stored = open_bytes(old.evidence, stored, binding)
        except ValueError as exc:
            raise StoreError(f"{path} cannot be opened ({exc}).") from exc
    with atomic_output(_staged(path)) as tmp:
        tmp.write_bytes(stored if new is None else seal_bytes(new.evidence, stored, binding))


def _finish(folder: Path) -> None:
    """Put the staged copies in place and wipe the old ones (safe to run again)."""
    database = folder / DB_NAME
    if _staged(database).exists():
        for suffix in ("-wal", "-shm"):  # the old database's, emptied by its checkpoint
            wipe_file(folder / (DB_NAME + suffix))
    _swap(database)
    _swap(folder / EVIDENCE_FOLDER)
    for secret in SECRET_FILES:
        _swap(folder / secret)
    staged = [_staged(folder / name) for name in SETTINGS_FILES]
    if any(path.exists() for path in staged):
        for path in staged:  # the copy first: a kill between the two is finished again
            if path.exists():
                os.replace(path, path.with_name(path.name.removesuffix(STAGED_SUFFIX)))
    elif not _switch_target_protected(folder):
        for name in SETTINGS_FILES:  # protection removed: everything is plain again
            wipe_file(folder / name)
    wipe_file(folder / SWITCH_NAME)


def _swap(path: Path) -> None:
    """Put `path`'s staged copy in its place and wipe the replaced one (safe to repeat)."""
    staged, replaced = _staged(path), path.with_name(path.name + REPLACED_SUFFIX)
    if staged.exists():
        if path.exists():
            os.replace(path, replaced)
        os.replace(staged, path)
    if replaced.is_dir():
        wipe_tree(replaced)
    else:
        wipe_file(replaced)


def _switch_target_protected(folder: Path) -> bool:
    """Whether the change behind the switch file ends protected (it is written whole)."""
    try:
        return bool(json.loads((folder / SWITCH_NAME).read_bytes())["protected"])
    except (OSError, ValueError, KeyError, TypeError):
        return True  # keep the settings: a protected folder stays openable


def _staged(path: Path) -> Path:
    return path.with_name(path.name + STAGED_SUFFIX)


def _staged_paths(folder: Path) -> list[Path]:
    names = [folder / DB_NAME, folder / EVIDENCE_FOLDER, *(folder / n for n in SETTINGS_FILES)]
    return [_staged(path) for path in names + [folder / s for s in SECRET_FILES]]


def _leftovers(folder: Path) -> list[Path]:
    """What a change killed before its switch left: the staged copies, the database copy's
    own journal, and the half-written temporary file of each (a signing key being
    decrypted lies plain in one)."""
    staged = _staged_paths(folder)
    database = _staged(folder / DB_NAME)
    found = [*staged, *(database.with_name(database.name + end) for end in ("-journal", "-wal"))]
    for path in [*staged, folder / SWITCH_NAME]:
        found += path.parent.glob(f".{path.name}.*.tmp")  # fs.atomic_output's names
    return [path for path in found if path.exists() or path.is_symlink()]


def _keep(folder: Path, key: FolderKey) -> None:
    with _KEYS_LOCK:
        _KEYS[_folder_id(folder)] = key


def _folder_id(folder: Path) -> str:
    return str(folder.resolve())


class _PieceReader(io.RawIOBase):
    """A readable stream over pieces of bytes (the opened pieces of a sealed file)."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview | bytearray") -> int:  # type: ignore[override]
        while not self._rest:
            try:
                self._rest = next(self._pieces)
            except StopIteration:
                return 0
        count = min(len(buffer), len(self._rest))
        buffer[:count] = self._rest[:count]
        self._rest = self._rest[count:]
        return count
