"""The local engine: a collection's images analysed in this computer's analysis pool.

The scan's own pool (pipeline/analysis_pool.py): one worker process per core, each with a
single-threaded engine, or threads in this process for a few images; a worker that dies
is replaced and its images analysed again.
"""

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future

from likeness_guard.core.collections.analysis import (
    NOT_A_STILL,
    AnalysisRequest,
    AnalysisSettings,
    failed_record,
    image_job,
    read_request,
    record_of,
    still_or_none,
)
from likeness_guard.core.collections.records import ImageRecord
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.analysis_pool import (
    AHEAD_PER_WORKER,
    AnalysisPool,
    analysis_pool,
)
from likeness_guard.core.pipeline.image_analysis import ImageAnalysis, ImageJob

_Pending = tuple[AnalysisRequest, bytes, ImageJob, "Future[ImageAnalysis]"]


class LocalEngine:
    """Analyses requests in this computer's analysis pool; records come back in order."""

    reads_files = False  # the requests carry their bytes (read by the caller)

    def __init__(
        self,
        engine: FaceEngine,
        settings: AnalysisSettings,
        *,
        workers: int | None = None,
        expected: int = 0,
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._workers = workers
        self._expected = expected

    def analyse(self, requests: Iterator[AnalysisRequest]) -> Iterator[ImageRecord]:
        """A record for each request, in the order given."""
        pool = analysis_pool(self._engine, self._workers, self._expected)
        pending: deque[_Pending] = deque()
        try:
            for request in requests:
                try:
                    data = read_request(request)
                except OSError as exc:
                    yield from self._drain(pending, pool, everything=True)  # in order
                    yield failed_record(request, f"cannot be read ({exc})")
                    continue
                if not still_or_none(data):
                    yield from self._drain(pending, pool, everything=True)
                    yield failed_record(request, NOT_A_STILL, data)
                    continue
                self._engine.load()
                job = image_job(data, request.origin.source, self._settings)
                pending.append((request, data, job, pool.submit(job)))
                yield from self._drain(pending, pool, everything=False)
            yield from self._drain(pending, pool, everything=True)
        finally:
            pool.close()

    @staticmethod
    def _drain(
        pending: deque[_Pending], pool: AnalysisPool, *, everything: bool
    ) -> Iterator[ImageRecord]:
        """Records of finished requests, first in first out: all of them (`everything`), or
        as many as it takes to leave room for the next request."""
        room = max(2, pool.workers * AHEAD_PER_WORKER)
        while pending and (everything or len(pending) >= room or pending[0][3].done()):
            request, data, job, future = pending.popleft()
            yield record_of(request, data, pool.result(future, job))
