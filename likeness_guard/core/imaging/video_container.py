"""A video's container before any picture is decoded: which demuxer reads it, opening it,
its metadata tags, the top-level boxes of an MP4 or MOV, and the messages for files that fail.

The demuxer is chosen from the bytes, never guessed by FFmpeg, so a playlist or a file that
points elsewhere is never followed.
"""

import io
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.formats import sniff_format, sniff_video_format
from likeness_guard.core.imaging.video_clip import Source
from likeness_guard.core.imaging.video_sealed import ClipFile, SealedFile

if TYPE_CHECKING:
    from av.container import InputContainer

# FFmpeg's demuxer for each container we read (see formats.sniff_video_format).
DEMUXERS = {
    "mp4": "mov",
    "m4v": "mov",
    "mov": "mov",
    "webm": "matroska",
    "mkv": "matroska",
    "avi": "avi",
}
ISO_KINDS = frozenset({"mp4", "m4v", "mov"})
ANIMATED_KINDS = frozenset({"gif", "webp", "png"})
INCOMPLETE = (
    "the video is incomplete: its index is missing, which usually means the download or copy "
    "did not finish"
)
NOT_READABLE = "not a video (or a format Likeness Guard cannot read)"


@dataclass(frozen=True)
class ContainerTags:
    """Metadata tags of a video container and its streams, for the AI-marker checks."""

    container: str
    tags: tuple[tuple[str, str, str], ...]  # (where, key, value)


def read_container_tags(source: Source, kind: str | None = None) -> ContainerTags:
    """Every metadata tag of the container and its streams, without decoding pictures.

    Raises ImageError when the container cannot be opened.
    """
    kind = kind or sniff_clip(source)
    if kind not in DEMUXERS:
        raise ImageError(NOT_READABLE)
    with ExitStack() as stack:
        container = open_container(source, kind, stack)
        tags: list[tuple[str, str, str]] = [
            (f"{kind.upper()} container", str(k), str(v)) for k, v in container.metadata.items()
        ]
        for stream in container.streams:
            where = f"{kind.upper()} {stream.type} stream {stream.index}"
            tags.extend((where, str(k), str(v)) for k, v in stream.metadata.items())
    return ContainerTags(kind, tuple(tags))


def open_container(source: Source, kind: str, stack: ExitStack) -> "InputContainer":
    """The container opened with its own demuxer, closed by `stack`. Raises ImageError."""
    import av

    stream: Any = (
        io.BytesIO(source) if isinstance(source, bytes) else stack.enter_context(source.open("rb"))
    )
    try:
        container: InputContainer = av.open(
            stream, mode="r", format=DEMUXERS[kind], metadata_errors="ignore", buffer_size=1 << 18
        )
    except av.FFmpegError as exc:
        raise ImageError(_open_failure(kind, str(exc), source)) from exc
    except OSError as exc:
        raise ImageError(f"the video cannot be read ({exc.strerror or exc})") from exc
    stack.callback(container.close)
    return container


def _open_failure(kind: str, reason: str, source: Source) -> str:
    lowered = reason.lower()
    if "moov atom not found" in lowered or (kind in ISO_KINDS and not has_iso_box(source, b"moov")):
        return INCOMPLETE
    if "invalid data" in lowered or "end of file" in lowered:
        return f"the {kind.upper()} video is damaged or is not really a video"
    return f"the {kind.upper()} video cannot be read ({reason[:80]})"


@dataclass(frozen=True)
class IsoBox:
    """One top-level box of an ISO base media file (MP4, MOV)."""

    kind: bytes
    offset: int
    size: int
    header: int
    complete: bool


def iso_top_boxes(stream: IO[bytes], limit: int = 10_000) -> Iterator["IsoBox"]:
    """The top-level boxes of an MP4/MOV file, in order; a box cut short by the end of the
    file comes last, with the size that is there."""
    stream.seek(0, io.SEEK_END)
    end = stream.tell()
    offset = 0
    for _ in range(limit):
        if offset + 8 > end:
            return
        stream.seek(offset)
        head = stream.read(8)
        size, kind = int.from_bytes(head[:4], "big"), head[4:8]
        header = 8
        if size == 1:
            size = int.from_bytes(stream.read(8), "big")
            header = 16
        elif size == 0:
            size = end - offset
        if size < header:
            return
        if offset + size > end:
            yield IsoBox(kind, offset, end - offset, header, complete=False)
            return
        yield IsoBox(kind, offset, size, header, complete=True)
        offset += size


def has_iso_box(source: Source, kind: bytes) -> bool:
    """Whether an MP4/MOV holds a complete top-level box of this kind (True when unknown)."""
    try:
        with ExitStack() as stack:
            stream: IO[bytes] = (
                io.BytesIO(source)
                if isinstance(source, bytes)
                else stack.enter_context(source.open("rb"))
            )
            return any(box.kind == kind and box.complete for box in iso_top_boxes(stream))
    except OSError:
        return True  # unknown: say nothing about an index


def sniff_clip(source: Source) -> str:
    """The container or animated image format of a clip, from its first bytes.

    Raises ImageError when the file is empty, unreadable or neither.
    """
    head = source[:4096] if isinstance(source, bytes) else _read_head(source)
    if not head:
        raise ImageError("the file is empty")
    kind = sniff_video_format(head) or sniff_format(head)
    if kind is None:
        raise ImageError(NOT_READABLE)
    return kind


def _read_head(path: ClipFile, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError as exc:
        raise ImageError(f"the video cannot be read ({exc.strerror or exc})") from exc


def read_all(path: ClipFile) -> bytes:
    """The whole file. Raises ImageError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImageError(f"the file cannot be read ({exc.strerror or exc})") from exc


def file_size(path: ClipFile) -> int:
    """The file's size in bytes (its plain bytes, when sealed); 0 when it cannot be told."""
    try:
        return path.size() if isinstance(path, SealedFile) else path.stat().st_size
    except OSError:
        return 0
