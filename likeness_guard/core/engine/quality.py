"""The enrollment quality gate: is this photo a good reference of one person's face?"""

from dataclasses import dataclass

import numpy as np

from likeness_guard.core.engine.face_engine import DetectedFace
from likeness_guard.locale import _, ngettext

# Pixels across the face in the original photo. From 48 to 59 px a reference is kept with a
# warning: a 50-px copy of yaoming.jpg still scores 0.98 against the full-size face, and a
# 59-px painted face matched its AI-made image at 0.56; below 48 the embedding degrades fast.
MIN_FACE_WIDTH = 48
GOOD_FACE_WIDTH = 60
MIN_DET_SCORE = 0.6
# Another face at least this fraction of the main face's area makes the photo ambiguous.
SECOND_FACE_AREA_RATIO = 0.25
# Variance of the Laplacian in the centre of the aligned face. Measured on the sample photos:
# sharp faces 60 px or wider score 160-350; a Gaussian blur of sigma 2 brings all to 33 or less.
MIN_SHARPNESS = 40.0
# Nose offset from the eye midpoint, in eye distances (0 = frontal). The clearly turned face
# in t1.jpg measures -0.49; up to about 0.45 the embedding stays usable, and people often have
# few photos of themselves to choose from, so only stronger turns are refused.
MAX_YAW = 0.45
# Nose height between eyes (0) and mouth (1); frontal faces measure 0.4-0.65.
PITCH_RANGE = (0.2, 0.85)


@dataclass(frozen=True)
class ReferenceCheck:
    """The verdict on one reference photo."""

    face: DetectedFace | None  # the face that would be enrolled
    reason: str | None  # None when accepted; otherwise what the person can do about it
    sharpness: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    warning: str | None = None  # accepted, but a better photo would work better
    several_faces: bool = False  # refused only because the person must choose a face

    @property
    def accepted(self) -> bool:
        return self.reason is None


def check_reference(faces: list[DetectedFace], face_number: int | None = None) -> ReferenceCheck:
    """Decide whether a photo (its detected faces, largest first) can serve as a reference.

    `face_number` (1 = the largest face) says which face is the person's in a photo with
    several; without it such a photo is refused with `several_faces` set.
    """
    if not faces:
        return ReferenceCheck(
            None, _("no face found — use a photo where your face is clearly visible")
        )
    if face_number is not None:
        if not 1 <= face_number <= len(faces):
            return ReferenceCheck(
                None,
                ngettext(
                    "there is no face {number} in this photo — it has {count} face, numbered 1 "
                    "to {count}, largest first",
                    "there is no face {number} in this photo — it has {count} faces, numbered 1 "
                    "to {count}, largest first",
                    len(faces),
                ).format(number=face_number, count=len(faces)),
            )
        main = faces[face_number - 1]
    else:
        main = faces[0]
        main_area = main.width * main.height
        others = [f for f in faces[1:] if f.width * f.height >= SECOND_FACE_AREA_RATIO * main_area]
        if others:
            return ReferenceCheck(
                main,
                ngettext(
                    "{count} face found — choose which one is you, or crop the photo to just "
                    "your face",
                    "{count} faces found — choose which one is you, or crop the photo to just "
                    "your face",
                    len(others) + 1,
                ).format(count=len(others) + 1),
                several_faces=True,
            )
    width = round(main.width)
    if width < MIN_FACE_WIDTH:
        return ReferenceCheck(
            main,
            _(
                "your face is too small in this photo ({width} pixels wide, at least "
                "{needed} needed) — use a closer or larger photo"
            ).format(width=width, needed=MIN_FACE_WIDTH),
        )
    if main.det_score < MIN_DET_SCORE:
        return ReferenceCheck(
            main, _("the face is not clear enough — use a sharper, well-lit photo of your face")
        )
    sharpness = face_sharpness(main.aligned)
    yaw, pitch = head_pose(main.landmarks)
    if sharpness < MIN_SHARPNESS:
        return ReferenceCheck(
            main, _("too blurry — use a sharper photo"), sharpness=sharpness, yaw=yaw, pitch=pitch
        )
    if abs(yaw) > MAX_YAW:
        return ReferenceCheck(
            main,
            _("the face is turned too far to the side — use a photo looking at the camera"),
            sharpness=sharpness,
            yaw=yaw,
            pitch=pitch,
        )
    if not PITCH_RANGE[0] <= pitch <= PITCH_RANGE[1]:
        return ReferenceCheck(
            main,
            _("the head is tilted too far up or down — use a photo looking at the camera"),
            sharpness=sharpness,
            yaw=yaw,
            pitch=pitch,
        )
    return ReferenceCheck(
        main, None, sharpness=sharpness, yaw=yaw, pitch=pitch, warning=size_warning(main.width)
    )


def size_warning(face_width: float) -> str | None:
    """The note for an accepted face narrower than GOOD_FACE_WIDTH, or None."""
    width = round(face_width)
    if width >= GOOD_FACE_WIDTH:
        return None
    return _(
        "your face is small in this photo ({width} pixels wide), so it is kept, but a larger "
        "photo ({good} pixels or more across the face) would work better"
    ).format(width=width, good=GOOD_FACE_WIDTH)


def face_sharpness(aligned_rgb: np.ndarray) -> float:
    """Variance of the Laplacian of the aligned face: low means blurred."""
    import cv2

    # The centre only: alignment pads tight crops with black, whose edges look sharp.
    gray = cv2.cvtColor(aligned_rgb[20:100, 16:96], cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def head_pose(landmarks: np.ndarray) -> tuple[float, float]:
    """Rough yaw and pitch from the five landmarks, in the frame where the eyes are level."""
    left_eye, right_eye, nose, mouth_left, mouth_right = (landmarks[i] for i in range(5))
    eye_mid = (left_eye + right_eye) / 2
    axis = right_eye - left_eye
    eye_distance = float(np.hypot(*axis)) or 1.0
    along = axis / eye_distance
    down = np.array([-along[1], along[0]])
    nose_offset = nose - eye_mid
    yaw = float(nose_offset @ along) / eye_distance
    mouth_depth = float(((mouth_left + mouth_right) / 2 - eye_mid) @ down) or 1.0
    pitch = float(nose_offset @ down) / mouth_depth
    return yaw, pitch
