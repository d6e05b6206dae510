"""Incremental scans: faces found once are reused, and scans re-matched from stored faces."""

import contextlib
import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageOps

from likeness_guard.core.domain.records import MatchTier, Profile, ScanItem, item_tier
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.core.imaging.pdq import picture_pdq, same_picture
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.services.reviewing import rematch
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main

OPTIONS = ScanOptions(threshold=0.36, check_provenance=True)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the face models and the decoder run (the real ones, only counted)."""
    counted = {"analyze": 0, "decode": 0}
    analyze = FaceEngine.analyze

    def counting_analyze(self: FaceEngine, *args: Any, **kwargs: Any) -> Any:
        counted["analyze"] += 1
        return analyze(self, *args, **kwargs)

    def counting_decode(*args: Any, **kwargs: Any) -> Any:
        counted["decode"] += 1
        return decode_image(*args, **kwargs)

    monkeypatch.setattr(FaceEngine, "analyze", counting_analyze)
    monkeypatch.setattr("likeness_guard.core.pipeline.image_analysis.decode_image", counting_decode)
    return counted


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes the scan's own process decodes again for a picture hash (the real
    function, only recorded); the workers hash what they decode without it."""
    seen: list[bytes] = []

    def recording(data: bytes) -> str | None:
        seen.append(data)
        return picture_pdq(data)

    monkeypatch.setattr("likeness_guard.core.pipeline.known.picture_pdq", recording)
    return seen


def hashed_here(data: bytes) -> str:
    value = picture_pdq(data)
    assert value is not None
    return value


def enrolled(store: Store, engine: FaceEngine, *photos: Path) -> Profile:
    profile = store.profile("me", create=True)
    assert profile is not None
    for photo in photos:
        assert enroll_file(store, engine, profile, photo).accepted
    refreshed = store.profile("me")
    assert refreshed is not None
    return refreshed


@pytest.fixture
def folder(tmp_path: Path, photos: dict[str, Path]) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in ("yaoming", "players", "t1", "tom_hanks"):
        shutil.copy(photos[name], folder / f"{name}.jpg")
    return folder


@pytest.fixture
def mirrored_yao(tmp_path: Path, photos: dict[str, Path]) -> Path:
    """A second reference photo: the same face, mirrored (other bytes, other embedding)."""
    path = tmp_path / "yao_mirrored.png"
    ImageOps.mirror(Image.open(photos["yaoming"]).convert("RGB")).save(path)
    return path


def results(store: Store, scan_id: int) -> list[tuple[Any, ...]]:
    """What a scan found, item by item, without ids and times."""

    def row(item: ScanItem) -> tuple[Any, ...]:
        return (
            item.source,
            item.sha256,
            item.status,
            item.format,
            item.width,
            item.height,
            item.faces,
            item.best_similarity,
            item.best_reference_id,
            item.match,
            item.synthetic,
            item.picture_pdq,
        )

    return [row(item) for item in store.items(scan_id)]


def scan(store: Store, engine: FaceEngine, profile: Profile, *inputs: Path) -> int:
    return run_scan(store, engine, profile, [str(p) for p in inputs], OPTIONS)


def test_a_rescan_of_an_unchanged_folder_finds_the_same_without_the_models(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    folder: Path,
    calls: dict[str, int],
    hashed: list[bytes],
) -> None:
    me = enrolled(store, engine, photos["yaoming"])
    cold = scan(store, engine, me, folder)
    assert calls["analyze"] >= 4
    assert calls["decode"] == 4
    cold_results = results(store, cold)
    assert sum(len(r[6]) for r in cold_results) > 20  # the players' faces are there
    assert any(r[9] for r in cold_results)  # and Yao Ming matches
    for item in store.items(cold):  # matches carry their picture's hash, made by the worker
        if item_tier(item) is MatchTier.NONE:
            assert item.picture_pdq is None
        else:
            assert item.picture_pdq is not None
            assert same_picture(item.picture_pdq, hashed_here(Path(item.source).read_bytes()))
    assert not hashed  # not decoded once more for it
    calls.update(analyze=0, decode=0)
    again = scan(store, engine, me, folder)
    assert calls == {"analyze": 0, "decode": 0}
    assert not hashed  # the matches' picture hashes are known by their bytes
    assert results(store, again) == cold_results
    kept = [item for item in store.items(again) if item.match]
    assert kept
    assert all(item.evidence_kept for item in kept)


def test_known_bytes_that_now_match_are_hashed_once(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    folder: Path,
    calls: dict[str, int],
    hashed: list[bytes],
) -> None:
    me = enrolled(store, engine, photos["tom_hanks"])
    yao = folder / "yaoming.jpg"
    first = scan(store, engine, me, folder)
    assert not next(item for item in store.items(first) if item.source == str(yao)).match
    assert enroll_file(store, engine, me, photos["yaoming"]).accepted
    calls.update(analyze=0, decode=0)
    second = scan(store, engine, me, folder)
    assert calls == {"analyze": 0, "decode": 0}  # known bytes: only matched again
    item = next(item for item in store.items(second) if item.source == str(yao))
    assert item.match
    assert item.picture_pdq == hashed_here(yao.read_bytes())
    assert yao.read_bytes() in hashed  # read and decoded again for it, this once
    hashed.clear()
    third = scan(store, engine, me, folder)
    assert not hashed
    assert results(store, third) == results(store, second)


def test_a_changed_file_is_analysed_again(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    folder: Path,
    calls: dict[str, int],
) -> None:
    me = enrolled(store, engine, photos["yaoming"])
    cold = scan(store, engine, me, folder)
    before = {r[0]: r for r in results(store, cold)}
    changed = folder / "t1.jpg"
    ImageOps.mirror(Image.open(changed).convert("RGB")).save(changed, format="JPEG")
    stamp = changed.stat().st_mtime_ns + 5_000_000_000
    os.utime(changed, ns=(stamp, stamp))

    calls.update(analyze=0, decode=0)
    again = scan(store, engine, me, folder)
    assert calls == {"analyze": 1, "decode": 1}
    after = {r[0]: r for r in results(store, again)}
    assert after[str(changed)][1] != before[str(changed)][1]  # new bytes, new SHA-256
    assert after[str(changed)][6] != before[str(changed)][6]  # faces found in the new image
    for source in set(before) - {str(changed)}:
        assert after[source] == before[source]


def test_the_same_bytes_at_another_path_are_not_analysed_again(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    folder: Path,
    tmp_path: Path,
    calls: dict[str, int],
) -> None:
    me = enrolled(store, engine, photos["yaoming"])
    cold = scan(store, engine, me, folder)
    first = next(r for r in results(store, cold) if r[0].endswith("yaoming.jpg"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(folder / "yaoming.jpg", elsewhere / "renamed.jpg")

    calls.update(analyze=0, decode=0)
    again = scan(store, engine, me, elsewhere)
    assert calls == {"analyze": 0, "decode": 0}
    [copy] = results(store, again)
    assert copy[0].endswith("renamed.jpg")
    assert copy[1:] == first[1:]


def test_rematch_uses_the_new_reference_without_reading_the_files(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    folder: Path,
    mirrored_yao: Path,
    tmp_path: Path,
    calls: dict[str, int],
) -> None:
    me = enrolled(store, engine, photos["yaoming"])
    scan_id = scan(store, engine, me, folder)
    before = results(store, scan_id)
    # The same folder scanned cold, into another store, with both references from the start.
    with Store.open(tmp_path / "other") as other:
        both = enrolled(other, engine, photos["yaoming"], mirrored_yao)
        expected = results(other, scan(other, engine, both, folder))

    shutil.rmtree(folder)  # nothing scanned can be read any more
    enrolled(store, engine, mirrored_yao)
    calls.update(analyze=0, decode=0)
    outcome = rematch(store, scan_id)
    assert calls["decode"] == 0
    assert outcome.rematched == outcome.items == 4
    after = results(store, scan_id)
    assert after != before
    second = max(r.id for r in store.references(me.id))
    assert any(face.reference_id == second for r in after for face in r[6])
    assert after == expected  # exactly what a cold scan with both references finds

    assert outcome.matches_after == 2  # the reference photo itself, and the team photo
    assert rematch(store, scan_id, threshold=0.95).matches_after == 1
    stored = store.scan(scan_id)
    assert stored is not None
    assert (stored.threshold, stored.preset) == (0.95, None)
    [matched] = [item.source for item in store.items(scan_id) if item.match]
    assert matched.endswith("yaoming.jpg")  # the enrolled photo itself


def test_rematch_command_and_forgetting_empty_the_cache(
    tmp_path: Path,
    photos: dict[str, Path],
    folder: Path,
    mirrored_yao: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(tmp_path / "data")
    run: Callable[..., int] = lambda *args: main(["--data-dir", data, *args])  # noqa: E731
    assert run("enroll", str(photos["yaoming"])) == 0
    assert run("scan", str(folder)) == 0
    assert run("enroll", str(mirrored_yao)) == 0
    capsys.readouterr()
    shutil.rmtree(folder)
    assert run("rematch", "--scan", "last", "--threshold", "0.5") == 0
    said = capsys.readouterr().out
    assert "compared the faces of 4 of 4 items again" in said
    with Store.open(data) as store:
        assert store.face_cache.count() == 4
        embeddings = store.face_cache.get(next(store.items(1)).sha256 or "", _key(store))
        assert embeddings is not None
        assert embeddings.faces
        assert np.isclose(np.linalg.norm(embeddings.faces[0].embedding), 1.0, atol=1e-3)
        store.forget_all()
        assert store.face_cache.count() == 0
        assert store.face_cache.index(_key(store), need_provenance=False).files == {}


def _key(store: Store) -> str:
    from likeness_guard.core.engine.model_pack import load_model_pack
    from likeness_guard.core.storage.face_cache import cache_key

    return cache_key(load_model_pack().info())


@contextlib.contextmanager
def made_the_old_way(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Embeddings keyed as an earlier version of the app, which prepared faces otherwise."""
    with monkeypatch.context() as patch:
        for module in ("core.storage.face_cache", "core.engine.model_pack"):
            patch.setattr(f"likeness_guard.{module}.FACE_RECIPE", "an-earlier-recipe")
        yield


def test_a_new_embedding_recipe_makes_references_and_cached_faces_again(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    folder: Path,
    calls: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with made_the_old_way(monkeypatch):
        me = enrolled(store, engine, photos["yaoming"])
        old_key = engine.pack.key
        first = scan(store, engine, me, folder)
    assert old_key != engine.pack.key
    (reference,) = store.references(me.id)
    assert reference.model_pack == old_key

    calls.update(analyze=0, decode=0)
    again = scan(store, engine, me, folder)
    assert calls["decode"] == 4  # faces cached the old way are not reused
    (moved,) = store.references(me.id)
    assert (moved.id, moved.model_pack) == (reference.id, engine.pack.key)
    thumbnail = np.asarray(Image.open(io.BytesIO(moved.thumbnail_png)).convert("RGB"))
    np.testing.assert_allclose(moved.embedding, engine.embed_aligned([thumbnail])[0], atol=1e-5)
    assert [r[9] for r in results(store, again)] == [r[9] for r in results(store, first)]


def test_rematch_brings_references_made_the_old_way_up_to_date(
    store: Store,
    engine: FaceEngine,
    photos: dict[str, Path],
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with made_the_old_way(monkeypatch):
        me = enrolled(store, engine, photos["yaoming"])
        scan_id = scan(store, engine, me, folder)
    result = rematch(store, scan_id)
    assert result.rematched == 0  # its faces were cached the old way: kept as found
    assert result.matches_after == result.matches_before > 0
    assert [r.model_pack for r in store.references(me.id)] == [engine.pack.key]
