"""The Ray engine: a collection's images analysed on a Ray cluster the organisation runs.

One actor per worker loads the models once (a single-threaded engine, as each worker of the
local pool has) and analyses the images it is given with the same functions as the local
engine (analysis.py), reading local files where they lie. An actor that dies (its node
lost, its process killed) is started again by Ray and the images it held are analysed again;
each image is given back once. Ray is imported only here, and only when asked for: it is
an optional extra (`pip install likeness-guard[cluster]`). Nothing leaves the cluster: no
dashboard, no usage statistics, and with no address a cluster on this computer alone.
"""

import os
from collections.abc import Iterator
from typing import Any

from likeness_guard.core.collections.analysis import (
    AnalysisRequest,
    AnalysisSettings,
    analyse_request,
)
from likeness_guard.core.collections.records import ImageRecord
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.engine.face_engine import available_cores
from likeness_guard.core.engine.model_pack import ModelPack
from likeness_guard.locale import _

# Images given to each actor ahead of the one it works on, so none waits for the next.
AHEAD_PER_ACTOR = 2


def ray_installed() -> bool:
    """Whether Ray can be imported here (the `cluster` extra is installed)."""
    import importlib.util

    try:
        return importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):
        return False


class Analyser:
    """A Ray actor: the models loaded once, then one image at a time."""

    def __init__(self, pack: ModelPack, settings: AnalysisSettings) -> None:
        import cv2

        from likeness_guard.core.engine.face_engine import FaceEngine

        cv2.setNumThreads(1)  # one image per core: OpenCV's own threads would compete
        self._engine = FaceEngine(pack, threads=1)
        self._engine.load()
        self._settings = settings

    def analyse(self, request: AnalysisRequest) -> ImageRecord:
        return analyse_request(request, self._engine, self._settings)

    def pid(self) -> int:
        return os.getpid()


def connect(address: str | None, workers: int | None) -> Any:
    """The `ray` module, connected to the cluster at `address`, or to a new one on this
    computer alone (no dashboard, no usage statistics); an existing connection is kept."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    if not ray.is_initialized():
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "configure_logging": False,
        }
        if address:
            try:
                ray.init(address=address, **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise UserFacingError(
                    _(
                        "Could not reach the Ray cluster at {address} ({reason}). Start it "
                        "with 'ray start --head' there, or leave out --address to use this "
                        "computer alone."
                    ).format(address=address, reason=exc)
                ) from exc
        else:
            cores = workers or available_cores()
            ray.init(num_cpus=cores, _node_ip_address="127.0.0.1", **options)
    return ray


class RayEngine:
    """Analyses requests on Ray actors; records come back as they are done."""

    reads_files = True  # a request for a local file carries no bytes: the actor reads it

    def __init__(
        self,
        pack: ModelPack,
        settings: AnalysisSettings,
        *,
        workers: int | None = None,
        address: str | None = None,
    ) -> None:
        self._pack = pack
        self._settings = settings
        self._workers = workers
        self._address = address
        self.actors: list[Any] = []

    def analyse(self, requests: Iterator[AnalysisRequest]) -> Iterator[ImageRecord]:
        """A record for each request (in the order finished), each image exactly once."""
        ray = connect(self._address, self._workers)
        count = self._workers or max(1, int(ray.available_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(Analyser)
        self.actors = [actor.remote(self._pack, self._settings) for _ in range(count)]
        in_flight: dict[Any, int] = {}  # result reference -> the actor it was given to
        given = [0] * count
        returned: set[int] = set()
        try:
            for request in requests:
                while len(in_flight) >= count * AHEAD_PER_ACTOR:
                    yield from self._collect(ray, in_flight, given, returned)
                slot = min(range(count), key=given.__getitem__)
                in_flight[self.actors[slot].analyse.remote(request)] = slot
                given[slot] += 1
            while in_flight:
                yield from self._collect(ray, in_flight, given, returned)
        finally:
            for handle in self.actors:
                ray.kill(handle)
            self.actors = []

    def worker_pids(self) -> list[int]:
        """The process ids of the actors (for tests that stop one)."""
        import ray

        return [int(ray.get(handle.pid.remote())) for handle in self.actors]

    @staticmethod
    def _collect(
        ray: Any, in_flight: dict[Any, int], given: list[int], returned: set[int]
    ) -> Iterator[ImageRecord]:
        done, _ = ray.wait(list(in_flight), num_returns=1)
        for reference in done:
            given[in_flight.pop(reference)] -= 1
            record: ImageRecord = ray.get(reference)
            if record.image_id not in returned:  # a retried task is given back once
                returned.add(record.image_id)
                yield record
