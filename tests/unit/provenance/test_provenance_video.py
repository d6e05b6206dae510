"""AI markers in videos: ComfyUI settings in the MP4 comment, XMP boxes, Content Credentials."""

import json
from pathlib import Path

import pytest

from likeness_guard.core.provenance import Strength, SyntheticStatus
from likeness_guard.core.provenance.video import inspect_video
from tests.video_maker import Shot, make_video

from .provenance_fixtures import (
    A1111_PARAMETERS,
    COMFY_PROMPT,
    COMFY_WORKFLOW,
    DST,
    c2pa_sign,
    manifest,
    xmp_packet,
)

XMP_BOX_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> Path:
    return photos["gdp"]


def clip(folder: Path, photo: Path, name: str = "clip.mp4", **metadata: str) -> Path:
    return make_video(folder / name, [Shot(photo, 0.5)], size=(96, 64), metadata=metadata)


def with_xmp_box(data: bytes, packet: bytes) -> bytes:
    """The MP4 with Adobe's top-level XMP `uuid` box appended, as Premiere writes it."""
    body = XMP_BOX_UUID + packet
    return data + (8 + len(body)).to_bytes(4, "big") + b"uuid" + body


def test_comfyui_video_combine_settings_in_the_comment(tmp_path: Path, photo: Path) -> None:
    # ComfyUI-VideoHelperSuite's Video Combine writes this JSON into the MP4 comment.
    comment = json.dumps({"prompt": json.dumps(COMFY_PROMPT), "workflow": COMFY_WORKFLOW})
    path = clip(tmp_path, photo, comment=comment)
    report = inspect_video(path, "mp4")
    assert report.status is SyntheticStatus.AI_GENERATED
    lead = report.indicators[0]
    assert lead.kind == "generator_metadata"
    assert lead.evidence["generator"] == "ComfyUI"
    assert lead.evidence["prompt"].startswith("a woman in a red dress")
    assert "comment" in str(lead.evidence["where"])


def test_a1111_style_settings_in_the_description(tmp_path: Path, photo: Path) -> None:
    path = clip(tmp_path, photo, description=A1111_PARAMETERS)
    report = inspect_video(path, "mp4")
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].evidence.get("seed") == "1234567"


def test_iptc_digital_source_type_in_an_mp4_xmp_box(tmp_path: Path, photo: Path) -> None:
    packet = xmp_packet(
        f'Iptc4xmpExt:DigitalSourceType="{DST}trainedAlgorithmicMedia"',
    )
    path = tmp_path / "xmp.mp4"
    path.write_bytes(with_xmp_box(clip(tmp_path, photo).read_bytes(), packet))
    report = inspect_video(path, "mp4")
    assert report.status is SyntheticStatus.AI_GENERATED
    assert any("XMP" in str(i.evidence) for i in report.indicators)


def test_content_credentials_in_an_mp4(tmp_path: Path, photo: Path) -> None:
    source = clip(tmp_path, photo).read_bytes()
    definition = manifest(
        [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}],
        generator="Video Model",
    )
    path = tmp_path / "signed.mp4"
    path.write_bytes(c2pa_sign(definition, source, mime="video/mp4"))
    report = inspect_video(path, "mp4")
    assert report.status is SyntheticStatus.AI_GENERATED
    [c2pa] = [i for i in report.indicators if i.kind == "c2pa"]
    assert c2pa.strength is Strength.DECLARED
    assert c2pa.evidence["integrity"] == "ok"


def test_a_plain_video_has_no_marker_and_a_broken_one_is_unreadable(
    tmp_path: Path, photo: Path
) -> None:
    report = inspect_video(clip(tmp_path, photo), "mp4")
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert report.indicators == ()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x20ftypisom" + b"\x00" * 40)
    assert inspect_video(broken, "mp4").status is SyntheticStatus.UNREADABLE
