"""Checking a model pack folder a person has, against the packs this app knows."""

import hashlib
import shutil
from pathlib import Path

import pytest

from likeness_guard.core.domain.errors import ModelPackError
from likeness_guard.core.domain.packs import BUILTIN_PACK, KNOWN_PACKS
from likeness_guard.core.engine.model_pack import check_pack_folder, load_model_pack
from tests.packs import copy_builtin, permuted_pack


def test_the_catalog_describes_the_installed_builtin_files() -> None:
    builtin = load_model_pack()
    for expected, path in zip(
        KNOWN_PACKS[BUILTIN_PACK].files, (builtin.detector, builtin.recognizer), strict=True
    ):
        assert path.name == expected.name
        assert path.stat().st_size == expected.size
        assert hashlib.sha256(path.read_bytes()).hexdigest() == expected.sha256


def test_the_published_packs_have_distinct_file_names() -> None:
    # A folder is matched to a known pack by its file names: no name may belong to two.
    names = [f.name for pack in KNOWN_PACKS.values() for f in pack.files]
    assert len(names) == len(set(names))
    assert {"buffalo_l", "antelopev2"} <= set(KNOWN_PACKS)


def test_a_good_copy_of_a_known_pack_is_accepted(tmp_path: Path) -> None:
    checked = check_pack_folder(copy_builtin(tmp_path / "unpacked"))
    assert checked.verified
    assert checked.name == BUILTIN_PACK
    assert checked.sha256 == {f.name: f.sha256 for f in KNOWN_PACKS[BUILTIN_PACK].files}


def test_a_tampered_copy_is_refused_even_when_unverified_packs_are_trusted(
    tmp_path: Path,
) -> None:
    folder = copy_builtin(tmp_path / "tampered")
    recognizer = folder / "w600k_mbf.onnx"
    data = bytearray(recognizer.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, same size
    recognizer.write_bytes(bytes(data))
    for trust in (False, True):
        with pytest.raises(ModelPackError, match="damaged or was replaced") as refused:
            check_pack_folder(folder, trust_unverified=trust)
        assert "w600k_mbf.onnx" in str(refused.value)
        assert KNOWN_PACKS[BUILTIN_PACK].recognizer.sha256 in str(refused.value)


def test_a_pack_with_a_missing_file_is_refused(tmp_path: Path) -> None:
    folder = copy_builtin(tmp_path / "half")
    (folder / "w600k_mbf.onnx").unlink()
    with pytest.raises(ModelPackError, match=r"w600k_mbf\.onnx is missing"):
        check_pack_folder(folder, trust_unverified=True)


def test_other_files_under_buffalo_l_names_are_refused(tmp_path: Path) -> None:
    builtin = copy_builtin(tmp_path / "builtin")
    folder = tmp_path / "buffalo_l"
    folder.mkdir()
    shutil.copyfile(builtin / "scrfd_500m_bnkps.onnx", folder / "det_10g.onnx")
    shutil.copyfile(builtin / "w600k_mbf.onnx", folder / "w600k_r50.onnx")
    with pytest.raises(ModelPackError, match="published for buffalo_l") as refused:
        check_pack_folder(folder, trust_unverified=True)
    assert KNOWN_PACKS["buffalo_l"].detector.sha256 in str(refused.value)


def test_files_of_two_packs_in_one_folder_are_refused(tmp_path: Path) -> None:
    folder = copy_builtin(tmp_path / "mixed")
    (folder / "glintr100.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelPackError, match="several packs"):
        check_pack_folder(folder)


def test_an_unknown_pack_needs_the_person_to_trust_it(tmp_path: Path) -> None:
    folder = permuted_pack(tmp_path / "my_pack")
    with pytest.raises(ModelPackError, match="--trust-unverified"):
        check_pack_folder(folder)
    checked = check_pack_folder(folder, trust_unverified=True)
    assert not checked.verified
    assert checked.name == "my_pack"
    assert checked.recognizer.name == "w600k_permuted.onnx"
    with pytest.raises(ModelPackError, match="cannot name a pack"):
        check_pack_folder(folder, trust_unverified=True, name="buffalo_l")
