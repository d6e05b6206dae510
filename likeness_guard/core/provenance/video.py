"""AI markers in a video: Content Credentials, XMP and the settings generators write into
the container's metadata (ComfyUI's video nodes put `prompt` and `workflow` in a comment).

Only the container's metadata and the boxes that hold markers are read; the pictures are
never decoded here, and a long video is never read whole into memory (except by the C2PA
reader, which must hash the whole file to check it, reading it as a stream).
"""

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.imaging.formats import VIDEO_MIME_TYPES
from likeness_guard.core.imaging.video_clip import Source
from likeness_guard.core.imaging.video_container import iso_top_boxes, read_container_tags
from likeness_guard.core.provenance.c2pa_reader import c2pa_stream_findings
from likeness_guard.core.provenance.generators import TextSource, detect_generators
from likeness_guard.core.provenance.inspector import (
    decide_status,
    dedupe,
    failed_check_report,
    ordered,
)
from likeness_guard.core.provenance.model import Finding, unreadable
from likeness_guard.core.provenance.xmp import packet_sources, scan_for_packets

log = logging.getLogger(__name__)

# ISO base media (MP4, MOV) boxes that carry markers: Adobe's XMP box and the C2PA box are
# top-level `uuid` boxes; XMP may also sit inside `moov/udta`.
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
_MAX_XMP_BOX = 4 * 1024 * 1024
_MAX_MOOV_SCANNED = 32 * 1024 * 1024
_MAX_TOP_BOXES = 10_000
_ISO_CONTAINERS = frozenset({"mp4", "m4v", "mov"})
# Container tag names (lower case) and the metadata keys the generator checks know them by.
_TAG_KEYS = {
    "comment": "Comment",
    "description": "Description",
    "synopsis": "Description",
    "title": "Title",
    "artist": "Artist",
    "copyright": "Copyright",
    "software": "Software",
    "encoder": "Software",
    "encoded_by": "Software",
    "creation_tool": "Software",
    "prompt": "prompt",
    "workflow": "workflow",
    "parameters": "parameters",
}


@dataclass
class _Boxes:
    """What the walk over the top-level boxes found."""

    xmp: list[tuple[str, bytes]] = field(default_factory=list)
    has_c2pa: bool = False
    problems: list[str] = field(default_factory=list)


def inspect_video(source: Source, kind: str) -> SyntheticReport:
    """The synthetic-media report of a video (`kind` from formats.sniff_video_format).

    Never raises and never opens a network connection; damaged metadata becomes an
    "unreadable" indicator, and a failure of the checks themselves status UNREADABLE.
    """
    try:
        return _inspect(source, kind)
    except Exception as exc:  # our own bug: log it, but never stop a scan
        log.exception("video provenance inspection failed")
        return failed_check_report(exc, "this video", kind)


def _inspect(source: Source, kind: str) -> SyntheticReport:
    findings: list[Finding] = []
    readable = True
    sources: list[TextSource] = []
    try:
        tags = read_container_tags(source, kind)
    except ImageError as exc:
        readable = False
        findings.append(unreadable("The video's metadata could not be read.", "container", exc))
    else:
        for where, key, value in tags.tags:
            sources.extend(_tag_sources(where, key, value))
    if kind in _ISO_CONTAINERS:
        boxes = _walk_boxes(source)
        for problem in boxes.problems:
            findings.append(unreadable("A metadata box of the video is damaged.", "box", problem))
        sources.extend(packet_sources(boxes.xmp, findings))
        if boxes.has_c2pa:
            findings.extend(_c2pa(source, VIDEO_MIME_TYPES.get(kind, "video/mp4")))
    detections, problems = detect_generators(sources)
    findings.extend(d.to_finding() for d in detections)
    findings.extend(problems)
    status = decide_status(findings, readable)
    indicators = tuple(f.indicator for f in ordered(dedupe(findings)))
    return SyntheticReport(status, indicators, kind)


def _tag_sources(where: str, key: str, value: str) -> Iterator[TextSource]:
    """The metadata keys a tag stands for; a JSON comment with a ComfyUI graph is split."""
    name = _TAG_KEYS.get(key.strip().lower())
    if name is None or not value.strip():
        return
    place = f"{where} tag '{key}'"
    if name == "Comment" and value.lstrip().startswith("{"):
        # ComfyUI's Video Combine writes {"prompt": "<graph as JSON>", "workflow": {...}}.
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        if isinstance(data, dict) and ("prompt" in data or "workflow" in data):
            for part in ("prompt", "workflow"):
                if part in data:
                    text = data[part] if isinstance(data[part], str) else json.dumps(data[part])
                    yield TextSource(part, text, f"{place} ({part})")
            return
    yield TextSource(name, value, place)


def _walk_boxes(source: Source) -> _Boxes:
    """Read the top-level boxes of an MP4/MOV file: XMP packets and whether C2PA is there."""
    found = _Boxes()
    try:
        with _opened(source) as stream:
            for box in iso_top_boxes(stream, _MAX_TOP_BOXES):
                if box.kind == b"uuid":
                    stream.seek(box.offset + box.header)
                    user_type = stream.read(16)
                    if user_type == _C2PA_UUID:
                        found.has_c2pa = True
                    elif user_type == _XMP_UUID:
                        body = stream.read(min(box.size - box.header - 16, _MAX_XMP_BOX))
                        found.xmp.append(("MP4 XMP box", body))
                elif box.kind == b"moov":
                    stream.seek(box.offset + box.header)
                    body = stream.read(min(box.size - box.header, _MAX_MOOV_SCANNED))
                    found.xmp.extend(("MP4 metadata (moov)", p) for p in scan_for_packets(body))
    except (OSError, ValueError) as exc:
        found.problems.append(str(exc)[:200])
    return found


def _opened(source: Source) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def _c2pa(source: Source, mime: str) -> list[Finding]:
    try:
        with _opened(source) as stream:
            return c2pa_stream_findings(stream, mime)
    except OSError as exc:
        return [unreadable("The Content Credentials could not be read.", "C2PA", exc)]
