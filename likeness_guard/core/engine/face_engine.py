"""The on-device face engine: SCRFD detection, 5-point alignment, ArcFace embeddings."""

import os
import queue
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from likeness_guard.core.domain.errors import ModelPackError
from likeness_guard.core.engine.flat_faces import (
    FLAT_SHARE,
    SMOOTHING_SIGMA,
    flat_share,
    for_recognizer,
)
from likeness_guard.core.engine.flat_faces import looks_drawn as drawn_crop
from likeness_guard.core.engine.model_pack import ModelPack, load_model_pack
from likeness_guard.core.engine.prelu import prelu_as_convolutions
from likeness_guard.core.engine.turned import (
    confident_upright,
    overlaps_any,
    shrunk,
    turned_back,
)

# insightface's alignment calls a scikit-image method deprecated in 0.26; harmless for us.
warnings.filterwarnings("ignore", message=r"`estimate` is deprecated", category=FutureWarning)

EMBEDDING_SIZE = 512
ALIGNED_SIZE = 112
# Two detector passes over the whole image: 128 finds faces that fill the frame (tight
# crops, which 640 alone misses), 640 finds the rest.
WHOLE_IMAGE_SIZES = [(128, 128), (640, 640)]
# Larger images are also searched in overlapping tiles so that small faces in group photos
# are not shrunk below the detector's ~10 px floor. A bigger detector input (1280) was
# measured to invent faces (114 on a 22-face photo), tiles do not.
TILE_ABOVE_PIXELS = 1400
TILE_GRID = 2
TILE_OVERLAP = 0.2
DETECTION_THRESHOLD = 0.5
NMS_IOU = 0.4
MIN_FACE_PIXELS = 8
# Faces embedded per recognizer call. onnxruntime keeps the memory of its largest batch for
# the session's life: a crowd of 103 faces in one call held 400 MB more for the rest of the
# scan; batches of 16 run as fast and hold about 60 MB.
EMBED_BATCH = 16
# An image in which no face was found is searched once more, shrunk to at most this many
# pixels on its long side and softened (flat_faces.SMOOTHING_SIGMA): the detector misses some
# drawn faces for their hard outlines. Measured on benchmarks/stylised_faces.py: 6 of the 264
# renderings were found only so (the 3 other misses sit beside a face that was found).
SOFTENED_DETECTION_SIZE = 640
# ... but only a picture with outlines, which drawings have: at least this share of its
# pixels are edges (Canny 80/160 at the size above). The renderings found by the second search
# had 0.069 to 0.166; on a smooth, blurred picture (colour fields) the softened search invented
# a face, and such pictures have almost none (152 faceless pictures of the scan benchmark:
# at most 0.0025). No face appeared in 22 faceless photos that ship with scikit-image, searched
# softened whatever their edges (0 to 0.33).
DRAWN_EDGE_SHARE = 0.02
# A picture with a flat-shaded face at least this wide may be drawn: it is searched softened
# too, for drawn faces beside it that the detector missed (`flat_shaded`); such a face with
# outlines looks drawn (`looks_drawn`). Small photographed faces enlarged to
# 112 px look flat as well (flat_faces.py), so they do not count.
DRAWN_FACE_PIXELS = 64
# Turned pictures (sideways or upside down) are searched when no face in them is a confident,
# upright one (engine/turned.py): the turned copies are probed shrunk to this size, and one
# wins when its best face scores TURNED_MIN_SCORE or more and TURN_LEAD above the upright
# picture's best. Measured by benchmarks/turned_faces.py: upright faces in the sample photos
# score 0.76-0.90; upside down, the detector finds faces at 0.56-0.66 whose landmarks are
# wrong (none matches), and the probe finds the same faces at 0.79-0.90.
TURN_PROBE_SIZE = 320
TURN_PROBE_SIZES = [(128, 128), (TURN_PROBE_SIZE, TURN_PROBE_SIZE)]
TURNED_MIN_SCORE = 0.7
TURN_LEAD = 0.1
# Longer sides above this many times the shorter one are searched in windows half as long:
# shrunk whole to 128 px, a 100x13000 strip would be less than one pixel wide (an OpenCV
# error), and shrunk to 640 px its faces would be too small to find.
MAX_ASPECT = 64


@dataclass(frozen=True)
class DetectedFace:
    """One face found in an image, with what the recognizer made of it."""

    bbox: tuple[float, float, float, float]  # x1, y1, x2, y2 in image pixels
    det_score: float
    landmarks: np.ndarray  # 5x2: eyes, nose, mouth corners
    embedding: np.ndarray  # 512 float32, unit length
    aligned: np.ndarray  # 112x112x3 RGB uint8, the crop the recognizer saw
    # 0, 90, 180 or 270: how far the face is turned in the picture, clockwise; it was found
    # in a copy turned back by that much (bbox and landmarks are in the picture's pixels).
    turned: int = 0
    # Large enough to judge, flat-shaded and outlined, as drawn faces are (`looks_drawn`):
    # matched against a lower threshold (domain/thresholds.py match_threshold).
    drawn: bool = False

    @property
    def width(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


def available_cores() -> int:
    """Cores this process may run on (honours CPU affinity, unlike os.cpu_count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def session_options(threads: int | None = None) -> Any:
    """Return the onnxruntime options every session of ours uses.

    Thread spinning off: with two sessions on two cores, spinning threads of one model
    starve the other (measured: a detect-and-embed loop went from ~16 to ~29 images/s).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or min(4, available_cores())
    options.inter_op_num_threads = 1
    # Without the arena, memory goes back after each call: a worker's steady memory fell from
    # about 340 to 300 MB on mixed photos, at the same speed (8.40 against 8.47 s, 50 calls).
    options.enable_cpu_mem_arena = False
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # the recognizer's fixed batch-1 output shape warns on batches
    return options


def _load_models(pack: ModelPack, threads: int | None) -> tuple[Any, Any]:
    """The pack's SCRFD detector (prepared) and ArcFace recognizer. Raises ModelPackError."""
    from insightface.model_zoo import model_zoo

    options = session_options(threads)
    providers = ["CPUExecutionProvider"]
    try:
        detector = model_zoo.get_model(
            str(pack.detector), providers=providers, sess_options=options
        )
        recognizer = model_zoo.get_model(
            str(pack.recognizer), providers=providers, sess_options=options
        )
        _rewrite_prelu(recognizer, pack.recognizer, options, providers)
    except Exception as exc:  # onnxruntime raises its own types for broken files
        raise ModelPackError(
            f"The face models in {pack.detector.parent} could not be loaded ({exc})."
        ) from exc
    if type(detector).__name__ != "SCRFD" or not hasattr(recognizer, "get_feat"):
        raise ModelPackError(
            f"{pack.detector.name} and {pack.recognizer.name} are not an SCRFD "
            "detector and an ArcFace recognizer."
        )
    detector.prepare(-1, det_thresh=DETECTION_THRESHOLD, nms_thresh=NMS_IOU)
    return detector, recognizer


def _rewrite_prelu(model: Any, path: Path, options: Any, providers: list[str]) -> None:
    """Give an insightface model a session of its graph with the PReLU layers rewritten as
    convolutions (engine/prelu.py), when it has any: the same results in a third less time."""
    import onnx
    import onnxruntime as ort

    graph = onnx.load(str(path))
    if prelu_as_convolutions(graph):
        model.session = ort.InferenceSession(
            graph.SerializeToString(), options, providers=providers
        )


class FaceEngine:
    """Detects and embeds faces. Safe to share between threads: a call borrows one of the
    engine's lanes (a detector and recognizer of its own), so that up to `lanes` calls run at
    once and any more wait for a lane to come free."""

    def __init__(
        self,
        pack: ModelPack | None = None,
        *,
        threads: int | None = None,
        lanes: int | None = None,
        lazy: bool = False,
    ) -> None:
        """Load the pack's models now, or with `lazy` on the first call that needs them (a
        rescan of unchanged files needs none: no onnxruntime import, no sessions). A broken
        pack raises ModelPackError then, from that call.

        `threads` is each lane's; asked for neither, an engine has two lanes (on two cores or
        more) sharing the cores, at most four threads each: two frames of a video, or two
        photos, are searched at once. Measured on 720p frames on two cores: two one-thread
        lanes 41-44 ms a frame, one two-thread session 53 ms (and more processor time, 86-88
        against 80-83 ms). A lane is loaded only when a call finds every loaded one busy.
        """
        self.pack = pack if pack is not None else load_model_pack()
        cores = available_cores()
        default_lanes = 1 if threads else min(2, cores)
        self.lanes = max(1, lanes if lanes is not None else default_lanes)
        self._threads = threads or max(1, min(4, cores // self.lanes))
        self._free: queue.SimpleQueue[FaceModels] = queue.SimpleQueue()
        self._made = 0
        self._loading = threading.Lock()
        if not lazy:
            self.load()

    @property
    def loaded(self) -> bool:
        """Whether the models are loaded (a lazy engine loads them on first use)."""
        return self._made > 0

    def load(self) -> None:
        """Load the models now if they are not yet. Raises ModelPackError."""
        with self._loading:
            if self._made == 0:
                self._free.put(FaceModels(*_load_models(self.pack, self._threads)))
                self._made = 1

    @contextmanager
    def _lane(self) -> Iterator["FaceModels"]:
        """A lane for one call: a free one, a new one while fewer than `lanes` are loaded,
        or else the first to come free."""
        try:
            models = self._free.get_nowait()
        except queue.Empty:
            with self._loading:
                made = self._made < self.lanes
                if made:
                    models = FaceModels(*_load_models(self.pack, self._threads))
                    self._made += 1
            if not made:
                models = self._free.get()
        try:
            yield models
        finally:
            self._free.put(models)

    def analyze(
        self, rgb: np.ndarray, *, soften: bool = True, turns: bool = True
    ) -> list[DetectedFace]:
        """Return every face in an RGB image, largest first, each embedded.

        A picture without a confident upright face is also searched turned by 90, 180 and
        270 degrees (engine/turned.py); faces found so come back in the picture's own pixels,
        with `turned` set. `soften=False` leaves out what helps with drawn faces
        (flat_faces.py and the softened second search) and `turns=False` the turned search,
        so that benchmarks can compare.
        """
        import cv2

        # OpenCV swaps the channels about ten times faster than a numpy copy of rgb[..., ::-1]
        # (3 against 40 ms for a 3 MP photo).
        bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
        with self._lane() as models:
            faces = models.faces_in(bgr, soften=soften, turns=turns)
        faces.sort(key=lambda f: f.width * f.height, reverse=True)
        return faces

    def embed_aligned(self, aligned_rgb: list[np.ndarray], *, soften: bool = True) -> np.ndarray:
        """Embed faces that are already aligned (112x112 RGB crops, as `DetectedFace.aligned`
        and a reference's thumbnail hold them): N x 512 float32, unit length.

        Lets another model pack's recognizer re-embed stored reference faces without the
        photos they came from. `soften=False` skips flat_faces.py (benchmarks compare).
        """
        if not aligned_rgb:
            return np.empty((0, EMBEDDING_SIZE), np.float32)
        crops = [np.ascontiguousarray(crop[:, :, ::-1]) for crop in aligned_rgb]
        if soften:
            crops = [for_recognizer(crop) for crop in crops]
        with self._lane() as models:
            return models.features(crops)


class FaceModels:
    """One detector and recognizer pair, and how a picture is searched with them: a lane of
    FaceEngine, used by one call at a time."""

    def __init__(self, detector: Any, recognizer: Any) -> None:
        self._detector = detector
        self._recognizer = recognizer

    def faces_in(self, bgr: np.ndarray, *, soften: bool, turns: bool) -> list[DetectedFace]:
        """Every face in a BGR picture (FaceEngine.analyze), in no particular order."""
        boxes, landmarks = self._detect(bgr)
        if not len(boxes) and soften:
            boxes, landmarks = self._detect_softened(bgr)
        turn = 0
        if turns and not confident_upright(boxes, landmarks):
            turn = self._best_turn(bgr, float(boxes[:, 4].max()) if len(boxes) else 0.0)
        faces = self._embedded(bgr, boxes, landmarks, soften) if len(boxes) else []
        if soften and any(flat_shaded(f.width, f.aligned[:, :, ::-1]) for f in faces):
            faces += self._more_drawn_faces(bgr, faces)
        if turn:
            turned = self._found_turned(bgr, turn, soften)
            turned_boxes = [face.bbox for face in turned]
            faces = turned + [f for f in faces if not overlaps_any(f.bbox, turned_boxes)]
        return faces

    def _embedded(
        self,
        bgr: np.ndarray,
        boxes: np.ndarray,
        landmarks: np.ndarray,
        soften: bool,
        turned: tuple[int, int, int] = (0, 0, 0),
    ) -> list[DetectedFace]:
        """The faces at `boxes` embedded. `turned` (quarter turns, width, height of the
        picture) says that `bgr` is the picture turned back: boxes are then mapped to it."""
        aligned, embeddings = self._embed(bgr, landmarks, soften)
        # Judged upright, in the frame the face was found in, before boxes are mapped back.
        drawn = [
            looks_drawn(float(b[2] - b[0]), crop) for b, crop in zip(boxes, aligned, strict=True)
        ]
        quarters, width, height = turned
        if quarters:
            boxes, landmarks = turned_back(boxes, landmarks, quarters, width, height)
        return [
            DetectedFace(
                bbox=(float(b[0]), float(b[1]), float(b[2]), float(b[3])),
                det_score=float(b[4]),
                landmarks=kps.astype(np.float32),
                embedding=emb,
                aligned=np.ascontiguousarray(crop[:, :, ::-1]),
                turned=90 * quarters,
                drawn=flag,
            )
            for b, kps, crop, emb, flag in zip(
                boxes, landmarks, aligned, embeddings, drawn, strict=True
            )
        ]

    def _more_drawn_faces(self, bgr: np.ndarray, found: list[DetectedFace]) -> list[DetectedFace]:
        """Faces the softened search finds in a drawn picture besides those `found`: the
        detector misses some drawn faces for their outlines even beside one it finds."""
        boxes, landmarks = self._detect_softened(bgr)
        known = [face.bbox for face in found]
        new = [
            i
            for i, b in enumerate(boxes)
            if not overlaps_any((float(b[0]), float(b[1]), float(b[2]), float(b[3])), known)
        ]
        return self._embedded(bgr, boxes[new], landmarks[new], True) if new else []

    def _best_turn(self, bgr: np.ndarray, upright_best: float) -> int:
        """Quarter turns (counter-clockwise) that show the picture's faces upright, or 0.

        Probed on a copy shrunk to TURN_PROBE_SIZE, whole-image passes only: a turned copy
        wins when its best face scores TURN_LEAD above the upright picture's best and at
        least TURNED_MIN_SCORE.
        """
        small = shrunk(bgr, TURN_PROBE_SIZE)
        if small is None:
            return 0
        best_turn, best_score = 0, max(upright_best + TURN_LEAD, TURNED_MIN_SCORE)
        for quarters in (1, 2, 3):
            probe = np.ascontiguousarray(np.rot90(small, quarters))
            boxes, _ = self._detector.detect(probe, input_size=TURN_PROBE_SIZES)
            if len(boxes) and float(boxes[:, 4].max()) >= best_score:
                best_turn, best_score = quarters, float(boxes[:, 4].max())
        return best_turn

    def _found_turned(self, bgr: np.ndarray, quarters: int, soften: bool) -> list[DetectedFace]:
        """Every face of the picture turned back by `quarters`, at full size."""
        height, width = bgr.shape[:2]
        turned = np.ascontiguousarray(np.rot90(bgr, quarters))
        boxes, landmarks = self._detect(turned)
        if not len(boxes):
            return []
        return self._embedded(turned, boxes, landmarks, soften, (quarters, width, height))

    def _detect(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        height, width = bgr.shape[:2]
        if min(height, width) < MIN_FACE_PIXELS:  # a 1x60000 strip holds no face
            return _no_faces()
        if max(height, width) > MAX_ASPECT * min(height, width):
            return self._detect_in_windows(bgr)
        return self._detect_whole(bgr)

    def _detect_in_windows(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A very long, thin image, searched in overlapping windows along its length: shrunk
        whole to the detector's size, it would be less than a pixel wide."""
        height, width = bgr.shape[:2]
        short = min(height, width)
        step = short * (MAX_ASPECT // 2 - 1)
        found_boxes, found_kps = [], []
        for start in range(0, max(height, width) - short, step):
            end = min(start + short * (MAX_ASPECT // 2), max(height, width))
            if height >= width:
                window, offset = bgr[start:end], np.array([0, start], np.float32)
            else:
                window, offset = bgr[:, start:end], np.array([start, 0], np.float32)
            boxes, kps = self._detect_whole(np.ascontiguousarray(window))
            if len(boxes):
                found_boxes.append(boxes + np.array([*offset, *offset, 0], np.float32))
                found_kps.append(kps + offset)
        if not found_boxes:
            return _no_faces()
        all_boxes, all_kps = np.vstack(found_boxes), np.vstack(found_kps)
        keep = _nms(all_boxes, NMS_IOU)
        return all_boxes[keep], all_kps[keep]

    def _detect_softened(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Search a shrunk, softened copy; boxes and landmarks come back in image pixels."""
        import cv2

        height, width = bgr.shape[:2]
        short, long = sorted((height, width))
        if short < MIN_FACE_PIXELS or long > MAX_ASPECT * short:
            return _no_faces()
        scale = min(1.0, SOFTENED_DETECTION_SIZE / long)
        small = bgr
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        if edge_share(small) < DRAWN_EDGE_SHARE:  # no outlines: nothing drawn to look for
            return _no_faces()
        boxes, landmarks = self._detector.detect(
            cv2.GaussianBlur(small, (0, 0), SMOOTHING_SIGMA), input_size=WHOLE_IMAGE_SIZES
        )
        if not len(boxes):
            return _no_faces()
        boxes = boxes * np.array([1 / scale] * 4 + [1], np.float32)
        landmarks = landmarks / scale
        sizes = np.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
        big_enough = sizes >= MIN_FACE_PIXELS
        return boxes[big_enough], landmarks[big_enough]

    def _detect_whole(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        height, width = bgr.shape[:2]
        boxes, landmarks = self._detector.detect(bgr, input_size=WHOLE_IMAGE_SIZES)
        found_boxes = [boxes] if len(boxes) else []
        found_kps = [landmarks] if len(boxes) else []
        if max(height, width) > TILE_ABOVE_PIXELS:
            for x0, y0, x1, y1 in _tiles(width, height):
                tile = np.ascontiguousarray(bgr[y0:y1, x0:x1])
                t_boxes, t_kps = self._detector.detect(tile, input_size=[(640, 640)])
                if len(t_boxes):
                    found_boxes.append(t_boxes + np.array([x0, y0, x0, y0, 0], np.float32))
                    found_kps.append(t_kps + np.array([x0, y0], np.float32))
        if not found_boxes:
            return _no_faces()
        all_boxes = np.vstack(found_boxes)
        all_kps = np.vstack(found_kps)
        keep = _nms(all_boxes, NMS_IOU)
        all_boxes, all_kps = all_boxes[keep], all_kps[keep]
        sizes = np.minimum(all_boxes[:, 2] - all_boxes[:, 0], all_boxes[:, 3] - all_boxes[:, 1])
        big_enough = sizes >= MIN_FACE_PIXELS
        return all_boxes[big_enough], all_kps[big_enough]

    def _embed(
        self, bgr: np.ndarray, landmarks: np.ndarray, soften: bool
    ) -> tuple[list[np.ndarray], np.ndarray]:
        from insightface.utils import face_align

        crops = [face_align.norm_crop(bgr, kps, image_size=ALIGNED_SIZE) for kps in landmarks]
        return crops, self.features([for_recognizer(c) if soften else c for c in crops])

    def features(self, bgr_crops: list[np.ndarray]) -> np.ndarray:
        """The recognizer's unit-length embeddings of aligned BGR crops, in batches."""
        features = np.vstack(
            [
                np.asarray(self._recognizer.get_feat(bgr_crops[at : at + EMBED_BATCH]), np.float32)
                for at in range(0, len(bgr_crops), EMBED_BATCH)
            ]
        )
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        return np.asarray(features / np.maximum(norms, 1e-12), np.float32)


def flat_shaded(width: float, aligned_bgr: np.ndarray) -> bool:
    """Whether a face `width` pixels wide whose aligned crop (BGR, before softening) is
    `aligned_bgr` is large enough to judge (DRAWN_FACE_PIXELS) and flat-shaded, as drawn
    faces (and some retouched photos) are (flat_faces.py): its picture is searched softened."""
    return width >= DRAWN_FACE_PIXELS and flat_share(aligned_bgr) > FLAT_SHARE


def looks_drawn(width: float, aligned_bgr: np.ndarray) -> bool:
    """Whether such a face is also drawn with outlines (flat_faces.looks_drawn): it is
    matched against the lower threshold for drawn faces."""
    return width >= DRAWN_FACE_PIXELS and drawn_crop(aligned_bgr)


def edge_share(bgr: np.ndarray) -> float:
    """Share of a picture's pixels on an edge (Canny, thresholds 80 and 160)."""
    import cv2

    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return float((cv2.Canny(grey, 80, 160) > 0).mean())


def _no_faces() -> tuple[np.ndarray, np.ndarray]:
    """No boxes (N x 5: corners and score) and no landmarks (N x 5 x 2)."""
    return np.empty((0, 5), np.float32), np.empty((0, 5, 2), np.float32)


def _tiles(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Split the image into a grid of tiles that overlap by TILE_OVERLAP of a tile."""
    tiles = []
    tile_w = int(width / (TILE_GRID - (TILE_GRID - 1) * TILE_OVERLAP))
    tile_h = int(height / (TILE_GRID - (TILE_GRID - 1) * TILE_OVERLAP))
    for row in range(TILE_GRID):
        for col in range(TILE_GRID):
            x0 = min(int(col * tile_w * (1 - TILE_OVERLAP)), width - tile_w)
            y0 = min(int(row * tile_h * (1 - TILE_OVERLAP)), height - tile_h)
            tiles.append((x0, y0, x0 + tile_w, y0 + tile_h))
    return tiles


def _nms(boxes: np.ndarray, iou: float) -> list[int]:
    """Indices of boxes to keep, best score first, dropping overlaps above `iou`."""
    order = list(np.argsort(-boxes[:, 4], kind="stable"))
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order:
        best = order.pop(0)
        keep.append(int(best))
        if not order:
            break
        rest = np.array(order)
        xx1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.maximum(0, xx2 - xx1) * np.maximum(0, yy2 - yy1)
        overlap = inter / (areas[best] + areas[rest] - inter + 1e-9)
        # A face cut by a tile edge is mostly inside the whole face's box: drop it too.
        inside = inter / (areas[rest] + 1e-9)
        order = [
            int(i) for i, o, c in zip(rest, overlap, inside, strict=True) if o <= iou and c < 0.8
        ]
    return keep
