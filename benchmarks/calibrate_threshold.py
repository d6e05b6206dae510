"""Measure false matches and misses of the presets on the labeled photos we can ship.

Every face in the sample photos that ship inside the model packages is compared with every
other. Yao Ming appears twice (yaoming.jpg and players.jpg): the only same-person pair of
different photos; all other pairs are different people. Extra same-person pairs come from
degrading each single-face photo (small, blurred, recompressed, grayscale), which measures
robustness, not identity. Run: .venv/bin/python benchmarks/calibrate_threshold.py
"""

import io
import itertools
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from likeness_guard.core.domain.thresholds import (
    POSSIBLE_FLOOR,
    POSSIBLE_MIN_FACE,
    PRESET_THRESHOLDS,
    Preset,
)
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.engine.quality import MIN_FACE_WIDTH
from likeness_guard.core.imaging.decode import decode_image


def degraded(image: Image.Image) -> dict[str, Image.Image]:
    def jpeg(quality: int) -> Image.Image:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        return Image.open(buffer).convert("RGB")

    half = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    return {
        "half size": half,
        "blur r=1.5": image.filter(ImageFilter.GaussianBlur(1.5)),
        "jpeg q=20": jpeg(20),
        "grayscale": image.convert("L").convert("RGB"),
        "mirrored": image.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    }


@dataclass
class PhotoPairs:
    """Similarities of one pack on the sample photos: every pair of faces, and degraded
    copies of single-face photos against their original."""

    people: int
    faces: int
    genuine: list[float]  # same person, different photos (Yao Ming)
    impostor: np.ndarray  # every pair of different people
    reference_impostor: np.ndarray  # different people, one face large enough to enroll
    robust: list[float]  # degraded copies against the original
    large: list[float]  # strangers as the possible tier meets them (see `measure`)


def measure(engine: FaceEngine) -> PhotoPairs:
    labels: list[str] = []
    embeddings: list[np.ndarray] = []
    widths: list[float] = []
    photos = sample_photos()
    for name, path in photos.items():
        faces = engine.analyze(decode_image(path.read_bytes()).frames[0])
        yao = None
        if name == "players":  # Yao Ming is the face most like yaoming.jpg's
            yao = int(np.argmax([f.embedding @ embeddings[0] for f in faces]))
        for index, face in enumerate(faces):
            labels.append("yao" if name == "yaoming" or index == yao else f"{name}#{index}")
            embeddings.append(face.embedding)
            widths.append(face.width)
    matrix = np.stack(embeddings) @ np.stack(embeddings).T
    genuine: list[float] = []
    impostor: list[float] = []
    reference_impostor: list[float] = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        (genuine if labels[i] == labels[j] else impostor).append(float(matrix[i, j]))
        # What a scan really compares: a reference big enough for the quality gate against
        # any face, however small.
        if labels[i] != labels[j] and max(widths[i], widths[j]) >= MIN_FACE_WIDTH:
            reference_impostor.append(float(matrix[i, j]))
    robust: list[float] = []
    for name in ("yaoming", "tom_hanks"):
        original = Image.open(photos[name]).convert("RGB")
        reference = engine.analyze(np.asarray(original))[0].embedding
        for variant in degraded(original).values():
            found = engine.analyze(np.asarray(variant))
            robust.append(max((float(f.embedding @ reference) for f in found), default=0.0))
    # The "possible match" tier: a scanned face at least POSSIBLE_MIN_FACE wide scoring
    # between POSSIBLE_FLOOR and the threshold. Strangers as a scan meets them: an
    # enrollable reference against a scanned face that large.
    large = [
        float(matrix[i, j])
        for i, j in itertools.permutations(range(len(labels)), 2)
        if labels[i] != labels[j] and widths[i] >= MIN_FACE_WIDTH and widths[j] >= POSSIBLE_MIN_FACE
    ]
    return PhotoPairs(
        people=len(set(labels)),
        faces=len(labels),
        genuine=genuine,
        impostor=np.array(impostor),
        reference_impostor=np.array(reference_impostor),
        robust=robust,
        large=large,
    )


def main() -> None:
    result = measure(FaceEngine())
    impostor_arr, reference_arr = result.impostor, result.reference_impostor
    genuine, robust, large = result.genuine, result.robust, result.large
    print(f"faces: {result.faces}, people: {result.people}")
    print(f"same person, different photos: {genuine}")
    print(
        f"different people: {len(impostor_arr)} pairs, max {impostor_arr.max():.3f}, "
        f"99th percentile {np.percentile(impostor_arr, 99):.3f}, mean {impostor_arr.mean():.3f}"
    )
    print(
        f"different people, one face enrollable (>= {MIN_FACE_WIDTH} px): "
        f"{len(reference_arr)} pairs, max {reference_arr.max():.3f}"
    )
    print(f"same photo degraded ({len(robust)} variants): min {min(robust):.3f}")
    balanced = PRESET_THRESHOLDS[Preset.BALANCED]
    false_possible = sum(POSSIBLE_FLOOR <= s < balanced for s in large)
    lifted = sum(POSSIBLE_FLOOR <= s < balanced for s in genuine + robust)
    print(
        f"possible tier ({POSSIBLE_FLOOR:.2f} to {balanced:.2f}, scanned face >= "
        f"{POSSIBLE_MIN_FACE} px): strangers {false_possible}/{len(large)} pairs "
        f"(max stranger score at that size {max(large):.3f}); same person moved from a miss "
        f"to 'possible': {lifted}"
    )
    print(
        "preset    threshold  false matches: all pairs / enrollable-vs-any   misses (same person)"
    )
    all_same = genuine + robust
    for preset, threshold in PRESET_THRESHOLDS.items():
        false_matches = int((impostor_arr >= threshold).sum())
        reference_false = int((reference_arr >= threshold).sum())
        misses = sum(s < threshold for s in all_same)
        print(
            f"{preset.value:9s} {threshold:.2f}       {false_matches}/{len(impostor_arr)} / "
            f"{reference_false}/{len(reference_arr)}                  {misses}/{len(all_same)}"
        )


if __name__ == "__main__":
    main()
