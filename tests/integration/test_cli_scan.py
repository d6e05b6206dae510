"""End to end through the CLI: enroll Yao Ming, scan a folder of real and hostile files."""

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from likeness_guard.main import main

EXPECTED_MATCHES = {
    "players.jpg",
    "players_copy.jpg",
    "players.png",
    "players.webp",
    "yao_larger.jpg",
    "yao_recompressed.jpg",
    "yao_exif_rotated.jpg",
    "yao_grayscale.png",
    "yao_small_in_big_canvas.jpg",
    "yao_no_extension",
}
EXPECTED_NON_MATCHES = {"gdp.jpg", "t1.jpg"}
EXPECTED_ERRORS = {"empty.jpg", "truncated.jpg", "text.jpg", "bomb.png"}


def save(image: Image.Image, path: Path, fmt: str, **options: Any) -> None:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    path.write_bytes(buffer.getvalue())


@pytest.fixture(scope="module")
def scan_folder(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> Path:
    folder = tmp_path_factory.mktemp("to_scan")
    yao = Image.open(photos["yaoming"]).convert("RGB")
    players = Image.open(photos["players"]).convert("RGB")
    for name in ("players", "gdp", "t1"):
        (folder / f"{name}.jpg").write_bytes(photos[name].read_bytes())
    (folder / "players_copy.jpg").write_bytes(photos["players"].read_bytes())
    save(players, folder / "players.png", "PNG")
    save(players, folder / "players.webp", "WEBP", quality=90)
    save(yao.resize((yao.width * 3 // 2, yao.height * 3 // 2)), folder / "yao_larger.jpg", "JPEG")
    save(yao, folder / "yao_recompressed.jpg", "JPEG", quality=35)
    exif = Image.Exif()
    exif[0x0112] = 8  # stored rotated; "rotate 270° to display"
    save(
        yao.transpose(Image.Transpose.ROTATE_270),
        folder / "yao_exif_rotated.jpg",
        "JPEG",
        exif=exif.tobytes(),
    )
    save(yao.convert("L"), folder / "yao_grayscale.png", "PNG")
    canvas = Image.new("RGB", (4000, 3000), (200, 190, 180))
    canvas.paste(yao.resize((yao.width // 2, yao.height // 2)), (3100, 2200))
    save(canvas, folder / "yao_small_in_big_canvas.jpg", "JPEG", quality=90)
    save(yao, folder / "yao_no_extension", "JPEG")  # downloads often lose their extension
    # Hostile and broken files: each must become an error item, never a crash.
    (folder / "empty.jpg").write_bytes(b"")
    jpeg = photos["players"].read_bytes()
    (folder / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    (folder / "text.jpg").write_text("I am a text file with a .jpg name\n")
    from tests.unit.imaging.test_decode import png_claiming

    (folder / "bomb.png").write_bytes(png_claiming(50000, 50000))
    (folder / "notes.txt").write_text("not an image, not an error: ignored\n")
    hidden = folder / ".hidden"
    hidden.mkdir()
    (hidden / "yao.jpg").write_bytes(photos["yaoming"].read_bytes())
    (folder / "loop").symlink_to(folder)  # a symlink loop must not hang the walk
    if sys.platform.startswith("linux"):
        # Reading /proc/self/mem fails with EIO even for root: a real unreadable file.
        (folder / "unreadable.jpg").symlink_to("/proc/self/mem")
    return folder


@pytest.fixture(scope="module")
def scan_result(
    tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path], scan_folder: Path
) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("data")
    assert main(["--data-dir", str(data_dir), "enroll", str(photos["yaoming"])]) == 0
    out = data_dir / "scan.json"
    assert main(["--data-dir", str(data_dir), "scan", str(scan_folder), "--json", str(out)]) == 0
    document: dict[str, Any] = json.loads(out.read_text())
    document["_data_dir"] = str(data_dir)
    return document


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(item["source"]).name: item for item in document["items"]}


def test_exactly_the_expected_files_match(scan_result: dict[str, Any]) -> None:
    items = by_name(scan_result)
    matched = {name for name, item in items.items() if item["match"]}
    assert matched == EXPECTED_MATCHES
    for name in EXPECTED_NON_MATCHES:
        assert items[name]["status"] == "ok"
        assert items[name]["faces"]  # faces were seen, just not Yao Ming's


def test_the_matched_box_is_yao_mings_and_no_other_player_matches(
    scan_result: dict[str, Any],
) -> None:
    players = by_name(scan_result)["players.jpg"]
    assert len(players["faces"]) == 22
    matching = [face for face in players["faces"] if face["match"]]
    assert len(matching) == 1
    x1, y1, x2, y2 = matching[0]["bbox"]
    # Yao Ming stands at about (720-765, 142-192) in players.jpg.
    assert 700 < x1 < 740
    assert 745 < x2 < 790
    assert 120 < y1 < 160
    assert 175 < y2 < 215
    assert players["best_similarity"] == pytest.approx(0.62, abs=0.03)


def test_bad_files_become_error_items_with_reasons(scan_result: dict[str, Any]) -> None:
    items = by_name(scan_result)
    expected = set(EXPECTED_ERRORS)
    errors = {name for name, item in items.items() if item["status"] == "error"}
    assert errors == expected
    if sys.platform.startswith("linux"):
        # A link out of the folder chosen (here to /proc/self/mem) is never followed.
        skipped = {Path(entry["path"]).name: entry["reason"] for entry in scan_result["skipped"]}
        assert skipped["unreadable.jpg"] == (
            "a link to a place outside the folder you chose, not followed"
        )
    assert "empty" in items["empty.jpg"]["error"]
    assert "damaged or incomplete" in items["truncated.jpg"]["error"]
    assert "not an image" in items["text.jpg"]["error"]
    assert "too large" in items["bomb.png"]["error"]


def test_hidden_files_links_and_other_files_are_left_out(scan_result: dict[str, Any]) -> None:
    sources = [item["source"] for item in scan_result["items"]]
    assert not any(".hidden" in s or s.endswith("notes.txt") for s in sources)
    assert len(sources) == len(set(sources))  # the symlink loop did not repeat the folder


def test_identical_files_are_analysed_once(scan_result: dict[str, Any]) -> None:
    items = by_name(scan_result)
    original, copy = items["players.jpg"], items["players_copy.jpg"]
    assert copy["sha256"] == original["sha256"]
    assert (copy["duplicate_of"] is None) != (original["duplicate_of"] is None)


def test_the_json_document_has_the_documented_shape(scan_result: dict[str, Any]) -> None:
    for key in ("scan_id", "profile", "threshold", "model_pack", "started_at", "finished_at"):
        assert key in scan_result
    assert scan_result["profile"] == "me"
    assert scan_result["threshold"] == 0.36
    assert scan_result["model_pack"]["name"] == "buffalo_s"
    assert set(scan_result["model_pack"]["files"]) == {"scrfd_500m_bnkps.onnx", "w600k_mbf.onnx"}
    assert scan_result["started_at"].endswith("Z")
    item = by_name(scan_result)["players.jpg"]
    for key in (
        "source",
        "sha256",
        "status",
        "error",
        "width",
        "height",
        "faces",
        "match",
        "best_similarity",
    ):
        assert key in item
    assert set(item["faces"][0]) >= {"bbox", "det_score", "similarity", "match"}
    assert (item["width"], item["height"]) == (1237, 800)


def test_matched_bytes_are_kept_as_evidence(scan_result: dict[str, Any]) -> None:
    evidence = Path(scan_result["_data_dir"]) / "evidence"
    item = by_name(scan_result)["players.jpg"]
    assert (evidence / item["sha256"][:2] / item["sha256"]).is_file()
    gdp = by_name(scan_result)["gdp.jpg"]
    assert not (evidence / gdp["sha256"][:2] / gdp["sha256"]).exists()


def test_enrolling_and_scanning_open_no_network_connection(
    no_network: list[Any], tmp_path: Path, photos: dict[str, Path], scan_folder: Path
) -> None:
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "enroll", str(photos["yaoming"])]) == 0
    assert main(["--data-dir", data, "scan", str(scan_folder)]) == 0
    assert no_network == []


def test_enroll_rejects_a_group_photo_and_exits_1(
    tmp_path: Path, photos: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "enroll", str(photos["players"])]) == 1
    assert "faces found, all too small to use" in capsys.readouterr().out


def test_scan_without_enrolling_says_what_to_do(
    tmp_path: Path, scan_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "scan", str(scan_folder)]) == 2
    assert "Add photos of your face first" in capsys.readouterr().err


def test_forget_all_removes_every_embedding(tmp_path: Path, photos: dict[str, Path]) -> None:
    from likeness_guard.core.storage.store import Store

    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "enroll", str(photos["yaoming"])]) == 0
    assert main(["--data-dir", data, "forget", "--all"]) == 0
    with Store.open(data) as store:
        assert store.count_embeddings() == 0


def test_data_dir_comes_from_the_environment(
    tmp_path: Path, photos: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIKENESS_GUARD_HOME", str(tmp_path / "home"))
    assert main(["enroll", str(photos["yaoming"])]) == 0
    assert (tmp_path / "home" / "likeness-guard.sqlite3").is_file()
    assert oct(os.stat(tmp_path / "home").st_mode & 0o777) == "0o700"
