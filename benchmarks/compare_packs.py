"""Face model packs side by side, on the material this project may use (issue 15).

For the built-in pack and each pack folder given (an insightface pack a person has, such as
buffalo_l or antelopev2; checked like `likeness-guard models add`, unknown pairs trusted
here): the labelled pairs of the sample photos (`calibrate_threshold.py`), the stylised
renderings (`stylised_faces.py`) and the speed of one single-threaded engine. Thresholds
are the app's, calibrated on the built-in pack: another pack scores on its own scale, which
is why the strangers' highest score and the threshold that would have no false match here
are printed too.

Run: .venv/bin/python benchmarks/compare_packs.py [PACK_FOLDER ...]
"""

import sys
import time
from pathlib import Path

import numpy as np

from likeness_guard.core.domain.thresholds import POSSIBLE_FLOOR, PRESET_THRESHOLDS, Preset
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import ModelPack, load_model_pack, sample_photos
from likeness_guard.core.imaging.decode import decode_image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks is a package
from benchmarks.calibrate_threshold import PhotoPairs, measure
from benchmarks.stylised_faces import StylisedRecall, recall_by_kind

BALANCED = PRESET_THRESHOLDS[Preset.BALANCED]


def speed(pack: ModelPack) -> tuple[float, float]:
    """Images per second over the sample photos (best of 3) and ms per face embedding, with
    one thread, as each scan worker runs."""
    engine = FaceEngine(pack, threads=1)
    images = [decode_image(p.read_bytes()).frames[0] for p in sample_photos().values()]
    best = float("inf")
    crops: list[np.ndarray] = []
    for _ in range(3):
        started = time.perf_counter()
        found = [engine.analyze(image) for image in images]
        best = min(best, time.perf_counter() - started)
        crops = [face.aligned for faces in found for face in faces]
    started = time.perf_counter()
    engine.embed_aligned(crops)
    return len(images) / best, 1000 * (time.perf_counter() - started) / max(1, len(crops))


def column(pack: ModelPack) -> dict[str, str]:
    engine = FaceEngine(pack)
    photos: PhotoPairs = measure(engine)
    stylised: StylisedRecall = recall_by_kind(engine)
    images_per_s, ms_per_face = speed(pack)
    strangers = photos.impostor
    rows = {
        "faces found in the sample photos": f"{photos.faces}",
        "photo strangers: highest / 99th percentile": (
            f"{strangers.max():.3f} / {np.percentile(strangers, 99):.3f} ({len(strangers)} pairs)"
        ),
        "an enrollable face against a stranger: highest": f"{photos.reference_impostor.max():.3f}",
        "the same person, another photo (Yao Ming)": ", ".join(f"{v:.3f}" for v in photos.genuine),
        "degraded copies of a photo: lowest": f"{min(photos.robust):.3f}",
        "no false match here from (highest enrollable stranger + 0.01)": (
            f"{photos.reference_impostor.max() + 0.01:.2f}"
        ),
        f"false matches at {BALANCED} (all pairs)": f"{int((strangers >= BALANCED).sum())}",
        f"strangers in the possible tier ({POSSIBLE_FLOOR}-{BALANCED}, faces >= 64 px)": (
            f"{sum(POSSIBLE_FLOOR <= v < BALANCED for v in photos.large)} of {len(photos.large)}"
        ),
    }
    for kind, (match, possible, total) in stylised.by_kind.items():
        rows[f"{kind}: match / match or possible"] = f"{match} / {possible} of {total}"
    rows["stylised strangers: highest"] = f"{stylised.strangers.max():.3f}"
    rows["renderings without a face found"] = f"{stylised.not_found} of {stylised.pictures}"
    rows["speed: sample photos per second, 1 thread"] = f"{images_per_s:.1f}"
    rows["speed: ms per face embedding"] = f"{ms_per_face:.1f}"
    return rows


def main() -> None:
    packs = [load_model_pack()] + [load_model_pack(Path(folder)) for folder in sys.argv[1:]]
    columns = [column(pack) for pack in packs]
    names = [
        f"{pack.name}{' (built in)' if index == 0 else ''}" for index, pack in enumerate(packs)
    ]
    print("| | " + " | ".join(names) + " |")
    print("| --- " * (len(names) + 1) + "|")
    for row in columns[0]:
        print(f"| {row} | " + " | ".join(c[row] for c in columns) + " |")


if __name__ == "__main__":
    main()
