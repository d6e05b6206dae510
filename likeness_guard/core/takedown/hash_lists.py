"""Hash lists for hash-matching tools, in the form Meta's hasher-matcher-actioner (HMA)
imports.

HMA's file exchange (python-threatexchange's `LocalFileSignalExchangeAPI`) reads a text file
with one signal per line, "<signal type> <signal>", the type named as HMA names it: `pdq`
(64 hex digits, for images), `video_md5` (32 hex digits, the whole video file) and `vpdq`
(a JSON list of "pdq hex,quality,timestamp" strings, one per sampled frame). StopNCII and
Take It Down take no such file: they hash on the person's own device, through their pages.
A PDQ whose quality is under 50 (a flat or nearly blank picture) is left out, as Meta's
reference advises: it matches too easily.
"""

import hashlib
from dataclasses import dataclass

from likeness_guard.core.domain.records import Verdict
from likeness_guard.core.storage.store import Store
from likeness_guard.core.takedown.file_hashes import stored_pdq


class SignalType:
    """The signal type names HMA uses (`SignalType.get_name()` in python-threatexchange)."""

    PDQ = "pdq"
    VIDEO_MD5 = "video_md5"
    VPDQ = "vpdq"


@dataclass(frozen=True)
class HashLine:
    """One signal: its type, its value, and the file it was computed from."""

    signal_type: str
    signal: str
    sha256: str


def hma_lines(store: Store, scan_id: int, *, include_unreviewed: bool = False) -> list[HashLine]:
    """The signals of the scan's matches (only "This is me" ones unless asked), each file
    once: PDQ for an image; the file's MD5 and, when its frames can be read, vPDQ for a
    video."""
    lines: list[HashLine] = []
    seen: set[str] = set()
    for item in store.reportable_matches(scan_id):
        sha256 = item.sha256
        if sha256 is None or sha256 in seen or item.verdict is Verdict.NOT_ME:
            continue
        if item.verdict is not Verdict.ME and not include_unreviewed:
            continue
        seen.add(sha256)
        data = store.evidence.get(sha256)
        if item.is_video:
            md5 = item.md5 or (hashlib.md5(data).hexdigest() if data is not None else None)
            if md5 is not None:
                lines.append(HashLine(SignalType.VIDEO_MD5, md5, sha256))
            vpdq = _vpdq_signal(data)
            if vpdq is not None:
                lines.append(HashLine(SignalType.VPDQ, vpdq, sha256))
            continue
        pdq = stored_pdq(data)
        if pdq is not None and pdq.reliable:
            lines.append(HashLine(SignalType.PDQ, pdq.hex, sha256))
    return lines


def _vpdq_signal(data: bytes | None) -> str | None:
    if data is None:
        return None
    from likeness_guard.core.takedown.video_hashes import vpdq_json, vpdq_of_video

    features = vpdq_of_video(data)
    return vpdq_json(features) if features else None


def hma_text(lines: list[HashLine]) -> str:
    """The file HMA's file exchange reads: "<type> <signal>" per line."""
    return "".join(f"{line.signal_type} {line.signal}\n" for line in lines)
