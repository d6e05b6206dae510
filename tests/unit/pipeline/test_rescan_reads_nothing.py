"""Rescans that read nothing (issue 30): unchanged files, photos and videos alike, come from
the face cache without reading their bytes, decoding a frame or loading the face models."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from likeness_guard.core.domain.records import Profile, ScanItem
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.video import open_video
from likeness_guard.core.pipeline import video_loader
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.services.reviewing import rematch
from likeness_guard.core.storage.store import Store
from tests.video_maker import Shot, make_video

OPTIONS = ScanOptions(threshold=0.36)

# The rescan, as a person runs it: `likeness-guard scan` in a process of its own, which
# notes every file whose bytes it reads or hashes and which libraries it imported.
_RESCAN = r"""
import json, sys
from likeness_guard.core.imaging.video import open_video
from likeness_guard.core.pipeline import video_loader
from likeness_guard.core.sources import folders
folder, data, out = sys.argv[1:4]
read = []
def noting(real, name):
    def reading(path, *args, **kwargs):  # even the first bytes, which tell videos apart
        read.append((name, str(path)))
        return real(path, *args, **kwargs)
    return reading
folders.read_regular_file = noting(folders.read_regular_file, "read")
video_loader.hash_file = noting(video_loader.hash_file, "hash")
video_loader.video_kind_of_file = noting(video_loader.video_kind_of_file, "head")
from likeness_guard.main import main
code = main(["--data-dir", data, "scan", folder, "--json", out])
print(json.dumps({
    "code": code,
    "read": read,
    "modules": sorted(m for m in ("onnxruntime", "insightface", "av") if m in sys.modules),
}))
"""


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> Path:
    """Someone else, then Yao Ming from 4 to 8 s, then the other person again."""
    folder = tmp_path_factory.mktemp("clip")
    gdp, yao = photos["gdp"], photos["yaoming"]
    return make_video(folder / "clip.mp4", [Shot(gdp, 4), Shot(yao, 4), Shot(gdp, 4)])


@pytest.fixture
def folder(tmp_path: Path, photos: dict[str, Path], clip: Path) -> Path:
    folder = tmp_path / "watched"
    folder.mkdir()
    for name in ("yaoming", "players", "t1"):
        shutil.copy(photos[name], folder / f"{name}.jpg")
    shutil.copy(clip, folder / "clip.mp4")
    return folder


def enrolled(store: Store, engine: FaceEngine, *photos: Path) -> Profile:
    profile = store.profile("me", create=True)
    assert profile is not None
    for photo in photos:
        assert enroll_file(store, engine, profile, photo).accepted
    refreshed = store.profile("me")
    assert refreshed is not None
    return refreshed


def found(items: list[ScanItem]) -> list[tuple[Any, ...]]:
    """What each item showed, without ids and times."""
    names = [
        "source",
        "sha256",
        "md5",
        "media",
        "faces",
        "match",
        "best_similarity",
        "width",
        "height",
        "frame_count",
        "video",
        "picture_pdq",
    ]
    return [tuple(getattr(item, name) for name in names) for item in items]


@pytest.fixture
def opened_clips(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every clip opened for decoding (the real decoder, only counted)."""
    opened: list[object] = []
    real = open_video

    def counting(source: Any, kind: str) -> Any:
        opened.append(source)
        return real(source, kind)

    monkeypatch.setattr(video_loader, "open_video", counting)
    return opened


def test_an_unchanged_rescan_reads_no_file_and_loads_no_model(
    tmp_path: Path, engine: FaceEngine, photos: dict[str, Path], folder: Path
) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        me = enrolled(store, engine, photos["yaoming"])
        cold = list(store.items(run_scan(store, engine, me, [str(folder)], OPTIONS)))
    assert len(cold) == 4
    assert any(item.match and item.video is not None for item in cold)
    out = tmp_path / "rescan.json"
    done = subprocess.run(
        [sys.executable, "-c", _RESCAN, str(folder), str(data), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "read": [], "modules": []}  # no onnxruntime, no PyAV
    with Store.open(data) as store:
        again = list(store.items(store.last_scan_id() or 0))
    assert found(again) == found(cold)
    assert [item.evidence_kept for item in again] == [item.evidence_kept for item in cold]


def test_a_video_rescan_decodes_nothing_and_a_moved_copy_is_only_hashed(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    clip: Path,
    tmp_path: Path,
    opened_clips: list[object],
) -> None:
    me = enrolled(store, engine, photos["yaoming"])
    copy = tmp_path / "copy.mp4"
    shutil.copy(clip, copy)
    cold = list(store.items(run_scan(store, engine, me, [str(copy)], OPTIONS)))
    assert len(opened_clips) == 1
    (segment,) = cold[0].video.segments if cold[0].video else ()
    assert 3.5 <= segment.start_s <= 4.5
    assert 7.5 <= segment.end_s <= 8.5
    again = list(store.items(run_scan(store, engine, me, [str(copy)], OPTIONS)))
    assert len(opened_clips) == 1  # not opened again
    assert found(again) == found(cold)
    # Another file (another inode) with the same bytes and times: hashed, not decoded.
    stat = copy.stat()
    os.replace(shutil.copy(copy, tmp_path / "other.mp4"), copy)
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    hashed: list[object] = []
    real_hash = video_loader.hash_file

    def counting_hash(path: Any) -> Any:
        hashed.append(path)
        return real_hash(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(video_loader, "hash_file", counting_hash)
        third = list(store.items(run_scan(store, engine, me, [str(copy)], OPTIONS)))
    assert len(hashed) == 1
    assert len(opened_clips) == 1
    assert found(third) == found(cold)


def test_a_clip_is_matched_again_from_its_stored_frames(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    clip: Path,
    opened_clips: list[object],
) -> None:
    me = enrolled(store, engine, photos["tom_hanks"])  # someone not in the clip
    scan_id = run_scan(store, engine, me, [str(clip)], OPTIONS)
    (before,) = store.items(scan_id)
    assert not before.match
    enrolled(store, engine, photos["yaoming"])
    result = rematch(store, scan_id)
    assert result.rematched == 1
    assert result.matches_after == 1
    (after,) = store.items(scan_id)
    assert after.match
    assert after.video is not None
    (segment,) = after.video.segments
    assert 3.5 <= segment.start_s <= 4.5
    assert 7.5 <= segment.end_s <= 8.5
    assert len(opened_clips) == 1  # only by the scan: the re-match decoded nothing
    # A scan of the same clip now finds what the re-match found.
    (fresh,) = store.items(run_scan(store, engine, store.profile("me") or me, [str(clip)], OPTIONS))
    assert fresh.video is not None
    assert fresh.video.segments == after.video.segments
    assert fresh.faces == after.faces


def test_copies_are_rescanned_unread_and_listed_as_copies_again(
    tmp_path: Path, engine: FaceEngine, photos: dict[str, Path], folder: Path
) -> None:
    """Copies of the same bytes under other names: the cold scan copies the first one's
    results and remembers every copy's stamp; the rescan reads none of them and writes the
    same records (each copy pointing to the first), with counters that rise one by one."""
    for name in ("a", "b"):
        shutil.copy(photos["yaoming"], folder / f"yaoming-{name}.jpg")
    shutil.copy(folder / "clip.mp4", folder / "clip-copy.mp4")
    data = tmp_path / "data"
    with Store.open(data) as store:
        me = enrolled(store, engine, photos["yaoming"])
        cold = list(store.items(run_scan(store, engine, me, [str(folder)], OPTIONS)))
    copies = [item.source for item in cold if item.duplicate_of is not None]
    # In name order, "clip-copy.mp4" and "yaoming-a.jpg" come first.
    assert sorted(Path(source).name for source in copies) == [
        "clip.mp4",
        "yaoming-b.jpg",
        "yaoming.jpg",
    ]
    out = tmp_path / "rescan.json"
    done = subprocess.run(
        [sys.executable, "-c", _RESCAN, str(folder), str(data), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "read": [], "modules": []}
    with Store.open(data) as store:
        me = store.profile("me") or me
        done_counts: list[int] = []
        scan_id = run_scan(
            store,
            FaceEngine(lazy=True),
            me,
            [str(folder)],
            OPTIONS,
            on_progress=lambda progress: done_counts.append(progress.done),
        )
        again = list(store.items(scan_id))
    assert found(again) == found(cold)
    assert first_copies(again) == first_copies(cold)
    assert done_counts == list(range(1, len(again) + 1))


def first_copies(items: list[ScanItem]) -> list[str | None]:
    """For each item, the file whose results it copies (None for a first copy)."""
    sources = {item.id: item.source for item in items}
    return [None if item.duplicate_of is None else sources[item.duplicate_of] for item in items]
