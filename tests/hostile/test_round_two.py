"""Hardening, round two (issue 31): nothing left in temp folders or beside an export after a
kill, decoders fed bounded work, scans that stay in the chosen folder, names that are not
UTF-8 given on the command line, and a protect killed between its renames."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from likeness_guard.core.imaging.decode import MAX_JPEG_SCANS, bounded_jpeg, decode_image
from likeness_guard.core.imaging.video_animation import AnimationReader
from likeness_guard.core.imaging.video_clip import SamplingPolicy
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.storage.layout import DB_NAME, SPOOL_FOLDER, data_dir
from likeness_guard.core.storage.recovery import prepare_folder
from likeness_guard.core.storage.spool import new_spool_file, sweep_spool
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.hostile.corpus import (
    gif_of_many_frames,
    jpeg_with_text_orientation,
    progressive_jpeg_repeating_its_last_scan,
)

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new interpreter (a real process, so that a kill is a real kill)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


# --- decoders are fed bounded work -------------------------------------------------------


def test_a_jpeg_repeating_its_last_scan_is_decoded_from_its_first_scans() -> None:
    data = progressive_jpeg_repeating_its_last_scan(256, 5000)
    assert data.count(b"\xff\xda") > 5000
    cut = bounded_jpeg(data)
    assert cut.count(b"\xff\xda") == MAX_JPEG_SCANS
    assert cut.endswith(b"\xff\xd9")
    image = decode_image(data)  # all of it would be 5,000 passes over every pixel
    assert (image.width, image.height) == (256, 256)
    assert abs(int(image.frames[0].mean()) - 128) <= 2  # the picture is all there
    ordinary = progressive_jpeg_repeating_its_last_scan(64, 0)
    assert bounded_jpeg(ordinary) is ordinary


def test_a_long_animation_decodes_a_bounded_number_of_pixels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from likeness_guard.core.domain.records import VideoStop
    from likeness_guard.core.imaging import video_animation

    data = gif_of_many_frames(400, 32)
    monkeypatch.setattr(video_animation, "ANIMATION_DECODED_PIXELS", 100 * 32 * 32)
    reader = AnimationReader(data, "gif")
    assert reader.info.frame_count == 400
    list(reader.frames(SamplingPolicy()))
    outcome = reader._outcome
    assert outcome is not None
    assert outcome.frames_decoded == 100
    assert outcome.stopped is VideoStop.DECODE_LIMIT  # the clip says it stopped early


def test_an_orientation_written_as_text_is_not_called_damage() -> None:
    image = decode_image(jpeg_with_text_orientation())
    assert (image.width, image.height) == (64, 48)


# --- a scan stays in the folder chosen ---------------------------------------------------


def test_links_out_of_the_folder_and_into_the_data_folder_are_not_followed(
    tmp_path: Path,
) -> None:
    chosen, data = tmp_path / "photos", tmp_path / "data"
    chosen.mkdir()
    data.mkdir()
    (data / "kept.jpg").write_bytes(progressive_jpeg_repeating_its_last_scan(16, 0))
    (chosen / "inside.jpg").write_bytes(progressive_jpeg_repeating_its_last_scan(16, 0))
    (chosen / "sub").mkdir()
    (chosen / "sub" / "back.jpg").symlink_to(chosen / "inside.jpg")  # inside: read
    (chosen / "everything").symlink_to("/")
    (chosen / "proc").symlink_to("/proc/self/cwd")
    (chosen / "their-data").symlink_to(data)
    items = list(iter_path_items([chosen, tmp_path], never_enter=[data]))

    def name(source: str) -> str:
        return Path(source).relative_to(tmp_path).as_posix()

    read = sorted(name(item.source) for item in items if not item.skip)
    skipped = {name(item.source): item.skip for item in items if item.skip}
    assert read == ["photos/inside.jpg", "photos/sub/back.jpg"]  # each folder once
    outside = "a link to a place outside the folder you chose, not followed"
    assert skipped["photos/everything"] == outside
    assert skipped["photos/proc"] == outside
    assert skipped["photos/their-data"] == outside
    assert skipped["data"] == "Likeness Guard's own data folder, never scanned"
    assert not any(name.endswith("kept.jpg") for name in read)
    (system,) = iter_path_items(["/proc"])
    assert system.skip == "a system folder (/proc), never scanned"


# --- temporary files: in the data folder, swept after a kill ------------------------------


def test_a_download_a_killed_scan_left_is_wiped_at_the_next_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Store.open(data).close()
    done = run_python(
        f"""
        import os, signal
        from pathlib import Path
        from likeness_guard.core.storage.spool import new_spool_file
        path = new_spool_file(Path({str(data)!r}), "video")
        path.write_bytes(b"\\x00\\x00\\x00\\x18ftypmp42" + b"a person's video" * 1000)
        print(path)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    assert done.returncode == -signal.SIGKILL
    left = Path(done.stdout.strip())
    assert left.parent == data / SPOOL_FOLDER
    assert left.exists()
    mine = new_spool_file(data, "video")  # this process is alive: a plain sweep keeps it
    assert sweep_spool(data) == 1
    assert not left.exists()
    assert mine.exists()
    prepare_folder(data)  # every start, with no store open anywhere: everything goes
    assert not mine.exists()


def test_a_killed_export_leaves_no_unblurred_original_behind(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "exports" / "case.zip"
    Store.open(data).close()
    out.parent.mkdir()
    (out.parent / ".case.zip.notes").write_text("the user's own file: left alone")
    done = run_python(
        f"""
        import os, signal, tempfile
        from pathlib import Path
        from likeness_guard.core.storage.spool import noted_export, staging_prefix
        target = Path({str(out)!r})
        with noted_export(Path({str(data)!r}), target):
            staging = tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent)
            Path(staging, "original.jpg").write_bytes(b"\\xff\\xd8\\xff unblurred")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    assert done.returncode == -signal.SIGKILL
    assert len(os.listdir(out.parent)) == 2  # the staging folder, and the user's file
    prepare_folder(data)
    assert os.listdir(out.parent) == [".case.zip.notes"]
    assert os.listdir(data / SPOOL_FOLDER) == []


# --- a protect killed between its two database renames -----------------------------------


def test_protect_killed_between_its_renames_is_finished_at_the_next_start(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.profile("me", create=True)
    done = run_python(
        f"""
        import os, signal
        from pathlib import Path
        from likeness_guard.core.storage import protection
        real = os.replace
        def replace(source, target):
            real(source, target)
            if str(source).endswith({DB_NAME!r}):  # the live database moved aside, only
                os.kill(os.getpid(), signal.SIGKILL)
        protection.os.replace = replace
        protection.protect(Path({str(data)!r}), "a long enough passphrase")
        """
    )
    assert done.returncode == -signal.SIGKILL
    assert not (data / DB_NAME).exists()  # the kill came between the two renames
    assert data_dir(data) == data  # not a new, empty, unprotected subfolder
    prepare_folder(data)
    assert (data / DB_NAME).exists()
    assert not [p for p in os.listdir(data) if p.endswith((".replaced", ".staged"))]
    from likeness_guard.core.storage.protection import forget_keys, is_protected, unlock

    assert is_protected(data)
    unlock(data, "a long enough passphrase")
    try:
        with Store.open(data) as store:
            assert [p.name for p in store.profiles()] == ["me"]
    finally:
        forget_keys()


# --- names that are not UTF-8, given on the command line; output to a closed pipe ----------


def test_a_name_that_is_not_utf8_given_on_the_command_line(
    tmp_path: Path, photos: dict[str, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    raw = os.fsdecode(os.fsencode(tmp_path) + b"/x\xe9\xff.jpg")
    Path(raw).write_bytes(photos["yaoming"].read_bytes())
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    capfd.readouterr()
    assert main(["--data-dir", str(data), "scan", raw, "--json", "-"]) == 0
    printed = capfd.readouterr().out
    document = json.loads(printed[printed.index("{") :])
    assert document["items"][0]["source"].endswith("x\\xe9\\xff.jpg")
    out = tmp_path / "report.pdf"
    code = main(["--data-dir", str(data), "report", "--out", str(out), "--include-own-photos"])
    assert code == 0
    assert out.exists()


def test_output_to_a_reader_that_went_away_prints_no_traceback(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head` does once it has its lines
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "likeness_guard", "--data-dir", str(tmp_path / "d"), "profiles"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        timeout=120,
    )
    os.close(write_end)
    assert "Traceback" not in done.stderr
    assert done.returncode == 141


# --- forget on a completely full disk, after a clean exit ----------------------------------


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_forget_all_works_on_a_full_disk_after_a_clean_exit(full_disk: Path) -> None:
    from tests.unit.storage.fill import add_person, add_scan

    data = full_disk / "data"
    with Store.open(data) as store:
        add_person(store, "me")
        add_scan(store, "me", 3000, evidence=3)
    (data / SPOOL_FOLDER).mkdir(exist_ok=True)
    (data / SPOOL_FOLDER / "video-999999999-abcdefgh.part").write_bytes(b"video" * 1000)
    with contextlib.suppress(OSError), (full_disk / "filler").open("wb") as filler:
        while True:
            filler.write(b"\xaa" * 65536)
            filler.flush()
    assert os.statvfs(full_disk).f_bavail == 0
    assert not (data / f"{DB_NAME}-shm").exists()  # SQLite must make it to open at all
    started = time.monotonic()
    assert main(["--data-dir", str(data), "forget", "--all"]) == 0
    assert time.monotonic() - started < 60
    assert not list((data / "evidence").rglob("*"))
    assert not any((data / SPOOL_FOLDER).iterdir())
    raw = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    assert b"me-photo-" not in raw
    assert b"thumbnail of me" not in raw
