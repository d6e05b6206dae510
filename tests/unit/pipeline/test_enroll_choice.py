"""Enrollment that helps: small faces kept with a warning, a face chosen in a group photo,
and what each reference adds next to the others."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file, reference_notes
from likeness_guard.core.storage.store import Store

# In players.jpg shown at twice its size (PNG, so no JPEG noise moves the detector), Yao Ming
# is the fourth largest face; every face of the original is under 48 pixels wide.
YAO_IN_BIG_PLAYERS = 4


@pytest.fixture(scope="module")
def big_players(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> Path:
    """players.jpg at twice its size: its faces become 72-93 pixels wide."""
    path = tmp_path_factory.mktemp("group") / "players-big.png"
    with Image.open(photos["players"]) as opened:
        image = opened.convert("RGB")
    image.resize((image.width * 2, image.height * 2), Image.Resampling.LANCZOS).save(path)
    return path


def yao_embedding(engine: FaceEngine, photos: dict[str, Path]) -> np.ndarray:
    return engine.analyze(np.asarray(Image.open(photos["yaoming"]).convert("RGB")))[0].embedding


def test_a_group_photo_lists_its_faces_largest_first(
    store: Store, engine: FaceEngine, big_players: Path
) -> None:
    profile = store.profile("me", create=True)
    assert profile is not None
    result = enroll_file(store, engine, profile, big_players)
    assert not result.accepted
    assert result.needs_face_choice
    assert result.reason is not None
    assert result.reason.endswith(
        "faces found — choose which one is you, or crop the photo to just your face"
    )
    numbers = [choice.number for choice in result.face_choices]
    assert numbers[:5] == [1, 2, 3, 4, 5]
    assert all(choice.width >= 48 for choice in result.face_choices)
    assert all(choice.thumbnail_png.startswith(b"\x89PNG") for choice in result.face_choices)
    assert result.smaller_faces > 0
    assert store.references(profile.id) == []


def test_the_chosen_face_is_enrolled_and_matches_another_photo(
    store: Store, engine: FaceEngine, big_players: Path, photos: dict[str, Path]
) -> None:
    profile = store.profile("me", create=True)
    assert profile is not None
    result = enroll_file(store, engine, profile, big_players, face_number=YAO_IN_BIG_PLAYERS)
    assert result.accepted
    assert result.warning is None  # 88 pixels wide
    (reference,) = store.references(profile.id)
    similarity = float(reference.embedding @ yao_embedding(engine, photos))
    assert similarity > 0.55  # measured 0.63; the balanced threshold is 0.36
    # Another face of the same photo is someone else (another profile: one photo is kept
    # once per profile).
    someone = store.profile("someone else", create=True)
    assert someone is not None
    assert enroll_file(store, engine, someone, big_players, face_number=1).accepted
    (stranger,) = store.references(someone.id)
    assert float(stranger.embedding @ yao_embedding(engine, photos)) < 0.3


def test_a_group_photo_whose_faces_are_all_too_small(
    store: Store, engine: FaceEngine, photos: dict[str, Path]
) -> None:
    profile = store.profile("me", create=True)
    assert profile is not None
    result = enroll_file(store, engine, profile, photos["players"])
    assert not result.accepted
    assert not result.needs_face_choice
    assert result.reason == (
        "22 faces found, all too small to use (the largest is 46 pixels wide, at least 48 "
        "needed) — use a closer or larger photo"
    )
    chosen = enroll_file(store, engine, profile, photos["players"], face_number=4)
    assert chosen.reason is not None
    assert chosen.reason.startswith("your face is too small in this photo (44 pixels wide")


def test_a_small_reference_is_stored_with_a_warning(
    store: Store, engine: FaceEngine, photos: dict[str, Path], tmp_path: Path
) -> None:
    with Image.open(photos["yaoming"]) as opened:
        yao = opened.convert("RGB")
    small = tmp_path / "yao-small.png"
    yao.resize((108, 134), Image.Resampling.LANCZOS).save(small)  # the face becomes 50 pixels wide
    profile = store.profile("me", create=True)
    assert profile is not None
    result = enroll_file(store, engine, profile, small)
    assert result.accepted
    assert result.reference_id is not None
    assert result.warning is not None
    assert "(50 pixels wide), so it is kept, but a larger photo" in result.warning
    # What each reference adds: the small copy is very like the full photo.
    assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
    notes = reference_notes(store.references(profile.id))
    assert [note.number for note in notes] == [1, 2]
    assert notes[0].best_similarity is not None
    assert notes[0].best_similarity > 0.95  # measured 0.98
    assert notes[0].text.startswith("very like your other photo 2 (0.98), so it adds little")
    assert notes[0].text.endswith("would work better")  # the size warning stays visible
    assert notes[1].text.startswith("very like your other photo 1")


def test_notes_say_when_a_reference_adds_a_new_view_or_looks_like_someone_else(
    store: Store, engine: FaceEngine, photos: dict[str, Path], big_players: Path
) -> None:
    profile = store.profile("me", create=True)
    assert profile is not None
    assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
    assert reference_notes(store.references(profile.id))[0].text == (
        "your only photo so far — add a few different photos of your face"
    )
    assert enroll_file(store, engine, profile, big_players, YAO_IN_BIG_PLAYERS).accepted
    notes = reference_notes(store.references(profile.id))
    assert notes[1].text == "adds some variety (0.63 to your photo 1)"
    assert enroll_file(store, engine, profile, photos["tom_hanks"]).accepted
    hanks = reference_notes(store.references(profile.id))[2]
    assert hanks.text.startswith("does not look like your other photos (at most ")
