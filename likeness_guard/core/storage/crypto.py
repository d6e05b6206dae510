"""Keys and sealed files: what a passphrase becomes, and authenticated encryption of bytes.

A leaf: it is handed passphrases, settings and keys, and knows no file of the data folder
(protection.py decides where settings and sealed files live). One key comes from the
passphrase through Argon2id; the database, the kept images and their names each get their
own subkey (HKDF). Files are sealed with AES-256-GCM in pieces of 1 MiB, each under its own
nonce, the last one marked as last and bound to the file's role and name (its associated
data), so that two sealed files cannot be swapped unnoticed. Files sealed before that
binding existed (`LGE2`) are still read; every file written or carried over by a protection
change since is bound (`LGE3`).

The protection settings are authenticated: their check value is an HMAC, under the key the
passphrase gives, of every setting, and settings no version ever writes (a memory cost of
terabytes, a salt of the wrong size) are refused before any key is derived.
"""

import base64
import hashlib
import hmac
import io
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from likeness_guard.core.domain.errors import StoreError, UserFacingError

# Sealed files bound to their role and name; the unbound ones earlier versions wrote.
SEALED_MAGIC = b"LGE3"
UNBOUND_MAGIC = b"LGE2"
_HEAD = len(SEALED_MAGIC) + 8
_PIECE = 1024 * 1024
_LABEL = b"likeness-guard evidence"
# Argon2id: 3 passes over 128 MiB, 2 lanes (about 0.2 s on a 2-core laptop).
_ARGON2 = {"time_cost": 3, "memory_cost": 128 * 1024, "parallelism": 2}
# What any version may write; anything else was changed by someone (or damaged). The
# bounds keep a changed file from making Argon2 allocate terabytes or run for days.
_ARGON2_BOUNDS = {
    "time_cost": (1, 16),
    "memory_cost": (8 * 1024, 2 * 1024 * 1024),
    "parallelism": (1, 16),
}
_SETTINGS_VERSION = 2
_CHECK_LABEL = b"likeness-guard passphrase check"
_SETTINGS_LABEL = b"likeness-guard protection settings"
MIN_PASSPHRASE = 8

# The SHA-256 (hex) of a file's plain bytes -> what the file is bound to (`bound_to`). A
# kept image's name is known only once all of it was read, so the binding is asked for then
# and goes into the last piece, whose nonce prefix ties every earlier piece to it.
Binding = Callable[[str], bytes]
# The role of kept images (evidence/), bound with their keyed names.
KEPT_ROLE = "evidence"


class PassphraseNeeded(StoreError):
    """The folder is protected and no passphrase was given."""


class WrongPassphrase(StoreError):
    """The passphrase given does not open the folder."""


class SettingsChanged(StoreError):
    """The protection settings were changed or damaged: no passphrase could be checked."""


def bound_to(role: str, name: str) -> bytes:
    """What a sealed file is bound to: its role in the data folder and its name there."""
    return role.encode("utf-8") + b"\x00" + name.encode("utf-8")


@dataclass(frozen=True)
class FolderKey:
    """The three subkeys of one protected folder."""

    database: bytes
    evidence: bytes
    names: bytes

    def name_for(self, sha256: str) -> str:
        """The file name of a kept image: says nothing about which image it is."""
        return hmac.new(self.names, sha256.encode("ascii"), hashlib.sha256).hexdigest()

    def kept_binding(self, sha256: str) -> bytes:
        """What the kept image with these bytes is bound to: its role and keyed name."""
        return bound_to(KEPT_ROLE, self.name_for(sha256))


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
        "version": _SETTINGS_VERSION,
        "kdf": "argon2id",
        **_ARGON2,
        "salt": base64.b64encode(secrets.token_bytes(16)).decode("ascii"),
        "database": "sqlcipher4",
        "evidence": "aes-256-gcm",
    }
    master = _derive(passphrase, settings)
    settings["check"] = base64.b64encode(_check_value(master, settings)).decode("ascii")
    return settings, _subkeys(master)


def key_from(settings: dict[str, object], passphrase: str) -> FolderKey:
    """The keys `passphrase` gives under `settings`. Raises as `opened` does."""
    return opened(settings, passphrase)[0]


def opened(settings: dict[str, object], passphrase: str) -> tuple[FolderKey, dict[str, object]]:
    """The keys `passphrase` gives under `settings`, and the settings as this version writes
    them (the same salt and costs, so the same keys; an old check value made anew).

    Raises WrongPassphrase when it is not the passphrase the settings were made with (or
    someone changed a setting: the check covers every one), SettingsChanged when the
    settings are not what any version writes.
    """
    problem = settings_problem(settings)
    if problem is not None:
        raise SettingsChanged(f"The protection settings are damaged ({problem}).")
    master = _derive(passphrase, settings)
    expected = base64.b64decode(str(settings["check"]))
    if not hmac.compare_digest(_check_value(master, settings), expected):
        raise WrongPassphrase(
            "That passphrase does not open this data folder. Check it (letters, spaces and "
            "the case count) and try again."
        )
    current = settings
    if settings.get("version") != _SETTINGS_VERSION:
        current = {**settings, "version": _SETTINGS_VERSION}
        current["check"] = base64.b64encode(_check_value(master, current)).decode("ascii")
    return _subkeys(master), current


def settings_problem(settings: dict[str, object]) -> str | None:
    """What makes `settings` impossible for any version to have written, or None."""
    if settings.get("kdf") != "argon2id" or settings.get("version") not in (1, 2):
        return "unknown kind"
    for name, (low, high) in _ARGON2_BOUNDS.items():
        value = settings.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            return f"{name} {value!r} is outside {low}-{high}"
    for name, size in (("salt", 16), ("check", 32)):
        try:
            if len(base64.b64decode(str(settings.get(name)), validate=True)) != size:
                raise ValueError
        except ValueError:
            return f"the {name} is not {size} bytes"
    return None


def settings_bytes(settings: dict[str, object]) -> bytes:
    """The settings as they are written: one canonical form, so copies compare equal."""
    return json.dumps(settings, indent=2, sort_keys=True).encode("utf-8")


def _check_value(master: bytes, settings: dict[str, object]) -> bytes:
    """The HMAC that says the passphrase is right and no setting was changed (version 2;
    version 1 checked only the passphrase, which still covered the salt and the costs)."""
    if settings.get("version") == 1:
        return hmac.new(master, _CHECK_LABEL, "sha256").digest()
    covered = {name: value for name, value in settings.items() if name != "check"}
    text = json.dumps(covered, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(master, _SETTINGS_LABEL + b"\x00" + text, "sha256").digest()


def seal_stream(key: bytes, reader: BinaryIO, writer: BinaryIO, binding: Binding) -> str:
    """Encrypt everything `reader` gives into `writer`, in authenticated pieces; returns the
    SHA-256 (hex) of the plain bytes.

    Each piece of up to 1 MiB is sealed with AES-256-GCM under a nonce made of a random
    prefix and the piece's number, and the last piece is marked as last, so that pieces
    cannot be reordered, dropped or cut off unnoticed. The last piece also carries
    `binding(sha256)` (the file's role and name, `bound_to`) as associated data, so that the
    file opens only under that name. Memory stays at one piece.
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
        bound = binding(digest.hexdigest()) if last else b""
        sealed = aead.encrypt(nonce, piece, _associated(last, bound))
        writer.write(len(sealed).to_bytes(4, "big") + sealed)
        if last:
            return digest.hexdigest()
        piece, number = following, number + 1


def unseal_stream(key: bytes, reader: BinaryIO, binding: bytes) -> Iterator[bytes]:
    """The plain pieces of a sealed file, in order.

    `binding` is what the file must be bound to (`bound_to`); a file sealed before files
    were bound opens without it. The last piece is checked when it is reached: a reader
    drops what it was given when this raises. Raises ValueError when the file was changed,
    cut short, sealed with another key, or bound to another role or name (swapped).
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    head = reader.read(_HEAD)
    if len(head) != _HEAD or not is_sealed(head):
        raise ValueError("not a sealed file")
    bound = binding if head.startswith(SEALED_MAGIC) else b""
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
            yield aead.decrypt(nonce, sealed, _associated(last, bound if last else b""))
        except InvalidTag:
            raise ValueError("the sealed file was changed, damaged or swapped") from None
        if last:
            return
        number += 1


def seal_bytes(key: bytes, data: bytes, binding: bytes) -> bytes:
    """`data` sealed under `key`, bound to `binding` (see seal_stream)."""
    out = io.BytesIO()
    seal_stream(key, io.BytesIO(data), out, lambda _sha256: binding)
    return out.getvalue()


def open_bytes(key: bytes, stored: bytes, binding: bytes) -> bytes:
    """The plain bytes of a sealed file. Raises ValueError when it was changed, sealed
    under another key or bound to something else."""
    return b"".join(unseal_stream(key, io.BytesIO(stored), binding))


def is_sealed(stored: bytes) -> bool:
    """Whether these (first) bytes are those of a sealed file, bound or not."""
    return stored.startswith((SEALED_MAGIC, UNBOUND_MAGIC))


def is_bound(stored: bytes) -> bool:
    """Whether a sealed file is bound to its role and name (written by this version)."""
    return stored.startswith(SEALED_MAGIC)


def _associated(last: bool, bound: bytes) -> bytes:
    """A piece's associated data: whether it is the last, and (the last) what it is bound to."""
    return _LABEL + (b"\x01" + bound if last else b"\x00")


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
