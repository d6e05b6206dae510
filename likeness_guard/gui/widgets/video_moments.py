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

MAX_LISTED = 12  # moments listed one per line; the rest are summed up


def moments_text(item: ScanItem) -> str:
    """One line per stretch where the face was found, with the best score in it."""
    video = item.video
    if video is None:
        return ""
    if not video.segments:
        return "Your face was not found in any of the frames examined."
    lines = [
        f"{segment_words(s)}: best {s.best_similarity:.2f} at {moment(s.best_frame_s)}"
        for s in video.segments[:MAX_LISTED]
    ]
    if len(video.segments) > MAX_LISTED:
        lines.append(f"… and {len(video.segments) - MAX_LISTED} more moments.")
    return "\n".join(lines)


def examined_text(item: ScanItem) -> str:
    """How much of the video was looked at."""
    video = item.video
    if video is None:
        return ""
    every = video.sample_interval_s or 0.5
    text = (
        f"{video.frames_examined} frames examined (one every {every:g} s and at each scene "
        f"change) of {timecode(video.duration_s)}."
    )
    stop = video_stop_words(video)
    return f"{text}\n{stop}" if stop else text


def video_file_text(item: ScanItem, size: str) -> str:
    """The file line of a video: container, codec, size in pixels, length, bytes."""
    video = item.video
    codec = f" ({video.codec})" if video and video.codec else ""
    dimensions = f"{item.width} \u00d7 {item.height} pixels" if item.width else "size unknown"
    length = timecode(video.duration_s) if video else "--:--:--"
    return f"{item.format or 'video'} video{codec}, {dimensions}, {length} long, {size}"


class VideoMoments(QWidget):
    """Signals nothing; "Play video" opens the file (or its kept copy) in the system player."""

    def __init__(self, evidence: EvidenceFolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._evidence = evidence
        self.item: ScanItem | None = None
        self.timeline = TimelineStrip()
        self.moments = selectable_label("Moments where your face was found")
        self.examined = QLabel()
        self.examined.setWordWrap(True)
        self.play_button = QPushButton("&Play video")
        self.play_button.setToolTip("Open the video in your usual video player (not blurred)")
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
            self.message.setText("The video is no longer there, and no copy was kept.")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.message.setText("No video player could open it. The file is at " + str(path))
