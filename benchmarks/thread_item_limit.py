"""Does a small scan need a killable worker for its per-item time limit? (issue 31)

A scan of fewer than 24 images, or one run with --workers 1, analyses its images on threads
of its own process, which cannot be stopped: there the limit holds only if every decoder is
fed bounded work. This measures, on this machine, in one process:

  threads  every regular file of the hostile corpus (giants included) that a scan analyses as
           a still image, analysed as a small scan does (analyse_image on the scan's engine,
           the limits a scan uses): the slowest, against the 60 s per-item limit
  clips    the files a scan reads as clips (videos, long animations): they are sampled on
           the scan's video thread in every kind of scan, never in the image pool, so a
           killable image worker would not cover them either; each timed as a scan of its own
  worker   what a killable worker would cost a small scan: asking for one ordinary photo's
           analysis in a new worker process (start, models loaded, analysis) against the
           same on a thread, best of --rounds

Run: .venv/bin/python benchmarks/thread_item_limit.py [--rounds 3] [--no-giants]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from likeness_guard.core.engine.model_pack import sample_photos  # noqa: E402
from likeness_guard.core.imaging.decode import frame_count  # noqa: E402
from likeness_guard.core.imaging.formats import sniff_format, sniff_video_format  # noqa: E402
from likeness_guard.core.imaging.video_clip import ANIMATION_AS_VIDEO_FRAMES  # noqa: E402
from likeness_guard.core.pipeline.analysis_pool import (  # noqa: E402
    ProcessAnalysisPool,
    ThreadAnalysisPool,
)
from likeness_guard.core.pipeline.budget import ITEM_SECONDS  # noqa: E402
from likeness_guard.core.pipeline.image_analysis import ImageJob, analyse_image  # noqa: E402
from likeness_guard.core.services.enrolling import EnrollRequest, enroll  # noqa: E402
from likeness_guard.core.services.folder import data_folder, open_folder, open_store  # noqa: E402
from likeness_guard.core.services.packs import open_engine  # noqa: E402
from likeness_guard.core.services.scanning import ScanRequest, scan, scan_options  # noqa: E402
from tests.hostile.corpus import build_corpus  # noqa: E402


def is_clip(data: bytes) -> bool:
    """Whether a scan reads these bytes as a clip (pipeline/loader.py decides the same way)."""
    if sniff_video_format(data[:64]) is not None:
        return True
    still = sniff_format(data)
    return still in ("gif", "webp", "png") and frame_count(data) > ANIMATION_AS_VIDEO_FRAMES


def job_for(data: bytes, name: str) -> ImageJob:
    options = scan_options(workers=1)  # what a scan uses: frames per image, the time limit
    return ImageJob(data, name, options.max_frames, True, options.item_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-giants", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        corpus = build_corpus(work / "corpus", giant=not args.no_giants)
        folder = data_folder(work / "data")
        open_folder(folder)
        store, _ = open_store(folder)
        engine = open_engine(None, folder)
        enroll(store, engine, EnrollRequest("me", (sample_photos()["yaoming"],)))
        stills: list[tuple[float, str]] = []
        clips: list[tuple[float, str]] = []
        for path in corpus.regular:
            data = path.read_bytes()
            started = time.monotonic()
            if is_clip(data):
                scan(store, engine, ScanRequest("me", (str(path),), scan_options(workers=1)))
                clips.append((time.monotonic() - started, path.name))
            else:
                analyse_image(job_for(data, path.name), engine)
                stills.append((time.monotonic() - started, path.name))
        for label, times in (("threads (stills)", stills), ("clips (video thread)", clips)):
            times.sort(reverse=True)
            total = sum(seconds for seconds, _ in times)
            print(f"{label}: {len(times)} files, {total:.1f} s in all, limit {ITEM_SECONDS:.0f} s")
            for seconds, file_name in times[:4]:
                print(f"  {seconds:7.2f} s  {ascii(file_name)[:70]}")
        photo = sample_photos()["yaoming"].read_bytes()
        job = job_for(photo, "photo")
        on_thread, in_worker = [], []
        for _ in range(args.rounds):
            threads = ThreadAnalysisPool(engine, threads=1)
            started = time.monotonic()
            threads.result(threads.submit(job), job)
            on_thread.append(time.monotonic() - started)
            threads.close()
            workers = ProcessAnalysisPool(engine.pack, 1, fallback=engine)
            started = time.monotonic()
            workers.result(workers.submit(job), job)
            in_worker.append(time.monotonic() - started)
            workers.close()
        print(
            f"worker: one photo on a thread {min(on_thread):.2f} s, in a new worker process "
            f"{min(in_worker):.2f} s (start and models included), best of {args.rounds}"
        )
        store.close()


if __name__ == "__main__":
    main()
