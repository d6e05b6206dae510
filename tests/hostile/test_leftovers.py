"""What deletions and killed protection changes leave behind (issue 31): no empty hash-named
folders, no lock files of forgotten people or scans, and no half-written copy of a change
killed before its switch (a signing key being decrypted lies plain in one)."""

import os
import signal
from pathlib import Path

import pytest

from likeness_guard.core.report.signing import installation_identity
from likeness_guard.core.storage import protection
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.layout import EVIDENCE_FOLDER, LOCKS_FOLDER
from likeness_guard.core.storage.recovery import prepare_folder
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.hostile.test_round_two import run_python
from tests.unit.storage.fill import add_person, add_scan

PASSPHRASE = "a long enough passphrase"


def hash_folders(data: Path) -> list[str]:
    root = data / EVIDENCE_FOLDER
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def lock_files(data: Path) -> list[str]:
    return sorted(os.listdir(data / LOCKS_FOLDER))


def test_forgetting_leaves_no_empty_folders_and_no_lock_files(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    data, pictures = tmp_path / "data", tmp_path / "pictures"
    pictures.mkdir()
    (pictures / "a.jpg").write_bytes(photos["yaoming"].read_bytes())
    for profile in ("first", "second"):
        assert (
            main(["--data-dir", str(data), "enroll", "--profile", profile, str(photos["yaoming"])])
            == 0
        )
        assert main(["--data-dir", str(data), "scan", "--profile", profile, str(pictures)]) == 0
    with Store.open(data) as store:
        add_scan(store, "first", 6, evidence=3)  # kept files only "first" refers to
    (data / LOCKS_FOLDER / "profile-1.stop").touch()  # as a killed deletion leaves it
    folders_before = hash_folders(data)
    assert len(folders_before) >= 3
    assert any(name.startswith(("profile-", "scan-")) for name in lock_files(data))

    assert main(["--data-dir", str(data), "forget", "--profile", "first"]) == 0
    left = hash_folders(data)
    assert len(left) < len(folders_before)
    assert all(os.listdir(data / EVIDENCE_FOLDER / name) for name in left)  # none empty
    assert not [n for n in lock_files(data) if n.startswith(("profile-", "scan-"))]

    assert main(["--data-dir", str(data), "forget", "--all"]) == 0
    assert hash_folders(data) == []
    assert not [n for n in lock_files(data) if n.startswith(("profile-", "scan-"))]


def test_a_start_removes_empty_folders_earlier_versions_left(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        kept = store.evidence.put(b"\xff\xd8 kept")
    empty = data / EVIDENCE_FOLDER / "ab"
    empty.mkdir(mode=0o700)
    prepare_folder(data)
    assert not empty.exists()
    assert EvidenceFolder(data / EVIDENCE_FOLDER).get(kept) == b"\xff\xd8 kept"


def test_a_copy_into_a_folder_a_deletion_just_removed_makes_it_again(tmp_path: Path) -> None:
    folder = EvidenceFolder(tmp_path / "evidence")
    first = folder.put(b"one")
    shared = folder.path_for(first).parent
    folder.remove(first)
    assert not shared.exists()  # left empty: gone
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"one")  # the same bytes again, copied in pieces like a video
    real_mkdir = Path.mkdir
    removed: list[Path] = []

    def mkdir_then_lose_it(self: Path, *args: object, **kwargs: object) -> None:
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]
        if self == shared and not removed:
            removed.append(self)
            self.rmdir()  # another process's deletion, between the mkdir and the rename

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "mkdir", mkdir_then_lose_it)
        assert folder.put_file(video, first) == first
    assert removed
    assert folder.get(first) == b"one"


# --- a protection change killed before its switch -------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Store.open(data) as store:
        add_person(store, "me")
        add_scan(store, "me", 4, evidence=2)
    installation_identity(data)
    return data


def names_in(data: Path) -> set[str]:
    return {str(p.relative_to(data)) for p in data.rglob("*") if LOCKS_FOLDER not in p.parts}


KILLS = {
    # the switch file half written: nothing of the change counts yet
    "switch": ("protect", "lambda source, target: str(target).endswith('protection.switch')"),
    # a kept image being sealed into the staged folder
    "kept": ("protect", "lambda source, target: '.incoming.' in str(source)"),
    # the signing key being decrypted: its temporary file holds it in plain text
    "key": ("remove", "lambda source, target: str(target).endswith('.pem.staged')"),
}


@pytest.mark.parametrize("where", sorted(KILLS))
def test_a_change_killed_before_its_switch_leaves_nothing(folder: Path, where: str) -> None:
    action, when = KILLS[where]
    if action == "remove":
        protection.protect(folder, PASSPHRASE)
        protection.forget_keys()
    before = names_in(folder)
    call = "protection.protect(data, P)"
    if action == "remove":
        call = "protection.unlock(data, P); protection.remove_protection(data, P)"
    done = run_python(
        f"""
        import os, signal
        from pathlib import Path
        from likeness_guard.core.storage import fs, protection
        data, P = Path({str(folder)!r}), {PASSPHRASE!r}
        real, when = os.replace, {when}
        def replace(source, target):
            if when(source, target):
                os.kill(os.getpid(), signal.SIGKILL)
            real(source, target)
        fs.os.replace = protection.os.replace = replace
        {call}
        """
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert names_in(folder) != before  # it left something
    prepare_folder(folder)  # the next start
    assert names_in(folder) == before
    raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert (b"PRIVATE KEY" in raw) == (action == "protect")  # plain only where it was plain
    if action == "remove":
        protection.unlock(folder, PASSPHRASE)
    try:
        with Store.open(folder) as store:
            assert [p.name for p in store.profiles()] == ["me"]
    finally:
        protection.forget_keys()
