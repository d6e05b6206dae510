"""The facts the report states about each match, gathered once for both the PDF and the
manifest: the entry record, and the facts and pictures of an image match (a video's are in
`video_facts`)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.records import (
    Box,
    EvidenceStatus,
    ReferenceFace,
    Scan,
    ScanItem,
    Verdict,
)
from likeness_guard.core.domain.serialize import item_json
from likeness_guard.core.domain.thresholds import match_threshold
from likeness_guard.core.domain.words import face_found_words, recheck_words, similarity_words
from likeness_guard.core.imaging import blur
from likeness_guard.core.imaging.decode import decode_image, decode_stored
from likeness_guard.core.imaging.exif import camera_facts
from likeness_guard.core.imaging.pdq import PdqHash, platform_pdq
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _

# Pixel sizes of the pictures, for about 150 dpi at the size they are printed.
DETAIL_MAX_SIDE = 640
THUMB_MAX_SIDE = 96
FACE_MAX_SIDE = 224


@dataclass
class MatchEntry:
    """One match as the report shows it: the record, computed facts and small pictures."""

    number: int
    item: ScanItem
    threshold: float
    evidence_status: EvidenceStatus
    pdq: PdqHash | None = None
    exif: dict[str, str] = field(default_factory=dict)
    reference: ReferenceFace | None = None
    decode_error: str | None = None
    detail_jpeg: bytes | None = None  # blurred except the face unless asked otherwise
    detail_size: tuple[int, int] = (0, 0)
    thumb_jpeg: bytes | None = None
    face_jpeg: bytes | None = None
    # PDQ of the picture as displayed, when the EXIF orientation turns it (`pdq` is always
    # of the stored pixels, as platforms compute it).
    pdq_displayed: PdqHash | None = None
    orientation: int = 1
    reference_label: str = ""  # "reference photo 1", or its file name when asked for
    reference_caption: str = ""  # the same in the report's language (the label is data)
    own_photo: bool = False  # the bytes of one of the person's own reference photos
    original_file: str | None = None  # its path inside an evidence package
    # A video: the best frame of each of its first moments, (time in seconds, JPEG).
    video_frames: list[tuple[float, bytes]] = field(default_factory=list)
    # A web image: where it was reported and what each re-check found, oldest first.
    takedown_history: list[str] = field(default_factory=list)

    @property
    def review(self) -> str:
        """ "confirmed" when the person said "This is me", else "unreviewed"."""
        return "confirmed" if self.item.verdict == Verdict.ME else "unreviewed"

    @property
    def similarity(self) -> float:
        return float(self.item.best_similarity or 0.0)

    @property
    def face_threshold(self) -> float:
        """The threshold the best face was judged by: lower for a face that looks drawn."""
        face = self.item.best_face
        return match_threshold(self.threshold, face is not None and face.drawn)

    @property
    def words(self) -> str:
        return similarity_words(self.similarity, self.face_threshold)

    @property
    def face_notes(self) -> list[str]:
        """Sentences on how the best face was found and judged: turned, or drawn."""
        face = self.item.best_face
        return [] if face is None else face_found_words(face, self.threshold)

    @property
    def pdq_frame_s(self) -> float | None:
        """For a video, the time of the one frame `pdq` hashes (it is not the file's hash);
        None for a still image."""
        video = self.item.video
        if video is None:
            return None
        return video.best_frame_s if video.best_frame_s is not None else 0.0

    def pdq_facts(self) -> JsonDict | None:
        """The manifest's `pdq`: of the pixels as stored, or of one frame of a video."""
        if self.pdq is None:
            return None
        facts: JsonDict = {"hash": self.pdq.hex, "quality": self.pdq.quality}
        frame_s = self.pdq_frame_s
        if frame_s is None:
            facts["pixels"] = "stored"
        else:
            facts.update(pixels="video frame", frame_s=frame_s)
        return facts

    def facts(self) -> JsonDict:
        """The manifest's record of this match: the scan JSON item plus what the report adds."""
        record = item_json(self.item)
        record.update(
            {
                "number": self.number,
                "item_id": self.item.id,
                "similarity_words": self.words,
                "threshold": self.threshold,
                "pdq": self.pdq_facts(),
                "pdq_displayed": (
                    {
                        "hash": self.pdq_displayed.hex,
                        "quality": self.pdq_displayed.quality,
                        "exif_orientation": self.orientation,
                    }
                    if self.pdq_displayed
                    else None
                ),
                "exif": self.exif,
                "evidence": str(self.evidence_status),
                "reference": (
                    {"id": self.reference.id, "source_name": self.reference_label}
                    if self.reference
                    else None
                ),
                "review": self.review,
                "verdict_at": self.item.verdict_at,
                "own_reference_photo": self.own_photo,
                "original_file": self.original_file,
            }
        )
        return record


def new_entry(
    store: Store, scan: Scan, item: ScanItem, number: int, status: EvidenceStatus
) -> MatchEntry:
    """A match's entry before its pictures: the record, its reference photo and what became
    of its kept bytes (`status`)."""
    reference = store.reference(item.best_reference_id) if item.best_reference_id else None
    return MatchEntry(number, item, scan.threshold, status, reference=reference)


def kept_status(kept: bool, intact: Callable[[], bool]) -> EvidenceStatus:
    """MISSING when the bytes were not kept, else KEPT or CHANGED as `intact()` says."""
    if not kept:
        return EvidenceStatus.MISSING
    return EvidenceStatus.KEPT if intact() else EvidenceStatus.CHANGED


def prepare_image_entry(
    store: Store, scan: Scan, item: ScanItem, number: int, *, unblurred: bool
) -> MatchEntry:
    """Gather an image match's facts and pictures; the decoded image is dropped before
    returning."""
    data = store.evidence.get(item.sha256) if item.sha256 else None
    status = kept_status(
        data is not None, lambda: hashlib.sha256(data or b"").hexdigest() == item.sha256
    )
    entry = new_entry(store, scan, item, number, status)
    if data is None:
        return entry
    entry.exif = camera_facts(data)
    try:
        decoded = decode_image(data)
    except ImageError as exc:
        entry.decode_error = str(exc)
        return entry
    face = item.best_face
    frame_index = min(face.frame, len(decoded.frames) - 1) if face is not None else 0
    rgb = decoded.frames[frame_index]
    del decoded  # keep only the frame in use
    try:
        stored, orientation = decode_stored(data, frame_index)
    except ImageError:  # decoded above, so only a frame beyond the first can fail here
        stored, orientation = rgb, 1
    hashes = platform_pdq(stored, orientation)
    del stored
    entry.pdq, entry.pdq_displayed, entry.orientation = (
        hashes.stored,
        hashes.displayed,
        hashes.orientation,
    )
    add_pictures(entry, rgb, face.bbox if face is not None else None, unblurred=unblurred)
    return entry


def add_pictures(entry: MatchEntry, rgb: np.ndarray, box: Box | None, *, unblurred: bool) -> None:
    """The entry's pictures, all by the one blur policy: the detail (clear face, outlined),
    the summary thumbnail and the clear face crop."""
    detail = blur.detail_picture(rgb, box, DETAIL_MAX_SIDE, unblurred=unblurred)
    entry.detail_jpeg = blur.jpeg_bytes(detail)
    entry.detail_size = (detail.shape[1], detail.shape[0])
    entry.thumb_jpeg = blur.jpeg_bytes(blur.thumbnail_picture(rgb, THUMB_MAX_SIDE), 75)
    crop = blur.face_crop(rgb, box, FACE_MAX_SIDE) if box is not None else None
    if crop is not None:
        entry.face_jpeg = blur.jpeg_bytes(crop, 90)


def takedown_history(store: Store, item: ScanItem) -> list[str]:
    """Lines of the item's way to removal: each request and each re-check, by date (UTC), in
    the language in use."""
    if item.web is None:
        return []
    url = item.web.url
    events = [
        (
            request.reported_on,
            _("reported to {where} (removal due by {due} UTC)").format(
                where=request.reported_to, due=f"{request.deadline:%Y-%m-%d %H:%M}"
            )
            if request.deadline
            else _("reported to {where}").format(where=request.reported_to),
        )
        for request in store.takedowns.requests([url])
    ]
    events += [
        (check.checked_at, _("checked again: {what}").format(what=recheck_words(check)))
        for check in store.takedowns.rechecks([url])
    ]
    return [
        _("{when}: {what}").format(when=when[:16].replace("T", " "), what=what)
        for when, what in sorted(events)
    ]
