"""A video being downloaded lies sealed in the spool (issue 31): never in plain text on the
disk, read back exactly by PyAV through a seekable decrypting file, and changed, cut or
reordered pieces refused; a scan killed mid-download leaves only an unreadable file, which
the next start wipes."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from likeness_guard.core.imaging.video import open_video
from likeness_guard.core.imaging.video_clip import SamplingPolicy
from likeness_guard.core.imaging.video_sealed import MAGIC, PIECE, SealedFile
from likeness_guard.core.storage import protection
from likeness_guard.core.storage.layout import SPOOL_FOLDER
from likeness_guard.core.storage.recovery import prepare_folder
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.sources.local_server import LocalServer, RequestHandler

ROOT = Path(__file__).resolve().parents[2]
_RECORD = PIECE + 16


def noisy_video(path: Path, frames: int = 40, size: tuple[int, int] = (320, 240)) -> bytes:
    """An H.264 MP4 of noise (it compresses badly, so it spans several sealed pieces)."""
    import av

    rng = np.random.default_rng(3)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "4"}
        for _ in range(frames):
            picture = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path.read_bytes()


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    data = noisy_video(tmp_path_factory.mktemp("sealed") / "noise.mp4")
    assert len(data) > 2 * PIECE  # several pieces, and a last one that is not full
    return data


def sealed_copy(folder: Path, data: bytes, chunk: int = 100_003) -> SealedFile:
    sealed = SealedFile(folder / "video-1-x.part")
    with sealed.writer() as out:
        for start in range(0, len(data), chunk):
            out.write(data[start : start + chunk])
    return sealed


def frames_of(source: Path | SealedFile) -> list[str]:
    """A hash of every frame the sampler decodes (10 per second: every one of these)."""
    with open_video(source, "mp4") as reader:
        policy = SamplingPolicy(frames_per_second=10.0)
        return [hashlib.sha256(f.rgb.tobytes()).hexdigest() for f in reader.frames(policy)]


def windows(data: bytes, count: int = 40, size: int = 48) -> list[bytes]:
    """Slices of `data` spread over its whole length: any of them on disk is a leak."""
    step = max(1, (len(data) - size) // count)
    return [data[start : start + size] for start in range(0, len(data) - size, step)]


def test_a_sealed_video_reads_back_exactly_and_holds_no_plain_text(
    tmp_path: Path, video: bytes
) -> None:
    sealed = sealed_copy(tmp_path, video)
    stored = sealed.path.read_bytes()
    assert stored.startswith(MAGIC)
    assert not any(window in stored for window in windows(video))
    assert sealed.size() == len(video)
    assert sealed.read_bytes() == video
    with sealed.open() as reader:  # random access, as a demuxer seeks
        for position in (len(video) - 10, PIECE - 3, 5, 2 * PIECE + 7, 0):
            reader.seek(position)
            assert reader.read(20) == video[position : position + 20]
        assert reader.seek(-4, os.SEEK_END) == len(video) - 4
        assert reader.read() == video[-4:]


def test_pyav_decodes_the_same_frames_from_the_sealed_file(tmp_path: Path, video: bytes) -> None:
    plain = tmp_path / "plain.mp4"
    plain.write_bytes(video)
    sealed = sealed_copy(tmp_path, video)
    expected = frames_of(plain)
    assert len(expected) >= 10
    assert frames_of(sealed) == expected


@pytest.mark.parametrize("size", [0, 1, PIECE, PIECE + 1, 2 * PIECE])
def test_sizes_at_the_edges_of_a_piece(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    sealed = sealed_copy(tmp_path, data, chunk=PIECE // 3)
    assert sealed.size() == size
    assert sealed.read_bytes() == data


def test_changed_cut_or_reordered_pieces_are_refused(tmp_path: Path, video: bytes) -> None:
    sealed = sealed_copy(tmp_path, video)
    stored = sealed.path.read_bytes()
    head, first, second = (
        stored[: len(MAGIC)],
        stored[len(MAGIC) : len(MAGIC) + _RECORD],
        stored[len(MAGIC) + _RECORD : len(MAGIC) + 2 * _RECORD],
    )
    rest = stored[len(MAGIC) + 2 * _RECORD :]
    flipped = bytearray(stored)
    flipped[len(MAGIC) + _RECORD + 100] ^= 1
    for changed in (
        bytes(flipped),  # one bit in the second piece
        head + second + first + rest,  # two pieces swapped
        head + first + second,  # cut at a piece's end: the new last one was not last
        stored[:-1],  # cut inside the last piece
    ):
        sealed.path.write_bytes(changed)
        with pytest.raises(OSError, match="changed on disk"):
            sealed.read_bytes()


def test_another_process_cannot_open_what_this_one_sealed(tmp_path: Path, video: bytes) -> None:
    sealed = sealed_copy(tmp_path, video)
    stranger = SealedFile(sealed.path)  # the same file, a key of its own
    with pytest.raises(OSError, match="changed on disk"):
        stranger.read_bytes()


# --- a real scan killed while it downloads, in a protected folder ---------------------------


@pytest.fixture
def trickling(video: bytes) -> Iterator[tuple[LocalServer, str]]:
    """A server that sends most of the video at once, then the rest very slowly."""
    server = LocalServer()

    def handler(request: RequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "video/mp4")
        request.send_header("Content-Length", str(len(video)))
        request.end_headers()
        cut = len(video) - 4096
        request.wfile.write(video[:cut])
        request.wfile.flush()
        for byte in video[cut:]:
            if request.pause(1.0):
                return
            request.wfile.write(bytes([byte]))
            request.wfile.flush()

    url = server.route("/clip.mp4", handler)
    yield server, url
    server.close()


def test_a_scan_killed_mid_download_leaves_nothing_readable(
    tmp_path: Path,
    photos: dict[str, Path],
    video: bytes,
    trickling: tuple[LocalServer, str],
) -> None:
    data, secret = tmp_path / "data", tmp_path / "pass.txt"
    secret.write_text("a long enough passphrase\n")
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    protection.protect(data, "a long enough passphrase")
    protection.forget_keys()
    _server, url = trickling
    argv = ["--data-dir", str(data), "--passphrase-file", str(secret), "scan", url]
    child = subprocess.Popen(
        [sys.executable, "-m", "likeness_guard", *argv, "--allow-private-addresses"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    spool = data / SPOOL_FOLDER
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            parts = list(spool.glob("video-*.part")) if spool.is_dir() else []
            if parts and parts[0].stat().st_size > len(video) - 2 * PIECE:
                break
            assert child.poll() is None, "the scan ended before its download did"
            time.sleep(0.1)
        else:
            pytest.fail("the download never reached the spool")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    [left] = parts
    stored = left.read_bytes()
    assert stored.startswith(MAGIC)
    assert not any(window in stored for window in windows(video[: len(stored) - 4096]))
    prepare_folder(data)  # the next start
    assert not left.exists()
    protection.unlock(data, "a long enough passphrase")
    try:
        with Store.open(data) as store:
            assert len(store.profiles()) == 1
    finally:
        protection.forget_keys()
