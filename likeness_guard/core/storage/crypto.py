"""Keys and sealed files: what a passphrase becomes, and authenticated encryption of bytes.

A leaf: it is handed passphrases, settings and keys, and knows no file of the data folder
(protection.py decides where settings and sealed files live). One key comes from the
passphrase through Argon2id; the database, the kept images and their names each get their
own subkey (HKDF). Files are sealed with AES-256-GCM in pieces of 1 MiB, each under its own
nonce, the last one marked as last.
"""

import base64
import hashlib
import hmac
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from likeness_guard.core.domain.errors import StoreError, UserFacingError

SEALED_MAGIC = b"LGE2"
_PIECE = 1024 * 1024
_LABEL = b"likeness-guard evidence"
# Argon2id: 3 passes over 128 MiB, 2 lanes (about 0.2 s on a 2-core laptop).
_ARGON2 = {"time_cost": 3, "memory_cost": 128 * 1024, "parallelism": 2}
_CHECK_LABEL = b"likeness-guard passphrase check"
MIN_PASSPHRASE = 8


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


def new_protection(passphrase: str) -> tuple[dict[str, object], FolderKey]:
    """Settings (to be kept beside the data) and keys for a new passphrase.

    Raises UserFacingError when the passphrase is too short.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserFacingError(
            f"Choose a passphrase of at least {MIN_PASSPHRASE} characters (a few unrelated "
            "words are easy to remember and hard to guess)."
        )
    settings: dict[str, object] = {
        "version": 1,
        "kdf": "argon2id",
        **_ARGON2,
        "salt": base64.b64encode(secrets.token_bytes(16)).decode("ascii"),
        "database": "sqlcipher4",
        "evidence": "aes-256-gcm",
    }
    master = _derive(passphrase, settings)
    check = hmac.new(master, _CHECK_LABEL, "sha256").digest()
    settings["check"] = base64.b64encode(check).decode("ascii")
    return settings, _subkeys(master)


def key_from(settings: dict[str, object], passphrase: str) -> FolderKey:
    """The keys `passphrase` gives under `settings`.

    Raises WrongPassphrase when it is not the passphrase the settings were made with,
    StoreError when the settings are not ours.
    """
    if settings.get("kdf") != "argon2id" or "check" not in settings:
        raise StoreError("The protection settings are damaged (unknown kind).")
    try:
        master = _derive(passphrase, settings)
        expected = base64.b64decode(str(settings["check"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise StoreError(f"The protection settings are damaged ({exc}).") from exc
    if not hmac.compare_digest(hmac.new(master, _CHECK_LABEL, "sha256").digest(), expected):
        raise WrongPassphrase(
            "That passphrase does not open this data folder. Check it (letters, spaces and "
            "the case count) and try again."
        )
    return _subkeys(master)


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


def seal_bytes(key: bytes, data: bytes) -> bytes:
    """`data` sealed under `key` (see seal_stream)."""
    out = io.BytesIO()
    seal_stream(key, io.BytesIO(data), out)
    return out.getvalue()


def open_bytes(key: bytes, stored: bytes) -> bytes:
    """The plain bytes of a sealed file. Raises ValueError when it was changed or sealed
    under another key."""
    return b"".join(unseal_stream(key, io.BytesIO(stored)))


def is_sealed(stored: bytes) -> bool:
    return stored.startswith(SEALED_MAGIC)


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
