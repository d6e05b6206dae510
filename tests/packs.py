"""Model pack folders for tests, made from the built-in buffalo_s files (nothing downloaded).

- `copy_builtin`: the built-in pack's two files, as a person would unpack a pack.
- `permuted_pack`: the same detector, and a recognizer whose 512 outputs come out in another
  order. It is a genuinely different recognizer for the app (its embeddings are not
  comparable with buffalo_s's: the same face scores about 0 across the two), yet just as
  good within itself, so switching to it only works when references are re-embedded.
"""

import shutil
from pathlib import Path

import numpy as np

from likeness_guard.core.engine.model_pack import load_model_pack

PERMUTATION_SEED = 15


def copy_builtin(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    builtin = load_model_pack()
    for path in (builtin.detector, builtin.recognizer):
        shutil.copyfile(path, folder / path.name)
    return folder


def permutation() -> np.ndarray:
    return np.random.default_rng(PERMUTATION_SEED).permutation(512)


def permuted_pack(folder: Path) -> Path:
    """A detector `det_500m.onnx` and a recognizer `w600k_permuted.onnx` (unknown names)."""
    import onnx
    from onnx import helper, numpy_helper

    folder.mkdir(parents=True, exist_ok=True)
    builtin = load_model_pack()
    shutil.copyfile(builtin.detector, folder / "det_500m.onnx")
    model = onnx.load(str(builtin.recognizer))
    graph = model.graph
    output = graph.output[0]
    inner = output.name + "_unpermuted"
    for node in graph.node:
        node.output[:] = [inner if name == output.name else name for name in node.output]
    graph.initializer.append(
        numpy_helper.from_array(permutation().astype(np.int64), name="permutation")
    )
    graph.node.append(helper.make_node("Gather", [inner, "permutation"], [output.name], axis=1))
    onnx.save(model, str(folder / "w600k_permuted.onnx"))
    return folder
