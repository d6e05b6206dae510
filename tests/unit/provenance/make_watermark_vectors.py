"""Make the dwtDct test vectors in data/ with the reference encoder (invisible-watermark).

Our decoder (likeness_guard.core.provenance.watermark) re-implements the dwtDct method of
invisible-watermark without depending on it, because the package imports torch (several GB)
for another method and lists torch as a hard requirement. This script marks synthetic images
with the real library, so that the tests check our decoder against an independent encoder.

The images are made here with numpy (flat colour tiles and seeded chroma noise; no photos
of people). Each is marked the way a real pipeline does it:

- "scripts": uint8 arrays, as the CompVis and Stability scripts mark SD 1 and SD 2 images
  (`cv2.cvtColor(rgb, COLOR_RGB2BGR)`, `encode(bgr, "dwtDct")`, saved as RGB). The "RGB"
  variant hands the RGB array to the encoder unchanged.
- "float32": float32 arrays in 0..255, as diffusers' and Stability's generative-models'
  `StableDiffusionXLWatermarker` / `WatermarkEmbedder` mark SDXL images (BGR order in
  generative-models and in diffusers since PR #7013, RGB before), then clipped and rounded
  to uint8 as the pipelines do when they save.

It writes lossless PNGs and data/watermark_vectors.json: the payloads, the library versions,
and for each vector the bits that the reference decoder (`WatermarkDecoder.decode`) reads
from the saved file in the encoder's channel order.

Run it in a throwaway virtual environment, never in the project's (torch is stubbed out in
this process only; the dwtDct code path never touches it):

    python3 -m venv /tmp/wm
    /tmp/wm/bin/pip install --no-deps invisible-watermark==0.2.0 PyWavelets \\
        opencv-python-headless numpy pillow
    /tmp/wm/bin/python tests/unit/provenance/make_watermark_vectors.py

The committed vectors were made that way with invisible-watermark 0.2.0, PyWavelets 1.9.0,
opencv-python-headless 5.0.0.93, numpy 2.4.6 and Pillow 13.0.0 on Python 3.11.7; the JSON
records the versions of each run. Running it again rewrote byte-identical files.
"""

import hashlib
import importlib
import importlib.metadata
import json
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

DATA = Path(__file__).resolve().parent / "data"
INDEX = DATA / "watermark_vectors.json"

# The messages as the pipelines set them: bytes for SD 1 (CompVis scripts) and SD 2 (Stability
# scripts), 48 bits for SDXL (WATERMARK_MESSAGE in generative-models and diffusers).
SDXL_MESSAGE = 0b101100111110110010010000011110111011000110011110
PAYLOADS: dict[str, tuple[str, Any]] = {
    "Stable Diffusion 1": ("bytes", b"StableDiffusionV1"),
    "Stable Diffusion 2": ("bytes", b"SDV2"),
    "Stable Diffusion XL": ("bits", [int(bit) for bit in bin(SDXL_MESSAGE)[2:]]),
}


def bits_of(payload: str) -> str:
    """Return the payload's bits as a 0/1 string, in the order the encoder embeds them."""
    kind, content = PAYLOADS[payload]
    if kind == "bits":
        return "".join(str(bit) for bit in content)
    return "".join(str(int(bit)) for bit in np.unpackbits(np.frombuffer(content, np.uint8)))


# (name, height, width, seed, palette): 256x256 is the smallest image the reference accepts.
# "mixed" tiles take any colour; "warm" tiles lean red/yellow like skin (blue below luma, so
# the U channel is negative in the float32 path). 254x262 is not a multiple of 8 either way,
# so trimmed edges and a block grid wider than high are exercised too.
BASES: tuple[tuple[str, int, int, int, str], ...] = (
    ("mixed_256x256", 256, 256, 1, "mixed"),
    ("warm_254x262", 254, 262, 2, "warm"),
)
PALETTES: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    "mixed": ((50, 206), (50, 206), (50, 206)),
    "warm": ((150, 230), (95, 175), (55, 135)),
}

# (base, payload, channel order handed to the encoder, encoder input dtype)
VECTORS: tuple[tuple[str, str, str, str], ...] = (
    ("mixed_256x256", "Stable Diffusion 1", "BGR", "uint8"),
    ("mixed_256x256", "Stable Diffusion 2", "BGR", "uint8"),
    ("mixed_256x256", "Stable Diffusion XL", "BGR", "uint8"),
    ("mixed_256x256", "Stable Diffusion XL", "BGR", "float32"),
    ("warm_254x262", "Stable Diffusion 1", "RGB", "uint8"),
    ("warm_254x262", "Stable Diffusion XL", "BGR", "float32"),
    ("warm_254x262", "Stable Diffusion XL", "RGB", "float32"),
)
SLUGS = {"Stable Diffusion 1": "sd1", "Stable Diffusion 2": "sd2", "Stable Diffusion XL": "sdxl"}


def base_image(height: int, width: int, seed: int, palette: str) -> npt.NDArray[np.uint8]:
    """Return a deterministic RGB image: flat 64-pixel tiles plus seeded chroma noise.

    The noise (2x2-pixel cells, added to blue and taken from red) gives each 4x4 block of
    the half-size wavelet band distinct coefficients, as texture does in a photo: on
    smooth images dwtDct loses its 0 bits (the quantised coefficient stops being the
    largest). Flat tiles and one noise field keep the PNG files small.
    """
    rng = np.random.default_rng(seed)
    tiles = (-(-height // 64), -(-width // 64))
    colours = np.stack([rng.integers(low, high, tiles) for low, high in PALETTES[palette]], -1)
    rgb = np.kron(colours, np.ones((64, 64, 1)))[:height, :width]
    noise = np.kron(rng.normal(0, 20, (-(-height // 2), -(-width // 2))), np.ones((2, 2)))
    rgb[:, :, 2] += noise[:height, :width]
    rgb[:, :, 0] -= noise[:height, :width]
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8)


def load_reference() -> Any:
    """Import imwatermark with torch stubbed (its package __init__ imports the rivaGan module)."""
    sys.modules.setdefault("torch", types.ModuleType("torch"))
    return importlib.import_module("imwatermark")


def mark(
    imwatermark: Any, rgb: npt.NDArray[np.uint8], payload: str, order: str, dtype: str
) -> npt.NDArray[np.uint8]:
    """Return the RGB uint8 image a pipeline would save after marking `rgb` with `payload`."""
    encoder = imwatermark.WatermarkEncoder()
    encoder.set_watermark(*PAYLOADS[payload])
    array = rgb[:, :, ::-1] if order == "BGR" else rgb
    if dtype == "uint8":
        marked = np.asarray(encoder.encode(np.ascontiguousarray(array), "dwtDct"))
    else:
        encoded = np.asarray(encoder.encode(array.astype(np.float32), "dwtDct"))
        marked = np.clip(np.round(encoded), 0, 255).astype(np.uint8)
    return (marked[:, :, ::-1] if order == "BGR" else marked).astype(np.uint8)


def reference_bits(imwatermark: Any, rgb: npt.NDArray[np.uint8], order: str, length: int) -> str:
    """Return, as a 0/1 string, the bits the reference decoder reads in the given order."""
    decoder = imwatermark.WatermarkDecoder("bits", length)
    array = np.ascontiguousarray(rgb[:, :, ::-1] if order == "BGR" else rgb)
    return "".join(str(int(bit)) for bit in decoder.decode(array, "dwtDct"))


def save_png(rgb: npt.NDArray[np.uint8], name: str) -> dict[str, Any]:
    path = DATA / name
    Image.fromarray(rgb).save(path, "PNG", optimize=True)
    back = np.asarray(Image.open(path).convert("RGB"))
    assert np.array_equal(back, rgb), f"{name} did not survive the PNG round trip"
    return {"file": name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def main() -> None:
    imwatermark = load_reference()
    DATA.mkdir(exist_ok=True)
    bases = {name: base_image(h, w, seed, palette) for name, h, w, seed, palette in BASES}
    originals = []
    for name, image in bases.items():
        entry = save_png(image, f"original_{name}.png")
        entry["reference_bits"] = {
            payload: {
                order: reference_bits(imwatermark, image, order, len(bits_of(payload)))
                for order in ("BGR", "RGB")
            }
            for payload in PAYLOADS
        }
        originals.append({"base": name, **entry})
    vectors = []
    for base, payload, order, dtype in VECTORS:
        marked = mark(imwatermark, bases[base], payload, order, dtype)
        entry = save_png(marked, f"{SLUGS[payload]}_{order.lower()}_{dtype}_{base}.png")
        decoded = reference_bits(imwatermark, marked, order, len(bits_of(payload)))
        agree = sum(a == b for a, b in zip(decoded, bits_of(payload), strict=True))
        print(f"{entry['file']}: reference decoder agrees on {agree}/{len(decoded)} bits")
        vectors.append(
            {
                "base": base,
                "payload": payload,
                "channel_order": order,
                "encoder_input": dtype,
                **entry,
                "reference_bits": decoded,
                "reference_agreement": agree,
            }
        )
    versions = {
        package: importlib.metadata.version(package)
        for package in ("invisible-watermark", "PyWavelets", "opencv-python-headless", "numpy")
    }
    versions["Pillow"] = importlib.metadata.version("pillow")
    versions["python"] = sys.version.split()[0]
    index = {
        "made_by": "tests/unit/provenance/make_watermark_vectors.py",
        "method": "dwtDct",
        "versions": versions,
        "payloads": {name: bits_of(name) for name in PAYLOADS},
        "originals": originals,
        "vectors": vectors,
    }
    INDEX.write_text(json.dumps(index, indent=2) + "\n")
    total = sum(path.stat().st_size for path in DATA.iterdir())
    print(f"wrote {len(vectors)} marked and {len(originals)} original images, {total // 1024} KB")


if __name__ == "__main__":
    main()
