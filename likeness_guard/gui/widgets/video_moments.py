"""Where in a video the person's face was found: a timeline, the moments, a play button."""

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from likeness_guard.core.domain.records import ScanItem
from likeness_guard.core.domain.words import moment, segment_words, timecode, video_stop_words
from likeness_guard.core.services.folder import EvidenceFolder
from likeness_guard.core.services.previews import video_source
from likeness_guard.gui.widgets.labels import selectable_label
from likeness_guard.gui.widgets.timeline_strip import TimelineStrip
from likeness_guard.locale import _, ngettext, pgettext

MAX_LISTED = 12  # moments listed one per line; the rest are summed up


def moments_text(item: ScanItem) -> str:
    """One line per stretch where the face was found, with the best score in it."""
    video = item.video
    if video is None:
        return ""
    if not video.segments:
        return _("Your face was not found in any of the frames examined.")
    # Translators: {stretch} is a stretch of the video such as "0:00:03 to 0:00:07"; {score}
    # is the best similarity in it (0.00 to 1.00), {moment} the time of that frame.
    line = _("{stretch}: best {score} at {moment}")
    lines = [
        line.format(
            stretch=segment_words(s),
            score=f"{s.best_similarity:.2f}",
            moment=moment(s.best_frame_s),
        )
        for s in video.segments[:MAX_LISTED]
    ]
    if len(video.segments) > MAX_LISTED:
        more = len(video.segments) - MAX_LISTED
        lines.append(
            ngettext("… and {count} more moment.", "… and {count} more moments.", more).format(
                count=more
            )
        )
    return "\n".join(lines)


def examined_text(item: ScanItem) -> str:
    """How much of the video was looked at."""
    video = item.video
    if video is None:
        return ""
    every = video.sample_interval_s or 0.5
    count = video.frames_examined
    # Translators: {every} is a number of seconds; {length} the video's length, e.g. 0:01:30.
    text = ngettext(
        "{count} frame examined (one every {every} s and at each scene change) of {length}.",
        "{count} frames examined (one every {every} s and at each scene change) of {length}.",
        count,
    ).format(count=count, every=f"{every:g}", length=timecode(video.duration_s))
    stop = video_stop_words(video)
    return f"{text}\n{stop}" if stop else text


def video_file_text(item: ScanItem, size: str) -> str:
    """The file line of a video: container, codec, size in pixels, length, bytes."""
    video = item.video
    if item.width:
        dimensions = _("{width} \u00d7 {height} pixels").format(
            width=item.width, height=item.height
        )
    else:
        dimensions = _("size unknown")
    length = timecode(video.duration_s) if video else "--:--:--"
    # Translators: the container when it is not known, as in "video video, ..." ("MP4 video").
    container = item.format or pgettext("file format", "video")
    if video and video.codec:
        # Translators: {format} is a container such as MP4, {codec} one such as h264.
        text = _("{format} video ({codec}), {dimensions}, {length} long, {size}")
    else:
        text = _("{format} video, {dimensions}, {length} long, {size}")
    codec = video.codec if video else None
    return text.format(
        format=container, codec=codec, dimensions=dimensions, length=length, size=size
    )


class VideoMoments(QWidget):
    """Signals nothing; "Play video" opens the file (or its kept copy) in the system player."""

    def __init__(self, evidence: EvidenceFolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._evidence = evidence
        self.item: ScanItem | None = None
        self.timeline = TimelineStrip()
        self.moments = selectable_label(_("Moments where your face was found"))
        self.examined = QLabel()
        self.examined.setWordWrap(True)
        self.play_button = QPushButton(_("&Play video"))
        self.play_button.setToolTip(_("Open the video in your usual video player (not blurred)"))
        self.play_button.clicked.connect(self.play)
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.timeline)
        layout.addWidget(self.moments)
        layout.addWidget(self.examined)
        layout.addLayout(row)

    def use_evidence(self, evidence: EvidenceFolder) -> None:
        """Find kept copies through `evidence` from now on (the store was opened again)."""
        self._evidence = evidence

    def set_item(self, item: ScanItem) -> None:
        self.item = item
        self.message.clear()
        self.timeline.set_video(item.video)
        self.moments.setText(moments_text(item))
        self.examined.setText(examined_text(item))

    def playable(self) -> Path | None:
        if self.item is None:
            return None
        return video_source(self.item.path, self.item.sha256, self._evidence)

    def play(self) -> None:
        path = self.playable()
        if path is None:
            self.message.setText(_("The video is no longer there, and no copy was kept."))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.message.setText(
                _("No video player could open it. The file is at {path}").format(path=path)
            )
