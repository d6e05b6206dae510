"""Where a scan's still images are analysed: worker processes, one per core, or this process.

Each worker process has its own face engine with one ONNX thread, decodes and inspects the
bytes it is sent, and sends back faces and findings only (pixels never cross). Processes,
not threads: a thread doing the same work holds Python's global lock for about 40 % of an
image's time (decoder glue, detector post-processing, alignment, AI-marker checks; measured
by a pure-Python thread's slowdown beside it), so threads stop scaling after two or three
cores. A small scan is not worth starting processes for (about 2 s each, mostly imports):
it runs on threads in this process, where decoding overlaps the shared engine's models
(and the models of two images run at once on an engine with two lanes).

Each image's whole analysis, decoding included, has a time limit (the job's `item_seconds`
plus a margin): a worker still busy with one image when it runs out is stopped, that image
is listed as an error naming the limit, and the other images its pool held are analysed
again. A worker that dies (a decoder crash on a hostile file, the out-of-memory killer)
breaks the pool: it is started again, and each image that was in flight is analysed once
more on its own, so only the image that kills a worker again is listed as an error. When no
worker can run on this computer at all (processes cannot be started, or cannot load the
models), the scan goes on in this process instead, slower but whole.
"""

import logging
import multiprocessing
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import (
    CancelledError,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from concurrent.futures import (
    TimeoutError as FutureTimeout,
)
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from likeness_guard import locale
from likeness_guard.core.engine.face_engine import FaceEngine, available_cores
from likeness_guard.core.engine.model_pack import ModelPack
from likeness_guard.core.pipeline.image_analysis import ImageAnalysis, ImageJob, analyse_image

log = logging.getLogger(__name__)

# Below this many images a scan runs in this process: starting workers costs more.
PROCESSES_FROM_IMAGES = 24
# Images sent ahead per worker, so none waits for the next while one is written.
AHEAD_PER_WORKER = 2

PARENT_CHECK_SECONDS = 1.0

WORKER_DIED = (
    "the analysis stopped unexpectedly on this file (its decoder or the face models crashed); "
    "the scan went on"
)

# Added to an item's time limit before its worker is stopped: the face checks stop by
# themselves at the limit, and a result on its way back should not be cut off.
STOP_GRACE_SECONDS = 10.0

_worker_engine: FaceEngine | None = None


def over_time(seconds: float) -> str:
    """The error of an image whose analysis was stopped at the time limit."""
    from likeness_guard.locale import _

    return _(
        "its analysis (decoding included) took longer than the time limit of {seconds} s per "
        "item, so it was stopped; the scan went on. The file may be built to stall decoders."
    ).format(seconds=f"{seconds:.0f}")


class AnalysisPool(ABC):
    """Analyses images in the background; results are read back in any order."""

    workers: int = 1

    @abstractmethod
    def submit(self, job: ImageJob) -> "Future[ImageAnalysis]": ...

    @abstractmethod
    def result(self, future: "Future[ImageAnalysis]", job: ImageJob) -> ImageAnalysis:
        """The analysis of `job`, waiting for it; never raises for a bad image."""

    @abstractmethod
    def close(self) -> None:
        """Stop the workers, dropping jobs not started yet."""


class ThreadAnalysisPool(AnalysisPool):
    """Two threads sharing this process's engine: one decodes while the other's models run, or
    both run the models at once on the engine's two lanes."""

    def __init__(self, engine: FaceEngine, threads: int = 2) -> None:
        self.workers = threads
        self._engine = engine
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="scan-analysis")

    def submit(self, job: ImageJob) -> "Future[ImageAnalysis]":
        return self._executor.submit(analyse_image, job, self._engine)

    def result(self, future: "Future[ImageAnalysis]", job: ImageJob) -> ImageAnalysis:
        return future.result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class ProcessAnalysisPool(AnalysisPool):
    """One worker process per core, each with its own single-threaded engine.

    `fallback`: the engine to go on with in this process when no worker can run here.
    """

    def __init__(
        self,
        pack: ModelPack,
        workers: int,
        work: Callable[[ImageJob], ImageAnalysis] | None = None,
        fallback: FaceEngine | None = None,
    ) -> None:
        self.workers = workers
        self._pack = pack
        self._work = work or analyse_in_worker  # a module-level function: sent by name
        self._fallback = fallback
        self._executor = self._start(workers)
        self._alone: ProcessPoolExecutor | None = None  # images in flight when a worker died
        self._in_process: ThreadAnalysisPool | None = None  # once workers proved impossible
        self._worked = False  # a worker analysed an image: workers can run here

    @property
    def in_process(self) -> bool:
        """Whether the scan went on in this process, no worker being able to run."""
        return self._in_process is not None

    def submit(self, job: ImageJob) -> "Future[ImageAnalysis]":
        if self._in_process is not None:
            return self._in_process.submit(job)
        try:
            try:
                return self._executor.submit(self._work, job)
            except BrokenProcessPool:
                self._restart()
                return self._executor.submit(self._work, job)
        except OSError as exc:  # no process can be started (a limit, a sandbox)
            return self._without_workers(exc).submit(job)

    def result(self, future: "Future[ImageAnalysis]", job: ImageJob) -> ImageAnalysis:
        try:
            analysis = future.result(timeout=job.item_seconds + STOP_GRACE_SECONDS)
        except FutureTimeout:
            if self._in_process is not None:  # a thread cannot be stopped: wait for it
                return self._in_process.result(future, job)
            log.warning("stopping the scan workers: %s is over its time limit", job.source)
            self._executor = self._stopped(self._executor, self.workers)
            return ImageAnalysis(error=over_time(job.item_seconds))
        except CancelledError:  # dropped when workers were stopped, or none could run
            if self._in_process is None:
                return self._on_its_own(job)
            return self._in_this_process(job, None)
        except BrokenProcessPool:
            if self._in_process is None:
                log.warning("a scan worker stopped; analysing %s again on its own", job.source)
                self._restart()
            return self._on_its_own(job)
        self._worked = True
        return analysis

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._alone is not None:
            self._alone.shutdown(wait=True, cancel_futures=True)
        if self._in_process is not None:
            self._in_process.close()

    def _start(self, workers: int) -> ProcessPoolExecutor:
        # "spawn": the window's threads make fork unsafe, and it is the same on every OS.
        return ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            # A spawned worker starts in English: it is told the scan's language, so that
            # what it says about an image (a damaged file) is in the language of the rest.
            initargs=(self._pack, os.getpid(), locale.current_language(), locale.CATALOGS),
        )

    def _stopped(self, executor: ProcessPoolExecutor, workers: int) -> ProcessPoolExecutor:
        """Kill `executor`'s workers (one is stuck on an image) and start new ones: the
        other images it held fail with BrokenProcessPool and are analysed again."""
        processes = list(getattr(executor, "_processes", {}).values())
        for process in processes:
            process.kill()
        for process in processes:
            process.join(5.0)
        executor.shutdown(wait=True, cancel_futures=True)
        return self._start(workers)

    def _restart(self) -> None:
        if getattr(self._executor, "_broken", False):
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._start(self.workers)

    def _on_its_own(self, job: ImageJob) -> ImageAnalysis:
        """Analyse `job` in a worker of its own: if that dies too, this image is the cause,
        unless no worker can run at all."""
        if self._in_process is not None:
            return self._in_this_process(job, None)
        if self._alone is None:
            self._alone = self._start(1)
        try:
            analysis = self._alone.submit(self._work, job).result(
                timeout=job.item_seconds + STOP_GRACE_SECONDS
            )
        except FutureTimeout:
            self._alone = self._stopped(self._alone, 1)
            return ImageAnalysis(error=over_time(job.item_seconds))
        except BrokenProcessPool:
            self._alone.shutdown(wait=False, cancel_futures=True)
            self._alone = None
            if self._fallback is None or self._workers_run():
                return ImageAnalysis(error=WORKER_DIED)
            return self._in_this_process(job, "a new worker could not load the face models")
        except OSError as exc:
            return self._in_this_process(job, exc)
        self._worked = True
        return analysis

    def _workers_run(self) -> bool:
        """Whether a worker can start and load the models here: once proved, by any image
        analysed, or by a new worker asked for nothing but that."""
        if not self._worked:
            probe = self._start(1)
            try:
                self._worked = bool(probe.submit(worker_ready).result())
            except (BrokenProcessPool, OSError):
                self._worked = False
            finally:
                probe.shutdown(wait=False, cancel_futures=True)
        return self._worked

    def _without_workers(self, reason: object) -> "ThreadAnalysisPool":
        """Go on in this process; raises the reason when there is no engine to go on with."""
        if self._in_process is None:
            if self._fallback is None:
                raise reason if isinstance(reason, BaseException) else RuntimeError(reason)
            log.warning("scan workers cannot run here (%s); analysing in this process", reason)
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._in_process = ThreadAnalysisPool(self._fallback)
        return self._in_process

    def _in_this_process(self, job: ImageJob, reason: object) -> ImageAnalysis:
        pool = self._without_workers(reason)
        return pool.result(pool.submit(job), job)


def analysis_pool(engine: FaceEngine, workers: int | None, expected_images: int) -> AnalysisPool:
    """The pool for a scan: `workers` processes (None: one per core), or threads in this
    process when one worker is asked for or the scan is small."""
    count = workers if workers is not None else available_cores()
    if count <= 1 or expected_images < PROCESSES_FROM_IMAGES:
        return ThreadAnalysisPool(engine)
    return ProcessAnalysisPool(engine.pack, count, fallback=engine)


def _start_worker(
    pack: ModelPack, parent: int, language: str = locale.ENGLISH, catalogs: Path | None = None
) -> None:
    """In a new worker process: speak the scan's language, load the models once, with one
    thread for each library."""
    global _worker_engine
    import cv2

    locale.use_language(language, catalogs)
    threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()
    cv2.setNumThreads(1)  # the pool is the parallelism; OpenCV's own threads would compete
    _worker_engine = FaceEngine(pack, threads=1)


def _exit_with(parent: int) -> None:
    """End this worker when the scan's process is gone (killed, crashed): nothing else
    would, and it would go on using a core for nobody."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def worker_ready() -> bool:
    """In a worker: whether its initializer loaded the models (sent to probe a new worker)."""
    return _worker_engine is not None


def analyse_in_worker(job: ImageJob) -> ImageAnalysis:
    """The work a worker process does for one job, with the engine its initializer loaded."""
    assert _worker_engine is not None, "the worker's initializer loads the engine"
    return analyse_image(job, _worker_engine)
