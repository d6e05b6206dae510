"""The store at rest and under stress: private files, no temp files outside, deletion that
survives crashes and full disks, and locks between a scan and a deletion."""

import contextlib
import os
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.storage import forgetting
from likeness_guard.core.storage.journal import DeletionJournal
from likeness_guard.core.storage.layout import DATA_SUBFOLDER, data_dir
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.recovery import recover
from likeness_guard.core.storage.store import DB_NAME, Store
from tests.unit.storage.fill import add_person, add_scan


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_deleting_items_looks_up_their_copies_by_index(store: Store) -> None:
    # Each deleted item sets duplicate_of = NULL on its copies: without an index that was a
    # scan of the whole table per row (forget took 29.5 s for 20 000 items).
    plan = store._db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM items WHERE duplicate_of = ?", (1,)
    ).fetchall()
    assert any("items_by_duplicate" in str(tuple(row)) for row in plan), plan


def test_sqlite_keeps_its_temporary_files_in_memory(store: Store) -> None:
    # VACUUM's copy of the database (embeddings, names) went to /var/tmp before.
    assert store._db.execute("PRAGMA temp_store").fetchone()[0] == 2


def test_the_database_and_kept_images_are_private_from_the_start(tmp_path: Path) -> None:
    os.umask(0o022)
    with Store.open(tmp_path / "data") as store:
        add_person(store, "me")
        add_scan(store, "me", 3, evidence=1)
        files = [store.path.with_name(DB_NAME + suffix) for suffix in ("", "-wal", "-shm")]
        assert [mode(path) for path in files if path.exists()] == [0o600] * 3
        assert mode(store.folder) == 0o700
        assert mode(store.evidence.root) == 0o700
        (kept,) = store.evidence.root.glob("*/*")
        assert mode(kept.parent) == 0o700
        assert mode(kept) == 0o600


def test_a_chosen_folder_that_holds_other_files_is_left_as_it_is(tmp_path: Path) -> None:
    chosen = tmp_path / "Documents"
    chosen.mkdir(mode=0o755)
    (chosen / "letter.odt").write_text("mine")
    folder = data_dir(chosen)
    assert folder == chosen / DATA_SUBFOLDER
    assert mode(chosen) == 0o755  # it was silently made 0700 before
    assert mode(folder) == 0o700
    assert data_dir(chosen) == folder  # the same folder next time
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    assert data_dir(empty) == empty
    assert mode(empty) == 0o700  # an empty folder given to the app becomes its own


def test_a_crash_after_the_rows_are_deleted_is_finished_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        add_person(store, "friend")
        add_scan(store, "friend", 4, evidence=2, folder="/secret")

        def crash(*args: object, **kwargs: object) -> int:
            raise KeyboardInterrupt  # the process dies right after the rows went

        monkeypatch.setattr(forgetting, "sweep_orphan_evidence", crash)
        with pytest.raises(KeyboardInterrupt):
            store.forget_profile("friend")
        monkeypatch.undo()
    with Store.open(folder) as store:
        recover(store)
        assert store.profiles() == []
        assert store.evidence.count() == 0
        assert DeletionJournal(folder).read().empty


def test_a_crash_while_deleting_kept_images_is_finished_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        add_person(store, "friend")
        add_scan(store, "friend", 4, evidence=3)

        def crash(*args: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("likeness_guard.core.storage.evidence.EvidenceFolder.remove", crash)
        with pytest.raises(KeyboardInterrupt):
            store.forget_profile("friend")
        monkeypatch.undo()
        assert store.profile("friend") is not None  # nothing was committed yet
    with Store.open(folder) as store:
        notes = recover(store)
        assert notes
        assert store.profile("friend") is None  # the journal says it was to be deleted
        assert store.evidence.count() == 0
    with Store.open(folder) as store:
        assert recover(store) == []  # done once, not again


def test_forgetting_waits_for_a_scan_of_the_same_person_to_stop(store: Store) -> None:
    profile_id, _ = add_person(store, "me")
    locks = FolderLocks(store.folder)
    stopping, started = threading.Event(), threading.Event()

    def scan() -> None:
        with locks.scanning(profile_id) as asked_to_stop:
            started.set()
            while not asked_to_stop():  # a scan checks this between items
                stopping.wait(0.01)
            stopping.set()

    runner = threading.Thread(target=scan)
    runner.start()
    assert started.wait(10)
    try:
        assert store.forget_profile("me")
    finally:
        runner.join(10)
    assert stopping.is_set()  # the scan was asked to stop, and the deletion waited for it
    assert store.profiles() == []


def test_a_scan_cannot_start_while_its_person_is_being_deleted(store: Store) -> None:
    profile_id, _ = add_person(store, "me")
    locks = FolderLocks(store.folder)

    def start_scan() -> None:
        # What `scanning` takes, with a short wait for the test (scans wait two minutes).
        with locks._locked(f"profile-{profile_id}", exclusive=False, wait=0.1):
            pass

    with locks.forgetting(profile_id), pytest.raises(StoreError, match="being deleted"):
        start_scan()
    start_scan()  # once the deletion is over, it can


# --- a full disk (a small tmpfs; needs the right to mount, as CI's root has) -----------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_up(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as filler:
        while True:
            filler.write(b"\xaa" * 65536)
            filler.flush()


def test_forgetting_everything_works_on_a_full_disk(small_disk: Path) -> None:
    folder = small_disk / "data"
    with Store.open(folder) as store:
        _, embedding = add_person(store, "me")
        add_scan(store, "me", 3000, evidence=3)
        fill_up(small_disk)
        with pytest.raises(StoreError, match="disk is full"):  # the disk really is full
            add_scan(store, "me", 50)
        store.forget_all()
        assert store.evidence.count() == 0
    raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert embedding.astype("<f4").tobytes()[:64] not in raw
    assert b"me-photo-" not in raw
    assert b"thumbnail of me" not in raw


def test_forgetting_one_person_works_on_a_full_disk(small_disk: Path) -> None:
    folder = small_disk / "data"
    with Store.open(folder) as store:
        add_person(store, "me")
        add_scan(store, "me", 30, evidence=1)
        add_person(store, "friend", seed=9)
        add_scan(store, "friend", 3000, evidence=20)
        fill_up(small_disk)
        assert store.forget_profile("friend")  # its kept images go first, making room
        assert [p.name for p in store.profiles()] == ["me"]
        assert store.evidence.count() == 1
    shutil.rmtree(folder)
