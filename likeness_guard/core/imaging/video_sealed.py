"""A video kept sealed on disk while a scan reads it (a download in the data folder's spool).

The bytes are written as they arrive, in pieces of 1 MiB, each encrypted and authenticated
with AES-256-GCM under a key that only this object holds, in memory: a file a killed scan
left behind can be read by no one, and the next start wipes it. They are read back through
a seekable file object that opens one piece at a time, which PyAV, the container checks and
the evidence copy take like an open file. A piece's nonce is its number and the last piece
is marked as last, so pieces cannot be reordered, dropped or cut off unnoticed.
"""

import io
import os
import secrets
from pathlib import Path
from typing import BinaryIO

PIECE = 1024 * 1024
_TAG = 16
_RECORD = PIECE + _TAG
MAGIC = b"LGS1"


class SealedFile:
    """A file at `path` holding sealed bytes, with the key that opens them (never on disk).

    Write it once through `writer()`; then `open()` it as often as needed, from any thread
    (each opened reader has its own file handle).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = secrets.token_bytes(32)

    @property
    def name(self) -> str:
        return self.path.name

    def writer(self) -> "SealedWriter":
        """A writable stream that seals what it is given into the file. Raises OSError."""
        return SealedWriter(self.path.open("wb"), self._key)

    def open(self, mode: str = "rb") -> BinaryIO:
        """The plain bytes as a seekable, buffered binary reader.

        Reading raises OSError when the file was changed on disk or cut short.
        """
        if mode != "rb":
            raise ValueError("a sealed file is only read ('rb')")
        return io.BufferedReader(SealedReader(self.path.open("rb"), self._key), PIECE)

    def read_bytes(self) -> bytes:
        """All the plain bytes. Raises OSError."""
        with self.open() as reader:
            return reader.read()

    def size(self) -> int:
        """How many plain bytes the file holds. Raises OSError."""
        return _plain_size(self.path.stat().st_size)


class SealedWriter(io.RawIOBase):
    """Seals bytes into a file piece by piece; the last piece is sealed on `close`.

    Memory stays at one piece (a piece is sealed once the next byte shows it is not last).
    """

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._out = out
        self._aead = AESGCM(key)
        self._buffer = bytearray()
        self._number = 0
        out.write(MAGIC)

    def writable(self) -> bool:
        return True

    def write(self, data: "bytes | bytearray | memoryview") -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) > PIECE:  # more follows: this piece is not the last
            self._seal(bytes(self._buffer[:PIECE]), last=False)
            del self._buffer[:PIECE]
        return len(data)

    def close(self) -> None:
        if self.closed:
            return
        try:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._out.flush()
        finally:
            self._out.close()
            super().close()

    def _seal(self, piece: bytes, *, last: bool) -> None:
        nonce = self._number.to_bytes(12, "big")
        self._out.write(self._aead.encrypt(nonce, piece, b"\x01" if last else b"\x00"))
        self._number += 1


class SealedReader(io.RawIOBase):
    """Random access to the plain bytes of a sealed file, one opened piece kept at a time."""

    def __init__(self, stored: BinaryIO, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._stored = stored
        self._aead = AESGCM(key)
        self._position = 0
        self._piece_number = -1
        self._piece = b""
        stored_size = os.fstat(stored.fileno()).st_size
        if stored.read(len(MAGIC)) != MAGIC:
            stored.close()
            raise OSError("the downloaded video is not sealed as expected")
        self._pieces = max(1, -(-(stored_size - len(MAGIC)) // _RECORD))
        self._size = _plain_size(stored_size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError("a negative position in the downloaded video")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: "memoryview | bytearray") -> int:  # type: ignore[override]
        if self._position >= self._size or not len(buffer):
            return 0
        number, start = divmod(self._position, PIECE)
        piece = self._opened(number)
        count = min(len(buffer), len(piece) - start)
        buffer[:count] = piece[start : start + count]
        self._position += count
        return count

    def close(self) -> None:
        if not self.closed:
            self._stored.close()
        super().close()

    def _opened(self, number: int) -> bytes:
        """The plain bytes of piece `number`. Raises OSError when it does not open."""
        from cryptography.exceptions import InvalidTag

        if number != self._piece_number:
            last = number == self._pieces - 1
            self._stored.seek(len(MAGIC) + number * _RECORD)
            sealed = self._stored.read(_RECORD)
            try:
                self._piece = self._aead.decrypt(
                    number.to_bytes(12, "big"), sealed, b"\x01" if last else b"\x00"
                )
            except InvalidTag:
                raise OSError("the downloaded video was changed on disk") from None
            self._piece_number = number
        return self._piece


def _plain_size(stored_size: int) -> int:
    """The plain bytes in a sealed file of `stored_size` bytes (every piece adds a tag)."""
    sealed = max(stored_size - len(MAGIC), 0)
    pieces = max(1, -(-sealed // _RECORD))
    return max(sealed - pieces * _TAG, 0)


# A clip read from disk: a file as it is, or a download sealed in the spool.
ClipFile = Path | SealedFile
