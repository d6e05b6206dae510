"""Images analysed by worker processes: the same faces as in this process, and no image lost
when a worker dies."""

import errno
import multiprocessing
import multiprocessing.context
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from likeness_guard.core.domain.records import Profile, ScanItem, ScanStatus
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import ModelPack
from likeness_guard.core.pipeline import analysis_pool
from likeness_guard.core.pipeline.analysis_pool import (
    WORKER_DIED,
    ProcessAnalysisPool,
    analyse_in_worker,
)
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.image_analysis import ImageAnalysis, ImageJob, analyse_image
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.storage.store import Store
from tests.unit.pipeline.test_scan import cli_command, unique_copies

OPTIONS = ScanOptions(threshold=0.36, check_provenance=True)


def crash_on_request(job: ImageJob) -> ImageAnalysis:
    """A worker's work that dies the way a crashing decoder kills its process."""
    if job.source == "kills its worker":
        os._exit(3)
    return analyse_in_worker(job)


def stall_on_request(job: ImageJob) -> ImageAnalysis:
    """A worker's work that never ends, as a decoder fed a hostile file did for 18 minutes."""
    if job.source == "stalls its worker":
        time.sleep(3600)
    return analyse_in_worker(job)


def job(data: bytes, source: str = "photo") -> ImageJob:
    return ImageJob(data, source, max_frames=8, check_provenance=False, item_seconds=60)


@pytest.fixture
def me(store: Store, engine: FaceEngine, photos: dict[str, Path]) -> Profile:
    profile = store.profile("me", create=True)
    assert profile is not None
    assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
    refreshed = store.profile("me")
    assert refreshed is not None
    return refreshed


def faces_by_name(store: Store, scan_id: int) -> dict[str, list[tuple[float, bool]]]:
    """Each item's faces (similarity, match), by its folder and file name."""
    found = {}
    for item in store.items(scan_id):
        name = "/".join(Path(item.source).parts[-2:])
        found[name] = [(face.similarity, face.match) for face in item.faces]
    return found


def test_worker_processes_find_the_same_faces_as_this_process(
    store: Store,
    engine: FaceEngine,
    me: Profile,
    photos: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "folder"
    for name in ("yaoming", "players", "t1", "tom_hanks", "gdp"):
        unique_copies(photos[name], folder / name, 2)
    alive: list[int] = []

    def workers_seen(item: ScanItem) -> None:
        alive.append(len(multiprocessing.active_children()))

    in_process = run_scan(store, engine, me, [str(folder)], OPTIONS)
    store.face_cache.clear()  # the second scan must analyse again, not reuse the first
    monkeypatch.setattr(analysis_pool, "PROCESSES_FROM_IMAGES", 1)
    processes = run_scan(
        store,
        engine,
        me,
        [str(folder)],
        ScanOptions(threshold=0.36, workers=2),
        on_item=workers_seen,
    )
    assert max(alive) == 2  # the second scan really ran in two worker processes
    assert multiprocessing.active_children() == []  # and stopped them at its end
    expected, got = faces_by_name(store, in_process), faces_by_name(store, processes)
    assert got.keys() == expected.keys()
    assert len(got) == 10
    for name, faces in expected.items():
        assert [match for _, match in got[name]] == [match for _, match in faces], name
        assert np.allclose([s for s, _ in got[name]], [s for s, _ in faces], atol=2e-4), name
    assert all(match for name in got if name.startswith("yaoming/") for _, match in got[name])
    scan = store.scan(processes)
    assert scan is not None
    assert scan.status is ScanStatus.FINISHED


@pytest.mark.parametrize("fallback", [False, True])
def test_only_the_image_that_kills_its_worker_is_an_error(
    engine: FaceEngine, photos: dict[str, Path], fallback: bool
) -> None:
    # With a fallback engine too: workers run here, so the file is never tried in this process.
    pool = ProcessAnalysisPool(
        engine.pack, 2, work=crash_on_request, fallback=engine if fallback else None
    )
    try:
        jobs = [
            job(photos["yaoming"].read_bytes()),
            job(photos["t1"].read_bytes(), "kills its worker"),
            job(photos["gdp"].read_bytes()),
            job(photos["tom_hanks"].read_bytes()),
        ]
        futures = [pool.submit(each) for each in jobs]
        results = [pool.result(future, each) for future, each in zip(futures, jobs, strict=True)]
        later = pool.result(pool.submit(jobs[0]), jobs[0])  # the pool works again afterwards
    finally:
        pool.close()
    assert results[1].error == WORKER_DIED
    assert results[1].faces == ()
    assert not pool.in_process
    for index in (0, 2, 3):
        expected = analyse_image(jobs[index], engine)
        assert results[index].error is None
        assert len(results[index].faces) == len(expected.faces) > 0
    assert len(later.faces) == 1


def test_a_worker_killed_from_outside_loses_no_image(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    pool = ProcessAnalysisPool(engine.pack, 2)
    try:
        first = job(photos["players"].read_bytes())
        assert len(pool.result(pool.submit(first), first).faces) > 5  # workers are up
        jobs = [job(photos[name].read_bytes()) for name in ("players", "t1", "gdp", "players")]
        futures = [pool.submit(each) for each in jobs]
        victim = multiprocessing.active_children()[0]
        assert victim.pid is not None
        os.kill(victim.pid, signal.SIGKILL)  # what the out-of-memory killer does
        deadline = time.monotonic() + 60
        while victim.is_alive() and time.monotonic() < deadline:  # hang guard only
            time.sleep(0.05)
        results = [pool.result(future, each) for future, each in zip(futures, jobs, strict=True)]
    finally:
        pool.close()
    assert all(result.error is None for result in results)
    expected = [len(analyse_image(each, engine).faces) for each in jobs]
    assert [len(result.faces) for result in results] == expected


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_scan_process_is_killed(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    unique_copies(photos["players"], folder, 30)
    command, env = cli_command(tmp_path / "data")
    subprocess.run([*command, "enroll", str(photos["yaoming"])], check=True, env=env)
    scan = subprocess.Popen(
        [*command, "scan", str(folder), "--workers", "2"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while len(children_of(scan.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # polling another process's children; nothing to wait on
        workers = children_of(scan.pid)
        assert len(workers) >= 2
    finally:
        scan.send_signal(signal.SIGKILL)
        scan.wait()
    deadline = time.monotonic() + 30  # hang guard: they notice within a second or two
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def analysed_by(pool: ProcessAnalysisPool, jobs: list[ImageJob]) -> list[ImageAnalysis]:
    """Every job's analysis, all submitted first as a scan does, then the first once more."""
    try:
        futures = [pool.submit(each) for each in jobs]
        results = [pool.result(future, each) for future, each in zip(futures, jobs, strict=True)]
        return [*results, pool.result(pool.submit(jobs[0]), jobs[0])]
    finally:
        pool.close()


def test_when_no_worker_can_load_the_models_the_scan_goes_on_in_this_process(
    engine: FaceEngine,
    photos: dict[str, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gone = tmp_path / "gone"  # the pack's files went away after the window loaded them
    pack = ModelPack("gone", gone / "det.onnx", gone / "rec.onnx", {})
    pool = ProcessAnalysisPool(pack, 2, fallback=engine)
    jobs = [job(photos[name].read_bytes(), name) for name in ("yaoming", "t1", "gdp")]
    results = analysed_by(pool, jobs)
    assert pool.in_process
    assert "cannot run here" in caplog.text
    assert all(result.error is None for result in results)
    expected = [len(analyse_image(each, engine).faces) for each in [*jobs, jobs[0]]]
    assert [len(result.faces) for result in results] == expected


def test_when_no_process_can_be_started_the_scan_goes_on_in_this_process(
    engine: FaceEngine, photos: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(process: object) -> None:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    # What a process limit or a sandbox does; no such limit can be set here for root.
    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", refuse)
    pool = ProcessAnalysisPool(engine.pack, 2, fallback=engine)
    jobs = [job(photos[name].read_bytes(), name) for name in ("yaoming", "players")]
    results = analysed_by(pool, jobs)
    assert pool.in_process
    assert [len(result.faces) for result in results] == [1, 22, 1]


def test_a_worker_stuck_on_one_image_is_stopped_at_the_time_limit(
    engine: FaceEngine, photos: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis_pool, "STOP_GRACE_SECONDS", 0.5)
    pool = ProcessAnalysisPool(engine.pack, 2, work=stall_on_request)
    stuck = ImageJob(
        photos["t1"].read_bytes(), "stalls its worker", 8, check_provenance=False, item_seconds=1
    )
    jobs = [job(photos["yaoming"].read_bytes()), stuck, job(photos["gdp"].read_bytes())]
    try:
        futures = [pool.submit(each) for each in jobs]
        started = time.monotonic()
        results = [pool.result(future, each) for future, each in zip(futures, jobs, strict=True)]
        took = time.monotonic() - started
        later = pool.result(pool.submit(jobs[0]), jobs[0])  # new workers, at work again
    finally:
        pool.close()
    assert results[1].error is not None
    assert "longer than the time limit of 1 s per item" in results[1].error
    assert results[0].error is None
    assert results[2].error is None  # held by the stopped pool: analysed again
    assert len(results[2].faces) > 0
    assert len(later.faces) == 1
    assert took < 60  # not the hour the stuck worker would have taken
