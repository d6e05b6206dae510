"""The match threshold for faces that look drawn (issue 28): calibration and its price.

A face the engine flags as drawn (face_engine.looks_drawn: at least 64 px wide and
flat-shaded) is matched against a lower threshold (domain/thresholds.py match_threshold).
This measures, with the thresholds as shipped and with the flat threshold for every face:

- the tier table per kind of rendering (`stylised_faces.py`: 264 renderings of 24 faces in
  11 styles, each against its own person's reference);
- strangers: every rendering against every other person's reference, split by flag, and the
  photographed strangers (every sample-photo face against every other person's reference,
  as `calibrate_threshold.py` pairs them): false matches and false "possible";
- which photographed faces are flagged drawn (the sample photos' faces, and degraded copies
  of the single-face photos: half size, blurred, JPEG q20, grey, mirrored, a sixth of the
  size), since a photo flagged drawn is matched more eagerly;
- for each candidate lowered threshold, what it would gain and what strangers would reach it.

Run: .venv/bin/python benchmarks/drawn_threshold.py [--json FILE]
"""

import argparse
import io
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from likeness_guard.core.domain.thresholds import (
    DRAWN_MATCH_FLOOR,
    POSSIBLE_FLOOR,
    PRESET_THRESHOLDS,
    Preset,
    match_threshold,
)
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test material
from benchmarks.stylised_faces import collect, embed_all, pairs
from tests.stylise import KIND, STYLES

BALANCED = PRESET_THRESHOLDS[Preset.BALANCED]
CANDIDATES = (0.25, 0.26, 0.27, 0.28, 0.30, 0.32)


def tier(similarity: float, threshold: float) -> str:
    if similarity >= threshold:
        return "match"
    return "possible" if similarity >= POSSIBLE_FLOOR else "none"


def degraded_copies(image: Image.Image) -> dict[str, Image.Image]:
    """The single-face photos as they are often re-posted: smaller, blurred, recompressed."""

    def jpeg(quality: int) -> Image.Image:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        return Image.open(buffer).convert("RGB")

    return {
        "half size": image.resize((image.width // 2, image.height // 2)),
        "sixth size": image.resize((max(1, image.width // 6), max(1, image.height // 6))),
        "blur r=1.5": image.filter(ImageFilter.GaussianBlur(1.5)),
        "blur r=3": image.filter(ImageFilter.GaussianBlur(3)),
        "jpeg q=20": jpeg(20),
        "jpeg q=5": jpeg(5),
        "grey": image.convert("L").convert("RGB"),
        "mirrored": image.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    }


def photo_flags(engine: FaceEngine) -> tuple[int, int, list[str]]:
    """(flagged, faces) over the sample photos and their degraded copies, and which."""
    flagged: list[str] = []
    total = 0
    for name, path in sample_photos().items():
        original = Image.open(path).convert("RGB")
        copies = {"as shipped": original}
        if name in ("yaoming", "t1", "tom_hanks", "gdp"):
            copies |= degraded_copies(original)
        for label, picture in copies.items():
            for face in engine.analyze(np.asarray(picture)):
                total += 1
                if face.drawn:
                    flagged.append(f"{name} {label} ({face.width:.0f} px)")
    return len(flagged), total, flagged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path, help="also write every pair's numbers here")
    args = parser.parse_args()
    engine = FaceEngine()
    references, stylised, originals = collect(engine)
    embed_all(engine, list(references.values()))
    embed_all(engine, [s for s in stylised if s.properties.get("missed") is None])
    embed_all(engine, originals)
    result = pairs("as shipped", references, stylised, originals)
    del result  # the pairing below keeps the flag with each pair

    same: list[tuple[str, bool, float]] = []  # kind, drawn, similarity
    strangers: list[tuple[str, bool, float]] = []
    for sample in stylised:
        if not sample.embeddings:  # not found: a miss for its person, nothing for strangers
            if sample.person in references:
                same.append((KIND[sample.style], False, 0.0))
            continue
        for person, reference in references.items():
            value = float(sample.embeddings["as shipped"] @ reference.embeddings["as shipped"])
            row = (KIND[sample.style], sample.drawn, value)
            (same if person == sample.person else strangers).append(row)
    photo_strangers = [
        (face.drawn, float(face.embeddings["as shipped"] @ r.embeddings["as shipped"]))
        for face in originals
        for person, r in references.items()
        if face.person != person
    ]

    kinds = sorted(set(KIND.values()), key=list(KIND.values()).index)
    print(f"## Tiers per kind (balanced {BALANCED}; drawn faces {match_threshold(BALANCED, True)})")
    print("kind | flagged drawn | before: match / or possible | after: match / or possible")
    for kind in kinds:
        rows = [r for r in same if r[0] == kind]
        before = [tier(v, BALANCED) for _, _, v in rows]
        after = [tier(v, match_threshold(BALANCED, d)) for _, d, v in rows]
        n = len(rows)

        def cell(tiers: list[str], n: int = n) -> str:
            m = tiers.count("match")
            p = m + tiers.count("possible")
            return f"{m}/{n} ({100 * m / n:.0f} %) / {p}/{n} ({100 * p / n:.0f} %)"

        flagged = sum(d for _, d, _ in rows)
        print(f"{kind} | {flagged}/{n} | {cell(before)} | {cell(after)}")

    print("\n## Strangers (each rendering against every other person's reference)")
    for label, chosen in (
        ("flagged drawn", [v for _, d, v in strangers if d]),
        ("not flagged", [v for _, d, v in strangers if not d]),
        ("photographed, flagged", [v for d, v in photo_strangers if d]),
        ("photographed, all", [v for _, v in photo_strangers]),
    ):
        values = np.array(chosen) if chosen else np.zeros(1)
        print(
            f"{label}: {len(chosen)} pairs, p99 {np.percentile(values, 99):.3f}, max "
            f"{values.max():.3f}, >= {POSSIBLE_FLOOR}: {(values >= POSSIBLE_FLOOR).sum()}, "
            f">= {BALANCED}: {(values >= BALANCED).sum()}"
        )
    false = {
        "before": sum(v >= BALANCED for _, _, v in strangers)
        + sum(v >= BALANCED for _, v in photo_strangers),
        "after": sum(v >= match_threshold(BALANCED, d) for _, d, v in strangers)
        + sum(v >= match_threshold(BALANCED, d) for d, v in photo_strangers),
    }
    possible = sum(v >= POSSIBLE_FLOOR for _, _, v in strangers) + sum(
        v >= POSSIBLE_FLOOR for _, v in photo_strangers
    )
    total = len(strangers) + len(photo_strangers)
    print(
        f"false matches: {false['before']} before, {false['after']} after; strangers at or "
        f"above the possible floor: {possible}; of {total} stranger pairs"
    )

    print("\n## Candidate thresholds for flagged faces (balanced stays for the others)")
    print("threshold | " + " | ".join(f"{k}: match" for k in kinds) + " | flagged strangers >= it")
    flagged_strangers = [v for _, d, v in strangers if d] + [v for d, v in photo_strangers if d]
    for candidate in CANDIDATES:
        cells = []
        for kind in kinds:
            rows = [r for r in same if r[0] == kind]
            m = sum(v >= (candidate if d else BALANCED) for _, d, v in rows)
            cells.append(f"{m}/{len(rows)}")
        reached = sum(v >= candidate for v in flagged_strangers)
        print(f"{candidate:.2f} | " + " | ".join(cells) + f" | {reached}")
    print(
        "\n## Presets: "
        + ", ".join(
            f"{p.value} {t} -> drawn {match_threshold(t, True)}"
            for p, t in PRESET_THRESHOLDS.items()
        )
        + f" (never below {DRAWN_MATCH_FLOOR})"
    )

    flagged_count, faces, flagged_photos = photo_flags(engine)
    print(f"\n## Photographed faces flagged drawn: {flagged_count} of {faces}")
    for line in flagged_photos:
        print(f"- {line}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "same": same,
                    "strangers": strangers,
                    "photo_strangers": photo_strangers,
                    "photo_flags": flagged_photos,
                    "styles": list(STYLES),
                }
            )
        )


if __name__ == "__main__":
    main()
