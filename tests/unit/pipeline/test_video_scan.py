"""Scanning videos: the moments a person appears, clips without them, and broken files.

The clips are made here from the sample photos (tests/video_maker.py): each shot shows one
photo; Yao Ming (the enrolled person) appears only where a test says so.
"""

import hashlib
import itertools
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from likeness_guard.core.domain.records import ItemStatus, MediaKind, Profile, ScanItem
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.pipeline.video_loader import VideoSettings
from likeness_guard.core.storage.store import Store
from tests.video_maker import Shot, make_video

OPTIONS = ScanOptions(threshold=0.36, check_provenance=False)


def enrolled(store: Store, engine: FaceEngine, photo: Path) -> Profile:
    """The profile "me" in `store`, with `photo` as its reference."""
    profile = store.profile("me", create=True)
    assert profile is not None
    assert enroll_file(store, engine, profile, photo).accepted
    refreshed = store.profile("me")
    assert refreshed is not None
    return refreshed


@pytest.fixture
def me(store: Store, engine: FaceEngine, photos: dict[str, Path]) -> Profile:
    return enrolled(store, engine, photos["yaoming"])


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("videos")
    gdp, t1, hanks, yao = photos["gdp"], photos["t1"], photos["tom_hanks"], photos["yaoming"]
    return {
        # Other people, then Yao Ming from 8 to 12 s, then other people again.
        "eight_to_twelve": make_video(
            folder / "eight_to_twelve.mp4",
            [Shot(gdp, 4), Shot(hanks, 4), Shot(yao, 4), Shot(t1, 4), Shot(gdp, 4)],
        ),
        # Yao Ming for one second, from 23.3 s, in a 40 s clip: not on the 0.5 s grid.
        "one_second": make_video(
            folder / "one_second.mp4",
            [Shot(gdp, 11.3), Shot(hanks, 12), Shot(yao, 1), Shot(gdp, 7.7), Shot(hanks, 8)],
        ),
        "others_only": make_video(
            folder / "others_only.mp4", [Shot(gdp, 3), Shot(t1, 3), Shot(hanks, 3)]
        ),
    }


def scan(
    store: Store, engine: FaceEngine, me: Profile, inputs: list[str], options: ScanOptions = OPTIONS
) -> list[ScanItem]:
    scan_id = run_scan(store, engine, me, inputs, options)
    return list(store.items(scan_id))


def test_a_person_seen_from_8_to_12_seconds_is_found_there_and_nowhere_else(
    store: Store, engine: FaceEngine, me: Profile, clips: dict[str, Path]
) -> None:
    path = clips["eight_to_twelve"]
    [item] = scan(store, engine, me, [str(path)])
    assert item.status is ItemStatus.OK
    assert item.media is MediaKind.VIDEO
    assert item.match
    video = item.video
    assert video is not None
    assert video.duration_s == pytest.approx(20.0, abs=0.2)
    assert video.frames_examined >= 40  # at least two a second
    [segment] = video.segments
    assert 7.5 <= segment.start_s <= 8.5
    assert 11.5 <= segment.end_s <= 12.5
    assert 8.0 <= segment.best_frame_s <= 12.0
    assert segment.best_similarity == item.best_similarity
    assert video.best_frame_s == segment.best_frame_s
    # The kept faces are those of the best frame, which show him, with their time.
    assert item.faces
    assert all(face.frame_s == video.best_frame_s for face in item.faces)
    assert [face.match for face in item.faces] == [True]
    assert item.faces[0].frame == round(video.best_frame_s * 10)
    assert (item.width, item.height, item.format) == (480, 270, "mp4")
    data = path.read_bytes()
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.md5 == hashlib.md5(data).hexdigest()
    assert video.frame_pdq is not None
    assert len(video.frame_pdq) == 64
    assert video.complete
    assert video.stopped is None
    # The whole file is kept as evidence, copied from disk in pieces.
    assert item.evidence_kept
    assert store.evidence.verify(item.sha256)
    assert store.evidence.path_for(item.sha256).read_bytes() == data


def test_a_video_named_like_a_photo_is_read_from_disk_in_pieces(
    store: Store,
    engine: FaceEngine,
    me: Profile,
    clips: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Downloads lose their names: a clip saved as "download.jpg" is still a clip, found
    out from its first bytes when it is read (the walk itself opens no file)."""
    from likeness_guard.core.sources import file_checks, folders

    folder = tmp_path / "downloads"
    folder.mkdir()
    data = clips["eight_to_twelve"].read_bytes()
    (folder / "download.jpg").write_bytes(data)
    whole_reads: list[Any] = []
    real = file_checks.read_regular_file

    def noting(path: Any, *args: Any, **kwargs: Any) -> bytes:
        if kwargs.get("head") is None:
            whole_reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(folders, "read_regular_file", noting)
    [item] = scan(store, engine, me, [str(folder)])
    assert whole_reads == []
    assert item.media is MediaKind.VIDEO
    assert item.match
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.evidence_kept
    assert store.evidence.path_for(item.sha256).read_bytes() == data


def test_a_person_seen_for_one_second_of_forty_is_found(
    store: Store, engine: FaceEngine, me: Profile, clips: dict[str, Path]
) -> None:
    [item] = scan(store, engine, me, [str(clips["one_second"])])
    assert item.match
    assert item.video is not None
    [segment] = item.video.segments
    assert 23.2 <= segment.start_s <= 23.9
    assert segment.end_s <= 24.5
    assert item.video.duration_s == pytest.approx(40.0, abs=0.2)


def test_a_clip_of_other_people_is_not_a_match(
    store: Store, engine: FaceEngine, me: Profile, clips: dict[str, Path]
) -> None:
    [item] = scan(store, engine, me, [str(clips["others_only"])])
    assert item.status is ItemStatus.OK
    assert not item.match
    assert item.video is not None
    assert item.video.segments == ()
    assert item.best_similarity is not None
    assert item.best_similarity < OPTIONS.threshold
    assert item.faces  # the closest frame's faces are kept, all marked not matching
    assert not any(face.match for face in item.faces)
    assert not item.evidence_kept


def test_a_clip_is_analysed_off_the_thread_that_writes_the_results(
    store: Store,
    engine: FaceEngine,
    me: Profile,
    clips: dict[str, Path],
    photos: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The single writer owns the store's connection; the models never run on it, so a long
    # clip does not hold up the writing of the items before it.
    analysing: set[str] = set()
    writing: set[str] = set()
    analyze, add_item = FaceEngine.analyze, store.add_item

    def recording_analyze(self: FaceEngine, *args: Any, **kwargs: Any) -> Any:
        analysing.add(threading.current_thread().name)
        return analyze(self, *args, **kwargs)

    def recording_add_item(record: ScanItem) -> int:
        writing.add(threading.current_thread().name)
        return add_item(record)

    monkeypatch.setattr(FaceEngine, "analyze", recording_analyze)
    monkeypatch.setattr(store, "add_item", recording_add_item)
    items = scan(store, engine, me, [str(photos["t1"]), str(clips["eight_to_twelve"])])
    assert [item.media for item in items] == [MediaKind.IMAGE, MediaKind.VIDEO]
    assert items[1].match
    assert writing == {threading.current_thread().name}  # the thread that called run_scan
    assert analysing
    assert not analysing & writing


def test_broken_videos_become_clear_errors_and_the_scan_goes_on(
    store: Store,
    engine: FaceEngine,
    me: Profile,
    clips: dict[str, Path],
    photos: dict[str, Path],
    tmp_path: Path,
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    data = clips["others_only"].read_bytes()
    (folder / "a_cut.mp4").write_bytes(data[: len(data) // 2])
    (folder / "b_letter.mp4").write_text("Dear Sir, this is not a video.\n")
    (folder / "c_empty.mov").write_bytes(b"")
    (folder / "d_photo.mp4").write_bytes(photos["yaoming"].read_bytes())  # a JPEG, misnamed
    make_video(folder / "e_good.webm", [Shot(photos["yaoming"], 2)], codec="libvpx-vp9")
    items = {Path(item.source).name: item for item in scan(store, engine, me, [str(folder)])}
    assert items["a_cut.mp4"].is_error
    assert "incomplete" in (items["a_cut.mp4"].error or "")
    assert items["b_letter.mp4"].is_error
    assert (items["b_letter.mp4"].error or "").startswith("not a video")
    assert items["c_empty.mov"].error == "the file is empty"
    assert items["d_photo.mp4"].media is MediaKind.IMAGE
    assert items["d_photo.mp4"].match
    assert items["e_good.webm"].match
    assert items["e_good.webm"].format == "webm"


def test_a_cut_off_video_is_a_partial_result_that_says_how_far_it_got(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    whole = make_video(
        tmp_path / "whole.mp4",
        [Shot(photos["yaoming"], 3), Shot(photos["gdp"], 9)],
        faststart=True,
        grain=4.0,
    )
    data = whole.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])
    [item] = scan(store, engine, me, [str(cut)])
    assert item.status is ItemStatus.OK
    assert item.match
    assert item.video is not None
    assert not item.video.complete
    assert item.video.examined_until_s is not None
    assert 3.0 < item.video.examined_until_s < 11.5
    from likeness_guard.core.domain.words import video_stop_words

    assert "unfinished download" in (video_stop_words(item.video) or "")


def test_the_frame_cap_is_settable_and_the_result_says_it_was_reached(
    store: Store, engine: FaceEngine, me: Profile, clips: dict[str, Path]
) -> None:
    options = ScanOptions(
        threshold=0.36,
        check_provenance=False,
        video=VideoSettings(max_frames=5, frames_per_second=2.0),
    )
    [item] = scan(store, engine, me, [str(clips["others_only"])], options)
    assert item.video is not None
    assert item.video.frames_examined <= 5


def test_a_long_animated_gif_is_scanned_as_a_clip(
    store: Store, engine: FaceEngine, me: Profile, photos: dict[str, Path], tmp_path: Path
) -> None:
    others = Image.open(photos["gdp"]).convert("RGB").resize((320, 180))
    him = Image.open(photos["yaoming"]).convert("RGB").resize((146, 180))
    canvas = Image.new("RGB", (320, 180), (100, 100, 100))
    canvas.paste(him, (87, 0))
    frames = [picture.copy() for picture in [others] * 20 + [canvas] * 5 + [others] * 5]
    for index, frame in enumerate(frames):  # Pillow would merge identical frames
        frame.paste((index * 8, 0, 0), (0, 0, 6, 6))
    path = tmp_path / "reaction.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)
    [item] = scan(store, engine, me, [str(path)])
    assert item.media is MediaKind.VIDEO
    assert item.format == "gif"
    assert item.match
    assert item.video is not None
    [segment] = item.video.segments
    assert 3.5 <= segment.start_s <= 4.5  # frame 20 at 200 ms a frame


def test_frames_are_searched_two_at_once_and_found_the_same_as_one_at_a_time(
    store: Store,
    engine: FaceEngine,
    me: Profile,
    clips: dict[str, Path],
    photos: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = str(clips["one_second"])
    # The clip's first two frames must be searched at once: each waits here for the other.
    both = threading.Barrier(2, timeout=60)
    calls = itertools.count(1)  # next() on it is atomic: two threads never get one number
    analyze = FaceEngine.analyze

    def meeting_analyze(self: FaceEngine, *args: Any, **kwargs: Any) -> Any:
        if next(calls) <= 2:
            both.wait()
        return analyze(self, *args, **kwargs)

    monkeypatch.setattr(FaceEngine, "analyze", meeting_analyze)
    [together] = scan(store, FaceEngine(engine.pack, lanes=2), me, [path])
    assert not both.broken
    assert next(calls) > 80  # every frame went through the models
    monkeypatch.undo()
    # A data folder of its own: in this one the clip's frames are kept, and not searched again.
    with Store.open(tmp_path / "one lane") as other:
        profile = enrolled(other, engine, photos["yaoming"])
        [alone] = scan(other, FaceEngine(engine.pack, threads=1, lanes=1), profile, [path])
    assert together.video is not None
    assert alone.video is not None
    assert together.video.frames_examined == alone.video.frames_examined >= 80
    assert together.video == alone.video  # segments, the best frame and its hash
    # The faces kept, but for the reference photo's number in each data folder.
    assert [replace(f, reference_id=None) for f in together.faces] == [
        replace(f, reference_id=None) for f in alone.faces
    ]
    assert together.match
    assert together.best_similarity == alone.best_similarity
