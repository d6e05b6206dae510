"""Cost of the Stable Diffusion watermark check against decoding the image, in the same run.

Baseline: Pillow decoding a ~2 MP JPEG (a sample photo resized to 1600x1200) to RGB pixels,
which every scanned image pays anyway. Ours: `watermark.match_payloads` on those pixels (both
channel orders, three payloads). Replaces a unit test that asserted an absolute time (under
0.5 s), which said more about the machine than about the code.
Run: .venv/bin/python benchmarks/watermark_decoder.py [REPEATS]
"""

import io
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from PIL import Image

from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.provenance import watermark


def jpeg_of_two_megapixels() -> bytes:
    with Image.open(sample_photos()["t1"]) as image:
        resized = image.convert("RGB").resize((1600, 1200))
    buffer = io.BytesIO()
    resized.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    work()  # warm-up (first cv2 call, allocator)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    data = jpeg_of_two_megapixels()

    def decode() -> np.ndarray:
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))

    rgb = decode()
    base = median_seconds(decode, repeats)
    ours = median_seconds(lambda: watermark.match_payloads(rgb), repeats)
    print(f"{rgb.shape[1]}x{rgb.shape[0]} JPEG, median of {repeats} runs each")
    print(f"baseline (Pillow decode to RGB): {base * 1000:.1f} ms")
    print(f"watermark check (match_payloads): {ours * 1000:.1f} ms ({ours / base:.2f}x baseline)")


if __name__ == "__main__":
    main()
