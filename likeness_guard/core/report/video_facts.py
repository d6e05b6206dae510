"""The report's facts and pictures for a video match, and the rows its PDF section shows.

A video is never read whole into memory: its kept copy is checked against the SHA-256 in
pieces, and only the frames shown are decoded (the best frame, and the best frame of each
of the first few segments), then blurred by the one policy like any picture in the report.
"""

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.records import Scan, ScanItem
from likeness_guard.core.domain.words import moment, segment_words, timecode, video_stop_words
from likeness_guard.core.imaging import blur
from likeness_guard.core.imaging.pdq import pdq_hash
from likeness_guard.core.imaging.resize import fit_within
from likeness_guard.core.imaging.video import grab_frame
from likeness_guard.core.report.facts import MatchEntry, add_pictures, kept_status, new_entry
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _, ngettext

# The best frames shown for the segments, beside the main picture.
MAX_SEGMENT_FRAMES = 4
SEGMENT_FRAME_SIDE = 240


def prepare_video_entry(
    store: Store, scan: Scan, item: ScanItem, number: int, *, unblurred: bool
) -> MatchEntry:
    """Gather a video match's facts and pictures (see module docstring)."""
    path = store.evidence.path_if_kept(item.sha256) if item.sha256 else None
    status = kept_status(path is not None, lambda: store.evidence.verify(item.sha256 or ""))
    entry = new_entry(store, scan, item, number, status)
    if path is None:
        return entry
    video = item.video
    best_s = video.best_frame_s if video and video.best_frame_s is not None else 0.0
    try:
        rgb = grab_frame(path, best_s)
    except ImageError as exc:
        entry.decode_error = str(exc)
        return entry
    entry.pdq = pdq_hash(rgb)
    face = item.best_face
    add_pictures(entry, rgb, face.bbox if face is not None else None, unblurred=unblurred)
    del rgb
    if video is not None:
        top = sorted(video.segments, key=lambda s: -s.best_similarity)[:MAX_SEGMENT_FRAMES]
        for segment in sorted(top, key=lambda s: s.start_s):
            try:
                frame = grab_frame(path, segment.best_frame_s)
            except ImageError:
                continue
            picture = (
                fit_within(frame, SEGMENT_FRAME_SIDE)[0]
                if unblurred
                else blur.thumbnail_picture(frame, SEGMENT_FRAME_SIDE)
            )
            entry.video_frames.append((segment.best_frame_s, blur.jpeg_bytes(picture, 80)))
    return entry


def video_rows(entry: MatchEntry) -> list[tuple[str, str]]:
    """The "Video facts and hashes" table: what the file is and its hashes."""
    item = entry.item
    video = item.video
    codec = video.codec if video and video.codec else _("unknown codec")
    size = (
        _("{width} \u00d7 {height} pixels").format(width=item.width, height=item.height)
        if item.width
        else _("size unknown")
    )
    kind = item.format or "video"
    if video and video.frame_rate:
        # Translators: {format} is a container such as mp4, {codec} such as h264.
        shape = _("{format} video, {codec}, {size}, {rate} frames/s").format(
            format=kind, codec=codec, size=size, rate=f"{video.frame_rate:g}"
        )
    else:
        shape = _("{format} video, {codec}, {size}").format(format=kind, codec=codec, size=size)
    rows = [
        (_("Format"), shape),
        (_("Duration"), timecode(video.duration_s if video else None)),
        ("SHA-256", item.sha256 or "—"),
        ("MD5", item.md5 or "—"),
    ]
    if video is not None:
        pdq = video.frame_pdq or (entry.pdq.hex if entry.pdq else None)
        when = moment(video.best_frame_s)
        best = _("{pdq} (frame at {time})").format(pdq=pdq, time=when) if pdq else "—"
        rows.append((_("PDQ of the best frame"), best))
        every = f"{video.sample_interval_s or 0.5:g}"
        examined = ngettext(
            "{count} frame, one every {every} s and at each scene change",
            "{count} frames, one every {every} s and at each scene change",
            video.frames_examined,
        ).format(count=video.frames_examined, every=every)
        note = video_stop_words(video)
        rows.append(
            (
                _("Frames examined"),
                _("{examined}. {note}").format(examined=examined, note=note) if note else examined,
            )
        )
    return rows


def segment_rows(entry: MatchEntry) -> list[list[str]]:
    """One row per stretch where the face was found: times and best similarity."""
    video = entry.item.video
    if video is None:
        return []
    return [
        [
            str(number),
            segment_words(segment),
            f"{segment.best_similarity:.4f}",
            moment(segment.best_frame_s),
        ]
        for number, segment in enumerate(video.segments, start=1)
    ]
