"""Pictures turned sideways or upside down: found before and after the turned search (issue 28).

Material: the sample photos that ship inside the model packages (yaoming, players, gdp, t1,
tom_hanks: 35 faces of 34 people), each turned by 0, 90, 180 and 270 degrees; faceless
pictures (smooth colour fields like the scan benchmark's, and the photos without a person
that ship with scikit-image); and the scan benchmark's corpus (benchmarks/.corpus, made by
`make bench`) for the cost. Everything is measured twice in this process, with the turned
search (`FaceEngine.analyze(turns=True)`, as shipped) and without it.

- found: a face of the upright photo counts as found in a turned copy when a face there,
  its box mapped back to the upright picture, covers the same place and scores at least the
  match threshold (or the possible floor) against the upright face's embedding. Faces at
  least 48 px wide (those that could be enrolled) and at least 20 px are counted apart.
- strangers: every face found in every copy against the reference (upright embedding) of
  every other person whose face could be enrolled; whose face it is comes from where it is.
- faceless: faces invented in pictures without a face, each turned four ways.
- cost: the time to analyse each picture (decoding, AI-marker checks and faces, as a scan's
  worker does: `image_analysis.analyse_image`), both ways, interleaved, the faster of two
  runs each, one thread.

Run: .venv/bin/python benchmarks/turned_faces.py [--corpus-images N]
"""

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import cast

import numpy as np

from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR, PRESET_THRESHOLDS, Preset
from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.engine.quality import MIN_FACE_WIDTH
from likeness_guard.core.engine.turned import turned_back
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.pipeline.image_analysis import ImageJob, analyse_image

BALANCED = PRESET_THRESHOLDS[Preset.BALANCED]
SMALLEST = 20  # px: faces counted in the "all faces" rows
TURNS = (0, 1, 2, 3)  # quarter turns, as np.rot90 counts them
HERE = Path(__file__).parent


@dataclass
class Tally:
    """Found faces per turn, and what strangers scored, for one way of analysing."""

    match: dict[tuple[str, int], int] = field(default_factory=dict)
    possible: dict[tuple[str, int], int] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)
    strangers: list[float] = field(default_factory=list)

    def add(self, group: str, quarters: int, score: float) -> None:
        key = (group, quarters)
        self.match[key] = self.match.get(key, 0) + (score >= BALANCED)
        self.possible[key] = self.possible.get(key, 0) + (score >= POSSIBLE_FLOOR)


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(
        0.0, min(a[3], b[3]) - max(a[1], b[1])
    )
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def upright_boxes(faces: list[DetectedFace], quarters: int, shape: tuple[int, ...]) -> list:  # type: ignore[type-arg]
    """The faces' boxes in the upright picture of `shape` (they were found in its copy
    turned by `quarters`, in whose own pixels the engine reports them)."""
    if not faces or not quarters:
        return [f.bbox for f in faces]
    height, width = shape[:2]
    boxes = np.array([[*f.bbox, f.det_score] for f in faces], np.float32)
    mapped, _ = turned_back(
        boxes, np.zeros((len(faces), 5, 2), np.float32), quarters, width, height
    )
    return [tuple(float(v) for v in row[:4]) for row in mapped]


def photos_turned(engine: FaceEngine, turns: bool) -> Tally:
    tally = Tally()
    pictures = {name: decode_image(p.read_bytes()).frames[0] for name, p in sample_photos().items()}
    upright = {name: engine.analyze(image, turns=False) for name, image in pictures.items()}
    references = {
        (name, i): f.embedding
        for name, faces in upright.items()
        for i, f in enumerate(faces)
        if f.width >= MIN_FACE_WIDTH
    }
    for name, image in pictures.items():
        for quarters in TURNS:
            copy = np.ascontiguousarray(np.rot90(image, quarters))
            found = engine.analyze(copy, turns=turns)
            boxes = upright_boxes(found, quarters, image.shape)
            owners = []
            for box in boxes:
                overlaps = [iou(box, f.bbox) for f in upright[name]]
                owners.append(int(np.argmax(overlaps)) if max(overlaps) >= 0.3 else -1)
            for index, face in enumerate(upright[name]):
                if face.width < SMALLEST:
                    continue
                scores = [
                    float(g.embedding @ face.embedding)
                    for g, owner in zip(found, owners, strict=True)
                    if owner == index
                ]
                best = max(scores, default=0.0)
                for group, floor in (("≥ 48 px", MIN_FACE_WIDTH), (f"≥ {SMALLEST} px", SMALLEST)):
                    if face.width >= floor:
                        tally.add(group, quarters, best)
                        tally.counted[group] = tally.counted.get(group, 0) + (quarters == 0)
            for g, owner in zip(found, owners, strict=True):
                tally.strangers.extend(
                    float(g.embedding @ ref)
                    for key, ref in references.items()
                    if key != (name, owner) and not (name == "players" and key[0] == "yaoming")
                )
    return tally


def faceless_pictures() -> list[np.ndarray]:
    """Colour fields (as the scan benchmark makes them) and scikit-image's photos without a
    person, at their own sizes and enlarged to about 3 MP."""
    import cv2
    import skimage.data
    from PIL import Image

    pictures: list[np.ndarray] = []
    for seed in range(12):
        rng = np.random.default_rng(seed)
        coarse = rng.integers(0, 255, (6, 8, 3)).astype(np.uint8)
        fields = np.asarray(Image.fromarray(coarse).resize((800, 600), Image.Resampling.BICUBIC))
        noise = np.random.default_rng(seed + 100).normal(0, 6, (600, 800, 3))
        pictures.append(np.asarray(np.clip(fields + noise, 0, 255), np.uint8))
    for name in (
        "brick",
        "camera",
        "chelsea",
        "coffee",
        "coins",
        "grass",
        "gravel",
        "horse",
        "hubble_deep_field",
        "moon",
        "page",
        "rocket",
        "text",
        "clock",
        "retina",
    ):
        try:
            array = np.asarray(getattr(skimage.data, name)())
        except Exception:  # an optional file that this copy does not ship
            continue
        if array.ndim == 2:
            array = np.repeat(array[:, :, None], 3, axis=2)
        pictures.append(np.ascontiguousarray(array[:, :, :3], np.uint8))
    pictures.append(
        np.asarray(cv2.resize(pictures[0], (2000, 1500), interpolation=cv2.INTER_CUBIC))
    )
    return pictures


def best_of_two(work: Callable[[], object]) -> float:
    """Seconds of the faster of two runs (the machine is shared: noise only adds)."""
    times = []
    for _ in range(2):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def faceless(engine: FaceEngine) -> None:
    print("\n## Faceless pictures, each turned four ways: faces invented, ms per picture")
    pictures = faceless_pictures()
    invented = {False: 0, True: 0}
    seconds = {False: 0.0, True: 0.0}
    for picture in pictures:
        for quarters in TURNS:
            copy = np.ascontiguousarray(np.rot90(picture, quarters))
            for turns in (False, True):
                invented[turns] += len(engine.analyze(copy, turns=turns))
                seconds[turns] += best_of_two(partial(engine.analyze, copy, turns=turns))
    count = len(pictures) * len(TURNS)
    for turns in (False, True):
        print(
            f"turned search {'on ' if turns else 'off'} | {invented[turns]} faces in {count} "
            f"pictures | {1000 * seconds[turns] / count:.0f} ms per picture"
        )


class Switched:
    """The engine with the turned search on or off, as `analyse_image` calls it."""

    def __init__(self, engine: FaceEngine, turns: bool) -> None:
        self.engine, self.turns, self.turned, self.drawn = engine, turns, 0, 0

    def analyze(self, rgb: np.ndarray) -> list[DetectedFace]:
        faces = self.engine.analyze(rgb, turns=self.turns)
        self.turned += any(face.turned for face in faces)
        # Pictures with a face that looks drawn are also searched softened (issue 28): how
        # often that extra search ran on this corpus of photos.
        self.drawn += any(face.drawn for face in faces)
        return faces


def corpus_cost(engine: FaceEngine, count: int) -> None:
    """Analysis time per image of the scan benchmark's corpus, both ways, interleaved."""
    folders = sorted((HERE / ".corpus").glob("v*-*"))
    if not folders:
        print("\n## Cost on the scan corpus: no corpus yet (make bench builds it)")
        return
    import pillow_heif

    pillow_heif.register_heif_opener()
    paths = sorted(p for p in folders[-1].iterdir() if not p.name.startswith("."))[:count]
    ways = {turns: Switched(engine, turns) for turns in (False, True)}
    spent = {False: 0.0, True: 0.0}
    for path in paths:
        job = ImageJob(path.read_bytes(), path.name, 1, True, 60.0)
        for turns, way in ways.items():
            spent[turns] += best_of_two(partial(analyse_image, job, cast(FaceEngine, way)))
    print(
        f"\n## Cost on the scan corpus ({len(paths)} images of {folders[-1].name}; decoding, "
        "AI markers and faces, one thread)\n"
        f"off {1000 * spent[False] / len(paths):.0f} ms per image, on "
        f"{1000 * spent[True] / len(paths):.0f} ms per image: {spent[True] / spent[False]:.3f} "
        f"times; pictures with a face found turned: {ways[True].turned}; pictures also "
        f"searched softened for drawn faces: {ways[True].drawn // 2}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-images", type=int, default=150)
    args = parser.parse_args()
    engine = FaceEngine(threads=1)
    tallies = {turns: photos_turned(engine, turns) for turns in (False, True)}
    print("## Faces of the sample photos found in turned copies (match / match or possible)")
    print("turned search | faces | " + " | ".join(f"{90 * q}°" for q in TURNS))
    for turns, tally in tallies.items():
        for group, counted in tally.counted.items():
            cells = [
                f"{tally.match[(group, q)]} / {tally.possible[(group, q)]} of {counted}"
                for q in TURNS
            ]
            print(f"{'on' if turns else 'off'} | {group} | " + " | ".join(cells))
    print("\n## Strangers: faces found in every copy against other people's references")
    for turns, tally in tallies.items():
        values = np.array(tally.strangers)
        print(
            f"turned search {'on ' if turns else 'off'} | {len(values)} pairs | highest "
            f"{values.max():.3f} | ≥ {POSSIBLE_FLOOR}: {(values >= POSSIBLE_FLOOR).sum()} | "
            f"≥ {BALANCED}: {(values >= BALANCED).sum()}"
        )
    faceless(engine)
    corpus_cost(engine, args.corpus_images)


if __name__ == "__main__":
    main()
