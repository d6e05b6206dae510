"""The scan's loader thread: reads, hashes, decodes and inspects items ahead of the models."""

import hashlib
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import ImageError, SourceError
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.imaging.decode import DecodedImage, decode_image
from likeness_guard.core.sources.base import SourceItem

log = logging.getLogger(__name__)

PREFETCH = 4  # decoded images waiting for the models; bounds memory


@dataclass
class LoadedItem:
    """An item after the loader thread: bytes, hash and pixels, or what went wrong.

    `data` and `image` are left empty for bytes already loaded earlier in the same scan:
    their results are copied from the first copy.
    """

    seq: int
    item: SourceItem
    data: bytes | None = None
    sha256: str | None = None
    image: DecodedImage | None = None
    error: str | None = None
    synthetic: SyntheticReport | None = None


class Loader:
    """Loads items on a background thread, in order, at most PREFETCH ahead."""

    _DONE = object()

    def __init__(
        self,
        items: Iterator[SourceItem],
        *,
        max_frames: int,
        check_provenance: bool,
        cancel: CancelToken,
    ) -> None:
        self._items = items
        self._max_frames = max_frames
        self._check_provenance = check_provenance
        self._cancel = cancel
        self._queue: queue.Queue[object] = queue.Queue(maxsize=PREFETCH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scan-loader", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[LoadedItem]:
        while True:
            try:
                got = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self._cancel.cancelled:
                    return
                continue
            if got is self._DONE:
                return
            if isinstance(got, BaseException):
                raise got
            assert isinstance(got, LoadedItem)
            yield got

    def close(self) -> None:
        """Stop the thread and wait for it (never leaves it running)."""
        self._stop.set()
        while self._thread.is_alive():
            try:  # unblock a put() waiting for room
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=0.05)

    def _put(self, value: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        seen: set[str] = set()
        try:
            for seq, item in enumerate(self._items):
                if self._stop.is_set() or self._cancel.cancelled:
                    break
                if not self._put(self._load(seq, item, seen)):
                    break
        except BaseException as exc:  # a bug in a source: hand it to the scanning thread
            log.exception("scan source failed")
            self._put(exc)
            return
        self._put(self._DONE)

    def _load(self, seq: int, item: SourceItem, seen: set[str]) -> LoadedItem:
        loaded = LoadedItem(seq=seq, item=item)
        try:
            data = item.read()
        except SourceError as exc:
            loaded.error = str(exc)
            return loaded
        except OSError as exc:
            loaded.error = f"cannot be read ({exc})"
            return loaded
        except Exception as exc:  # a bug in one source must not stop the scan
            log.exception("reading %s failed", item.source)
            loaded.error = f"could not be read ({type(exc).__name__}); the scan went on"
            return loaded
        loaded.sha256 = hashlib.sha256(data).hexdigest()
        if loaded.sha256 in seen:
            return loaded  # analysed once per scan: results are copied from the first
        seen.add(loaded.sha256)
        loaded.data = data
        try:
            loaded.image = decode_image(data, max_frames=self._max_frames)
        except ImageError as exc:
            loaded.error = str(exc)
        except Exception as exc:  # a decoder bug on one hostile file must not stop the scan
            log.exception("decoding failed on %s", item.source)
            loaded.error = f"could not be decoded ({type(exc).__name__})"
        if self._check_provenance:
            from likeness_guard.core.provenance import inspect_bytes

            loaded.synthetic = inspect_bytes(data)  # never raises
        return loaded
