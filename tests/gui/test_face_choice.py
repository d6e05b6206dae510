"""My photos: in a photo with several faces the person clicks theirs, and that face is enrolled."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.words import ENROLL_ADVICE
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage.store import Store
from tests.gui.conftest import WindowFactory, drop

YAO_IN_BIG_PLAYERS = 4  # see tests/unit/pipeline/test_enroll_choice.py


@pytest.fixture
def big_players(tmp_path: Path, photos: dict[str, Path]) -> Path:
    path = tmp_path / "players-big.png"
    with Image.open(photos["players"]) as opened:
        image = opened.convert("RGB")
    image.resize((image.width * 2, image.height * 2), Image.Resampling.LANCZOS).save(path)
    return path


def test_clicking_a_face_in_a_group_photo_enrolls_that_face(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    engine: FaceEngine,
    big_players: Path,
    photos: dict[str, Path],
) -> None:
    window = make_window(data_dir)
    page = window.photos_page
    window.show_page("photos")
    assert page.advice.text() == ENROLL_ADVICE
    with qtbot.waitSignal(page.enroll_finished, timeout=30_000):
        drop(page.drop_zone, [big_players])
    (row,) = page.rows()
    assert row.state == "refused"
    assert row.face_choice is not None
    assert len(row.face_choice.buttons) >= YAO_IN_BIG_PLAYERS
    button = row.face_choice.button_for(YAO_IN_BIG_PLAYERS)
    assert button.accessibleName().startswith(f"Face {YAO_IN_BIG_PLAYERS}: 88 pixels wide")
    with qtbot.waitSignal(page.enroll_finished, timeout=30_000):
        button.click()
    assert row.state == "accepted"
    assert row.face_choice is None
    assert row.note.text() == "your only photo so far — add a few different photos of your face"
    with Store.open(data_dir) as store:
        profile = store.profile("me")
        assert profile is not None
        (reference,) = store.references(profile.id)
    with Image.open(photos["yaoming"]) as opened:
        yao = engine.analyze(np.asarray(opened.convert("RGB")))[0].embedding
    assert float(reference.embedding @ yao) > 0.55  # the clicked face is Yao Ming's
    # A second, different photo: each row says what it adds next to the other.
    with qtbot.waitSignal(page.enroll_finished, timeout=30_000):
        drop(page.drop_zone, [photos["yaoming"]])
    notes = {r.name: r.note.text() for r in page.accepted_rows()}
    assert notes == {
        "players-big.png": "adds some variety (0.63 to your photo 2)",
        "yaoming.jpg": "adds some variety (0.63 to your photo 1)",
    }
