"""PReLU layers rewritten as convolutions: the real recognizer gives the same embeddings to
the bit, and graphs the rewrite does not hold for are left alone."""

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from likeness_guard.core.engine.face_engine import FaceEngine, session_options
from likeness_guard.core.engine.model_pack import load_model_pack
from likeness_guard.core.engine.prelu import prelu_as_convolutions
from likeness_guard.core.imaging.decode import decode_image


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    return ort.InferenceSession(
        model.SerializeToString(), session_options(1), providers=["CPUExecutionProvider"]
    )


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = _session(model)
    return np.asarray(session.run(None, {session.get_inputs()[0].name: x})[0])


def test_the_recognizer_gives_the_same_embeddings_to_the_bit(
    engine: FaceEngine, photos: dict[str, Path]
) -> None:
    path = load_model_pack().recognizer
    rewritten = onnx.load(str(path))
    assert prelu_as_convolutions(rewritten) == 34
    assert not [node for node in rewritten.graph.node if node.op_type == "PRelu"]
    original, faster = _session(onnx.load(str(path))), _session(rewritten)
    crops = [
        face.aligned[:, :, ::-1]
        for name in ("players", "t1", "yaoming", "tom_hanks")
        for face in engine.analyze(decode_image(photos[name].read_bytes()).frames[0])
    ]
    assert len(crops) == 30
    blobs = np.stack([(crop.transpose(2, 0, 1) - 127.5) / 127.5 for crop in crops])
    name = original.get_inputs()[0].name
    for batch in (blobs[:1], blobs[:3], blobs[:16]):  # one face, a frame's few, a crowd's batch
        expected = original.run(None, {name: batch.astype(np.float32)})[0]
        got = faster.run(None, {name: batch.astype(np.float32)})[0]
        np.testing.assert_array_equal(got, expected)


def test_the_engine_runs_the_rewritten_graph(engine: FaceEngine) -> None:
    with engine._lane() as models:
        session = models._recognizer.session
    ops = {node.op_type for node in onnx.load_from_string(session._model_bytes).graph.node}
    assert "PRelu" not in ops


def _prelu_graph(slope: np.ndarray, *, slope_as_input: bool = False) -> onnx.ModelProto:
    """x (1 x 4 x 5 x 5) through one PRelu with `slope`."""
    tensor = numpy_helper.from_array(slope.astype(np.float32), "slope")
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 5, 5])]
    if slope_as_input:
        inputs.append(helper.make_tensor_value_info("slope", TensorProto.FLOAT, list(slope.shape)))
    graph = helper.make_graph(
        [helper.make_node("PRelu", ["x", "slope"], ["y"])],
        "prelu",
        inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 5, 5])],
        [tensor],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])


def test_negative_zero_and_tiny_values_come_out_the_same() -> None:
    slope = np.array([0.25, -0.5, 1.7, 1e-3], np.float32).reshape(4, 1, 1)
    rng = np.random.default_rng(3)
    x = rng.normal(0, 10, (1, 4, 5, 5)).astype(np.float32)
    x[0, :, 0, :] = [0.0, -0.0, 1e-40, -1e-40, 3e38]  # zeros, subnormals, near the top
    model = _prelu_graph(slope)
    expected = _run(model, x)
    assert prelu_as_convolutions(model) == 1
    assert prelu_as_convolutions(model) == 0  # already rewritten: nothing more to do
    np.testing.assert_array_equal(_run(model, x), expected)


@pytest.mark.parametrize(
    ("slope", "as_input"),
    [
        (np.array([0.25], np.float32), False),  # one slope for every channel
        (np.full((4, 1, 1), 0.25, np.float32), True),  # a slope the caller may replace
        (np.full((4,), 0.25, np.float32), False),  # not per channel of an image
    ],
)
def test_slopes_the_rewrite_does_not_hold_for_are_left_alone(
    slope: np.ndarray, as_input: bool
) -> None:
    model = _prelu_graph(slope, slope_as_input=as_input)
    before = model.SerializeToString()
    assert prelu_as_convolutions(model) == 0
    assert model.SerializeToString() == before
