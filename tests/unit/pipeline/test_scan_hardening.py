"""A scan bounded in memory and time, continued after a kill, stopped by a deletion."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.errors import StoreError, UserFacingError
from likeness_guard.core.domain.records import Profile, ScanItem, ScanStatus
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.loader import PREFETCH
from likeness_guard.core.pipeline.scan import WAITING_PER_WORKER, ScanOptions, run_scan
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.store import Store
from tests.unit.pipeline.test_scan import unique_copies

OPTIONS = ScanOptions(threshold=0.36, check_provenance=False)


@pytest.fixture
def me(store: Store, engine: FaceEngine, photos: dict[str, Path]) -> Profile:
    profile = store.profile("me", create=True)
    assert profile is not None
    assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
    refreshed = store.profile("me")
    assert refreshed is not None
    return refreshed


def test_items_read_ahead_of_the_store_stay_few_however_large_the_folder(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    copies = unique_copies(photos["yaoming"], tmp_path / "many", 60)
    read = 0
    most_ahead = 0

    def sources() -> Iterator[SourceItem]:
        nonlocal read
        for path in copies:
            read += 1
            yield from iter_path_items([path])

    def written(item: ScanItem) -> None:
        nonlocal most_ahead
        most_ahead = max(most_ahead, read - (item.seq + 1))

    run_scan(store, engine, me, [], OPTIONS, sources=sources(), on_item=written)
    # Waiting to be written: up to WAITING_PER_WORKER per worker (two threads here), plus
    # the loader's queue and the one item the loader holds while the queue is full.
    assert 0 < most_ahead <= 2 * WAITING_PER_WORKER + PREFETCH + 1 < len(copies)


def test_an_interrupted_scan_is_continued_without_redoing_finished_items(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "folder"
    unique_copies(photos["yaoming"], folder, 6)
    first = run_scan(store, engine, me, [str(folder)], OPTIONS)
    # What a killed process leaves: two items stored, the scan still "running".
    with transaction(store._db) as db:
        db.execute("DELETE FROM items WHERE scan_id = ? AND seq >= 2", (first,))
        db.execute("UPDATE scans SET status = 'running', finished_at = NULL")
    analysed: list[ScanItem] = []
    again = run_scan(store, engine, me, [str(folder)], OPTIONS, on_item=analysed.append)
    assert again == first
    assert [item.seq for item in analysed] == [2, 3, 4, 5]
    items = list(store.items(first))
    assert [Path(item.source).name for item in items] == [f"copy_{n:03d}.jpg" for n in range(6)]
    scan = store.scan(first)
    assert scan is not None
    assert scan.status is ScanStatus.FINISHED
    # Other inputs, or another threshold, start a new scan instead.
    with transaction(store._db) as db:
        db.execute("UPDATE scans SET status = 'interrupted'")
    other = run_scan(store, engine, me, [str(folder)], ScanOptions(threshold=0.5))
    assert other != first


def test_deleting_the_person_stops_a_running_scan_cleanly(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    copies = unique_copies(photos["yaoming"], tmp_path / "many", 40)
    first_done = threading.Event()
    outcome: dict[str, BaseException] = {}

    def sources() -> Iterator[SourceItem]:
        for path in copies:
            time.sleep(0.02)
            yield from iter_path_items([path])

    def scan() -> None:
        with Store(store.folder) as own:  # a scan has its own connection
            try:
                run_scan(
                    own,
                    engine,
                    me,
                    [],
                    OPTIONS,
                    sources=sources(),
                    on_item=lambda item: first_done.set(),
                )
            except BaseException as exc:  # handed to the test
                outcome["error"] = exc

    runner = threading.Thread(target=scan)
    runner.start()
    assert first_done.wait(60)
    assert store.forget_profile("me")  # waits for the scan to stop
    runner.join(60)
    assert not runner.is_alive()
    assert isinstance(outcome.get("error"), UserFacingError)
    assert "being deleted" in str(outcome["error"])
    assert store.profiles() == []
    assert store.scans() == []
    assert store.evidence.count() == 0  # nothing kept for the deleted person


def test_a_full_disk_leaves_no_kept_image_without_its_item(
    store: Store,
    engine: FaceEngine,
    me: Profile,
    photos: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def disk_full(item: ScanItem) -> int:
        raise StoreError("The disk is full, so results cannot be saved.")

    monkeypatch.setattr(store, "add_item", disk_full)  # the row fails after the image was kept
    with pytest.raises(StoreError, match="disk is full"):
        run_scan(store, engine, me, [str(photos["yaoming"])], OPTIONS)
    assert store.evidence.count() == 0  # the kept copy went with its row


def test_an_item_over_its_time_budget_says_how_much_was_checked(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    face = Image.open(photos["yaoming"]).convert("RGB")
    frames = [face, face.rotate(5), face.rotate(-5)]
    animation = tmp_path / "animation.gif"
    frames[0].save(animation, save_all=True, append_images=frames[1:], duration=100)
    hurried = ScanOptions(threshold=0.36, check_provenance=False, item_seconds=0.0)
    scan_id = run_scan(store, engine, me, [], hurried, sources=iter_path_items([animation]))
    (item,) = store.items(scan_id)
    assert item.is_error
    assert item.error is not None
    assert "only 1 of 3 frames" in item.error
    assert item.faces  # what was found in the first frame is kept


def test_a_very_thin_image_is_analysed_without_an_error(
    store: Store, engine: FaceEngine, me: Profile, tmp_path: Path
) -> None:
    Image.fromarray(np.full((60000, 1), 200, np.uint8)).save(tmp_path / "thin.png")
    Image.fromarray(np.full((100, 13000), 200, np.uint8)).save(tmp_path / "strip.png")
    scan_id = run_scan(store, engine, me, [str(tmp_path)], OPTIONS)
    items = list(store.items(scan_id))
    assert [(item.status, item.faces) for item in items] == [("ok", ()), ("ok", ())]
