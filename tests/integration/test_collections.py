"""End to end: a collection analysed once, matched for a case, against a scan of the same
images for that case (real models, real photos shipped in packages, images made here)."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from likeness_guard.core.domain.records import MatchTier, ScanItem, item_tier
from likeness_guard.core.services.audit import AuditAction, audit_entries
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main


def _save(image: Image.Image, path: Path, fmt: str, **options: Any) -> None:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    path.write_bytes(buffer.getvalue())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> Path:
    """Matches, strangers, a drawn-looking copy, a tight crop, small faces and bad files."""
    folder = tmp_path_factory.mktemp("collection_images")
    yao = Image.open(photos["yaoming"]).convert("RGB")
    players = Image.open(photos["players"]).convert("RGB")
    for name in ("players", "gdp", "t1"):
        (folder / f"{name}.jpg").write_bytes(photos[name].read_bytes())
    (folder / "tom.png").write_bytes(photos["tom_hanks"].read_bytes())
    (folder / "sub").mkdir()
    (folder / "sub" / "players_again.jpg").write_bytes(photos["players"].read_bytes())
    _save(yao, folder / "sub" / "yao_q30.jpg", "JPEG", quality=30)
    _save(yao.convert("L"), folder / "yao_grey.png", "PNG")
    _save(yao.resize((yao.width // 3, yao.height // 3)), folder / "yao_small.jpg", "JPEG")
    _save(
        players.resize((players.width * 2 // 3, players.height * 2 // 3)), folder / "p.webp", "WEBP"
    )
    _save(yao.quantize(6).convert("RGB"), folder / "yao_flat.png", "PNG")
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "text.jpg").write_text("not an image\n")
    return folder


def _cli(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> Path:
    data = tmp_path_factory.mktemp("case")
    assert _cli(data, "enroll", str(photos["yaoming"])) == 0
    return data


def _listed(store: Store, scan_id: int) -> dict[str, tuple[Any, ...]]:
    """Every item of a scan that has a tier, as the review lists it."""
    listed: dict[str, tuple[Any, ...]] = {}
    for item in store.items(scan_id):
        if item_tier(item) is not MatchTier.NONE:
            listed[item.source] = _facts(item)
    return listed


def _facts(item: ScanItem) -> tuple[Any, ...]:
    faces = tuple((f.bbox, f.similarity, f.match, f.drawn, f.turned) for f in item.faces)
    return (item_tier(item), item.match, item.best_similarity, item.sha256, item.width,
            item.height, item.picture_pdq, item.evidence_kept, faces)  # fmt: skip


def test_matching_a_collection_finds_what_a_scan_finds(case: Path, folder: Path) -> None:
    assert _cli(case, "scan", str(folder)) == 0
    out = case / "add.json"
    assert _cli(case, "collection", "add", "forum", str(folder), "--json", str(out)) == 0
    added = json.loads(out.read_text())
    assert added["analysed"] == 11  # the second players.jpg is copied, not analysed
    assert added["copied"] == 1
    assert added["errors"] == 2
    out = case / "match.json"
    assert _cli(case, "collection", "match", "forum", "--json", str(out)) == 0
    matched = json.loads(out.read_text())
    with Store.open(case) as store:
        scans = store.scans()
        scanned, from_collection = scans[1].id, scans[0].id
        assert from_collection == matched["scan_id"]
        expected = _listed(store, scanned)
        found = _listed(store, from_collection)
        logged = [e for e in audit_entries(store) if e.action is AuditAction.COLLECTION_MATCHED]
    assert [e.subject for e in logged] == [f"scan {from_collection}"]
    assert "collection=forum" in logged[0].details
    assert sum(1 for facts in expected.values() if facts[1]) >= 6  # Yao Ming is there
    assert found == expected
    assert matched["matches"] == sum(1 for facts in expected.values() if facts[1])


def test_adding_unchanged_files_again_analyses_nothing(case: Path, folder: Path) -> None:
    assert _cli(case, "collection", "add", "again", str(folder)) == 0
    out = case / "again.json"
    assert _cli(case, "collection", "add", "again", str(folder), "--json", str(out)) == 0
    again = json.loads(out.read_text())
    assert again["analysed"] == 0
    assert again["copied"] == 0
    assert again["unchanged"] == 12
    # A file touched, not changed: its bytes are known, so its faces are copied.
    touched = folder / "gdp.jpg"
    touched.write_bytes(touched.read_bytes())
    assert _cli(case, "collection", "add", "again", str(folder), "--json", str(out)) == 0
    again = json.loads(out.read_text())
    assert (again["analysed"], again["copied"], again["unchanged"]) == (0, 1, 11)


def test_a_confirmed_picture_is_found_again_with_the_face_hidden(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    data = tmp_path / "data"
    assert _cli(data, "enroll", str(photos["yaoming"])) == 0
    first = tmp_path / "first"
    first.mkdir()
    (first / "players.jpg").write_bytes(photos["players"].read_bytes())
    assert _cli(data, "scan", str(first)) == 0
    with Store.open(data) as store:
        (item,) = store.matches()
    assert item.sha256 is not None
    assert _cli(data, "review", item.sha256[:12], "--this-is-me") == 0
    # The same picture re-posted, with Yao Ming's face painted over.
    repost = tmp_path / "repost"
    repost.mkdir()
    players = Image.open(photos["players"]).convert("RGB")
    ImageDraw.Draw(players).rectangle((700, 120, 795, 215), fill=(20, 20, 20))
    _save(players, repost / "players_hidden.jpg", "JPEG", quality=85)
    (repost / "gdp.jpg").write_bytes(photos["gdp"].read_bytes())
    assert _cli(data, "collection", "add", "reposts", str(repost)) == 0
    out = tmp_path / "match.json"
    assert _cli(data, "collection", "match", "reposts", "--json", str(out)) == 0
    matched = json.loads(out.read_text())
    assert matched["known_pictures"] == 1
    with Store.open(data) as store:
        items = list(store.items(matched["scan_id"]))
    assert [Path(i.source).name for i in items if i.match] == ["players_hidden.jpg"]
    assert all(not face.match for i in items for face in i.faces)  # no face shows him


def test_the_ray_engine_without_ray_says_how_to_install_it(tmp_path: Path, folder: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['ray'] = None\n"
        "from likeness_guard.main import main\n"
        f"sys.exit(main(['--data-dir', {str(tmp_path)!r}, 'collection', 'add', 'c', "
        f"{str(folder)!r}, '--engine', 'ray']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'likeness-guard[cluster]'" in done.stderr


def test_a_case_s_match_is_written_into_that_case_only(
    tmp_path: Path, photos: dict[str, Path], folder: Path
) -> None:
    from likeness_guard.core.services.cases import case_folder

    workspace = tmp_path / "workspace"
    assert _cli(workspace, "enroll", str(photos["yaoming"])) == 0  # the first case
    assert _cli(workspace, "case", "new", "2026-0001") == 0
    assert _cli(workspace, "--case", "2026-0001", "enroll", str(photos["yaoming"])) == 0
    assert _cli(workspace, "collection", "add", "shared", str(folder)) == 0
    out = tmp_path / "list.json"
    # One collection for the whole workspace: the other case sees it too.
    assert _cli(workspace, "--case", "2026-0001", "collection", "list", "--json", str(out)) == 0
    assert [c["name"] for c in json.loads(out.read_text())["collections"]] == ["shared"]
    assert _cli(workspace, "--case", "2026-0001", "collection", "match", "shared") == 0
    with Store.open(case_folder(workspace, "2026-0001")) as second:
        assert len(second.scans()) == 1
        assert second.matches()
    with Store.open(workspace) as first:
        assert first.scans() == []
        assert first.matches() == []


def test_a_web_page_added_once_is_matched_without_fetching_it_again(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    from tests.unit.sources.local_server import LocalServer

    page = b'<html><body><img src="/img/players.jpg"><img src="/img/gdp.jpg"></body></html>'
    server = LocalServer()
    server.serve("/page.html", page, "text/html; charset=utf-8")
    server.serve("/img/players.jpg", photos["players"].read_bytes(), "image/jpeg")
    server.serve("/img/gdp.jpg", photos["gdp"].read_bytes(), "image/jpeg")
    data = tmp_path / "data"
    try:
        assert _cli(data, "enroll", str(photos["yaoming"])) == 0
        url = server.url("/page.html")
        argv = ("collection", "add", "crawl", url, "--allow-private-addresses")
        assert _cli(data, *argv) == 0
    finally:
        server.close()  # matching needs no network: the page and its images are kept
    out = tmp_path / "match.json"
    assert _cli(data, "collection", "match", "crawl", "--json", str(out)) == 0
    with Store.open(data) as store:
        (item,) = store.matches(json.loads(out.read_text())["scan_id"])
        assert item.source.endswith("/img/players.jpg")
        assert item.web is not None
        assert item.web.page_url == url
        assert item.evidence_kept
        assert item.sha256 is not None
        assert store.evidence.get(item.sha256) == photos["players"].read_bytes()
