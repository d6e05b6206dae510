"""A clip between the loader thread and the models: bounded memory, early stops both ways."""

import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import VideoStop
from likeness_guard.core.pipeline.video_loader import FRAME_QUEUE, VideoSettings, open_clip
from tests.video_maker import Shot, make_video


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("long")
    shots = []
    for index in range(6):
        path = folder / f"shot{index}.png"
        Image.new("RGB", (64, 36), (40 * index, 200 - 30 * index, 90)).save(path)
        shots.append(Shot(path, 10))
    return make_video(folder / "long.mp4", shots, size=(320, 180), fps=10)  # 60 s


def run_feed(clip: Path, cancel: CancelToken, settings: VideoSettings) -> tuple[object, object]:
    job = open_clip(clip, "mp4", settings, cancel)
    feeder = threading.Thread(target=job.feed, args=(lambda: False,))
    feeder.start()
    return job, feeder


def test_memory_stays_flat_however_long_the_clip(long_clip: Path) -> None:
    settings = VideoSettings(frames_per_second=4.0)  # 240 frames of 320x180
    tracemalloc.start()
    try:
        job = open_clip(long_clip, "mp4", settings, CancelToken())
        feeder = threading.Thread(target=job.feed, args=(lambda: False,))
        feeder.start()
        count = 0
        most_waiting = 0
        for frame in job.frames():
            count += 1
            most_waiting = max(most_waiting, job._queue.qsize())
            assert frame.rgb.shape == (180, 320, 3)
            time.sleep(0.001)  # the models are slower than the decoder
        feeder.join(timeout=10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count >= 230
    assert most_waiting <= FRAME_QUEUE
    one_frame = 320 * 180 * 3
    # Holding every sampled frame would take count * one_frame (about 41 MB).
    assert peak < 12 * one_frame, f"peak {peak / 1e6:.1f} MB"
    assert job.outcome is not None
    assert job.outcome.stopped is None


def test_when_the_models_stop_reading_the_decoder_stops_too(long_clip: Path) -> None:
    job = open_clip(long_clip, "mp4", VideoSettings(), CancelToken())
    feeder = threading.Thread(target=job.feed, args=(lambda: False,))
    feeder.start()
    frames = job.frames()
    first = [next(frames) for _ in range(3)]
    job.abandon()
    feeder.join(timeout=5)
    assert not feeder.is_alive()
    assert [f.time_s for f in first] == [0.0, 0.5, 1.0]
    assert job.outcome is not None
    assert job.outcome.examined_until_s < 10.0  # it did not decode the rest


def test_cancelling_the_scan_stops_decoding_and_says_so(long_clip: Path) -> None:
    cancel = CancelToken()
    job = open_clip(long_clip, "mp4", VideoSettings(), cancel)
    feeder = threading.Thread(target=job.feed, args=(lambda: False,))
    feeder.start()
    frames = job.frames()
    next(frames)
    cancel.cancel()
    rest = list(frames)
    feeder.join(timeout=5)
    assert not feeder.is_alive()
    assert len(rest) <= FRAME_QUEUE + 1
    assert job.outcome is not None
    assert job.outcome.stopped is VideoStop.CANCELLED
    assert np.isfinite(job.outcome.examined_until_s)
