"""How drawn, painted and cartoon-like faces score, and what helps: a measurement (issue 15).

Material, made here from the photos that ship inside the model packages (nothing is
stored): every face at least 37 px wide in yaoming, players, gdp, t1 and tom_hanks (27
people) is cut out as a portrait (the face about 190 px wide) and rendered in 11 styles by
`tests/stylise.py`: two photo-like controls, three drawings (pencil, colour pencil, line
drawing), two paintings (watercolour, oil), two cartoons (cartoon, comic) and two anime-like
renderings (flat colours, outlines, enlarged eyes). The references are the faces wide enough
to enroll (48 px or more, 11 people), as enrolled: from the original photo.

- same person: a stylised face against its own reference. For 10 people the style was made
  from the reference photo itself (as a fake made from a photo someone posted); for Yao
  Ming, it was also made from another photo (players.jpg, the face 46 px wide).
- different people: every stylised face against every other person's reference.

Then each remedy is measured the same way: softening drawn faces (shipped: flat crops softened
by engine/flat_faces.py, and a softened second search of a picture in which no face was found;
against the models on the pixels as they are, where a face only the second search found
counts as missed), test-time augmentation (the mirrored face's
embedding averaged with the face's own; a second, wider alignment), averaging or taking the
best of several references, a lower threshold for faces that look drawn (decided by a
measured image property) and a second recognizer (dlib's ResNet, when `dlib` and
`face_recognition_models` can be imported; set LG_DLIB_PATH to a folder holding them).

Run: .venv/bin/python benchmarks/stylised_faces.py
"""

import itertools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from likeness_guard.core.domain.thresholds import (
    POSSIBLE_FLOOR,
    PRESET_THRESHOLDS,
    Preset,
)
from likeness_guard.core.engine.face_engine import ALIGNED_SIZE, FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.engine.quality import MIN_FACE_WIDTH
from likeness_guard.core.imaging.decode import decode_image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test material
from tests.stylise import KIND, STYLES, portrait

BALANCED = PRESET_THRESHOLDS[Preset.BALANCED]
SMALLEST_SOURCE = 37  # px: smaller faces make portraits too blurred to stand for anything
WIDER_ALIGNMENT = 0.9  # the second alignment's landmarks, pulled this much to their centre


@dataclass
class Sample:
    """One face to embed: where it is (image and landmarks), whose it is, in what style."""

    person: str
    style: str
    image: np.ndarray
    landmarks: np.ndarray
    same_photo: bool = True  # stylised from the reference photo itself
    found_softened: bool = False  # found only by the softened second search
    drawn: bool = False  # the engine's "looks drawn" flag (face_engine.looks_drawn)
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)
    properties: dict[str, float] = field(default_factory=dict)


def aligned(image: np.ndarray, landmarks: np.ndarray, shrink: float = 1.0) -> np.ndarray:
    from insightface.utils import face_align

    points = np.asarray(landmarks, np.float32)
    if shrink != 1.0:
        centre = points.mean(axis=0)
        points = centre + (points - centre) * shrink
    return np.asarray(face_align.norm_crop(image, points, image_size=ALIGNED_SIZE))


def unit(vector: np.ndarray) -> np.ndarray:
    return np.asarray(vector / max(float(np.linalg.norm(vector)), 1e-12), np.float32)


def embed_all(engine: FaceEngine, samples: list[Sample]) -> None:
    """Every embedding variant of every sample, in one batch per crop kind."""
    plain = [aligned(s.image, s.landmarks) for s in samples]
    wider = [aligned(s.image, s.landmarks, WIDER_ALIGNMENT) for s in samples]
    base = engine.embed_aligned(plain)
    unsoftened = engine.embed_aligned(plain, soften=False)
    mirrored = engine.embed_aligned([np.ascontiguousarray(c[:, ::-1]) for c in plain])
    second = engine.embed_aligned(wider)
    for index, sample in enumerate(samples):
        sample.embeddings = {
            "as shipped": base[index],
            # A face only the softened search found counts as missed (scores 0).
            "flat faces not softened": unsoftened[index] * (not sample.found_softened),
            "flip": unit(base[index] + mirrored[index]),
            "second alignment": unit(base[index] + second[index]),
            "flip + second alignment": unit(base[index] + mirrored[index] + second[index]),
        }
        sample.properties = image_properties(plain[index])


def image_properties(crop: np.ndarray) -> dict[str, float]:
    """Simple measures of how drawn a face looks, on the aligned crop the recognizer sees."""
    import cv2

    centre = crop[16:96, 16:96]
    hsv = cv2.cvtColor(centre, cv2.COLOR_RGB2HSV)
    gray = cv2.cvtColor(centre, cv2.COLOR_RGB2GRAY)
    quantised = (centre // 16).reshape(-1, 3)
    colours = len({tuple(p) for p in quantised.tolist()})
    edges = cv2.Canny(gray, 80, 160)
    local = (
        cv2.blur(gray.astype(np.float32) ** 2, (3, 3))
        - cv2.blur(gray.astype(np.float32), (3, 3)) ** 2
    )
    return {
        "saturation": float(hsv[:, :, 1].mean()),
        "colours": float(colours),
        "edges": float((edges > 0).mean()),
        "flat": float((local < 4.0).mean()),
    }


def collect(engine: FaceEngine) -> tuple[dict[str, Sample], list[Sample], list[Sample]]:
    """References (by person), stylised samples, and the original faces (for photo strangers)."""
    photos = sample_photos()
    references: dict[str, Sample] = {}
    originals: list[Sample] = []
    sources: list[tuple[str, np.ndarray, tuple[float, float, float, float], np.ndarray]] = []
    yao_embedding: np.ndarray | None = None
    for name, path in photos.items():
        image = decode_image(path.read_bytes()).frames[0]
        faces = engine.analyze(image)
        yao = -1
        if name == "players" and yao_embedding is not None:
            yao = int(np.argmax([f.embedding @ yao_embedding for f in faces]))
        for index, face in enumerate(faces):
            person = "yao" if name == "yaoming" or index == yao else f"{name}#{index}"
            if name == "yaoming":
                yao_embedding = face.embedding
            sample = Sample(person, "original", image, face.landmarks, drawn=face.drawn)
            originals.append(sample)
            if face.width >= MIN_FACE_WIDTH:
                references[person] = sample
            if face.width >= SMALLEST_SOURCE:
                sources.append((person, image, face.bbox, face.landmarks))
    stylised: list[Sample] = []
    for (person, image, bbox, landmarks), (style, render) in itertools.product(
        sources, STYLES.items()
    ):
        crop, points = portrait(image, bbox, landmarks)
        picture = render(crop, points)
        found = engine.analyze(picture)
        centre = np.array(picture.shape[1::-1]) / 2
        # The portrayed face is the one nearest the middle (a neighbour may be in the crop).
        near = [f for f in found if np.linalg.norm(f.landmarks.mean(axis=0) - centre) < 60]
        if not near:
            stylised.append(Sample(person, style, picture, np.zeros((5, 2), np.float32)))
            stylised[-1].properties = {"missed": 1.0}
            continue
        face = min(near, key=lambda f: float(np.linalg.norm(f.landmarks.mean(axis=0) - centre)))
        same_photo = person != "yao" or image.shape[:2] == (287, 233)  # yaoming.jpg
        softened = not engine.analyze(picture, soften=False)  # found by the second search
        stylised.append(
            Sample(person, style, picture, face.landmarks, same_photo, softened, drawn=face.drawn)
        )
    return references, stylised, originals


@dataclass
class Pairs:
    """Same-person and different-person similarities of one method, by style."""

    same: dict[str, list[float]]
    same_other_photo: dict[str, list[float]]
    different: dict[str, list[float]]
    photo_strangers: list[float]


def pairs(
    method: str,
    references: dict[str, Sample],
    stylised: list[Sample],
    originals: list[Sample],
    score: Callable[[Sample, Sample], float] | None = None,
) -> Pairs:
    def similarity(a: Sample, b: Sample) -> float:
        if score is not None:
            return score(a, b)
        return float(a.embeddings[method] @ b.embeddings[method])

    same: dict[str, list[float]] = {s: [] for s in STYLES}
    other: dict[str, list[float]] = {s: [] for s in STYLES}
    different: dict[str, list[float]] = {s: [] for s in STYLES}
    for sample in stylised:
        if not sample.embeddings:
            if sample.person in references:
                (same if sample.same_photo else other)[sample.style].append(0.0)
            continue
        for person, reference in references.items():
            value = similarity(sample, reference)
            if person == sample.person:
                (same if sample.same_photo else other)[sample.style].append(value)
            else:
                different[sample.style].append(value)
    strangers = [
        similarity(face, reference)
        for face in originals
        for person, reference in references.items()
        if face.person != person
    ]
    return Pairs(same, other, different, strangers)


def table(title: str, results: dict[str, Pairs]) -> None:
    print(f"\n## {title}")
    print(
        "method | style | same person: median / min | match ≥0.36 | match or possible ≥0.25 "
        "| other photo (Yao) | strangers: p99 / max | strangers ≥0.25 / ≥0.36"
    )
    for method, result in results.items():
        for style in STYLES:
            same = np.array(result.same[style])
            different = np.array(result.different[style])
            other = result.same_other_photo[style]
            print(
                f"{method} | {style} | {np.median(same):.3f} / {same.min():.3f} | "
                f"{(same >= BALANCED).sum()}/{len(same)} | "
                f"{(same >= POSSIBLE_FLOOR).sum()}/{len(same)} | "
                f"{', '.join(f'{v:.3f}' for v in other)} | "
                f"{np.percentile(different, 99):.3f} / {different.max():.3f} | "
                f"{(different >= POSSIBLE_FLOOR).sum()} / {(different >= BALANCED).sum()} of "
                f"{len(different)}"
            )


def summary(title: str, results: dict[str, Pairs]) -> None:
    """Recall per tier by kind of image, and the strangers' tail, per method."""
    print(f"\n## {title}")
    kinds = sorted(set(KIND.values()), key=list(KIND.values()).index)
    header = " | ".join(f"{k}: match / or possible" for k in kinds)
    print(
        f"method | {header} | all stylised strangers: p99 / max / ≥0.25 / ≥0.36 | "
        "photo strangers: p99 / max"
    )
    for method, result in results.items():
        cells = []
        for kind in kinds:
            values = np.array(
                [
                    v
                    for s in STYLES
                    if KIND[s] == kind
                    for v in result.same[s] + result.same_other_photo[s]
                ]
            )
            cells.append(
                f"{100 * (values >= BALANCED).mean():.0f} % / "
                f"{100 * (values >= POSSIBLE_FLOOR).mean():.0f} % (n={len(values)})"
            )
        strangers = np.array(
            [v for s in STYLES if KIND[s] != "photo-like" for v in result.different[s]]
        )
        photo = np.array(result.photo_strangers)
        print(
            f"{method} | {' | '.join(cells)} | {np.percentile(strangers, 99):.3f} / "
            f"{strangers.max():.3f} / {(strangers >= POSSIBLE_FLOOR).sum()} / "
            f"{(strangers >= BALANCED).sum()} of {len(strangers)} | "
            f"{np.percentile(photo, 99):.3f} / {photo.max():.3f}"
        )


def paired(results: dict[str, Pairs]) -> None:
    """Each method against the shipped embedding, pair by pair: does it move people up and
    strangers down?"""
    print("\n## Each method against the shipped embedding, pair by pair")
    print(
        "method | stylised same person: mean change, up / down | tier up / down | "
        "all strangers (stylised and photos): mean change, p99, top 10 before → after"
    )
    base = results["as shipped"]

    def same_of(result: Pairs) -> np.ndarray:
        return np.array(
            [
                v
                for s in STYLES
                if KIND[s] != "photo-like"
                for v in result.same[s] + result.same_other_photo[s]
            ]
        )

    def strangers_of(result: Pairs) -> np.ndarray:
        return np.array([v for s in STYLES for v in result.different[s]] + result.photo_strangers)

    def tier(values: np.ndarray) -> np.ndarray:
        levels: np.ndarray = np.asarray(values >= POSSIBLE_FLOOR, int)
        levels += np.asarray(values >= BALANCED, int)
        return levels

    before, strangers_before = same_of(base), strangers_of(base)
    for method, result in results.items():
        if method == "as shipped":
            continue
        after, strangers_after = same_of(result), strangers_of(result)
        change = after - before
        tiers = tier(after) - tier(before)
        top_before = np.sort(strangers_before)[-10:][::-1]
        top_after = np.sort(strangers_after)[-10:][::-1]
        print(
            f"{method} | {change.mean():+.3f}, {(change > 0).sum()} / {(change < 0).sum()} of "
            f"{len(change)} | {(tiers > 0).sum()} / {(tiers < 0).sum()} | "
            f"{(strangers_after - strangers_before).mean():+.4f}, p99 "
            f"{np.percentile(strangers_before, 99):.3f} → "
            f"{np.percentile(strangers_after, 99):.3f}, "
            f"{' '.join(f'{v:.3f}' for v in top_before)} → "
            f"{' '.join(f'{v:.3f}' for v in top_after)}"
        )


def softening(
    references: dict[str, Sample], stylised: list[Sample], originals: list[Sample]
) -> None:
    """What softening flat faces (engine/flat_faces.py) does, with strangers taken wider:
    every stylised face against every photographed face of someone else (the small ones too),
    and every photographed face against every other."""
    from likeness_guard.core.engine.flat_faces import FLAT_SHARE

    print("\n## Softening flat faces: shipped against not softened, strangers taken wider")
    probes = [s for s in stylised if s.embeddings]
    kinds = sorted(set(KIND.values()), key=list(KIND.values()).index)
    print(
        "method | "
        + " | ".join(f"{k}: match / or possible" for k in kinds)
        + " | stylised against photographed strangers: p99.5 / max / ≥0.25 / ≥0.36 | "
        "photographed strangers: p99.5 / max / ≥0.25"
    )
    for method in ("flat faces not softened", "as shipped"):
        cells = []
        for kind in kinds:
            same = np.array(
                [
                    float(p.embeddings[method] @ references[p.person].embeddings[method])
                    for p in probes
                    if KIND[p.style] == kind and p.person in references
                ]
            )
            cells.append(
                f"{(same >= BALANCED).sum()} / {(same >= POSSIBLE_FLOOR).sum()} of {len(same)}"
            )
        strangers = np.array(
            [
                float(p.embeddings[method] @ o.embeddings[method])
                for p in probes
                for o in originals
                if o.person != p.person
            ]
        )
        photos = np.array(
            [
                float(a.embeddings[method] @ b.embeddings[method])
                for a, b in itertools.combinations(originals, 2)
                if a.person != b.person
            ]
        )
        print(
            f"{method} | {' | '.join(cells)} | {np.percentile(strangers, 99.5):.3f} / "
            f"{strangers.max():.3f} / {100 * (strangers >= POSSIBLE_FLOOR).mean():.2f} % / "
            f"{100 * (strangers >= BALANCED).mean():.3f} % of {len(strangers)} | "
            f"{np.percentile(photos, 99.5):.3f} / {photos.max():.3f} / "
            f"{100 * (photos >= POSSIBLE_FLOOR).mean():.2f} % of {len(photos)}"
        )
    flat = sum(o.properties["flat"] > FLAT_SHARE for o in originals)
    print(f"photographed faces softened: {flat} of {len(originals)} (mostly small faces)")


def several_references(engine: FaceEngine, stylised: list[Sample], originals: list[Sample]) -> None:
    """Yao Ming is the one person with two photos: both as references, best or average."""
    yao_photos = [s for s in originals if s.person == "yao"]
    embed_all(engine, yao_photos)
    matrix = np.stack([s.embeddings["as shipped"] for s in yao_photos])
    mean = unit(matrix.mean(axis=0))
    print("\n## Several references (Yao Ming: yaoming.jpg and players.jpg as references)")
    print("style | best of the two | average of the two | yaoming.jpg alone")
    for style in STYLES:
        probes = [s for s in stylised if s.person == "yao" and s.style == style and s.embeddings]
        best = [float((matrix @ p.embeddings["as shipped"]).max()) for p in probes]
        average = [float(mean @ p.embeddings["as shipped"]) for p in probes]
        alone = [float(matrix[0] @ p.embeddings["as shipped"]) for p in probes]
        print(
            f"{style} | {', '.join(f'{v:.3f}' for v in best)} | "
            f"{', '.join(f'{v:.3f}' for v in average)} | {', '.join(f'{v:.3f}' for v in alone)}"
        )


def properties_table(stylised: list[Sample], originals: list[Sample]) -> None:
    print("\n## Image properties of the aligned face (median per style)")
    names = ["saturation", "colours", "edges", "flat"]
    print("style | " + " | ".join(names))
    groups: dict[str, list[Sample]] = {"original photos": originals}
    for style in STYLES:
        groups[style] = [s for s in stylised if s.style == style and s.embeddings]
    for group, members in groups.items():
        values = [float(np.median([m.properties[n] for m in members])) for n in names]
        print(f"{group} | " + " | ".join(f"{v:.3f}" for v in values))


def style_threshold(
    references: dict[str, Sample], stylised: list[Sample], originals: list[Sample]
) -> None:
    """A lower match threshold for faces that look drawn, chosen by one image property."""
    print("\n## A lower threshold for faces that look drawn")
    photo_like = [s for s in originals] + [
        s for s in stylised if KIND[s.style] == "photo-like" and s.embeddings
    ]
    drawn = [s for s in stylised if KIND[s.style] != "photo-like" and s.embeddings]
    for name in ("colours", "flat", "edges", "saturation"):
        photo_values = np.array([s.properties[name] for s in photo_like])
        drawn_values = np.array([s.properties[name] for s in drawn])
        # The cut that flags at most 5 % of photo-like faces, on whichever side drawn faces lie.
        high = np.median(drawn_values) > np.median(photo_values)
        cut = np.percentile(photo_values, 95 if high else 5)
        flagged = [s for s in drawn if (s.properties[name] > cut) == high]
        same = [
            float(s.embeddings["as shipped"] @ references[s.person].embeddings["as shipped"])
            for s in flagged
            if s.person in references
        ]
        strangers = [
            float(s.embeddings["as shipped"] @ r.embeddings["as shipped"])
            for s in flagged
            for person, r in references.items()
            if person != s.person
        ]
        top = max(strangers) if strangers else 0.0
        lowered = max(POSSIBLE_FLOOR, round(top + 0.05, 2))  # a margin above every stranger
        gained = sum(lowered <= v < BALANCED for v in same)
        print(
            f"{name} {'>' if high else '<'} {cut:.3f}: flags {len(flagged)}/{len(drawn)} drawn "
            f"faces; their strangers max {top:.3f}; a threshold of {lowered:.2f} for them moves "
            f"{gained} of {len(same)} from possible to match, and finds no face more (0.25 is "
            "the possible floor already)"
        )


def stylised_references(
    references: dict[str, Sample], stylised: list[Sample], originals: list[Sample]
) -> None:
    """Each reference also rendered as a pencil sketch, a cartoon and an anime drawing (the
    best of the four counts): drawn fakes would then meet a drawn reference."""
    extra = ("pencil", "cartoon", "anime")
    print(f"\n## Stylised copies of each reference ({', '.join(extra)}), best of four")
    matrices = {
        person: np.stack(
            [reference.embeddings["as shipped"]]
            + [
                s.embeddings["as shipped"]
                for s in stylised
                if s.person == person and s.same_photo and s.style in extra and s.embeddings
            ]
        )
        for person, reference in references.items()
    }
    same_before, same_after, other_photo = [], [], []
    strangers_before, strangers_after = [], []
    probes = [s for s in stylised if s.embeddings and KIND[s.style] != "photo-like"]
    for probe in [*probes, *originals]:
        for person, matrix in matrices.items():
            before = float(matrix[0] @ probe.embeddings["as shipped"])
            after = float((matrix @ probe.embeddings["as shipped"]).max())
            if person != probe.person:
                strangers_before.append(before)
                strangers_after.append(after)
            elif probe.style == "original":
                continue
            elif not probe.same_photo:
                other_photo.append(f"{probe.style} {before:.3f} → {after:.3f}")
            elif probe.style not in extra:  # a style the references were not rendered in
                same_before.append(before)
                same_after.append(after)
    b_same, a_same = np.array(same_before), np.array(same_after)
    b_str, a_str = np.array(strangers_before), np.array(strangers_after)
    print(
        f"same person, styles not among the copies: match {(b_same >= BALANCED).sum()} → "
        f"{(a_same >= BALANCED).sum()}, match or possible {(b_same >= POSSIBLE_FLOOR).sum()} → "
        f"{(a_same >= POSSIBLE_FLOOR).sum()} of {len(b_same)}"
    )
    print(f"Yao Ming from another photo: {'; '.join(other_photo)}")
    print(
        f"strangers (stylised and photos): p99 {np.percentile(b_str, 99):.3f} → "
        f"{np.percentile(a_str, 99):.3f}, max {b_str.max():.3f} → {a_str.max():.3f}, "
        f"≥0.25: {(b_str >= POSSIBLE_FLOOR).sum()} → {(a_str >= POSSIBLE_FLOOR).sum()}, "
        f"≥0.36: {(b_str >= BALANCED).sum()} → {(a_str >= BALANCED).sum()} of {len(b_str)}"
    )


def recognizer_cost(engine: FaceEngine, samples: list[Sample]) -> None:
    """What the mirrored second embedding costs: recognizer time per face, both ways."""
    import time

    crops = [aligned(s.image, s.landmarks) for s in samples[:64]]
    mirrored = [np.ascontiguousarray(c[:, ::-1]) for c in crops]
    timings: dict[str, float] = {"plain": 1e9, "with flip": 1e9}
    for _ in range(3):
        start = time.perf_counter()
        engine.embed_aligned(crops)
        timings["plain"] = min(timings["plain"], time.perf_counter() - start)
        start = time.perf_counter()
        engine.embed_aligned(crops + mirrored)
        timings["with flip"] = min(timings["with flip"], time.perf_counter() - start)
    print(
        f"\n## Recognizer time per face ({len(crops)} faces, best of 3): "
        + ", ".join(f"{k} {1000 * v / len(crops):.1f} ms" for k, v in timings.items())
    )


def dlib_recognizer() -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """dlib's ResNet face descriptor (128 numbers), when it can be imported."""
    extra = os.environ.get("LG_DLIB_PATH")
    if extra:
        sys.path.insert(0, extra)
    try:
        import dlib  # type: ignore[import-not-found]
        import face_recognition_models  # type: ignore[import-not-found]
    except ImportError:
        return None
    shape = dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())
    model = dlib.face_recognition_model_v1(
        face_recognition_models.face_recognition_model_location()
    )

    def describe(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        # dlib's own 5-point shape, inside the box our detector's landmarks span.
        spread = float(np.linalg.norm(landmarks[1] - landmarks[0]))
        centre = landmarks.mean(axis=0)
        box = dlib.rectangle(
            int(centre[0] - 1.3 * spread),
            int(centre[1] - 1.3 * spread),
            int(centre[0] + 1.3 * spread),
            int(centre[1] + 1.5 * spread),
        )
        points = shape(np.ascontiguousarray(image), box)
        return np.asarray(model.compute_face_descriptor(np.ascontiguousarray(image), points, 1))

    return describe


def second_recognizer(
    references: dict[str, Sample], stylised: list[Sample], originals: list[Sample]
) -> dict[str, Pairs]:
    describe = dlib_recognizer()
    if describe is None:
        print(
            "\n## Second recognizer: dlib is not importable; set LG_DLIB_PATH to a folder "
            "with dlib (dlib-bin) and face_recognition_models installed (pip --target)."
        )
        return {}
    everyone = [*references.values(), *[s for s in stylised if s.embeddings], *originals]
    descriptors = {id(s): describe(s.image, s.landmarks) for s in everyone}

    def dlib_score(a: Sample, b: Sample) -> float:
        # dlib compares by distance (same person under 0.6); 1 - distance keeps "higher is
        # more alike", and 0.4 is then dlib's own threshold.
        return 1.0 - float(np.linalg.norm(descriptors[id(a)] - descriptors[id(b)]))

    def fused(a: Sample, b: Sample) -> float:
        # Both scores moved so that each model's own threshold sits at ours (0.36), averaged.
        arcface = float(a.embeddings["as shipped"] @ b.embeddings["as shipped"])
        return (arcface + dlib_score(a, b) - 0.4 + BALANCED) / 2

    return {
        "dlib alone (1 - distance; its threshold 0.40)": pairs(
            "", references, stylised, originals, dlib_score
        ),
        "ArcFace + dlib, averaged": pairs("", references, stylised, originals, fused),
    }


@dataclass
class StylisedRecall:
    """One pack on the renderings: per kind of image, (match, match or possible, pictures)
    at the default threshold, and the stylised faces against strangers' references."""

    by_kind: dict[str, tuple[int, int, int]]
    strangers: np.ndarray
    not_found: int  # renderings in which the detector found no face
    pictures: int


def recall_by_kind(engine: FaceEngine) -> StylisedRecall:
    references, stylised, originals = collect(engine)
    embed_all(engine, list(references.values()))
    embed_all(engine, [s for s in stylised if s.properties.get("missed") is None])
    embed_all(engine, originals)
    result = pairs("as shipped", references, stylised, originals)
    by_kind: dict[str, tuple[int, int, int]] = {}
    for kind in sorted(set(KIND.values()), key=list(KIND.values()).index):
        values = np.array(
            [
                v
                for s in STYLES
                if KIND[s] == kind
                for v in result.same[s] + result.same_other_photo[s]
            ]
        )
        by_kind[kind] = (
            int((values >= BALANCED).sum()),
            int((values >= POSSIBLE_FLOOR).sum()),
            len(values),
        )
    strangers = np.array(
        [v for s in STYLES if KIND[s] != "photo-like" for v in result.different[s]]
    )
    missed = sum(1 for s in stylised if not s.embeddings)
    return StylisedRecall(by_kind, strangers, missed, len(stylised))


def main() -> None:
    engine = FaceEngine()
    references, stylised, originals = collect(engine)
    embed_all(engine, list(references.values()))
    embed_all(engine, [s for s in stylised if s.properties.get("missed") is None])
    embed_all(engine, originals)
    missed = {s: sum(1 for x in stylised if x.style == s and not x.embeddings) for s in STYLES}
    softened = {s: sum(1 for x in stylised if x.style == s and x.found_softened) for s in STYLES}
    print(
        f"{len(originals)} faces of {len({s.person for s in originals})} people in the photos; "
        f"{len(references)} references (>= {MIN_FACE_WIDTH} px); "
        f"{len(stylised) // len(STYLES)} faces of {len({s.person for s in stylised})} people "
        f"rendered in {len(STYLES)} styles ({len(stylised)} pictures); not found by the "
        "detector: "
        + (", ".join(f"{s} {n}" for s, n in missed.items() if n) or "none")
        + "; found only by the softened second search: "
        + (", ".join(f"{s} {n}" for s, n in softened.items() if n) or "none")
    )
    methods = [
        "as shipped",
        "flat faces not softened",
        "flip",
        "second alignment",
        "flip + second alignment",
    ]
    results = {m: pairs(m, references, stylised, originals) for m in methods}
    results.update(second_recognizer(references, stylised, originals))
    table("Same person and strangers, per style", results)
    summary("Recall per tier at the default threshold, by kind of image", results)
    paired(results)
    softening(references, stylised, originals)
    several_references(engine, stylised, originals)
    properties_table(stylised, originals)
    style_threshold(references, stylised, originals)
    stylised_references(references, stylised, originals)
    recognizer_cost(engine, originals)


if __name__ == "__main__":
    main()
