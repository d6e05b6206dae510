"""Model packs a person added: kept in the data folder, chosen, and the references moved over.

`models add FOLDER` checks an insightface pack folder (engine/model_pack.py), copies its
detector and recognizer into `<data folder>/models/<name>/`, records them in
`models/packs.json` with their SHA-256s and switches to them; `models use NAME` switches.
The built-in pack is always there and is never copied.

Switching re-embeds every reference face with the new pack's recognizer. Reference photos
themselves are never kept, only the 112x112 aligned face each one was reduced to (its
thumbnail) and the embedding: the new recognizer embeds that same aligned face, so nothing
needs enrolling again. (The face was aligned with the landmarks of the detector in use when
it was enrolled; another detector's landmarks differ by a pixel or so.)
"""

import io
import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypedDict

import numpy as np

from likeness_guard.core.domain.errors import ModelPackError
from likeness_guard.core.domain.packs import BUILTIN_PACK, KNOWN_PACKS, KnownPack
from likeness_guard.core.domain.records import ReferenceFace, utc_now
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import (
    CheckedPack,
    ModelPack,
    check_pack_folder,
    default_model_dir,
    load_model_pack,
    load_recorded_pack,
)
from likeness_guard.core.storage.fs import file_sha256, write_atomic
from likeness_guard.core.storage.store import Store

MODELS_FOLDER = "models"
REGISTRY = "packs.json"


class _Entry(TypedDict):
    """One added pack as `packs.json` records it."""

    name: str
    detector: str
    recognizer: str
    sha256: dict[str, str]
    verified: bool
    added_at: str


class _Registry(TypedDict):
    in_use: str
    packs: list[_Entry]


@dataclass(frozen=True)
class InstalledPack:
    """A pack that can be used: the built-in one or one the person added."""

    name: str
    folder: Path
    detector: str  # file names inside `folder`
    recognizer: str
    sha256: dict[str, str]
    verified: bool  # a published pack whose hashes this app knows
    in_use: bool
    added_at: str | None = None  # None for the built-in pack

    @property
    def builtin(self) -> bool:
        return self.added_at is None

    @property
    def known(self) -> KnownPack | None:
        return KNOWN_PACKS.get(self.name) if self.verified else None

    @property
    def size_bytes(self) -> int:
        return sum(
            (self.folder / n).stat().st_size
            for n in (self.detector, self.recognizer)
            if (self.folder / n).is_file()
        )


@dataclass(frozen=True)
class PackChange:
    """What `models add` or `models use` did, and the engine it loaded for the pack."""

    name: str
    verified: bool
    copied: bool  # the files were copied into the data folder now
    note: str | None  # e.g. "already added": nothing had to be copied
    references: int  # reference faces re-embedded with the pack
    engine: FaceEngine


def installed_packs(data_folder: Path) -> list[InstalledPack]:
    """The built-in pack first, then the added ones in the order they were added."""
    registry = _read_registry(data_folder)
    in_use = registry["in_use"]
    builtin = KNOWN_PACKS[BUILTIN_PACK]
    packs = [
        InstalledPack(
            name=BUILTIN_PACK,
            folder=default_model_dir(),
            detector=builtin.detector.name,
            recognizer=builtin.recognizer.name,
            sha256={f.name: f.sha256 for f in builtin.files},
            verified=True,
            in_use=in_use == BUILTIN_PACK,
        )
    ]
    for entry in registry["packs"]:
        packs.append(
            InstalledPack(
                name=entry["name"],
                folder=_packs_folder(data_folder) / entry["name"],
                detector=entry["detector"],
                recognizer=entry["recognizer"],
                sha256=dict(entry["sha256"]),
                verified=entry["verified"],
                in_use=in_use == entry["name"],
                added_at=entry["added_at"],
            )
        )
    return packs


def pack_in_use(data_folder: Path) -> InstalledPack:
    """The pack the person chose (the built-in one until they choose another)."""
    packs = installed_packs(data_folder)
    chosen = [p for p in packs if p.in_use]
    return chosen[0] if chosen else packs[0]


def load_installed(pack: InstalledPack) -> ModelPack:
    """Load a pack's files, checking their hashes; raises ModelPackError when changed."""
    if pack.builtin:
        return load_model_pack()
    return load_recorded_pack(
        pack.name, pack.folder / pack.detector, pack.folder / pack.recognizer, pack.sha256
    )


def model_pack_for(data_folder: Path | None, models_dir: Path | None = None) -> ModelPack:
    """The pack to work with: `--models DIR` when given, else the pack in use in the data
    folder (the built-in one without a data folder). Raises ModelPackError."""
    if models_dir is not None or data_folder is None:
        return load_model_pack(models_dir)
    pack = pack_in_use(data_folder)
    try:
        return load_installed(pack)
    except ModelPackError as exc:
        raise ModelPackError(f"The face models '{pack.name}' cannot be used: {exc}") from exc


def add_pack(
    store: Store, source: Path, *, trust_unverified: bool = False, name: str | None = None
) -> PackChange:
    """Check the pack in `source`, keep a copy in the data folder, switch to it and re-embed
    every reference face with it. Raises ModelPackError when the pack is refused (nothing
    is kept then)."""
    checked = check_pack_folder(source, trust_unverified=trust_unverified, name=name)
    if checked.name == BUILTIN_PACK:
        change = use_pack(store, BUILTIN_PACK)
        return replace(change, note="it is the built-in pack, always there")
    existing = {p.name: p for p in installed_packs(store.folder)}.get(checked.name)
    if existing is not None and existing.sha256 != checked.sha256:
        raise ModelPackError(
            f"A pack called '{checked.name}' was added already, with other files. Choose "
            "another name with --name."
        )
    if existing is not None and not _damaged(existing):
        return replace(use_pack(store, checked.name), note="it was added already")
    target = _copy_pack(store.folder, checked)
    copied = load_recorded_pack(
        checked.name,
        target / checked.detector.name,
        target / checked.recognizer.name,
        checked.sha256,
    )
    try:
        engine = FaceEngine(copied)  # refuses files that are no SCRFD and ArcFace pair
    except ModelPackError:
        shutil.rmtree(target, ignore_errors=True)
        raise
    registry = _read_registry(store.folder)
    registry["packs"] = [e for e in registry["packs"] if e["name"] != checked.name] + [
        _Entry(
            name=checked.name,
            detector=checked.detector.name,
            recognizer=checked.recognizer.name,
            sha256=dict(checked.sha256),
            verified=checked.verified,
            added_at=utc_now(),
        )
    ]
    # Chosen before the references move: a move cut short is finished by the next switch.
    registry["in_use"] = checked.name
    _write_registry(store.folder, registry)
    moved = move_references(store, engine)
    return PackChange(checked.name, checked.verified, True, None, moved, engine)


def use_pack(store: Store, name: str, engine: FaceEngine | None = None) -> PackChange:
    """Switch to an installed pack and re-embed every reference face with it.

    `engine` may be given when the caller already loaded this pack. Raises ModelPackError
    for an unknown name or a pack whose files changed.
    """
    packs = {p.name: p for p in installed_packs(store.folder)}
    if name not in packs:
        raise ModelPackError(
            f"There is no face model pack called '{name}'. The packs here: "
            f"{', '.join(packs)}. Add one with 'likeness-guard models add FOLDER'."
        )
    pack = packs[name]
    if engine is None or engine.pack.sha256 != pack.sha256 or engine.pack.name != name:
        engine = FaceEngine(load_installed(pack))
    registry = _read_registry(store.folder)
    registry["in_use"] = name
    _write_registry(store.folder, registry)
    moved = move_references(store, engine)
    return PackChange(name, pack.verified, False, None, moved, engine)


def references_in_use(
    store: Store, profile_id: int, pack: ModelPack, engine: FaceEngine | None = None
) -> list[ReferenceFace]:
    """The profile's references as `pack` embeds them.

    References made another way (another pack, or an earlier version of this app that
    prepared faces differently) are embedded again from their stored faces first, with
    `engine` (`pack`'s own, loaded here when none is given).
    """
    if any(reference.model_pack != pack.key for reference in store.references(profile_id)):
        move_references(store, engine if engine is not None else FaceEngine(pack))
    return store.references(profile_id, pack.key)


def move_references(store: Store, engine: FaceEngine) -> int:
    """Re-embed, with `engine`'s recognizer, every reference face made with another pack.

    Each reference keeps its id and thumbnail; returns how many were re-embedded. A photo
    enrolled with both packs keeps the reference already made with this one.
    """
    key = engine.pack.key
    moved = 0
    for profile in store.profiles():
        references = store.references(profile.id)
        have = {r.source_sha256 for r in references if r.model_pack == key}
        others = [r for r in references if r.model_pack != key]
        for reference in [r for r in others if r.source_sha256 in have]:
            store.remove_reference(reference.id)
        todo = [r for r in others if r.source_sha256 not in have]
        if not todo:
            continue
        embeddings = engine.embed_aligned([_thumbnail(r.thumbnail_png) for r in todo])
        for reference, embedding in zip(todo, embeddings, strict=True):
            store.set_reference_embedding(reference.id, embedding, key)
            moved += 1
    return moved


def _thumbnail(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))


def _damaged(pack: InstalledPack) -> bool:
    try:
        load_installed(pack)
    except ModelPackError:
        return True
    return False


def _copy_pack(data_folder: Path, checked: CheckedPack) -> Path:
    """Copy the detector and recognizer, check the copies' hashes, then put them in place."""
    packs = _packs_folder(data_folder)
    packs.mkdir(parents=True, exist_ok=True)
    target = packs / checked.name
    staging = packs / f".adding-{checked.name}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for path in (checked.detector, checked.recognizer):
            copy = staging / path.name
            shutil.copyfile(path, copy)
            if file_sha256(copy) != checked.sha256[path.name]:
                raise ModelPackError(
                    f"{path.name} changed while it was being copied. Try again, or copy the "
                    "pack folder somewhere else first."
                )
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    except OSError as exc:
        raise ModelPackError(
            f"The pack could not be copied into {packs} ({exc.strerror or exc}). Check that "
            "there is room on the disk."
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _packs_folder(data_folder: Path) -> Path:
    return data_folder / MODELS_FOLDER


def _read_registry(data_folder: Path) -> _Registry:
    path = _packs_folder(data_folder) / REGISTRY
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _Registry(in_use=BUILTIN_PACK, packs=[])
    except (OSError, ValueError) as exc:
        raise ModelPackError(
            f"The list of face model packs ({path}) cannot be read ({exc}). Delete it to go "
            "back to the built-in models, then add your packs again."
        ) from exc
    try:
        entries = [
            _Entry(
                name=str(e["name"]),
                detector=str(e["detector"]),
                recognizer=str(e["recognizer"]),
                sha256={str(k): str(v) for k, v in dict(e["sha256"]).items()},
                verified=bool(e["verified"]),
                added_at=str(e["added_at"]),
            )
            for e in loaded["packs"]
        ]
        return _Registry(in_use=str(loaded["in_use"]), packs=entries)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelPackError(
            f"The list of face model packs ({path}) is damaged. Delete it to go back to the "
            "built-in models, then add your packs again."
        ) from exc


def _write_registry(data_folder: Path, registry: _Registry) -> None:
    path = _packs_folder(data_folder) / REGISTRY
    write_atomic(path, (json.dumps(registry, indent=2, sort_keys=True) + "\n").encode())
