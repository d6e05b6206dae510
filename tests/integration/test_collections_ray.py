"""The Ray engine on a real local cluster: the same faces as the local engine, and a worker
killed mid-run costs neither a lost nor a doubled image."""

import io
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.collections.analysis import AnalysisRequest, AnalysisSettings
from likeness_guard.core.collections.local_engine import LocalEngine
from likeness_guard.core.collections.records import ImageRecord, ImageSource
from likeness_guard.core.domain.records import FileFacts
from likeness_guard.core.engine.face_engine import FaceEngine

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """A real Ray cluster on this computer: 2 CPUs, no dashboard, no usage statistics."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> list[Path]:
    """Three dozen images: the sample photos resized, cropped, turned grey and re-encoded."""
    folder = tmp_path_factory.mktemp("ray_images")
    paths = []
    for name in ("yaoming", "players", "gdp", "t1"):
        picture = Image.open(photos[name]).convert("RGB")
        for number, scale in enumerate((1.0, 0.8, 0.6)):
            size = (int(picture.width * scale), int(picture.height * scale))
            variants = (picture.resize(size), picture.resize(size).convert("L").convert("RGB"))
            for kind, variant in enumerate(variants):
                for quality in (90, 60):
                    buffer = io.BytesIO()
                    variant.save(buffer, format="JPEG", quality=quality)
                    path = folder / f"{name}_{number}_{kind}_{quality}.jpg"
                    path.write_bytes(buffer.getvalue())
                    paths.append(path)
    return paths[:36]


def _requests(paths: list[Path], with_bytes: bool) -> Iterator[AnalysisRequest]:
    for number, path in enumerate(paths):
        facts = FileFacts(str(path), path.stat().st_size, "")
        data = path.read_bytes() if with_bytes else None
        yield AnalysisRequest(number, ImageSource(str(path), facts), data)


def _assert_same(local: dict[int, ImageRecord], other: dict[int, ImageRecord]) -> None:
    assert sorted(other) == sorted(local)
    for image_id, record in local.items():
        theirs = other[image_id]
        assert (theirs.sha256, theirs.md5, theirs.pdq) == (record.sha256, record.md5, record.pdq)
        assert len(theirs.faces) == len(record.faces)
        for mine, their in zip(record.faces, theirs.faces, strict=True):
            assert np.abs(np.subtract(mine.bbox, their.bbox)).max() <= 1.0
            assert np.abs(mine.embedding - their.embedding).max() <= 1e-4


@pytest.fixture(scope="module")
def local(images: list[Path], engine: FaceEngine) -> dict[int, ImageRecord]:
    analyser = LocalEngine(engine, AnalysisSettings(), workers=1)
    return {r.image_id: r for r in analyser.analyse(_requests(images, with_bytes=True))}


def test_ray_finds_the_same_faces_as_the_local_engine(
    cluster: None, images: list[Path], engine: FaceEngine, local: dict[int, ImageRecord]
) -> None:
    from likeness_guard.core.collections.ray_engine import RayEngine

    analyser = RayEngine(engine.pack, AnalysisSettings(), workers=2)
    found = {r.image_id: r for r in analyser.analyse(_requests(images, with_bytes=False))}
    assert sum(len(r.faces) for r in found.values()) > 60
    _assert_same(local, found)


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    cluster: None, images: list[Path], engine: FaceEngine, local: dict[int, ImageRecord]
) -> None:
    from likeness_guard.core.collections.ray_engine import RayEngine

    analyser = RayEngine(engine.pack, AnalysisSettings(), workers=2)
    returned: list[int] = []
    killed = None
    for record in analyser.analyse(_requests(images, with_bytes=False)):
        returned.append(record.image_id)
        if killed is None and len(returned) == 4:
            killed = analyser.worker_pids()[0]
            os.kill(killed, signal.SIGKILL)
        if killed is not None and len(returned) == 5:
            assert killed not in analyser.worker_pids()  # Ray started it again
    assert killed is not None
    assert sorted(returned) == list(range(len(images)))  # each image once
