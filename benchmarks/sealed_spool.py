"""What sealing a downloaded video in the spool costs (issue 31), against the plain file, in
the same process, on a real video made here with PyAV from the sample photos.

Each step a scan does with a download is timed both ways, the two taken in turn, best of
`--rounds`, in CPU seconds of this process (all its threads; on a shared machine the wall
clock mostly measures the neighbours):
  write    the body written as it arrives (256 KiB chunks, as video_fetch does)
  read     the whole file read in 256 KiB pieces (what the demuxer asks for)
  hash     SHA-256 and MD5 in one pass (video_loader.hash_file)
  sample   every frame decoded and the scan's samples converted (2 per second, AvReader)
  keep     the evidence copy of a matched video (EvidenceFolder.put_file, unprotected)

Run: .venv/bin/python benchmarks/sealed_spool.py [--seconds 40] [--size 854x480] [--crf 16]
     [--rounds 5]
"""

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from likeness_guard.core.engine.model_pack import sample_photos  # noqa: E402
from likeness_guard.core.imaging.video import open_video  # noqa: E402
from likeness_guard.core.imaging.video_clip import SamplingPolicy  # noqa: E402
from likeness_guard.core.imaging.video_sealed import SealedFile  # noqa: E402
from likeness_guard.core.pipeline.video_loader import hash_file  # noqa: E402
from likeness_guard.core.storage.evidence import EvidenceFolder  # noqa: E402
from tests.video_maker import Shot, make_video  # noqa: E402

CHUNK = 256 * 1024


def best_of_turns(rounds: int, *steps: Callable[[], object]) -> list[float]:
    """The best time of each step, the steps run in turn `rounds` times."""
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(rounds):
        for step, taken in zip(steps, times, strict=True):
            started = time.process_time()
            step()
            taken.append(time.process_time() - started)
    return [min(taken) for taken in times]


def write_plain(data: bytes, path: Path) -> None:
    with path.open("wb") as out:
        for start in range(0, len(data), CHUNK):
            out.write(data[start : start + CHUNK])


def write_sealed(data: bytes, sealed: SealedFile) -> None:
    with sealed.writer() as out:
        for start in range(0, len(data), CHUNK):
            out.write(data[start : start + CHUNK])


def read_all(source: Path | SealedFile) -> int:
    with source.open("rb") as stream:
        return sum(len(piece) for piece in iter(lambda: stream.read(CHUNK), b""))


def sample(source: Path | SealedFile) -> int:
    with open_video(source) as reader:
        return sum(1 for _ in reader.frames(SamplingPolicy()))


def keep(work: Path, source: Path | SealedFile) -> None:
    folder = EvidenceFolder(work / f"evidence-{time.monotonic_ns()}")
    folder.put_file(source, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--size", default="854x480")
    parser.add_argument("--crf", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    photos = sample_photos()
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        names = sorted(photos)
        shots = [Shot(photos[n], args.seconds / len(names)) for n in names]
        started = time.perf_counter()
        made = make_video(
            work / "made.mp4",
            shots,
            size=(width, height),
            fps=25,
            motion=True,
            grain=6.0,
            crf=args.crf,
        )
        data = made.read_bytes()
        print(
            f"video: {width}x{height}, 25 fps, {args.seconds:.0f} s, H.264 crf {args.crf}, "
            f"{len(data) / 1e6:.1f} MB (made in {time.perf_counter() - started:.0f} s)"
        )
        plain, sealed = work / "plain.part", SealedFile(work / "sealed.part")
        rows = [
            ("write", lambda: write_plain(data, plain), lambda: write_sealed(data, sealed)),
            ("read", lambda: read_all(plain), lambda: read_all(sealed)),
            ("hash", lambda: hash_file(plain), lambda: hash_file(sealed)),
            ("sample", lambda: sample(plain), lambda: sample(sealed)),
            ("keep", lambda: keep(work, plain), lambda: keep(work, sealed)),
        ]
        total_plain = total_sealed = 0.0
        for label, on_plain, on_sealed in rows:
            plain_s, sealed_s = best_of_turns(args.rounds, on_plain, on_sealed)
            total_plain, total_sealed = total_plain + plain_s, total_sealed + sealed_s
            print(
                f"{label:>7}: plain {plain_s:7.3f} s  sealed {sealed_s:7.3f} s CPU  "
                f"ratio {sealed_s / plain_s:5.2f}"
            )
        print(
            f"  total: plain {total_plain:7.3f} s  sealed {total_sealed:7.3f} s  "
            f"ratio {total_sealed / total_plain:5.2f}  (+{total_sealed - total_plain:.3f} s)"
        )
        assert sealed.read_bytes() == data


if __name__ == "__main__":
    main()
