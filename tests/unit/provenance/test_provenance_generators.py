"""Generator metadata: PNG text chunks, EXIF UserComment, WebP EXIF, negative controls."""

import io
import json
import zlib

import pytest
from PIL import Image

from likeness_guard.core.domain.words import describe_synthetic
from likeness_guard.core.provenance import (
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
    inspect_bytes,
)

from .provenance_fixtures import (
    A1111_PARAMETERS,
    CIVITAI_PARAMETERS,
    COMFY_PROMPT,
    COMFY_WORKFLOW,
    FORGE_PARAMETERS,
    SAMPLE_PHOTOS,
    exif_bytes,
    insert_before_iend,
    jpeg_bytes,
    jpeg_with_app1,
    png_bytes,
    png_chunk,
    user_comment,
    webp_bytes,
)


def _generator(report: SyntheticReport) -> ProvenanceIndicator:
    found = [i for i in report.indicators if i.kind == "generator_metadata"]
    assert found, report
    return found[0]


def test_a1111_parameters_chunk_gives_prompt_and_model() -> None:
    report = inspect_bytes(png_bytes({"parameters": A1111_PARAMETERS}))
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.format == "png"
    indicator = _generator(report)
    assert indicator.strength is Strength.STRONG
    assert indicator.evidence["prompt"] == "photo of a woman on a beach, detailed face"
    assert indicator.evidence["negative_prompt"] == "blurry, lowres"
    assert indicator.evidence["models"] == ["realisticVision_v51"]
    assert indicator.evidence["seed"] == "1234567"
    assert describe_synthetic(report).badge is not None
    assert describe_synthetic(report).badge.startswith("AI settings found — ")


def test_forge_version_is_named() -> None:
    report = inspect_bytes(png_bytes({"parameters": FORGE_PARAMETERS}))
    assert _generator(report).evidence["generator"] == "Stable Diffusion WebUI Forge"


@pytest.mark.parametrize("writer", ["itxt", "ztxt"])
def test_compressed_and_international_text_chunks(writer: str) -> None:
    data = (
        png_bytes(itxt={"parameters": A1111_PARAMETERS})
        if writer == "itxt"
        else png_bytes(ztxt={"parameters": A1111_PARAMETERS})
    )
    assert (b"iTXt" if writer == "itxt" else b"zTXt") in data
    assert inspect_bytes(data).status is SyntheticStatus.AI_GENERATED


def test_text_chunk_after_image_data_with_bad_crc_is_read() -> None:
    body = b"parameters\x00" + A1111_PARAMETERS.encode("latin-1")
    data = insert_before_iend(png_bytes(), png_chunk(b"tEXt", body, bad_crc=True))
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.AI_GENERATED
    assert "after the image data" in _generator(report).evidence["where"]


def test_comfyui_prompt_graph_is_generated() -> None:
    data = png_bytes({"prompt": json.dumps(COMFY_PROMPT), "workflow": json.dumps(COMFY_WORKFLOW)})
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.AI_GENERATED
    indicator = _generator(report)
    assert indicator.evidence["generator"] == "ComfyUI"
    assert "a woman in a red dress" in indicator.evidence["prompt"]
    assert indicator.evidence["models"] == ["sdxl_base.safetensors"]
    assert describe_synthetic(report).badge == "AI settings found — ComfyUI"


def test_comfyui_workflow_only_is_not_a_generated_image() -> None:
    report = inspect_bytes(png_bytes({"workflow": json.dumps(COMFY_WORKFLOW)}))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert not describe_synthetic(report).flagged
    # It is still shown as a weak note, so an advocate can see the graph was there.
    assert [i.strength for i in report.indicators] == [Strength.WEAK]


@pytest.mark.parametrize(
    ("texts", "prompt"),
    [
        (
            {
                "invokeai_metadata": json.dumps(
                    {"positive_prompt": "a cat", "model": {"name": "juggernaut"}}
                )
            },
            "a cat",
        ),
        ({"sd-metadata": json.dumps({"image": {"prompt": [{"prompt": "a dog"}]}})}, "a dog"),
        ({"Dream": '"a bird on a wire" -s 50 -S 42 -W 512 -H 512'}, "a bird on a wire"),
    ],
)
def test_invokeai_variants(texts: dict[str, str], prompt: str) -> None:
    report = inspect_bytes(png_bytes(texts))
    assert report.status is SyntheticStatus.AI_GENERATED
    indicator = _generator(report)
    assert indicator.evidence["generator"] == "InvokeAI"
    assert indicator.evidence["prompt"] == prompt


def test_novelai_png_text() -> None:
    comment = {"prompt": "1girl, smiling", "uc": "lowres", "steps": 28, "sampler": "k_euler"}
    data = png_bytes(
        {
            "Title": "AI generated image",
            "Description": "1girl, smiling",
            "Software": "NovelAI",
            "Source": "NovelAI Diffusion V3 7BCCAA2C",
            "Comment": json.dumps(comment),
        }
    )
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.AI_GENERATED
    indicator = _generator(report)
    assert indicator.evidence["generator"] == "NovelAI"
    assert indicator.evidence["prompt"] == "1girl, smiling"
    assert indicator.evidence["models"] == ["NovelAI Diffusion V3 7BCCAA2C"]


def test_fooocus_json_parameters() -> None:
    params = {
        "prompt": "a woman, cinematic",
        "negative_prompt": "",
        "base_model": "juggernautXL_v8Rundiffusion.safetensors",
        "version": "Fooocus v2.5.5",
    }
    data = png_bytes({"parameters": json.dumps(params), "fooocus_scheme": "fooocus"})
    indicator = _generator(inspect_bytes(data))
    assert indicator.evidence["generator"] == "Fooocus"
    assert indicator.evidence["models"] == ["juggernautXL_v8Rundiffusion.safetensors"]


@pytest.mark.parametrize("encoding", ["ascii", "utf-16-be", "utf-16-le"])
def test_jpeg_user_comment_in_each_encoding(encoding: str) -> None:
    exif = exif_bytes(exif_ifd={0x9286: user_comment(A1111_PARAMETERS, encoding)})
    report = inspect_bytes(jpeg_bytes(exif=exif))
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.format == "jpeg"
    assert _generator(report).evidence["prompt"] == "photo of a woman on a beach, detailed face"


def test_civitai_jpeg_is_named() -> None:
    exif = exif_bytes(exif_ifd={0x9286: user_comment(CIVITAI_PARAMETERS, "utf-16-be")})
    assert _generator(inspect_bytes(jpeg_bytes(exif=exif))).evidence["generator"] == "Civitai"


def test_comfyui_jpeg_with_user_comment_in_ifd0() -> None:
    exif = exif_bytes(ifd0={0x9286: user_comment(json.dumps(COMFY_PROMPT), "ascii")})
    report = inspect_bytes(jpeg_bytes(exif=exif))
    assert _generator(report).evidence["generator"] == "ComfyUI"
    assert "IFD0" in _generator(report).evidence["where"]


def test_png_exif_chunk_user_comment() -> None:
    exif = exif_bytes(exif_ifd={0x9286: user_comment(A1111_PARAMETERS, "ascii")})
    data = png_bytes(exif=exif)
    assert b"eXIf" in data
    assert inspect_bytes(data).status is SyntheticStatus.AI_GENERATED


def test_comfyui_animated_webp_exif_make_model() -> None:
    exif = exif_bytes(
        ifd0={
            0x0110: "prompt:" + json.dumps(COMFY_PROMPT),
            0x010F: "workflow:" + json.dumps(COMFY_WORKFLOW),
        }
    )
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], exif=exif)
    report = inspect_bytes(buffer.getvalue())
    assert report.format == "webp"
    assert _generator(report).evidence["generator"] == "ComfyUI"


def test_webp_user_comment() -> None:
    exif = exif_bytes(exif_ifd={0x9286: user_comment(A1111_PARAMETERS, "utf-16-be")})
    assert inspect_bytes(webp_bytes(exif=exif)).status is SyntheticStatus.AI_GENERATED


def test_midjourney_description() -> None:
    data = png_bytes({"Description": "a lighthouse at dusk --ar 3:2 Job ID: 1b2c3d4e-aaaa"})
    indicator = _generator(inspect_bytes(data))
    assert indicator.evidence["generator"] == "Midjourney"


def test_software_field_naming_a_generator() -> None:
    exif = exif_bytes(ifd0={0x0131: "NovelAI"})
    report = inspect_bytes(jpeg_bytes(exif=exif))
    assert report.status is SyntheticStatus.AI_GENERATED


def test_description_ai_generated_image_is_declared() -> None:
    exif = exif_bytes(ifd0={0x010E: "AI Generated Image"})
    report = inspect_bytes(jpeg_bytes(exif=exif))
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].kind == "credit_line"
    assert report.indicators[0].strength is Strength.DECLARED


def test_png_saved_as_jpg_is_read_as_png(tmp_path: object) -> None:
    data = png_bytes({"parameters": A1111_PARAMETERS})
    report = inspect_bytes(data)
    assert report.format == "png"


# Negative controls --------------------------------------------------------------------------


def test_camera_photo_with_exif_has_no_marker() -> None:
    exif = exif_bytes(
        ifd0={0x010F: "Canon", 0x0110: "Canon EOS 5D Mark IV", 0x0131: "Adobe Lightroom 13.0"},
        exif_ifd={0x9286: user_comment("Family holiday, Seed Street: 12", "ascii")},
    )
    report = inspect_bytes(jpeg_bytes(exif=exif))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert report.indicators == ()
    assert not describe_synthetic(report).flagged


def test_png_with_unrelated_text_chunks_has_no_marker() -> None:
    data = png_bytes(
        {
            "Title": "Holiday",
            "Author": "Ana",
            "Software": "GIMP 2.10.36",
            "Comment": "Created with GIMP",
            "prompt": "remember to print this",
        }
    )
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert report.indicators == ()


@pytest.mark.parametrize("path", SAMPLE_PHOTOS, ids=lambda p: p.name)
def test_real_sample_photos_have_no_marker(path: object) -> None:
    from pathlib import Path

    assert isinstance(path, Path)
    report = inspect_bytes(path.read_bytes())
    assert report.status is SyntheticStatus.NO_MARKER_FOUND, report
    assert not [i for i in report.indicators if i.strength is not Strength.WEAK]


def test_sample_photos_exist() -> None:
    # The negative control above must not pass by having nothing to check.
    assert len(SAMPLE_PHOTOS) >= 5


# Malformed blocks -------------------------------------------------------------------------


def test_broken_ztxt_chunk_becomes_unreadable_indicator() -> None:
    bad = png_chunk(b"zTXt", b"parameters\x00\x00" + b"not zlib at all")
    report = inspect_bytes(insert_before_iend(png_bytes(), bad))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert [i.kind for i in report.indicators] == ["unreadable"]
    assert "zTXt" in report.indicators[0].evidence["block"]


def test_zip_bomb_text_chunk_is_refused() -> None:
    bomb = zlib.compress(b"a" * (40 * 1024 * 1024), 9)
    report = inspect_bytes(insert_before_iend(png_bytes(), png_chunk(b"zTXt", b"k\x00\x00" + bomb)))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    reasons = [i.evidence["reason"] for i in report.indicators if i.kind == "unreadable"]
    assert "compressed text is larger than 16777216 bytes" in reasons


def test_broken_invokeai_json_becomes_unreadable_indicator() -> None:
    report = inspect_bytes(png_bytes({"invokeai_metadata": "{not json"}))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert [i.kind for i in report.indicators] == ["unreadable"]


def test_broken_comfyui_prompt_becomes_unreadable_indicator() -> None:
    report = inspect_bytes(png_bytes({"prompt": '{"3": {"class_type": ', "workflow": "{}"}))
    assert any(i.kind == "unreadable" for i in report.indicators)


def test_damaged_exif_block_becomes_unreadable_indicator() -> None:
    data = jpeg_with_app1(
        jpeg_bytes(), b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff" + b"\x00" * 5
    )
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert any(i.kind == "unreadable" for i in report.indicators)


def test_truncated_png_keeps_its_metadata() -> None:
    data = png_bytes({"parameters": A1111_PARAMETERS}, image=Image.new("RGB", (300, 300), "red"))
    cut = data[: data.index(b"IDAT") + 40]
    report = inspect_bytes(cut)
    assert report.status is SyntheticStatus.AI_GENERATED
    assert any(i.kind == "unreadable" for i in report.indicators)


@pytest.mark.parametrize("data", [b"", b"hello world", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"])
def test_not_an_image_is_unreadable(data: bytes) -> None:
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.UNREADABLE
    assert report.indicators[-1].kind == "unreadable"


def test_comfyui_prompt_behind_a_link_is_followed() -> None:
    graph = json.loads(json.dumps(COMFY_PROMPT))
    graph["6"]["inputs"]["text"] = ["12", 0]
    graph["12"] = {"class_type": "PrimitiveString", "inputs": {"value": "linked prompt text"}}
    report = inspect_bytes(png_bytes({"prompt": json.dumps(graph)}))
    assert "linked prompt text" in _generator(report).evidence["prompt"]


def test_sd_parsers_failure_is_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    from sd_parsers import parsers

    calls: list[str] = []

    def explode(self: object, parameters: dict[str, object]) -> object:
        calls.append("called")
        raise TypeError("unhashable type: 'list'")

    monkeypatch.setattr(parsers.AUTOMATIC1111Parser, "parse", explode)
    text = "a woman\nSteps: 20, Sampler: Euler, Seed: 3"  # no model: sd-parsers is asked
    report = inspect_bytes(png_bytes({"parameters": text}))
    assert calls == ["called"]
    assert report.status is SyntheticStatus.AI_GENERATED
    assert _generator(report).evidence["prompt"] == "a woman"


@pytest.mark.parametrize("fmt", ["HEIF", "AVIF"])
def test_heic_and_avif_exif_and_xmp(fmt: str) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    packet = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        b'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/'
        b'trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta>'
    )
    exif = exif_bytes(exif_ifd={0x9286: user_comment(A1111_PARAMETERS, "utf-16-be")})
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "purple").save(buffer, fmt, exif=exif, xmp=packet)
    report = inspect_bytes(buffer.getvalue())
    assert report.format == ("heif" if fmt == "HEIF" else "avif")
    assert report.status is SyntheticStatus.AI_GENERATED
    assert {i.kind for i in report.indicators} == {"iptc_digital_source_type", "generator_metadata"}
