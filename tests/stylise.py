"""Stylised renderings of the sample photos: drawings, paintings, cartoons and anime-like faces.

Test material made here, from the photos that ship inside the model packages, so that no
third-party drawing or generated image has to be stored in the repository. Each style takes
an RGB portrait (uint8) and the face's five landmarks in it (eyes, nose, mouth corners) and
returns a new RGB image of the same size. Used by `benchmarks/stylised_faces.py` and the
tests of what was shipped for stylised faces.
"""

from collections.abc import Callable

import numpy as np

Style = Callable[[np.ndarray, np.ndarray], np.ndarray]


def photo(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The portrait unchanged: the control."""
    return rgb.copy()


def photo_gray(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A black-and-white photo: the control for the drawings, which have no colour either."""
    import cv2

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))


def pencil(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A graphite pencil sketch (OpenCV's pencilSketch, grey output)."""
    import cv2

    gray, _ = cv2.pencilSketch(_bgr(rgb), sigma_s=60, sigma_r=0.07, shade_factor=0.05)
    return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))


def colour_pencil(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A colour pencil drawing (pencilSketch's colour output)."""
    import cv2

    _, colour = cv2.pencilSketch(_bgr(rgb), sigma_s=60, sigma_r=0.07, shade_factor=0.05)
    return _rgb(colour)


def line_drawing(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Ink lines only, on white: what a quick drawing keeps of a face."""
    import cv2

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    blurred = cv2.GaussianBlur(gray, (0, 0), 1.5)
    # Dodge blend: dark where the local brightness drops, white elsewhere.
    background = cv2.GaussianBlur(255 - blurred, (0, 0), 8)
    dodge = cv2.divide(blurred, 255 - background, scale=256)
    lines = np.where(dodge < 235, dodge, 255).astype(np.uint8)
    stretched = cv2.normalize(lines, np.empty_like(lines), 0, 255, cv2.NORM_MINMAX)
    return np.ascontiguousarray(np.repeat(stretched[:, :, None], 3, axis=2))


def watercolour(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A watercolour-like painting (OpenCV's stylization)."""
    import cv2

    return _rgb(cv2.stylization(_bgr(rgb), sigma_s=60, sigma_r=0.45))


def oil(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """An oil painting: a Kuwahara filter (flat strokes with kept edges), richer colour."""
    import cv2

    painted = _kuwahara(rgb, radius=max(3, rgb.shape[0] // 64))
    hsv = cv2.cvtColor(painted, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[:, :, 1] = np.clip(hsv[:, :, 1] * 1.3, 0, 255)
    return cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)


def cartoon(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A cartoon: smoothed, 8 flat colours, dark outlines."""
    return _cel(rgb, colours=8, smoothing=5, outline=1)


def comic(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A comic panel: 4 levels per channel, heavy ink outlines."""
    import cv2

    smooth = _smooth(rgb, 3)
    poster = (smooth // 64) * 64 + 32
    lines = _outlines(rgb, thickness=2)
    out = np.where(lines[:, :, None], 0, poster).astype(np.uint8)
    return cv2.convertScaleAbs(out, alpha=1.1, beta=0)


def anime(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Anime-like: eyes enlarged 1.3x, skin smoothed flat, 5 colours, brighter, outlines."""
    warped = _enlarge_eyes(rgb, landmarks, scale=1.3)
    return _cel(warped, colours=5, smoothing=8, outline=1, saturation=1.4, brightness=20)


def anime_strong(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Stronger anime: eyes enlarged 1.6x, chin narrowed, 4 colours, thick outlines."""
    warped = _narrow_chin(_enlarge_eyes(rgb, landmarks, scale=1.6), landmarks)
    return _cel(warped, colours=4, smoothing=10, outline=2, saturation=1.6, brightness=30)


STYLES: dict[str, Style] = {
    "photo": photo,
    "photo, grey": photo_gray,
    "pencil": pencil,
    "colour pencil": colour_pencil,
    "line drawing": line_drawing,
    "watercolour": watercolour,
    "oil": oil,
    "cartoon": cartoon,
    "comic": comic,
    "anime": anime,
    "anime, strong": anime_strong,
}
# What each style stands for in the tables: a photo-like control or a kind of stylisation.
KIND = {
    "photo": "photo-like",
    "photo, grey": "photo-like",
    "pencil": "drawing",
    "colour pencil": "drawing",
    "line drawing": "drawing",
    "watercolour": "painting",
    "oil": "painting",
    "cartoon": "cartoon",
    "comic": "cartoon",
    "anime": "anime",
    "anime, strong": "anime",
}


def portrait(
    rgb: np.ndarray, bbox: tuple[float, float, float, float], landmarks: np.ndarray, size: int = 384
) -> tuple[np.ndarray, np.ndarray]:
    """A square crop around a face (twice its size), resized to `size` pixels: the face then
    fills about half the picture, as in a portrait. Returns the crop and the landmarks in it."""
    import cv2

    x1, y1, x2, y2 = bbox
    side = 2.0 * max(x2 - x1, y2 - y1)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    scale = size / side
    matrix = np.array([[scale, 0, size / 2 - cx * scale], [0, scale, size / 2 - cy * scale]])
    crop = cv2.warpAffine(
        rgb, matrix, (size, size), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
    )
    points = np.asarray(landmarks, np.float64) * scale + matrix[:, 2]
    return crop, points.astype(np.float32)


def _bgr(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _rgb(bgr: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(bgr[:, :, ::-1])


def _smooth(rgb: np.ndarray, passes: int) -> np.ndarray:
    """Repeated bilateral filtering at half size: flat regions, kept edges."""
    import cv2

    height, width = rgb.shape[:2]
    small = cv2.resize(rgb, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    for _ in range(passes):
        small = cv2.bilateralFilter(small, 9, 20, 7)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def _outlines(rgb: np.ndarray, thickness: int) -> np.ndarray:
    """Dark outlines where brightness changes sharply (a boolean mask)."""
    import cv2

    gray = cv2.medianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), 7)
    edges = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, blockSize=9, C=4
    )
    mask = edges == 0
    if thickness > 1:
        kernel = np.ones((thickness, thickness), np.uint8)
        mask = cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)
    return np.asarray(mask)


def _cel(
    rgb: np.ndarray,
    *,
    colours: int,
    smoothing: int,
    outline: int,
    saturation: float = 1.0,
    brightness: int = 0,
) -> np.ndarray:
    """Flat (cel) shading: smoothed, quantised to a few colours by k-means, outlined."""
    import cv2

    smooth = _smooth(rgb, smoothing)
    if saturation != 1.0 or brightness:
        hsv = cv2.cvtColor(smooth, cv2.COLOR_RGB2HSV).astype(np.float32)
        hsv[:, :, 1] = np.clip(hsv[:, :, 1] * saturation, 0, 255)
        hsv[:, :, 2] = np.clip(hsv[:, :, 2] + brightness, 0, 255)
        smooth = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)
    pixels = smooth.reshape(-1, 3).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    cv2.setRNGSeed(7)
    _, labels, centres = cv2.kmeans(
        pixels, colours, np.empty((len(pixels), 1), np.int32), criteria, 3, cv2.KMEANS_PP_CENTERS
    )
    flat = centres.astype(np.uint8)[labels.ravel()].reshape(rgb.shape)
    lines = _outlines(rgb, outline)
    return np.where(lines[:, :, None], 20, flat).astype(np.uint8)


def _kuwahara(rgb: np.ndarray, radius: int) -> np.ndarray:
    """Each pixel takes the mean colour of the least varied of its four quadrants."""
    import cv2

    image = rgb.astype(np.float32)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    size = radius + 1
    means, variances = [], []
    for anchor in ((0, 0), (radius, 0), (0, radius), (radius, radius)):
        mean = cv2.boxFilter(image, -1, (size, size), anchor=anchor, normalize=True)
        g_mean = cv2.boxFilter(gray, -1, (size, size), anchor=anchor, normalize=True)
        g_sq = cv2.boxFilter(gray * gray, -1, (size, size), anchor=anchor, normalize=True)
        means.append(mean)
        variances.append(g_sq - g_mean * g_mean)
    best = np.argmin(np.stack(variances), axis=0)
    stacked = np.stack(means)
    rows, cols = np.indices(best.shape)
    return np.asarray(np.clip(stacked[best, rows, cols], 0, 255), np.uint8)


def _enlarge_eyes(rgb: np.ndarray, landmarks: np.ndarray, scale: float) -> np.ndarray:
    """Magnify a disc around each eye (the big eyes of anime drawings)."""
    import cv2

    height, width = rgb.shape[:2]
    eye_distance = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    radius = 0.45 * eye_distance
    grid_x, grid_y = np.meshgrid(
        np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32)
    )
    map_x, map_y = grid_x.copy(), grid_y.copy()
    for eye in landmarks[:2]:
        dx, dy = grid_x - eye[0], grid_y - eye[1]
        distance = np.sqrt(dx * dx + dy * dy) / radius
        inside = distance < 1.0
        # Sample closer to the centre: the middle of the disc grows, its rim stays in place.
        factor = np.where(inside, 1.0 - (1.0 - 1.0 / scale) * (1.0 - distance**2) ** 2, 1.0)
        map_x = np.where(inside, eye[0] + dx * factor, map_x)
        map_y = np.where(inside, eye[1] + dy * factor, map_y)
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def _narrow_chin(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Pull the lower face towards its middle (the small, pointed chin of anime drawings)."""
    import cv2

    height, width = rgb.shape[:2]
    centre_x = float(landmarks[:, 0].mean())
    mouth_y = float(landmarks[3:, 1].mean())
    eye_distance = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    grid_x, grid_y = np.meshgrid(
        np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32)
    )
    below = np.clip((grid_y - (mouth_y - 0.5 * eye_distance)) / (1.5 * eye_distance), 0.0, 1.0)
    near = np.clip(1.0 - np.abs(grid_x - centre_x) / (2.0 * eye_distance), 0.0, 1.0)
    squeeze = 1.0 + 0.35 * below * near  # sample further out: the face looks narrower
    map_x = centre_x + (grid_x - centre_x) * squeeze
    return cv2.remap(rgb, map_x, grid_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
