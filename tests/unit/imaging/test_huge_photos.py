"""Huge photos (issue 30): a baseline JPEG over the pixel cap is decoded scaled, its face
found, in bounded memory; bombs are still refused."""

import io
import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging import decode
from likeness_guard.core.imaging.decode import decode_image, decode_scaled, decode_stored

# Made and measured in a child process, so that this one's memory says nothing about it:
# a 150 MP photo (15000x10000) with Yao Ming's face enlarged 8 times in it.
_CHILD = r"""
import io, sys
from PIL import Image
from likeness_guard.core.engine.model_pack import sample_photos
face = Image.open(sample_photos()["yaoming"]).convert("RGB")
canvas = Image.new("RGB", (15000, 10000), (120, 140, 160))
canvas.paste(face.resize((face.width * 8, face.height * 8)), (4000, 2000))
buffer = io.BytesIO()
canvas.save(buffer, "JPEG", quality=80, progressive=sys.argv[2] == "progressive")
del canvas
open(sys.argv[1], "wb").write(buffer.getvalue())
"""

_DECODE = r"""
import json, sys
from likeness_guard.core.imaging.decode import decode_image
data = open(sys.argv[1], "rb").read()
image = decode_image(data)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the process that forked this one.
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) / 1024
from likeness_guard.core.engine.face_engine import FaceEngine
faces = FaceEngine().analyze(image.frames[0])
print(json.dumps({"size": [image.width, image.height], "peak_mb": peak,
                  "faces": [list(f.bbox) for f in faces]}))
"""


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def huge_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "150mp.jpg"
    _run(_CHILD, str(path), "baseline")
    return path


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory from /proc")
def test_a_150_megapixel_photo_is_decoded_scaled_and_its_face_found(huge_jpeg: Path) -> None:
    found = json.loads(_run(_DECODE, str(huge_jpeg)))
    assert found["size"] == [7500, 5000]  # half size: at most DRAFT_ABOVE_PIXELS
    # Decoded at half size: 112 MB of RGB, never the 450 MB of the full size (measured:
    # about 420 MB for the whole process, imports included).
    assert found["peak_mb"] < 600
    (x1, y1, x2, y2) = max(found["faces"], key=lambda box: (box[2] - box[0]) * (box[3] - box[1]))
    assert x1 >= 2000  # where the face was pasted, at half scale
    assert x2 <= 2000 + 8 * 300
    assert 1000 <= y1 < y2


def test_previews_and_stored_pixels_of_a_huge_photo_stay_within_the_cap(huge_jpeg: Path) -> None:
    data = huge_jpeg.read_bytes()
    assert decode_scaled(data, 400).rgb.shape[1] == 400
    pixels, orientation = decode_stored(data)
    assert pixels.shape[0] * pixels.shape[1] <= decode.MAX_PIXELS
    assert orientation == 1


def test_a_progressive_jpeg_over_the_cap_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "progressive.jpg"
    _run(_CHILD, str(path), "progressive")
    with pytest.raises(ImageError, match="too large to analyse safely"):
        decode_image(path.read_bytes())


def jpeg_claiming(width: int, height: int) -> bytes:
    """A baseline JPEG header claiming `width` x `height` pixels, with no picture data."""
    small = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 90, 90)).save(small, "JPEG")
    data = bytearray(small.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (60000, 60000, "too large to analyse safely"),  # over MAX_SCALED_JPEG_PIXELS
        (20000, 20000, "too large to analyse safely"),  # within it, but too few bytes
    ],
)
def test_jpeg_bombs_are_refused_with_a_clear_error(width: int, height: int, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        decode_image(jpeg_claiming(width, height))
    with pytest.raises(ImageError, match=message):
        decode_scaled(jpeg_claiming(width, height), 200)
