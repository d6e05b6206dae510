"""One data folder, many processes: the window's connections, CLI commands beside them, and
the operations that replace or wipe the database files."""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.platform import FileLock, LockBusy
from likeness_guard.core.storage import protection
from likeness_guard.core.storage.layout import (
    DATA_SUBFOLDER,
    DB_NAME,
    STAGED_SUFFIX,
    WINDOW_LOCK,
    data_dir,
)
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.recovery import prepare_folder
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.storage.fill import add_person, add_scan

PASSPHRASE = "four unrelated words here"


@pytest.fixture(autouse=True)
def no_keys_left() -> Iterator[None]:
    yield
    protection.forget_keys()


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command in another process, as a person types it in a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "likeness_guard.main", "--data-dir", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def deleted_files_open_here(folder: Path) -> list[str]:
    """Files of `folder` this process holds open although they were deleted (Linux)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)) and target.endswith("(deleted)"):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_a_command_beside_the_window_deletes_nothing_under_it(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    window = Store.open(folder)  # the window's connection, with a write
    try:
        add_person(window, "me")
        Store(folder).close()  # what every worker thread does: open and close its own
        done = cli(folder, "scans")
        assert done.returncode == 0, done.stderr
        assert deleted_files_open_here(folder) == []
        window.set_sha256_verdict("ab" * 32, None)  # still writable
        profile = window.profile("later", create=True)
        assert profile is not None
        read = cli(folder, "profiles")  # a third process sees the first one's writes
        assert read.returncode == 0, read.stderr
        assert "me\t" in read.stdout
        assert "later\t" in read.stdout
        assert deleted_files_open_here(folder) == []
    finally:
        window.close()
    with Store(folder) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_locks_in_one_process_exclude_each_other(tmp_path: Path) -> None:
    # Threads of one process each take their own: flock / LockFileEx, not POSIX record
    # locks (which a process holds once, whatever thread took them).
    path = tmp_path / "some.lock"
    first = FileLock(path, shared=False)
    first.acquire()
    got: list[bool] = []

    def second() -> None:
        try:
            FileLock(path, shared=True).acquire(wait=0.0)
            got.append(True)
        except LockBusy:
            got.append(False)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(10)
    assert got == [False]
    first.release()
    with FileLock(path, shared=True), FileLock(path, shared=True):
        pass  # two readers at once


def test_replacing_the_database_waits_for_every_store_to_close(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = Store.open(folder)
    with pytest.raises(StoreError, match="open in another window"), FolderLocks(folder).alone():
        pass
    store.close()
    with FolderLocks(folder).alone(), pytest.raises(StoreError, match="being encrypted"):
        FolderLocks(folder).hold_open(wait=0.0)


def test_opening_a_store_deletes_nothing_and_the_next_start_tidies_up(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    Store.open(folder).close()
    # What a protect killed before its switch left behind.
    staged = folder / (DB_NAME + STAGED_SUFFIX)
    staged.write_bytes(b"half a copy")
    (folder / ("evidence" + STAGED_SUFFIX)).mkdir()
    (folder / ("evidence" + STAGED_SUFFIX) / "x").write_bytes(b"sealed")
    before = sorted(p.name for p in folder.iterdir())
    with Store(folder):
        pass
    assert sorted(p.name for p in folder.iterdir()) == before
    assert prepare_folder(folder) == []  # undone silently: nothing had changed yet
    assert not staged.exists()
    assert not (folder / ("evidence" + STAGED_SUFFIX)).exists()


def test_a_chosen_folder_with_files_keeps_one_data_folder_and_its_window_lock(
    tmp_path: Path,
) -> None:
    chosen = tmp_path / "Documents"
    chosen.mkdir()
    (chosen / "letter.odt").write_text("mine")
    folder = data_dir(chosen)
    assert folder == chosen / DATA_SUBFOLDER
    Store(folder).close()
    (folder / WINDOW_LOCK).write_text("1")  # the window's lock sits with the database
    assert data_dir(chosen) == folder
    empty = tmp_path / "empty"
    first = data_dir(empty)
    (first / WINDOW_LOCK).parent.mkdir(exist_ok=True)
    (first / WINDOW_LOCK).write_text("1")  # a window started before any database existed
    assert data_dir(empty) == first == empty


def test_protect_change_and_remove_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        add_person(store, "me")
        add_scan(store, "me", 3, evidence=2)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(PASSPHRASE + "\n")
    new.write_text("another four words here\n")
    data = ["--data-dir", str(folder)]
    assert main([*data, "protect", "--passphrase-file", str(old)]) == 0  # as its help says
    assert protection.is_protected(folder)
    protection.forget_keys()
    assert main([*data, "protect", "--passphrase-file", str(old)]) == 2  # already
    assert "--change" in capsys.readouterr().err
    assert (
        main(
            [
                *data,
                "protect",
                "--change",
                "--passphrase-file",
                str(old),
                "--new-passphrase-file",
                str(new),
            ]
        )
        == 0
    )
    protection.forget_keys()
    with pytest.raises(protection.WrongPassphrase):
        protection.unlock(folder, PASSPHRASE)
    assert main([*data, "--passphrase-file", str(new), "profiles"]) == 0
    assert "me\t" in capsys.readouterr().out
    protection.forget_keys()
    assert main([*data, "protect", "--remove", "--passphrase-file", str(old)]) == 3  # wrong
    assert main([*data, "protect", "--remove", "--passphrase-file", str(new)]) == 0
    protection.forget_keys()
    assert not protection.is_protected(folder)
    with Store(folder) as store:  # no passphrase needed, nothing lost
        assert [p.name for p in store.profiles()] == ["me"]
        assert store.evidence.count() == 2
        assert all(store.evidence.verify(p.name) for p in store.evidence.root.glob("*/*"))


def test_protect_is_refused_while_a_command_has_the_folder_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    Store.open(folder).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from likeness_guard.core.storage.store import Store\n"
            f"store = Store.open({str(folder)!r})\n"
            "print('ready', flush=True)\n"
            "sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="open in another window or command"):
            protection.protect(folder, PASSPHRASE)
        assert not protection.is_protected(folder)
    finally:
        holder.communicate("\n", timeout=30)
    assert [p.name for p in folder.iterdir() if p.name.endswith(STAGED_SUFFIX)] == []


def test_deleting_everything_leaves_no_trace_of_the_protection(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        add_person(store, "me")
        add_scan(store, "me", 3, evidence=1)
    pass_file = tmp_path / "pass.txt"
    pass_file.write_text(PASSPHRASE + "\n")
    data = ["--data-dir", str(folder), "--passphrase-file", str(pass_file)]
    assert main([*data, "protect"]) == 0
    protection.forget_keys()
    assert main([*data, "forget", "--all"]) == 0
    protection.forget_keys()
    assert not protection.is_protected(folder)
    assert main(["--data-dir", str(folder), "profiles"]) == 0  # no passphrase asked
    with Store(folder) as store:
        assert store.profiles() == []
