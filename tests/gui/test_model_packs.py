"""Settings → Face models: the packs listed with their licence, one chosen, a bad one refused."""

from pathlib import Path

import numpy as np
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.packs import BUILTIN_PACK, PACK_LICENCE
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.model_packs import pack_in_use
from likeness_guard.core.storage.store import Store
from tests.gui.conftest import WindowFactory, enroll
from tests.packs import copy_builtin, permutation, permuted_pack


def _embedding(data_dir: Path) -> np.ndarray:
    with Store.open(data_dir) as store:
        profile = store.profile("me")
        assert profile is not None
        (reference,) = store.references(profile.id)
        return reference.embedding


def test_settings_lists_the_packs_and_switches_to_an_added_one(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    before = _embedding(data_dir)
    window = make_window(data_dir)
    page = window.settings_page
    assert page.pack_choice.count() == 1
    assert page.pack_choice.currentData() == BUILTIN_PACK
    assert "fastest" in page.pack_about.text()
    assert any(PACK_LICENCE in label.text() for label in page.findChildren(type(page.pack_about)))

    # A tampered download is refused, and nothing changes.
    tampered = copy_builtin(tmp_path / "tampered")
    recognizer = tampered / "w600k_mbf.onnx"
    recognizer.write_bytes(recognizer.read_bytes()[:-1] + b"\x00")
    page.choose_pack_folder = lambda parent: tampered
    with qtbot.waitSignal(page.pack_switched, timeout=30_000):
        page.add_pack_button.click()
    assert "damaged or was replaced" in page.pack_status.text()
    assert window.session.engine is engine
    assert page.pack_choice.count() == 1

    # An unknown pack is refused from the window (the command line can trust one) ...
    mine = permuted_pack(tmp_path / "mine")
    page.choose_pack_folder = lambda parent: mine
    with qtbot.waitSignal(page.pack_switched, timeout=30_000):
        page.add_pack_button.click()
    assert "--trust-unverified" in page.pack_status.text()

    # ... so add it as the command line would, then choose it in the window.
    from likeness_guard.core.pipeline.model_packs import add_pack, use_pack

    with Store.open(data_dir) as store:
        add_pack(store, mine, trust_unverified=True)
        use_pack(store, BUILTIN_PACK, engine)
    page._reload_packs()
    assert page.pack_choice.count() == 2
    page.pack_choice.setCurrentIndex(page.pack_choice.findData("mine"))
    assert "unverified" in page.pack_about.text()
    with qtbot.waitSignal(page.pack_switched, timeout=30_000):
        page.use_pack_button.click()
    assert "Now using mine" in page.pack_status.text()
    current = window.session.engine
    assert current is not None
    assert current.pack.name == "mine"
    assert pack_in_use(data_dir).name == "mine"
    np.testing.assert_allclose(_embedding(data_dir), before[permutation()], atol=1e-5)
    assert "mine" in page.models_label.text()
