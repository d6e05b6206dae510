"""Face models: loading the pack in use, and adding, listing and choosing packs.

`FaceEngine` is handed to the window and the CLI as an opaque handle to pass back in.
"""

from pathlib import Path

from likeness_guard.core.engine.face_engine import FaceEngine, available_cores
from likeness_guard.core.pipeline.model_packs import (
    InstalledPack,
    PackChange,
    add_pack,
    installed_packs,
    use_pack,
)

__all__ = [
    "FaceEngine",
    "InstalledPack",
    "PackChange",
    "add_pack",
    "available_cores",
    "installed_packs",
    "use_pack",
]


def open_engine(
    models_dir: Path | None = None, data_folder: Path | None = None, *, lazy: bool = False
) -> FaceEngine:
    """Load the face models: the pack in `models_dir` when given, else the pack chosen in
    `data_folder` (`likeness-guard models use`), else the bundled pack. With `lazy`, the
    pack's files are checked now and the models loaded when first needed (a scan of
    unchanged files needs none).

    Raises ModelPackError (a UserFacingError) when they are missing or damaged.
    """
    from likeness_guard.core.pipeline.model_packs import model_pack_for

    return FaceEngine(model_pack_for(data_folder, models_dir), lazy=lazy)
