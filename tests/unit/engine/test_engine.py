"""The face engine with the real buffalo_s models on real photos."""

import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.errors import ModelPackError
from likeness_guard.core.domain.records import ModelPackInfo
from likeness_guard.core.engine.face_engine import FaceEngine, available_cores, session_options
from likeness_guard.core.engine.model_pack import PINNED_SHA256, load_model_pack
from likeness_guard.core.imaging.decode import decode_image
from likeness_guard.selftest import GOLDEN_EMBEDDING


def faces_in(engine: FaceEngine, path: Path) -> list:  # type: ignore[type-arg]
    return engine.analyze(decode_image(path.read_bytes()).frames[0])


def test_golden_embedding_of_yao_ming(engine: FaceEngine, photos: dict[str, Path]) -> None:
    """A silent change to decoding, alignment or the model makes these numbers move."""
    faces = faces_in(engine, photos["yaoming"])
    assert len(faces) == 1
    face = faces[0]
    np.testing.assert_allclose(face.bbox, [69.6, 71.7, 177.0, 212.1], atol=0.5)
    for start, golden in GOLDEN_EMBEDDING.items():
        np.testing.assert_allclose(face.embedding[start : start + 8], golden, atol=2e-4)
    assert face.embedding.shape == (512,)
    assert np.linalg.norm(face.embedding) == pytest.approx(1.0, abs=1e-5)
    assert face.aligned.shape == (112, 112, 3)


def test_finds_every_face_of_a_group_photo(engine: FaceEngine, photos: dict[str, Path]) -> None:
    assert len(faces_in(engine, photos["players"])) == 22
    assert len(faces_in(engine, photos["gdp"])) == 5
    assert len(faces_in(engine, photos["t1"])) == 6


def test_finds_a_tightly_cropped_face(engine: FaceEngine, photos: dict[str, Path]) -> None:
    # 112x112 with the face filling the frame: a 640-only detector finds nothing here.
    assert len(faces_in(engine, photos["tom_hanks"])) == 1


def test_finds_a_small_face_in_a_large_photo(engine: FaceEngine, photos: dict[str, Path]) -> None:
    yao = Image.open(photos["yaoming"]).convert("RGB")
    small = yao.resize((yao.width // 2, yao.height // 2), Image.Resampling.LANCZOS)  # face ~53 px
    canvas = Image.new("RGB", (4000, 3000), (120, 130, 140))
    canvas.paste(small, (2700, 1000))
    faces = engine.analyze(np.asarray(canvas))
    assert len(faces) == 1
    x1, y1, x2, y2 = faces[0].bbox
    assert 2700 < x1 < x2 < 2700 + small.width
    assert 1000 < y1 < y2 < 1000 + small.height
    reference = faces_in(engine, photos["yaoming"])[0].embedding
    assert float(faces[0].embedding @ reference) > 0.9


def test_same_person_scores_far_above_strangers(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    reference = faces_in(engine, photos["yaoming"])[0].embedding
    scores = sorted(float(f.embedding @ reference) for f in faces_in(engine, photos["players"]))
    assert scores[-1] > 0.55  # Yao Ming in the team photo
    assert scores[-2] < 0.25  # the 21 others


def test_session_options_disable_spinning() -> None:
    options = session_options(2)
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == 2


def test_a_tampered_model_file_is_refused(tmp_path: Path) -> None:
    pack = load_model_pack()
    assert pack.sha256 == PINNED_SHA256
    bad = tmp_path / "pack"
    bad.mkdir()
    (bad / "scrfd_500m_bnkps.onnx").write_bytes(pack.detector.read_bytes()[:-1] + b"\x00")
    (bad / "w600k_mbf.onnx").write_bytes(pack.recognizer.read_bytes())
    with pytest.raises(ModelPackError, match="damaged or was replaced"):
        load_model_pack(bad)


def test_a_model_folder_without_a_detector_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelPackError, match="face detector"):
        load_model_pack(tmp_path)


def test_another_pack_folder_is_loaded_and_recorded(tmp_path: Path) -> None:
    pack = load_model_pack()
    folder = tmp_path / "my_pack"
    folder.mkdir()
    (folder / "scrfd_500m_bnkps.onnx").write_bytes(pack.detector.read_bytes())
    (folder / "w600k_mbf.onnx").write_bytes(pack.recognizer.read_bytes())
    other = load_model_pack(folder)
    assert other.name == "my_pack"
    assert other.info() == ModelPackInfo("my_pack", PINNED_SHA256)


def test_an_engine_has_two_lanes_sharing_the_cores_unless_told_otherwise() -> None:
    cores = available_cores()
    engine = FaceEngine(lazy=True)
    assert engine.lanes == min(2, cores)
    assert FaceEngine(lazy=True, threads=1).lanes == 1  # a worker process's engine
    assert FaceEngine(lazy=True, lanes=3).lanes == 3
    assert not engine.loaded


@pytest.mark.parametrize("lanes", [1, 2])
def test_a_second_call_gets_a_lane_of_its_own_while_the_first_is_busy(
    photos: dict[str, Path], lanes: int
) -> None:
    yao = decode_image(photos["yaoming"].read_bytes()).frames[0]
    engine = FaceEngine(threads=1, lanes=lanes)
    found: list[int] = []
    with engine._lane():  # a call in progress holds the only loaded lane
        other = threading.Thread(target=lambda: found.append(len(engine.analyze(yao))))
        other.start()
        other.join(timeout=60 if lanes == 2 else 1)
        assert other.is_alive() == (lanes == 1)  # one lane: the second call waits for it
    other.join(timeout=60)
    assert found == [1]
