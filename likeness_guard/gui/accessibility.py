"""Roles for the window's own widgets, so a screen reader says what each one is: Qt gives a
plain QWidget subclass the role "client" (said as nothing), which left the match tiles, the
drop zone, the timeline and the pictures unnamed as kinds. Name and state still come from the
widget (its accessible name and description, focus, visibility)."""

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QWidget

from likeness_guard.gui.widgets.blurred_preview import BlurredPreview
from likeness_guard.gui.widgets.drop_zone import DropZone
from likeness_guard.gui.widgets.face_choice import FaceChoiceStrip
from likeness_guard.gui.widgets.face_thumbnail import FaceThumbnail
from likeness_guard.gui.widgets.match_card import MatchCard
from likeness_guard.gui.widgets.timeline_strip import TimelineStrip
from likeness_guard.gui.widgets.video_moments import VideoMoments

Role = QAccessible.Role

# Each custom widget and what it is to a person who cannot see it.
ROLES: dict[type[QObject], QAccessible.Role] = {
    DropZone: Role.Button,  # Enter or a click opens the file chooser; a drop adds files
    MatchCard: Role.ListItem,  # one of the matches; its buttons are its children
    TimelineStrip: Role.Chart,  # where in the video the face appears
    BlurredPreview: Role.Graphic,
    FaceThumbnail: Role.Graphic,
    FaceChoiceStrip: Role.Grouping,  # the faces of a group photo, each a button
    VideoMoments: Role.Grouping,  # the timeline, the moments in words, "Play video"
}

_installed = False


def _interface(_key: str, widget: QObject) -> QAccessibleInterface | None:
    role = ROLES.get(type(widget))
    if role is None or not isinstance(widget, QWidget):
        return None
    return QAccessibleWidget(widget, role)


def install_roles() -> None:
    """Give the custom widgets their roles (once per process, before any is queried)."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_interface)
        _installed = True
