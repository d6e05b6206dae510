"""The scan pipeline: results written as they come, cancel, a killed process, bad sources."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import Profile, ScanItem, ScanStatus
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, ScanProgress, run_scan
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.storage.store import DB_NAME, Store

OPTIONS = ScanOptions(threshold=0.36, check_provenance=False)


def unique_copies(source: Path, folder: Path, count: int) -> list[Path]:
    """Copies that differ by one pixel, so none is skipped as a duplicate."""
    folder.mkdir(parents=True, exist_ok=True)
    pixels = np.asarray(Image.open(source).convert("RGB")).copy()
    paths = []
    for index in range(count):
        pixels[0, index] ^= 0xFF
        path = folder / f"copy_{index:03d}.jpg"
        Image.fromarray(pixels).save(path, quality=90)
        paths.append(path)
    return paths


@pytest.fixture
def me(store: Store, engine: FaceEngine, photos: dict[str, Path]) -> Profile:
    profile = store.profile("me", create=True)
    assert profile is not None
    assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
    refreshed = store.profile("me")
    assert refreshed is not None
    return refreshed


def test_each_item_is_in_the_database_when_it_is_reported(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "scan"
    unique_copies(photos["gdp"], folder, 3)
    (folder / "players.jpg").write_bytes(photos["players"].read_bytes())
    reader = sqlite3.connect(store.path)  # another connection sees only committed rows
    seen: list[int] = []

    def on_item(item: ScanItem) -> None:
        seen.append(reader.execute("SELECT COUNT(*) FROM items").fetchone()[0])

    progress: list[ScanProgress] = []
    scan_id = run_scan(
        store, engine, me, [str(folder)], OPTIONS, on_item=on_item, on_progress=progress.append
    )
    assert seen == [1, 2, 3, 4]
    assert [p.done for p in progress] == [1, 2, 3, 4]
    assert progress[-1].total == 4
    assert progress[-1].matches == 1
    assert progress[-1].faces == 3 * 5 + 22
    scan = store.scan(scan_id)
    assert scan is not None
    assert scan.status == ScanStatus.FINISHED


def test_cancel_stops_soon_and_keeps_what_was_found(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    unique_copies(photos["players"], folder, 30)
    cancel = CancelToken()
    cancelled_at: list[float] = []

    def on_item(item: ScanItem) -> None:
        if item.seq == 2:
            cancel.cancel()
            cancelled_at.append(time.monotonic())

    before = set(threading.enumerate())
    scan_id = run_scan(store, engine, me, [str(folder)], OPTIONS, on_item=on_item, cancel=cancel)
    # Hang guard only (closing the loader and joining its thread takes a fraction of a
    # second); the list of stored items below shows that the scan stopped at once.
    assert time.monotonic() - cancelled_at[0] < 10
    scan = store.scan(scan_id)
    assert scan is not None
    assert scan.status == ScanStatus.CANCELLED
    items = list(store.items(scan_id))
    assert [i.seq for i in items] == [0, 1, 2]
    assert all(i.match for i in items)
    assert set(threading.enumerate()) <= before  # the loader thread is gone


def test_a_broken_source_becomes_an_error_item_and_the_scan_goes_on(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path]
) -> None:
    def explode() -> bytes:
        raise RuntimeError("a bug in a source")

    def sources() -> Iterator[SourceItem]:
        yield SourceItem(source="bad://one", read=explode)
        yield from iter_path_items([photos["players"]])

    scan_id = run_scan(store, engine, me, [], OPTIONS, sources=sources())
    bad, good = store.items(scan_id)
    assert bad.status == "error"
    assert bad.error is not None
    assert "the scan went on" in bad.error
    assert good.match


def test_a_profile_without_references_is_a_clear_error(store: Store, engine: FaceEngine) -> None:
    empty = store.profile("nobody", create=True)
    assert empty is not None
    with pytest.raises(UserFacingError, match="has no reference photos yet"):
        run_scan(store, engine, empty, ["."], OPTIONS)


def cli_command(data: Path) -> tuple[list[str], dict[str, str]]:
    """The `likeness-guard` command on `data` as a separate process, and its environment."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])}
    return [sys.executable, "-m", "likeness_guard", "--data-dir", str(data)], env


def kill_cli_scan(data: Path, folder: Path, reference: Path, *, after_items: int) -> None:
    """Enroll `reference`, start `scan folder` in another process and SIGKILL it once at
    least `after_items` items are stored (or after 60 s)."""
    command, env = cli_command(data)
    subprocess.run([*command, "enroll", str(reference)], check=True, env=env)
    scan = subprocess.Popen([*command, "scan", str(folder)], env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        done = 0
        while done < after_items and time.monotonic() < deadline and scan.poll() is None:
            time.sleep(0.05)  # polling another process's progress; nothing to wait on here
            try:
                with sqlite3.connect(data / DB_NAME) as db:
                    done = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
            except sqlite3.OperationalError:
                continue
        scan.send_signal(signal.SIGKILL)
    finally:
        scan.wait()


def test_a_killed_scan_keeps_every_finished_item(photos: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = tmp_path / "many"
    unique_copies(photos["players"], folder, 60)
    kill_cli_scan(data, folder, photos["yaoming"], after_items=5)
    with Store.open(data) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.mark_interrupted_scans() == 1
        (record,) = store.scans()
        assert record.status == ScanStatus.INTERRUPTED
        items = list(store.items(record.id))
        assert 5 <= len(items) < 60
        assert [i.seq for i in items] == list(range(len(items)))
        assert all(i.match for i in items)
