"""`likeness-guard models`: listing, adding (checked), switching, and the references moved over."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from likeness_guard.core.domain.errors import ModelPackError
from likeness_guard.core.domain.packs import BUILTIN_PACK, KNOWN_PACKS, PACK_LICENCE
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import load_model_pack
from likeness_guard.core.pipeline.model_packs import (
    add_pack,
    installed_packs,
    model_pack_for,
    pack_in_use,
    use_pack,
)
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.packs import copy_builtin, permutation, permuted_pack


@pytest.fixture
def enrolled(tmp_path: Path, photos: dict[str, Path]) -> Path:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    return data


def _reference(data: Path) -> tuple[int, np.ndarray, str]:
    with Store(data) as store:
        profile = store.profile("me")
        assert profile is not None
        (reference,) = store.references(profile.id)
        return reference.id, reference.embedding, reference.model_pack


def test_the_list_names_the_builtin_pack_in_use_and_the_licence(
    enrolled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--data-dir", str(enrolled), "models"]) == 0
    printed = capsys.readouterr().out
    assert f"* {BUILTIN_PACK}  (built in; verified)" in printed
    assert KNOWN_PACKS[BUILTIN_PACK].recognizer.sha256 in printed
    assert "det_10g.onnx and w600k_r50.onnx" in printed  # what can be added
    assert PACK_LICENCE in printed


def test_a_tampered_pack_is_refused_and_nothing_is_kept(
    enrolled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_builtin(tmp_path / "download")
    detector = folder / "scrfd_500m_bnkps.onnx"
    detector.write_bytes(detector.read_bytes()[:-1] + b"\x00")
    capsys.readouterr()
    assert main(["--data-dir", str(enrolled), "models", "add", str(folder)]) == 2
    assert "damaged or was replaced" in capsys.readouterr().err
    assert not (enrolled / "models").exists()
    assert pack_in_use(enrolled).name == BUILTIN_PACK


def test_a_good_copy_of_the_builtin_pack_needs_no_copy(enrolled: Path, tmp_path: Path) -> None:
    with Store(enrolled) as store:
        change = add_pack(store, copy_builtin(tmp_path / "download"))
    assert change.verified
    assert not change.copied
    assert change.note is not None
    assert "built-in" in change.note
    assert not (enrolled / "models" / BUILTIN_PACK).exists()


def test_switching_packs_re_embeds_the_references_and_scans_record_the_pack(
    enrolled: Path,
    tmp_path: Path,
    photos: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    reference_id, before, builtin_key = _reference(enrolled)
    folder = permuted_pack(tmp_path / "download")
    data = ["--data-dir", str(enrolled)]

    # Unknown files are refused unless the person says they trust them.
    assert main([*data, "models", "add", str(folder)]) == 2
    assert "--trust-unverified" in capsys.readouterr().err
    assert main([*data, "models", "add", str(folder), "--trust-unverified", "--name", "mine"]) == 0
    printed = capsys.readouterr().out
    assert "unverified" in printed
    assert "1 reference photo embedded again" in printed

    # Kept in the data folder, chosen, and the reference re-embedded from its face crop:
    # the same id, the new recognizer's embedding (the old one with its numbers reordered).
    assert (enrolled / "models" / "mine" / "w600k_permuted.onnx").is_file()
    assert pack_in_use(enrolled).name == "mine"
    same_id, after, key = _reference(enrolled)
    assert same_id == reference_id
    assert key.startswith("mine:")
    assert key != builtin_key
    np.testing.assert_allclose(after, before[permutation()], atol=1e-5)

    # A scan uses the pack in use, records it, and finds Yao Ming as well as before.
    scanned = tmp_path / "scanned"
    scanned.mkdir()
    shutil.copyfile(photos["players"], scanned / "players.jpg")
    out = tmp_path / "scan.json"
    assert main([*data, "scan", str(scanned), "--json", str(out)]) == 0
    document = json.loads(out.read_text())
    assert document["model_pack"]["name"] == "mine"
    assert "w600k_permuted.onnx" in document["model_pack"]["files"]
    (item,) = document["items"]
    assert item["tier"] == "match"
    assert item["best_similarity"] == pytest.approx(0.62, abs=0.02)

    # Back to the built-in pack: the reference is what enrolling made, exactly.
    assert main([*data, "models", "use", BUILTIN_PACK]) == 0
    _, back, back_key = _reference(enrolled)
    assert back_key == builtin_key
    np.testing.assert_allclose(back, before, atol=1e-6)
    assert [p.name for p in installed_packs(enrolled)] == [BUILTIN_PACK, "mine"]


def test_a_pack_changed_after_it_was_added_is_refused_with_a_way_out(
    enrolled: Path, tmp_path: Path
) -> None:
    with Store(enrolled) as store:
        add_pack(store, permuted_pack(tmp_path / "download"), trust_unverified=True)
    kept = enrolled / "models" / "download" / "w600k_permuted.onnx"
    kept.write_bytes(kept.read_bytes()[:-1] + b"\x00")
    with pytest.raises(ModelPackError, match=f"models use {BUILTIN_PACK}"):
        model_pack_for(enrolled)
    with Store(enrolled) as store, pytest.raises(ModelPackError, match="damaged"):
        use_pack(store, "download")
    # The way out works.
    with Store(enrolled) as store:
        use_pack(store, BUILTIN_PACK, FaceEngine(load_model_pack()))
    assert model_pack_for(enrolled).name == BUILTIN_PACK


def test_an_unknown_pack_name_is_refused(
    enrolled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(enrolled), "models", "use", "buffalo_l"]) == 2
    assert "no face model pack called 'buffalo_l'" in capsys.readouterr().err
