"""Every scan of a profile compared again with today's reference photos, scan by scan."""

import shutil
from pathlib import Path

import pytest

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import ModelPackInfo, ScanStatus
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.services.reviewing import rematch_profile
from likeness_guard.core.storage.store import Store


def test_all_scans_are_compared_again_and_a_scan_that_cannot_be_is_named(
    store: Store, engine: FaceEngine, photos: dict[str, Path], tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for name in ("yaoming", "players", "tom_hanks", "gdp"):
        shutil.copy(photos[name], first / photos[name].name)
    shutil.copy(photos["tom_hanks"], second / "renamed.png")
    me = store.profile("me", create=True)
    assert me is not None
    assert enroll_file(store, engine, me, photos["yaoming"]).accepted
    me = store.profile("me")
    assert me is not None
    options = ScanOptions(threshold=0.36)
    one = run_scan(store, engine, me, [str(first)], options)
    two = run_scan(store, engine, me, [str(second)], options)
    other_models = store.create_scan(
        me,
        threshold=0.36,
        preset=None,
        model_pack=ModelPackInfo("other", {"det.onnx": "0" * 64}),
        inputs=["/elsewhere"],
    )
    store.finish_scan(other_models, ScanStatus.FINISHED)
    store.create_scan(  # still running: left alone
        me, threshold=0.36, preset=None, model_pack=engine.pack.info(), inputs=["/now"]
    )
    assert [store.scan_counts([s])[s].matches for s in (one, two)] == [2, 0]

    # A photo the first one does not resemble: the change is unmistakable.
    assert enroll_file(store, engine, me, photos["tom_hanks"]).accepted
    seen: list[tuple[int, int]] = []
    outcome = rematch_profile(store, "me", progress=lambda d, t: seen.append((d, t)))

    assert [r.scan_id for r in outcome.results] == [one, two]  # oldest first
    assert [(r.matches_before, r.matches_after) for r in outcome.results] == [(2, 3), (0, 1)]
    assert (outcome.matches_before, outcome.matches_after) == (2, 4)
    [(scan_id, why)] = outcome.problems
    assert scan_id == other_models
    assert "other face models" in why
    assert outcome.running == 1
    assert seen[0] == (0, 3)
    assert seen[-1] == (3, 3)
    assert [store.scan_counts([s])[s].matches for s in (one, two)] == [3, 1]


def test_a_profile_without_photos_is_refused_in_words(store: Store) -> None:
    store.profile("empty", create=True)
    with pytest.raises(UserFacingError, match="no reference photos"):
        rematch_profile(store, "empty")
    with pytest.raises(UserFacingError, match="no profile called"):
        rematch_profile(store, "nobody")
