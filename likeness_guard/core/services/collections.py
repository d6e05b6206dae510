"""Collections: adding images once, listing, describing and removing collections, and
matching a case's person against one (the result is a scan of that case)."""

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.collections.collection import AddProgress, AddResult, ImageEngine
from likeness_guard.core.collections.matching import MatchOutcome
from likeness_guard.core.collections.shards import Manifest
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.records import ScanItem
from likeness_guard.core.domain.thresholds import resolve_threshold
from likeness_guard.core.services.audit import AuditAction, record
from likeness_guard.core.services.packs import FaceEngine
from likeness_guard.core.services.scanning import find_profile
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _

__all__ = ["AddProgress", "AddResult", "MatchOutcome"]


class Engine(enum.StrEnum):
    """Where `collection add` analyses images."""

    LOCAL = "local"  # this computer's analysis pool (the default, needs nothing more)
    RAY = "ray"  # a Ray cluster (the `cluster` extra)


@dataclass(frozen=True)
class AddRequest:
    """What to add to which collection, and where to analyse it."""

    name: str
    sources: tuple[str, ...]  # folders, files, `@list.txt` files, web addresses
    engine: Engine = Engine.LOCAL
    address: str | None = None  # a Ray cluster's address; None: one on this computer
    workers: int | None = None
    check_provenance: bool = True
    include_hidden: bool = False
    allow_private_addresses: bool = False  # web addresses on this computer or network


@dataclass(frozen=True)
class CollectionSummary:
    """A collection as listed: its size, model pack, sources and index."""

    name: str
    folder: Path
    images: int
    faces: int
    shards: int
    pack_name: str
    created_at: str
    updated_at: str
    sources: tuple[str, ...]
    index_kind: str | None  # None: no current index (built at the next match)


def ray_hint() -> str:
    """What to do when the Ray engine is asked for and Ray is not installed."""
    return _(
        "The Ray engine needs Ray, which is not installed. Install it with: "
        "pip install 'likeness-guard[cluster]' (or run without --engine ray to analyse on "
        "this computer)."
    )


def expand_sources(sources: Sequence[str]) -> list[str]:
    """The sources with each `@FILE` replaced by the lines of FILE (paths or web addresses,
    one a line; '#' starts a comment). Raises UserFacingError when a list cannot be read."""
    from likeness_guard.core.services.scanning import address_list

    expanded: list[str] = []
    for source in sources:
        expanded.extend(address_list(Path(source[1:])) if source.startswith("@") else [source])
    return expanded


def _checked_name(name: str) -> str:
    from likeness_guard.core.collections.names import valid_name

    if not valid_name(name):
        raise UserFacingError(
            _(
                "'{name}' cannot name a collection: use letters, digits, dots, dashes and "
                "underscores (at most 64, not starting with a dot)."
            ).format(name=name)
        )
    return name


def add_to_collection(
    data_folder: Path,
    engine: FaceEngine,
    request: AddRequest,
    *,
    on_progress: Callable[[AddProgress], None] | None = None,
    cancel: CancelToken | None = None,
) -> AddResult:
    """Analyse the request's sources once into the collection (made when new); returns
    what was done. Raises UserFacingError (nothing to add, a bad name, Ray missing, the
    collection made with another model pack)."""
    from likeness_guard.core.collections.collection import add_images, create_collection
    from likeness_guard.core.pipeline.scan_sources import (
        ScanOptions,
        estimate_total,
        iter_sources,
    )
    from likeness_guard.core.sources.web import WebOptions
    from likeness_guard.core.storage.face_cache import cache_key

    name = _checked_name(request.name)
    inputs = expand_sources(request.sources)
    if not inputs:
        raise UserFacingError(_("Nothing to add: give folders, files, @lists or web addresses."))
    pack_key = cache_key(engine.pack.info())
    existing = _manifest(data_folder, name)
    if existing is not None and existing.pack_key != pack_key:
        raise UserFacingError(
            _(
                "Collection '{name}' was analysed with the model pack '{pack}'. Add to it "
                "with that pack, or make a new collection."
            ).format(name=name, pack=existing.pack_name)
        )
    folder = create_collection(data_folder, name, pack_key, engine.pack.info().name)
    cancel = cancel or CancelToken()
    options = ScanOptions(
        threshold=0.5,  # not used: nothing is matched while adding
        include_hidden=request.include_hidden,
        check_provenance=request.check_provenance,
        web=WebOptions(allow_private_addresses=request.allow_private_addresses),
    )
    items = iter_sources(inputs, options, cancel, data_folder)
    analyser = _engine(engine, request, estimate_total(inputs, options))
    return add_images(
        folder, items, analyser, sources=tuple(inputs), on_progress=on_progress, cancel=cancel
    )


def _engine(engine: FaceEngine, request: AddRequest, expected: int) -> "ImageEngine":
    from likeness_guard.core.collections.analysis import AnalysisSettings

    settings = AnalysisSettings(check_provenance=request.check_provenance)
    if request.engine is Engine.RAY:
        from likeness_guard.core.collections.ray_engine import RayEngine, ray_installed

        if not ray_installed():
            raise UserFacingError(ray_hint())
        return RayEngine(engine.pack, settings, workers=request.workers, address=request.address)
    from likeness_guard.core.collections.local_engine import LocalEngine

    return LocalEngine(engine, settings, workers=request.workers, expected=expected)


def _manifest(data_folder: Path, name: str) -> Manifest | None:
    from likeness_guard.core.collections.collection import open_collection

    opened = open_collection(data_folder, name)
    return None if opened is None else opened[1]


def collections(data_folder: Path) -> list[CollectionSummary]:
    """Every collection of the data folder's workspace, by name."""
    from likeness_guard.core.collections.collection import all_collections
    from likeness_guard.core.collections.names import collection_folder

    return [
        _summary(collection_folder(data_folder, m.name), m) for m in all_collections(data_folder)
    ]


def collection_summary(data_folder: Path, name: str) -> CollectionSummary:
    """One collection; raises UserFacingError when there is none by that name."""
    from likeness_guard.core.collections.collection import open_collection

    opened = open_collection(data_folder, _checked_name(name))
    if opened is None:
        raise UserFacingError(_("There is no collection called '{name}'.").format(name=name))
    return _summary(*opened)


def _summary(folder: Path, manifest: Manifest) -> CollectionSummary:
    from likeness_guard.core.collections.vector_index import current_index

    index = current_index(folder, manifest)
    return CollectionSummary(
        name=manifest.name,
        folder=folder,
        images=manifest.images,
        faces=manifest.faces,
        shards=len(manifest.shards),
        pack_name=manifest.pack_name,
        created_at=manifest.created_at,
        updated_at=manifest.updated_at,
        sources=manifest.sources,
        index_kind=index.kind if index is not None else None,
    )


def build_collection_index(data_folder: Path, name: str) -> None:
    """Build the collection's vector index now (a match builds it when it is not current)."""
    from likeness_guard.core.collections.collection import open_collection, writing
    from likeness_guard.core.collections.vector_index import build_index, current_index

    opened = open_collection(data_folder, _checked_name(name))
    if opened is not None and current_index(*opened) is None:
        with writing(opened[0]):
            build_index(*opened)


def remove_collection(data_folder: Path, name: str) -> None:
    """Delete a collection and its index; raises UserFacingError when there is none."""
    from likeness_guard.core.collections.collection import delete_collection

    if not delete_collection(data_folder, _checked_name(name)):
        raise UserFacingError(_("There is no collection called '{name}'.").format(name=name))


def match_collection(
    store: Store,
    engine: FaceEngine,
    name: str,
    *,
    profile_name: str,
    preset: str | None = None,
    threshold: float | None = None,
    check_provenance: bool = True,
    on_item: Callable[[ScanItem], None] | None = None,
    cancel: CancelToken | None = None,
) -> MatchOutcome:
    """Find the profile of `store`'s case in the collection `name`; the result is a new
    scan of that case. Raises UserFacingError (no such collection or profile, a bad
    threshold, another model pack)."""
    from likeness_guard.core.collections.collection import open_collection
    from likeness_guard.core.collections.matching import match_case

    opened = open_collection(store.folder, _checked_name(name))
    if opened is None:
        raise UserFacingError(_("There is no collection called '{name}'.").format(name=name))
    try:
        chosen, preset_name = resolve_threshold(preset, threshold)
    except ValueError as exc:
        raise UserFacingError(str(exc)) from exc
    profile = find_profile(store, profile_name)
    folder, manifest = opened
    outcome = match_case(
        store, engine, profile, name, folder, manifest, threshold=chosen, preset=preset_name,
        check_provenance=check_provenance, on_item=on_item, cancel=cancel,
    )  # fmt: skip
    details = (
        f"collection={name} images={manifest.images} threshold={chosen:.2f} "
        f"matches={outcome.matches} possible={outcome.possible} known={outcome.known_pictures}"
    )
    record(
        store,
        AuditAction.COLLECTION_MATCHED,
        f"scan {outcome.scan_id}",
        details,
        profile_id=profile.id,
    )
    return outcome


def summary_json(summary: CollectionSummary) -> JsonDict:
    return {
        "name": summary.name,
        "folder": str(summary.folder),
        "images": summary.images,
        "faces": summary.faces,
        "shards": summary.shards,
        "model_pack": summary.pack_name,
        "created_at": summary.created_at,
        "updated_at": summary.updated_at,
        "sources": list(summary.sources),
        "index": summary.index_kind,
    }


def add_json(result: AddResult) -> JsonDict:
    return {
        "collection": result.name,
        "analysed": result.analysed,
        "unchanged": result.unchanged,
        "copied": result.copied,
        "errors": result.errors,
        "skipped": result.skipped,
        "faces": result.faces,
        "seconds": round(result.seconds, 3),
        "images_per_second": round(result.images_per_second, 3),
    }


def match_json(outcome: MatchOutcome) -> JsonDict:
    return {
        "scan_id": outcome.scan_id,
        "items": outcome.candidates,
        "matches": outcome.matches,
        "possible_matches": outcome.possible,
        "known_pictures": outcome.known_pictures,
        "index_seconds": round(outcome.index_seconds, 3),
        "query_seconds": round(outcome.query_seconds, 3),
    }
