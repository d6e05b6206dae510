"""The evidence folder: exact bytes of matched images and their pages, named by SHA-256."""

import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from likeness_guard.core.storage.crypto import (
    KEPT_ROLE,
    FolderKey,
    bound_to,
    seal_stream,
    unseal_stream,
)
from likeness_guard.core.storage.fs import atomic_output, file_sha256, wipe_file, write_atomic

if TYPE_CHECKING:
    from likeness_guard.core.imaging.video_sealed import ClipFile

_COPY_CHUNK = 1024 * 1024
# How often a write tries again when a deletion removed the folder it writes into.
_ATTEMPTS = (1, 2, 3)


class EvidenceFolder:
    """Content-addressed files under `<data dir>/evidence/ab/abcdef...`."""

    def __init__(self, root: Path, key: FolderKey | None = None) -> None:
        self.root = root
        # In a folder protected with a passphrase, files are sealed and keyed-named.
        self._key = key

    @property
    def sealed(self) -> bool:
        return self._key is not None

    def path_for(self, sha256: str) -> Path:
        name = self._key.name_for(sha256) if self._key is not None else sha256
        return self.root / name[:2] / name

    def put(self, data: bytes) -> str:
        """Keep `data` (once) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(digest)
        for attempt in _ATTEMPTS:
            if path.exists():
                break
            try:
                self._private_folder(path.parent)
                if self._key is None:
                    write_atomic(path, data)
                else:
                    self._write_sealed(path, io.BytesIO(data))
            except FileNotFoundError:
                if attempt == _ATTEMPTS[-1]:
                    raise
                continue  # a deletion just removed its folder, found empty: make it again
            break
        return digest

    def remove(self, sha256: str) -> None:
        """Delete a kept file, overwriting it first where it lies (and its folder, when that
        is left empty)."""
        self.wipe_kept(self.path_for(sha256))

    def wipe_kept(self, path: Path) -> None:
        """Overwrite and delete the kept file at `path`, and its folder when left empty
        (a copy being written there at the same moment makes its folder again)."""
        wipe_file(path)
        with contextlib.suppress(OSError):  # not empty (another kept file), or gone
            path.parent.rmdir()

    def drop_empty_folders(self) -> int:
        """Remove the two-letter folders left empty (by earlier versions); returns how many."""
        removed = 0
        for folder in self.root.glob("??") if self.root.is_dir() else []:
            with contextlib.suppress(OSError):
                folder.rmdir()
                removed += 1
        return removed

    def names_for(self, sha256s: set[str]) -> set[str]:
        """The file names under which these SHA-256s are (or would be) kept."""
        return {self.path_for(sha).name for sha in sha256s}

    def _private_folder(self, folder: Path) -> None:
        # mkdir(parents=True) gives the parents default permissions: make each one 0700.
        self.root.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)

    def _write_sealed(self, path: Path, reader: BinaryIO) -> str:
        assert self._key is not None
        with atomic_output(path) as tmp, tmp.open("wb") as writer:
            return seal_stream(self._key.evidence, reader, writer, self._key.kept_binding)

    def _plain_pieces(self, sha256: str) -> Iterator[bytes]:
        """The kept bytes in pieces (decrypted when sealed; a sealed file must be bound to
        its own name, so that one put in another's place does not open). Raises OSError,
        ValueError."""
        path = self.path_for(sha256)
        with path.open("rb") as reader:
            if self._key is None:
                while chunk := reader.read(_COPY_CHUNK):
                    yield chunk
            else:
                binding = bound_to(KEPT_ROLE, path.name)
                yield from unseal_stream(self._key.evidence, reader, binding)

    def put_file(self, source: "ClipFile", sha256: str) -> str:
        """Keep a copy of the file at `source` (once; a download sealed in the spool is
        copied opened), read in pieces so that a long video never sits in memory; returns
        the SHA-256 of what was copied.

        `sha256` is the hash measured when the file was scanned; when the file changed
        since, the copy is kept under the hash it has now, which is returned. Raises OSError.
        """
        if self.path_for(sha256).exists():
            return sha256
        self._private_folder(self.root)
        with source.open("rb") as reader:
            if self._key is not None:
                key = self._key
                return self._put_incoming(
                    lambda writer: seal_stream(key.evidence, reader, writer, key.kept_binding)
                )
            return self._put_incoming(lambda writer: _copy_hashing(reader, writer))

    def _put_incoming(self, write: Callable[[BinaryIO], str]) -> str:
        """Write a new file through `write`, which returns its SHA-256, and keep it under that
        hash (its name is known only once it is written). Raises OSError."""
        fd, tmp = tempfile.mkstemp(prefix=".incoming.", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as writer:
                digest = write(writer)
                writer.flush()
                os.fsync(writer.fileno())
            target = self.path_for(digest)
            for attempt in _ATTEMPTS:
                self._private_folder(target.parent)
                try:
                    os.replace(tmp, target)
                except FileNotFoundError:
                    if attempt == _ATTEMPTS[-1] or not os.path.exists(tmp):
                        raise
                    continue  # a deletion just removed the folder, found empty
                break
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return digest

    def path_if_kept(self, sha256: str) -> Path | None:
        """The kept file for `sha256`, or None; for videos, which are read from disk.

        A sealed file (protected folder) cannot be read from disk as it is: None.
        """
        if self._key is not None:
            return None
        path = self.path_for(sha256)
        return path if path.is_file() else None

    def get(self, sha256: str) -> bytes | None:
        """Return the kept bytes, or None when they are not here (or, sealed, were changed
        or put in another's place: one sealed by an earlier version, not bound to its name,
        is found out by its hash)."""
        try:
            data = b"".join(self._plain_pieces(sha256))
        except (OSError, ValueError):
            return None
        if self._key is not None and hashlib.sha256(data).hexdigest() != sha256:
            return None
        return data

    def verify(self, sha256: str) -> bool:
        """True when the kept file exists and still hashes to its name (read in pieces)."""
        if self._key is None:
            try:
                return file_sha256(self.path_for(sha256)) == sha256
            except OSError:
                return False
        digest = hashlib.sha256()
        try:
            for piece in self._plain_pieces(sha256):
                digest.update(piece)
        except (OSError, ValueError):
            return False
        return digest.hexdigest() == sha256

    def count(self) -> int:
        """How many files are kept."""
        return sum(1 for p in self.root.glob("*/*") if p.is_file()) if self.root.is_dir() else 0


def _copy_hashing(reader: BinaryIO, writer: BinaryIO) -> str:
    """Copy `reader` into `writer` in pieces; returns the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    while chunk := reader.read(_COPY_CHUNK):
        digest.update(chunk)
        writer.write(chunk)
    return digest.hexdigest()
