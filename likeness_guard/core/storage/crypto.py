"""Protecting a data folder with a passphrase: key derivation, sealed files, and the switch.

With protection on, the database is encrypted page by page with SQLCipher (its journal and
WAL too), and every kept image is sealed with AES-256-GCM under its own random nonce and
stored under a keyed name (an HMAC of its SHA-256, so the name does not tell which image
it is). The report-signing key is sealed the same way, so that no one with the files alone
can sign a report as this installation. One key comes from the passphrase through Argon2id;
the database, the images and the names each get their own subkey (HKDF). `protection.json`
holds only the Argon2id settings, the salt and a check value to tell a wrong passphrase at
once.

The keys are kept in this process only, per folder, once `unlock` has been given the
passphrase: every Store opened on that folder afterwards (in any thread) finds them.
"""

import base64
import contextlib
import hashlib
import hmac
import io
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from likeness_guard.core.domain.errors import StoreError, UserFacingError
from likeness_guard.core.storage.paths import (
    SIGNING_FOLDER,
    SIGNING_KEY_FILE,
    atomic_output,
    file_sha256,
    write_atomic,
)

PROTECTION_NAME = "protection.json"
_PROTECTING = ".protecting"
_PLAIN_OLD = ".plain-old"
SEALED_MAGIC = b"LGE2"
_PIECE = 1024 * 1024
_LABEL = b"likeness-guard evidence"
# Argon2id: 3 passes over 128 MiB, 2 lanes (about 0.2 s on a 2-core laptop).
_ARGON2 = {"time_cost": 3, "memory_cost": 128 * 1024, "parallelism": 2}
_CHECK_LABEL = b"likeness-guard passphrase check"
# Secrets kept in files of their own, sealed when the folder is protected.
_SEALED_FILES = (Path(SIGNING_FOLDER) / SIGNING_KEY_FILE,)


class PassphraseNeeded(StoreError):
    """The folder is protected and no passphrase was given."""


class WrongPassphrase(StoreError):
    """The passphrase given does not open the folder."""


@dataclass(frozen=True)
class FolderKey:
    """The three subkeys of one protected folder."""

    database: bytes
    evidence: bytes
    names: bytes

    def name_for(self, sha256: str) -> str:
        """The file name of a kept image: says nothing about which image it is."""
        return hmac.new(self.names, sha256.encode("ascii"), hashlib.sha256).hexdigest()


_KEYS: dict[str, FolderKey] = {}
_KEYS_LOCK = threading.Lock()


def is_protected(folder: Path) -> bool:
    return (folder / PROTECTION_NAME).exists()


def needs_passphrase_message(folder: Path) -> str:
    return (
        f"The data in {folder} is protected with a passphrase. Give it with "
        "--passphrase-file FILE (a file holding only the passphrase), or run the command in "
        "a terminal to be asked for it."
    )


def key_for(folder: Path) -> FolderKey | None:
    """The folder's keys when it is protected (None when it is not).

    Raises PassphraseNeeded when it is protected and this process was not given the
    passphrase.
    """
    if not is_protected(folder):
        _abort_unfinished_protect(folder)
        return None
    with _KEYS_LOCK:
        key = _KEYS.get(_folder_id(folder))
    if key is None:
        raise PassphraseNeeded(needs_passphrase_message(folder))
    return key


def unlock(folder: Path, passphrase: str) -> None:
    """Check `passphrase` against the folder and keep its keys for this process.

    Raises WrongPassphrase, or StoreError when the protection file is damaged. Does nothing
    for a folder that is not protected. Finishes a `protect` that was interrupted.
    """
    if not is_protected(folder):
        return
    settings = _read_settings(folder)
    master = _derive(passphrase, settings)
    expected = base64.b64decode(str(settings["check"]))
    if not hmac.compare_digest(hmac.new(master, _CHECK_LABEL, "sha256").digest(), expected):
        raise WrongPassphrase(
            "That passphrase does not open this data folder. Check it (letters, spaces and "
            "the case count) and try again."
        )
    with _KEYS_LOCK:
        _KEYS[_folder_id(folder)] = _subkeys(master)
    _finish_protect(folder)


def lock_all() -> None:
    """Forget every key this process holds (tests; the window when it closes)."""
    with _KEYS_LOCK:
        _KEYS.clear()


def seal_stream(key: bytes, reader: BinaryIO, writer: BinaryIO) -> str:
    """Encrypt everything `reader` gives into `writer`, in authenticated pieces; returns the
    SHA-256 (hex) of the plain bytes.

    Each piece of up to 1 MiB is sealed with AES-256-GCM under a nonce made of a random
    prefix and the piece's number, and the last piece is marked as last, so that pieces
    cannot be reordered, dropped or cut off unnoticed. Memory stays at one piece.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    prefix = secrets.token_bytes(8)
    writer.write(SEALED_MAGIC + prefix)
    digest = hashlib.sha256()
    number = 0
    piece = reader.read(_PIECE)
    while True:
        following = reader.read(_PIECE) if piece else b""
        last = not following
        digest.update(piece)
        nonce = prefix + number.to_bytes(4, "big")
        sealed = aead.encrypt(nonce, piece, _LABEL + (b"\x01" if last else b"\x00"))
        writer.write(len(sealed).to_bytes(4, "big") + sealed)
        if last:
            return digest.hexdigest()
        piece, number = following, number + 1


def unseal_stream(key: bytes, reader: BinaryIO) -> Iterator[bytes]:
    """The plain pieces of a sealed file, in order.

    Raises ValueError when the file was changed, cut short or was not sealed with this key.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    head = reader.read(len(SEALED_MAGIC) + 8)
    if len(head) != len(SEALED_MAGIC) + 8 or not head.startswith(SEALED_MAGIC):
        raise ValueError("not a sealed file")
    aead = AESGCM(key)
    prefix = head[len(SEALED_MAGIC) :]
    number = 0
    size_bytes = reader.read(4)
    while True:
        if len(size_bytes) != 4:
            raise ValueError("the sealed file is cut short")
        size = int.from_bytes(size_bytes, "big")
        if size > _PIECE + 16:
            raise ValueError("the sealed file is damaged")
        sealed = reader.read(size)
        size_bytes = reader.read(4)  # nothing more: this piece must be marked as the last
        last = not size_bytes
        nonce = prefix + number.to_bytes(4, "big")
        try:
            yield aead.decrypt(nonce, sealed, _LABEL + (b"\x01" if last else b"\x00"))
        except InvalidTag:
            raise ValueError("the sealed file was changed or damaged") from None
        if last:
            return
        number += 1


def _key_of(folder: Path) -> FolderKey:
    key = key_for(folder)
    if key is None:
        raise ValueError(f"{folder} holds a sealed file but is not protected")
    return key


def sealed_if_protected(folder: Path, data: bytes) -> bytes:
    """`data` as a secret file of `folder` keeps it: sealed when the folder is protected.

    Raises PassphraseNeeded when it is protected and not unlocked.
    """
    if not is_protected(folder):
        return data
    out = io.BytesIO()
    seal_stream(_key_of(folder).evidence, io.BytesIO(data), out)
    return out.getvalue()


def opened(folder: Path, stored: bytes) -> bytes:
    """The plain bytes of a secret file of `folder` (as they are, when not sealed).

    Raises PassphraseNeeded when it is sealed and the folder not unlocked, ValueError when
    it was changed or sealed with another key.
    """
    if not stored.startswith(SEALED_MAGIC):
        return stored
    return b"".join(unseal_stream(_key_of(folder).evidence, io.BytesIO(stored)))


def seal_in_place(folder: Path, path: Path) -> None:
    """Seal a secret file kept plain in a protected folder (made by an earlier version)."""
    _stage_sealed(path, _key_of(folder))
    _swap_sealed(path)


def protect(folder: Path, passphrase: str, db_name: str) -> int:
    """Turn protection on for `folder`: encrypt its database and kept images.

    The caller holds the folder's locks, with no Store open. Returns how many kept images
    were sealed. Raises UserFacingError when the folder is already protected or the
    passphrase is too short, StoreError when the database cannot be converted.
    """
    if is_protected(folder):
        raise UserFacingError(f"The data in {folder} is already protected with a passphrase.")
    if len(passphrase) < 8:
        raise UserFacingError(
            "Choose a passphrase of at least 8 characters (a few unrelated words are easy to "
            "remember and hard to guess)."
        )
    salt = secrets.token_bytes(16)
    settings: dict[str, object] = {
        "version": 1,
        "kdf": "argon2id",
        **_ARGON2,
        "salt": base64.b64encode(salt).decode("ascii"),
        "database": "sqlcipher4",
        "evidence": "aes-256-gcm",
    }
    master = _derive(passphrase, settings)
    settings["check"] = base64.b64encode(hmac.new(master, _CHECK_LABEL, "sha256").digest()).decode(
        "ascii"
    )
    key = _subkeys(master)
    _abort_unfinished_protect(folder)
    _encrypt_database(folder / db_name, key)
    sealed = _seal_evidence(folder / "evidence", key)
    for name in _SEALED_FILES:
        _stage_sealed(folder / name, key)
    # The switch: from here on the folder is protected, and a crash is finished by unlock.
    write_atomic(folder / PROTECTION_NAME, json.dumps(settings, indent=2).encode("utf-8"))
    with _KEYS_LOCK:
        _KEYS[_folder_id(folder)] = key
    _finish_protect(folder)
    return sealed


def wipe_file(path: Path) -> None:
    """Overwrite a file with zeros where it lies, then delete it (needs no free space).

    On copy-on-write file systems and SSDs the old blocks may survive elsewhere; deleting
    through the file system is all an app can do there.
    """
    with contextlib.suppress(FileNotFoundError):
        try:
            fd = os.open(path, os.O_WRONLY)
        except OSError:
            path.unlink(missing_ok=True)
            return
        try:
            size = os.fstat(fd).st_size
            zeros = bytes(min(size, 1 << 20))
            offset = 0
            while offset < size:
                offset += os.pwrite(fd, zeros[: min(len(zeros), size - offset)], offset)
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
        path.unlink()


def wipe_tree(root: Path) -> None:
    """`wipe_file` every file under `root`, then remove the folders."""
    if not root.is_dir():
        return
    for dirpath, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            wipe_file(Path(dirpath) / name)
        with contextlib.suppress(OSError):
            os.rmdir(dirpath)


def _folder_id(folder: Path) -> str:
    return str(folder.resolve())


def _read_settings(folder: Path) -> dict[str, object]:
    try:
        settings = json.loads((folder / PROTECTION_NAME).read_text(encoding="utf-8"))
        if settings.get("kdf") != "argon2id" or "check" not in settings:
            raise ValueError("unknown protection settings")
        return dict(settings)
    except (OSError, ValueError, AttributeError) as exc:
        raise StoreError(
            f"The protection settings in {folder / PROTECTION_NAME} are damaged ({exc}). "
            "Without them the data cannot be opened."
        ) from exc


def _derive(passphrase: str, settings: dict[str, object]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    salt = base64.b64decode(str(settings["salt"]))
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=int(str(settings["time_cost"])),
        memory_cost=int(str(settings["memory_cost"])),
        parallelism=int(str(settings["parallelism"])),
        hash_len=32,
        type=Type.ID,
    )


def _subkeys(master: bytes) -> FolderKey:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def sub(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)

    return FolderKey(
        database=sub(b"likeness-guard database"),
        evidence=sub(b"likeness-guard evidence"),
        names=sub(b"likeness-guard evidence names"),
    )


def _encrypt_database(db_path: Path, key: FolderKey) -> None:
    if not db_path.exists():
        return
    target = db_path.with_name(db_path.name + _PROTECTING)
    target.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(db_path)) as plain:
            plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            version = int(plain.execute("PRAGMA user_version").fetchone()[0])
        import sqlcipher3.dbapi2 as sqlcipher

        os.close(os.open(target, os.O_RDWR | os.O_CREAT, 0o600))
        with contextlib.closing(sqlcipher.connect(str(db_path), isolation_level=None)) as db:
            db.execute("PRAGMA cipher_log_level = NONE")
            db.execute(
                "ATTACH DATABASE ? AS protected KEY \"x'" + key.database.hex() + "'\"",
                (str(target),),
            )
            db.execute("SELECT sqlcipher_export('protected')")
            db.execute(f"PRAGMA protected.user_version = {version}")
            db.execute("DETACH DATABASE protected")
    except Exception as exc:
        target.unlink(missing_ok=True)
        raise StoreError(f"The database could not be encrypted ({exc}).") from exc


def _seal_evidence(root: Path, key: FolderKey) -> int:
    if not root.is_dir():
        return 0
    target = root.with_name(root.name + _PROTECTING)
    wipe_tree(target)
    count = 0
    for path in sorted(root.glob("*/*")):
        sha256 = file_sha256(path)
        name = key.name_for(sha256)
        target.mkdir(mode=0o700, exist_ok=True)
        folder = target / name[:2]
        folder.mkdir(mode=0o700, exist_ok=True)
        with (
            atomic_output(folder / name) as tmp,
            path.open("rb") as reader,
            tmp.open("wb") as writer,
        ):
            seal_stream(key.evidence, reader, writer)
        count += 1
    target.mkdir(mode=0o700, exist_ok=True)
    return count


def _stage_sealed(path: Path, key: FolderKey) -> None:
    """Write the sealed copy of a secret file beside it (nothing when there is none)."""
    try:
        plain = path.read_bytes()
    except FileNotFoundError:
        return
    if plain.startswith(SEALED_MAGIC):
        return
    with (
        atomic_output(path.with_name(path.name + _PROTECTING)) as tmp,
        tmp.open("wb") as writer,
    ):
        seal_stream(key.evidence, io.BytesIO(plain), writer)


def _swap_sealed(path: Path) -> None:
    """Put a secret file's sealed copy in its place and wipe the plain one (safe to repeat)."""
    sealed = path.with_name(path.name + _PROTECTING)
    old = path.with_name(path.name + _PLAIN_OLD)
    if sealed.exists():
        if path.exists():
            os.replace(path, old)
        os.replace(sealed, path)
    wipe_file(old)


def _finish_protect(folder: Path) -> None:
    """Put the encrypted copies in place and wipe the plain ones (safe to run again)."""
    from likeness_guard.core.storage.store import DB_NAME

    db = folder / DB_NAME
    encrypted = folder / (DB_NAME + _PROTECTING)
    old = folder / (DB_NAME + _PLAIN_OLD)
    if encrypted.exists():
        for suffix in ("-wal", "-shm"):  # the plain database's, emptied by the checkpoint
            wipe_file(folder / (DB_NAME + suffix))
        if db.exists():
            os.replace(db, old)
        os.replace(encrypted, db)
    wipe_file(old)
    evidence = folder / "evidence"
    sealed = folder / ("evidence" + _PROTECTING)
    old_evidence = folder / ("evidence" + _PLAIN_OLD)
    if sealed.exists():
        if evidence.exists():
            os.replace(evidence, old_evidence)
        os.replace(sealed, evidence)
    wipe_tree(old_evidence)
    for name in _SEALED_FILES:
        _swap_sealed(folder / name)


def _abort_unfinished_protect(folder: Path) -> None:
    """Remove the copies of a `protect` that stopped before its switch."""
    from likeness_guard.core.storage.store import DB_NAME

    leftover = folder / (DB_NAME + _PROTECTING)
    if leftover.exists():
        wipe_file(leftover)
    wipe_tree(folder / ("evidence" + _PROTECTING))
    for name in _SEALED_FILES:
        wipe_file((folder / name).with_name(name.name + _PROTECTING))
