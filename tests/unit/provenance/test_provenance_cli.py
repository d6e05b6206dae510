"""The `inspect` command: one item per source, in order, errors as items, JSON and text."""

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from likeness_guard.cli import inspect_cmd
from likeness_guard.core.provenance import NO_MARKER_CAVEAT
from tests.unit.sources.local_server import LocalServer

from .provenance_fixtures import A1111_PARAMETERS, jpeg_bytes, png_bytes


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="likeness-guard")
    subparsers = parser.add_subparsers(dest="command")
    inspect_cmd.register(subparsers)
    return parser.parse_args(argv)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    generated = tmp_path / "generated.png"
    generated.write_bytes(png_bytes({"parameters": A1111_PARAMETERS}))
    disguised = tmp_path / "disguised.jpg"  # a PNG with a .jpg name
    disguised.write_bytes(png_bytes({"parameters": A1111_PARAMETERS}))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_bytes())
    junk = tmp_path / "notes.jpg"
    junk.write_bytes(b"just some text")
    return {"generated": generated, "disguised": disguised, "photo": photo, "junk": junk}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


def test_json_items_in_order_with_errors_as_items(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], server: LocalServer
) -> None:
    missing = str(tmp_path / "missing.png")
    url = server.serve("/a.jpg", files["generated"].read_bytes(), "image/jpeg")
    page = server.serve("/page.html", b"<html><img src=a.jpg></html>", "text/html")
    sources = [
        str(files["generated"]),
        missing,
        url,
        str(files["disguised"]),
        str(files["photo"]),
        str(files["junk"]),
        page,
    ]
    args = _parse(["inspect", *sources, "--allow-private-addresses", "--json", "-"])
    code = args.func(args)
    document = json.loads(capsys.readouterr().out)
    items = document["items"]
    assert [item["source"] for item in items] == sources
    assert code == 1  # some sources could not be read
    assert items[0]["synthetic"]["status"] == "ai_generated"
    assert items[0]["format"] == "png"
    assert len(items[0]["sha256"]) == 64
    assert items[1]["error"] == "file not found"
    assert items[2]["synthetic"]["status"] == "ai_generated"  # fetched, read by its bytes
    assert items[3]["format"] == "png"
    assert items[3]["synthetic"]["status"] == "ai_generated"
    assert items[4]["synthetic"] == {"status": "no_marker_found", "indicators": []}
    assert items[5]["synthetic"]["status"] == "unreadable"
    assert items[6]["error"].startswith("this address is a web page, not an image")
    assert len(server.requests_to("/a.jpg")) == 1  # the page's image was not fetched again


def test_human_output_one_line_per_file(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _parse(["inspect", str(files["generated"]), str(files["photo"])])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{files['generated']}: AI settings found")
    assert lines[1] == f"{files['photo']}: no marker found. {NO_MARKER_CAVEAT}"


def test_json_file_is_written(files: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    args = _parse(["inspect", str(files["photo"]), "--json", str(target)])
    assert args.func(args) == 0
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["items"][0]["source"] == str(files["photo"])


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parse(["inspect", "--help"])
    assert "likeness-guard inspect suspicious.jpg" in capsys.readouterr().out
