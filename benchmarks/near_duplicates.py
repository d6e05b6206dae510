"""How far apart PDQ hashes are for copies of one picture, and for different pictures.

The review grid groups matches whose pictures' PDQ hashes (imaging/pdq.py `picture_pdq`)
are at most SAME_PICTURE_DISTANCE bits apart: the same picture re-encoded, resized, lightly
cropped or marked by the site that re-posted it. This measures both sides of that line.

Pictures: the sample photos that ship with the model packages, the pictures that ship with
scikit-image, crops of the group photos, and a portrait of each face in the group photos,
framed alike (different pictures with the same look: the hard case, since a person's
matches are mostly such pictures). Copies of each: JPEG at quality 30-95, shrunk to a half
and a quarter, cropped by 3 and 8 %, brighter, with a caption or a site's watermark, padded
like a screenshot, as WebP, and posterised to four levels. A mirror image and a crop of a
quarter are measured apart: PDQ does not see them as copies, and is not meant to.

Run: .venv/bin/python benchmarks/near_duplicates.py
"""

import io
import itertools
import time
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import load_model_pack, sample_photos
from likeness_guard.core.imaging.pdq import SAME_PICTURE_DISTANCE, hamming_distance, picture_pdq

Change = Callable[[Image.Image], bytes]


def encoded(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, fmt, **options)
    return buffer.getvalue()


def cropped(image: Image.Image, share: float) -> Image.Image:
    dx, dy = round(image.width * share / 2), round(image.height * share / 2)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def captioned(image: Image.Image) -> Image.Image:
    marked = image.copy()
    draw = ImageDraw.Draw(marked)
    band = max(12, image.height // 12)
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0))
    draw.text((8, image.height - band + 2), "leaked pics - full set at example.org", fill="white")
    return marked


def watermarked(image: Image.Image) -> Image.Image:
    marked = image.convert("RGBA")
    layer = Image.new("RGBA", marked.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for y in range(0, marked.height, max(20, marked.height // 6)):
        draw.text((marked.width // 4, y), "example-tube.com", fill=(255, 255, 255, 90))
    return Image.alpha_composite(marked, layer).convert("RGB")


COPIES: dict[str, Change] = {
    "jpeg q95": lambda im: encoded(im, quality=95),
    "jpeg q75": lambda im: encoded(im, quality=75),
    "jpeg q50": lambda im: encoded(im, quality=50),
    "jpeg q30": lambda im: encoded(im, quality=30),
    "half size": lambda im: encoded(im.resize((im.width // 2, im.height // 2)), quality=85),
    "quarter size": lambda im: encoded(im.resize((im.width // 4, im.height // 4)), quality=85),
    "crop 3 %": lambda im: encoded(cropped(im, 0.03), quality=85),
    "crop 8 %": lambda im: encoded(cropped(im, 0.08), quality=85),
    "brighter": lambda im: encoded(ImageEnhance.Brightness(im).enhance(1.2), quality=85),
    "caption": lambda im: encoded(captioned(im), quality=85),
    "watermark": lambda im: encoded(watermarked(im), quality=85),
    "screenshot": lambda im: encoded(ImageOps.expand(im, border=im.width // 20, fill=(30, 30, 30))),
    "webp": lambda im: encoded(im, "WEBP", quality=70),
    "posterised": lambda im: encoded(ImageOps.posterize(im.convert("RGB"), 2), quality=85),
}
NOT_COPIES: dict[str, Change] = {
    "mirrored": lambda im: encoded(ImageOps.mirror(im), quality=85),
    "crop 25 %": lambda im: encoded(cropped(im, 0.25), quality=85),
}


def pictures() -> dict[str, Image.Image]:
    """Different pictures: sample photos, scikit-image's, and crops of the group photos."""
    found: dict[str, Image.Image] = {}
    for name, path in sample_photos().items():
        with Image.open(path) as photo:
            found[name] = ImageOps.exif_transpose(photo).convert("RGB")
    import skimage.data

    for name in (
        "astronaut",
        "camera",
        "chelsea",
        "coffee",
        "rocket",
        "coins",
        "brick",
        "grass",
        "gravel",
        "horse",
        "hubble_deep_field",
        "immunohistochemistry",
        "moon",
        "page",
        "retina",
        "text",
        "clock",
        "logo",
        "colorwheel",
    ):
        try:
            array = getattr(skimage.data, name)()
        except Exception:  # some need a download: left out here, never fetched
            continue
        if array.dtype != np.uint8:
            array = (255 * (array.astype(np.float64) / max(1, array.max()))).astype(np.uint8)
        found[name] = Image.fromarray(array[..., :3] if array.ndim == 3 else array).convert("RGB")
    for name in ("players", "gdp"):
        group = found.get(name)
        if group is None:
            continue
        width, height = group.size
        for column, row in itertools.product(range(3), range(2)):
            box = (
                column * width // 3,
                row * height // 2,
                (column + 1) * width // 3,
                (row + 1) * height // 2,
            )
            found[f"{name} part {column}{row}"] = group.crop(box)
    engine = FaceEngine(load_model_pack())
    for name in list(sample_photos()):
        whole = found[name]
        for number, face in enumerate(engine.analyze(np.asarray(whole))):
            x1, y1, x2, y2 = face.bbox
            side, tall = x2 - x1, y2 - y1
            if side >= 30:  # head and shoulders, the face in the same place each time
                portrait = whole.crop(
                    (
                        max(0.0, x1 - side),
                        max(0.0, y1 - 0.8 * tall),
                        min(whole.width, x2 + side),
                        min(whole.height, y2 + 1.5 * tall),
                    )
                )
                if portrait.width * portrait.height < whole.width * whole.height / 2:
                    found[f"{name} portrait {number}"] = portrait  # not the photo itself
    return found


def main() -> None:
    started = time.perf_counter()
    originals = pictures()
    hashes = {}
    for name, image in originals.items():
        hashes[name] = picture_pdq(encoded(image, "PNG"))
    usable = {name: value for name, value in hashes.items() if value is not None}
    print(
        f"{len(originals)} pictures, {len(usable)} with a reliable PDQ hash "
        f"(left out: {sorted(set(originals) - set(usable))})"
    )
    print(f"grouped at a distance of at most {SAME_PICTURE_DISTANCE} bits\n")

    def distances(changes: dict[str, Change]) -> dict[str, list[int | None]]:
        table: dict[str, list[int | None]] = {}
        for change, make in changes.items():
            row: list[int | None] = []
            for name, value in usable.items():
                other = picture_pdq(make(originals[name]))
                row.append(None if other is None else hamming_distance(value, other))
            table[change] = row
        return table

    def show(title: str, table: dict[str, list[int | None]], grouped_is_right: bool) -> None:
        print(f"{title:16s} {'median':>6s} {'max':>4s} {'grouped':>8s} {'no hash':>8s}")
        for change, row in table.items():
            known = [d for d in row if d is not None]
            grouped = sum(d <= SAME_PICTURE_DISTANCE for d in known)
            mark = "" if grouped_is_right or not grouped else "  <- wrongly grouped"
            print(
                f"{change:16s} {int(np.median(known)):6d} {max(known):4d} "
                f"{grouped:4d}/{len(known):<3d} {len(row) - len(known):8d}{mark}"
            )
        print()

    show("copies", distances(COPIES), True)
    show("not copies", distances(NOT_COPIES), False)
    pairs = {
        (a, b): hamming_distance(usable[a], usable[b]) for a, b in itertools.combinations(usable, 2)
    }
    close = [f"{a} / {b}: {d}" for (a, b), d in pairs.items() if d <= SAME_PICTURE_DISTANCE]
    print(
        f"different pictures: {len(pairs)} pairs, closest {min(pairs.values())} bits, "
        f"{len(close)} at most {SAME_PICTURE_DISTANCE} bits {close}"
    )
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
