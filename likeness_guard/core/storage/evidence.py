"""The evidence folder: exact bytes of matched images and their pages, named by SHA-256."""

import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from likeness_guard.core.storage.crypto import FolderKey, seal_stream, unseal_stream
from likeness_guard.core.storage.fs import atomic_output, file_sha256, wipe_file, write_atomic

_COPY_CHUNK = 1024 * 1024


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
        if not path.exists():
            self._private_folder(path.parent)
            if self._key is None:
                write_atomic(path, data)
            else:
                self._write_sealed(path, io.BytesIO(data))
        return digest

    def remove(self, sha256: str) -> None:
        """Delete a kept file, overwriting it first where it lies."""
        wipe_file(self.path_for(sha256))

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
            return seal_stream(self._key.evidence, reader, writer)

    def _plain_pieces(self, sha256: str) -> Iterator[bytes]:
        """The kept bytes in pieces (decrypted when sealed). Raises OSError, ValueError."""
        with self.path_for(sha256).open("rb") as reader:
            if self._key is None:
                while chunk := reader.read(_COPY_CHUNK):
                    yield chunk
            else:
                yield from unseal_stream(self._key.evidence, reader)

    def put_file(self, source: Path, sha256: str) -> str:
        """Keep a copy of the file at `source` (once), read in pieces so that a long video
        never sits in memory; returns the SHA-256 of what was copied.

        `sha256` is the hash measured when the file was scanned; when the file changed
        since, the copy is kept under the hash it has now, which is returned. Raises OSError.
        """
        if self.path_for(sha256).exists():
            return sha256
        self._private_folder(self.root)
        with source.open("rb") as reader:
            if self._key is not None:
                key = self._key.evidence
                return self._put_incoming(lambda writer: seal_stream(key, reader, writer))
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
            self._private_folder(target.parent)
            os.replace(tmp, target)
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
        """Return the kept bytes, or None when they are not here (or, sealed, were changed)."""
        try:
            return b"".join(self._plain_pieces(sha256))
        except (OSError, ValueError):
            return None

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
