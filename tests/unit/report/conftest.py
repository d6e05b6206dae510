"""A real scan of the sample photos, made once per module, for the report tests."""

import gzip
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.sources.web import WebOptions
from likeness_guard.core.storage.store import Store
from tests.unit.sources.local_server import LocalServer

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


@dataclass(frozen=True)
class EvidenceData:
    """A data folder with one scan of local files and a web page, for packages."""

    folder: Path
    scan_id: int
    scanned: Path
    page_url: str
    image_url: str  # the address on the page, which redirects to the image


def rotated_jpeg(path: Path, orientation: int = 6) -> bytes:
    """The photo's pixels turned so that EXIF `orientation` shows it upright again."""
    image = Image.open(path).convert("RGB")
    # Orientation 6 means "turn the stored pixels 90 degrees clockwise to display".
    stored = image.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture(scope="session")
def evidence_data(
    tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path], engine: FaceEngine
) -> EvidenceData:
    """Enroll Yao Ming; scan a folder (a team photo, an EXIF-rotated copy of him, his very
    reference photo) and a gzip-compressed web page whose image is behind a redirect."""
    root = tmp_path_factory.mktemp("evidence")
    scanned = root / "Downloads"
    scanned.mkdir()
    shutil.copy(photos["players"], scanned / "team.jpg")
    (scanned / "rotated.jpg").write_bytes(rotated_jpeg(photos["yaoming"]))
    shutil.copy(photos["yaoming"], scanned / "my own photo.jpg")
    server = LocalServer()
    try:
        page = b'<html><body><h1>gallery</h1><img src="/i/old.jpg"></body></html>'
        server.route(
            "/gallery.html",
            lambda request: request.reply(
                200, gzip.compress(page), "text/html", {"Content-Encoding": "gzip"}
            ),
        )
        server.redirect("/i/old.jpg", "/i/players.jpg?size=large&v=2")
        server.serve("/i/players.jpg", photos["players"].read_bytes(), "image/jpeg")
        page_url = server.url("/gallery.html")
        data = root / "data"
        with Store.open(data) as store:
            profile = store.profile("Jane Q. Sample", create=True)
            assert profile is not None
            assert enroll_file(store, engine, profile, photos["yaoming"]).accepted
            profile = store.profile("Jane Q. Sample")
            assert profile is not None
            options = ScanOptions(threshold=0.36, web=WebOptions(allow_private_addresses=True))
            scan_id = run_scan(store, engine, profile, [str(scanned), page_url], options)
        return EvidenceData(data, scan_id, scanned, page_url, server.url("/i/old.jpg"))
    finally:
        server.close()


@pytest.fixture
def evidence_store(evidence_data: EvidenceData, tmp_path: Path) -> Iterator[tuple[Store, int]]:
    """A private copy of the evidence data folder."""
    copy = tmp_path / "evidence-data"
    shutil.copytree(evidence_data.folder, copy)
    with Store.open(copy) as store:
        yield store, evidence_data.scan_id
