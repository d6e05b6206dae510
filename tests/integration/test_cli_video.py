"""End to end through the CLI: a video behind a web page, the same video as a direct link, and
broken video files in a folder, with the JSON keys a video item adds."""

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from likeness_guard.main import main
from tests.unit.provenance.provenance_fixtures import COMFY_PROMPT, COMFY_WORKFLOW
from tests.unit.sources.local_server import LocalServer
from tests.video_maker import Shot, make_video

PAGE = b"""<!doctype html><html><head><title>clip</title></head><body>
<video controls width="480"><source src="/v/clip.mp4" type="video/mp4"></video>
</body></html>"""


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> bytes:
    path = tmp_path_factory.mktemp("cli-video") / "clip.mp4"
    shots = [Shot(photos["gdp"], 2), Shot(photos["yaoming"], 2), Shot(photos["tom_hanks"], 2)]
    return make_video(path, shots).read_bytes()


@pytest.fixture
def site(clip: bytes) -> Iterator[LocalServer]:
    server = LocalServer()
    server.serve("/page.html", PAGE, "text/html; charset=utf-8")
    server.serve("/v/clip.mp4", clip, "video/mp4")
    yield server
    server.close()


def scan_json(data: Path, *targets: str) -> dict[str, Any]:
    out = data / "scan.json"
    argv = ["--data-dir", str(data), "scan", *targets, "--allow-private-addresses"]
    assert main([*argv, "--json", str(out)]) == 0
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def check_video_item(item: dict[str, Any], clip: bytes) -> None:
    assert item["status"] == "ok"
    assert item["media"] == "video"
    assert item["match"] is True
    assert item["sha256"] == hashlib.sha256(clip).hexdigest()
    assert item["md5"] == hashlib.md5(clip).hexdigest()
    assert item["duration_s"] == pytest.approx(6.0, abs=0.2)
    assert item["frames_examined"] >= 12
    [segment] = item["segments"]
    assert set(segment) == {"start_s", "end_s", "best_similarity", "best_frame_s"}
    assert 1.5 <= segment["start_s"] <= 2.5
    assert 3.5 <= segment["end_s"] <= 4.5
    assert item["best_similarity"] == segment["best_similarity"]
    assert item["frame_pdq"]["frame_s"] == item["best_frame_s"] == segment["best_frame_s"]
    assert len(item["frame_pdq"]["hash"]) == 64
    assert [face["frame_s"] for face in item["faces"]] == [item["best_frame_s"]]
    assert item["video"]["codec"] == "h264"
    assert item["video"]["complete"] is True


def test_the_same_video_behind_a_page_and_as_a_direct_link_is_found(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer, clip: bytes
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0

    [from_page] = scan_json(data, site.url("/page.html"))["items"]
    check_video_item(from_page, clip)
    assert from_page["url"] == site.url("/v/clip.mp4")
    assert from_page["page_url"] == site.url("/page.html")
    assert from_page["http"]["status"] == 200
    assert from_page["page"]["sha256"] == hashlib.sha256(PAGE).hexdigest()

    [direct] = scan_json(data, site.url("/v/clip.mp4"))["items"]
    check_video_item(direct, clip)
    assert direct["url"] == site.url("/v/clip.mp4")
    assert direct["page_url"] is None
    # The video itself is kept as evidence, byte for byte.
    kept = data / "evidence" / direct["sha256"][:2] / direct["sha256"]
    assert kept.read_bytes() == clip


def test_truncated_and_fake_videos_are_clear_errors_in_the_json(
    tmp_path: Path, photos: dict[str, Path], clip: bytes
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "cut.mp4").write_bytes(clip[: len(clip) // 2])
    (folder / "fake.mp4").write_bytes(b"<html>This video has been removed</html>")
    (folder / "whole.mp4").write_bytes(clip)
    items = {Path(i["source"]).name: i for i in scan_json(data, str(folder))["items"]}
    assert items["cut.mp4"]["status"] == "error"
    assert items["cut.mp4"]["error"].startswith("the video is incomplete")
    assert items["cut.mp4"]["media"] == "video"
    assert items["fake.mp4"]["status"] == "error"
    assert items["fake.mp4"]["error"].startswith("not a video")
    check_video_item(items["whole.mp4"], clip)


def test_inspect_reads_the_ai_markers_of_a_video(tmp_path: Path, photos: dict[str, Path]) -> None:
    comment = json.dumps({"prompt": json.dumps(COMFY_PROMPT), "workflow": COMFY_WORKFLOW})
    path = make_video(
        tmp_path / "generated.mp4", [Shot(photos["gdp"], 0.5)], metadata={"comment": comment}
    )
    out = tmp_path / "inspect.json"
    assert main(["inspect", str(path), "--json", str(out)]) == 0
    [item] = json.loads(out.read_text())["items"]
    assert item["media"] == "video"
    assert item["md5"] == hashlib.md5(path.read_bytes()).hexdigest()
    assert item["synthetic"]["status"] == "ai_generated"
    assert item["synthetic"]["indicators"][0]["evidence"]["generator"] == "ComfyUI"
