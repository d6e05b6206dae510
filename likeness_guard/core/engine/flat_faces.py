"""Flat-shaded faces (cartoons, anime, smooth paintings) are softened before they are embedded.

The recognizer was trained on photos. A face drawn in flat colour regions with hard outlines
is read partly as those outlines; a slight blur of the 112 px aligned crop (sigma 1 px) takes
them off and leaves the face. Measured by `benchmarks/stylised_faces.py` (264 renderings of
24 faces, strangers against 35 photographed faces): anime-like renderings that match rose from
12 to 19 of 21 and cartoons from 19 to 22 of 22, while the strangers' tail did not move (the
highest stranger stayed 0.330; none reached the match threshold). Blurring every face instead
lifted the highest stranger to 0.367, so only faces that are flat get it.

"Flat" is measured on the crop: the share of pixels in the middle of the face whose 3x3
neighbourhood barely varies. Photographed faces have about 0.2 to 0.3; cartoons and anime
0.5 to 0.7. Small faces enlarged to 112 px are flat too, and for them the blur changes
little (they hold no outlines to remove).

A face that is flat *and* drawn with ink outlines looks drawn (`looks_drawn`) and is matched
against a lower threshold (domain/thresholds.py match_threshold). Flatness alone does not
tell a drawing from a retouched studio photo: four faces of the t1 sample photo are as flat
as anime (0.38 to 0.55). Outlines do: the share of the face's middle on an edge (Canny 80/160)
was 0.066 to 0.094 for every flat photographed face measured, and 0.126 to 0.189 for the
anime and comic faces that the lower threshold lifts to a match
(benchmarks/drawn_threshold.py).

Changing anything here changes embeddings: change `FACE_RECIPE` in domain/packs.py with it,
so that cached faces and references made the old way are made again.
"""

import numpy as np

FLAT_SHARE = 0.35  # faces above this share of flat pixels are softened
SMOOTHING_SIGMA = 1.0  # px on the 112 px crop; 0.75 to 2 measured alike, 3 lost drawings
_FLAT_VARIANCE = 4.0  # grey levels squared: a 3x3 neighbourhood this even counts as flat
_CENTRE = slice(16, 96)  # the face without hair and background
# A flat face with at least this share of its middle on an edge (outlines) looks drawn.
DRAWN_OUTLINE_SHARE = 0.11


def flat_share(bgr: np.ndarray) -> float:
    """Share of the face's middle whose 3x3 neighbourhoods are all but even (0 to 1)."""
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(bgr[_CENTRE, _CENTRE]), cv2.COLOR_BGR2GRAY)
    values = grey.astype(np.float32)
    variance = cv2.blur(values * values, (3, 3)) - cv2.blur(values, (3, 3)) ** 2
    return float((variance < _FLAT_VARIANCE).mean())


def outline_share(bgr: np.ndarray) -> float:
    """Share of the face's middle on an edge (Canny, thresholds 80 and 160): ink outlines."""
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(bgr[_CENTRE, _CENTRE]), cv2.COLOR_BGR2GRAY)
    return float((cv2.Canny(grey, 80, 160) > 0).mean())


def looks_drawn(bgr: np.ndarray) -> bool:
    """Whether the aligned crop (BGR, before softening) is flat-shaded with ink outlines."""
    return flat_share(bgr) > FLAT_SHARE and outline_share(bgr) >= DRAWN_OUTLINE_SHARE


def for_recognizer(bgr: np.ndarray) -> np.ndarray:
    """The aligned crop as the recognizer should see it: softened when it is flat."""
    import cv2

    if flat_share(bgr) <= FLAT_SHARE:
        return bgr
    return np.asarray(cv2.GaussianBlur(bgr, (0, 0), SMOOTHING_SIGMA))
