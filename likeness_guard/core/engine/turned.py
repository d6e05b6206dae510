"""Pictures turned sideways or upside down: when to search them turned, and mapping back.

The detector was trained on upright faces. Measured on the sample photos
(benchmarks/turned_faces.py): turned by 90 or 270 degrees it misses most faces, and the ones
it finds have landmarks that show the turn; upside down it finds a few faces at low scores
with landmarks laid out as if upright but wrong, so that no face matches. A picture is
therefore searched turned only when no face in it is a confident, upright one: none has
both a detector score of at least CONFIDENT_SCORE and eyes above its mouth.

Turns are counted as numpy's `rot90` counts them: one quarter turn is 90 degrees
counter-clockwise, which sets upright a face that was turned 90 degrees clockwise.
"""

import numpy as np

# Upright faces in the sample photos score 0.76-0.90 (those at least 36 px wide); upside-down
# ones 0.56-0.66. A crowd of only small faces scores lower and is searched turned too, which
# costs a probe and finds nothing new.
CONFIDENT_SCORE = 0.75
# The eyes-to-mouth direction of an upright face is within this many degrees of straight
# down; faces tilted 35 degrees were found as they are.
UPRIGHT_DEGREES = 45.0
# A face found turned replaces the faces found upright that overlap it this much (their
# landmarks were read on a turned face): intersection over the smaller box.
SAME_FACE_OVERLAP = 0.5


def confident_upright(boxes: np.ndarray, landmarks: np.ndarray) -> bool:
    """Whether any face (boxes N x 5 with scores, landmarks N x 5 x 2) is a confident,
    upright one."""
    if not len(boxes):
        return False
    eyes = landmarks[:, :2].mean(axis=1)
    mouths = landmarks[:, 3:].mean(axis=1)
    down = mouths - eyes
    angles = np.degrees(np.arctan2(np.abs(down[:, 0]), down[:, 1]))
    upright = angles <= UPRIGHT_DEGREES
    return bool(np.any(upright & (boxes[:, 4] >= CONFIDENT_SCORE)))


def shrunk(bgr: np.ndarray, size: int) -> np.ndarray | None:
    """The picture shrunk to at most `size` pixels on its long side; None for a picture
    too thin to hold a face (under 8 px) or a strip far longer than wide."""
    import cv2

    height, width = bgr.shape[:2]
    short, long = sorted((height, width))
    if short < 8 or long > 64 * short:
        return None
    scale = min(1.0, size / long)
    if scale >= 1.0:
        return bgr
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(bgr, target, interpolation=cv2.INTER_AREA))


def turned_back(
    boxes: np.ndarray, landmarks: np.ndarray, quarters: int, width: int, height: int
) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (N x 5) and landmarks (N x 5 x 2) found in the picture turned by `quarters`
    (np.rot90), in the pixels of the picture itself (`width` x `height`)."""
    corners = _unturned(boxes[:, :4].reshape(-1, 2, 2), quarters, width, height)
    mapped = np.concatenate(
        [corners.min(axis=1), corners.max(axis=1), boxes[:, 4:5]], axis=1
    ).astype(np.float32)
    return mapped, _unturned(landmarks, quarters, width, height).astype(np.float32)


def _unturned(points: np.ndarray, quarters: int, width: int, height: int) -> np.ndarray:
    """Points (..., 2) of the picture turned by `quarters`, in the picture's own pixels."""
    x, y = points[..., 0].astype(np.float64), points[..., 1].astype(np.float64)
    turn = quarters % 4
    if turn == 1:  # turned counter-clockwise: (x, y) went to (y, width - x)
        x, y = width - y, x
    elif turn == 2:
        x, y = width - x, height - y
    elif turn == 3:  # turned clockwise: (x, y) went to (height - y, x)
        x, y = y, height - x
    return np.stack([x, y], axis=-1)


Box = tuple[float, float, float, float]


def overlaps_any(bbox: Box, others: list[Box]) -> bool:
    """Whether `bbox` is mostly the same region as any of the `others` (x1, y1, x2, y2)."""
    x1, y1, x2, y2 = bbox
    area = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    for fx1, fy1, fx2, fy2 in others:
        inter = max(0.0, min(x2, fx2) - max(x1, fx1)) * max(0.0, min(y2, fy2) - max(y1, fy1))
        smaller = min(area, max(0.0, fx2 - fx1) * max(0.0, fy2 - fy1))
        if smaller > 0 and inter / smaller >= SAME_FACE_OVERLAP:
            return True
    return False
