"""A real scan of the sample photos, made once per module, for the report tests."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.storage.store import Store

# Names in four scripts besides Latin, used for the pseudonym and the scanned files' paths.
CYRILLIC = "Мария Иванова"
GREEK = "Ελένη Παπαδοπούλου"
ARABIC = "مريم أحمد"
CJK = "王小明 山田花子 김민지"
PSEUDONYM = f"{CYRILLIC} · {GREEK} · {ARABIC} · {CJK}"


@dataclass(frozen=True)
class ScannedData:
    """A data folder holding one finished scan with real matches."""

    folder: Path
    scan_id: int
    scanned: Path


@pytest.fixture(scope="session")
def scanned_data(
    tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path], engine: FaceEngine
) -> ScannedData:
    """Enroll Yao Ming, scan players/gdp/t1 (players.jpg matches) in non-Latin folders."""
    root = tmp_path_factory.mktemp("report")
    scanned = root / "снимки Εικόνες"
    (scanned / "صور").mkdir(parents=True)
    (scanned / "写真").mkdir()
    shutil.copy(photos["players"], scanned / "صور" / "players.jpg")
    shutil.copy(photos["players"], scanned / "写真" / "球员.jpg")
    shutil.copy(photos["gdp"], scanned / "gdp.jpg")
    shutil.copy(photos["t1"], scanned / "t1.jpg")
    data = root / "data"
    with Store.open(data) as store:
        profile = store.profile("me", create=True)
        assert profile is not None
        assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
        profile = store.profile("me")
        assert profile is not None
        scan_id = run_scan(
            store,
            engine,
            profile,
            [str(scanned)],
            ScanOptions(threshold=0.36),
            sources=iter_path_items([scanned]),
        )
    return ScannedData(data, scan_id, scanned)


@pytest.fixture
def report_store(scanned_data: ScannedData, tmp_path: Path) -> Iterator[tuple[Store, int]]:
    """A private copy of the scanned data folder, so tests may change it."""
    copy = tmp_path / "data"
    shutil.copytree(scanned_data.folder, copy)
    with Store.open(copy) as store:
        yield store, scanned_data.scan_id
