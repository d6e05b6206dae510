"""`enroll --face N`, small faces with a warning, and the advice, through the command line."""

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from likeness_guard.core.domain.words import ENROLL_ADVICE
from likeness_guard.main import main

YAO_IN_BIG_PLAYERS = 4  # see tests/unit/pipeline/test_enroll_choice.py


@pytest.fixture(scope="module")
def big_players(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> Path:
    path = tmp_path_factory.mktemp("group") / "players-big.png"
    with Image.open(photos["players"]) as opened:
        image = opened.convert("RGB")
    image.resize((image.width * 2, image.height * 2), Image.Resampling.LANCZOS).save(path)
    return path


def test_a_group_photo_is_refused_with_its_faces_listed(
    tmp_path: Path, big_players: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "enroll", str(big_players)]) == 1
    out = capsys.readouterr().out
    assert "faces found — choose which one is you" in out
    assert "The faces, largest first:" in out
    assert "face 1: 86 pixels wide, middle" in out
    assert "face 4: 88 pixels wide, top" in out
    assert "To use yours, run enroll again with --face N, e.g. --face 1." in out
    assert "now has 0 reference photos." in out


def test_face_n_enrolls_that_face_and_it_then_matches_another_photo(
    tmp_path: Path,
    big_players: Path,
    photos: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(tmp_path / "data")
    command = ["--data-dir", data, "enroll", str(big_players), "--face", str(YAO_IN_BIG_PLAYERS)]
    assert main(command) == 0
    out = capsys.readouterr().out
    assert "accepted  " in out
    assert "1. players-big.png: your only photo so far" in out
    assert ENROLL_ADVICE in out
    folder = tmp_path / "to-scan"
    folder.mkdir()
    shutil.copy(photos["yaoming"], folder / "yaoming.jpg")
    shutil.copy(photos["tom_hanks"], folder / "tom_hanks.png")
    report = tmp_path / "scan.json"
    assert main(["--data-dir", data, "scan", str(folder), "--json", str(report)]) == 0
    items = {Path(item["source"]).name: item for item in json.loads(report.read_text())["items"]}
    assert items["yaoming.jpg"]["match"]
    assert not items["tom_hanks.png"]["match"]


def test_a_50_pixel_face_is_accepted_with_a_note(
    tmp_path: Path, photos: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    small = tmp_path / "yao-small.png"
    with Image.open(photos["yaoming"]) as opened:
        opened.convert("RGB").resize((108, 134), Image.Resampling.LANCZOS).save(small)
    assert main(["--data-dir", str(tmp_path / "data"), "enroll", str(small)]) == 0
    out = capsys.readouterr().out
    assert "note: your face is small in this photo (50 pixels wide), so it is kept" in out


def test_face_goes_with_one_photo(
    tmp_path: Path, photos: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    two = [str(photos["yaoming"]), str(photos["gdp"])]
    assert main(["--data-dir", str(tmp_path), "enroll", *two, "--face", "2"]) == 2
    assert "--face N goes with exactly one photo" in capsys.readouterr().out


def test_help_gives_the_advice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["enroll", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "exact photos you fear were misused" in out
    assert "--face N" in out
    assert "from 48 it is kept with a warning" in out
