"""IPTC/XMP: digital source types, credit lines, creator tools, Draw Things, hostile XML."""

import json
import time

import pytest

from likeness_guard.core.domain.words import describe_synthetic
from likeness_guard.core.provenance import Strength, SyntheticStatus, inspect_bytes
from likeness_guard.core.provenance.xmp import parse_xmp, scan_for_packets

from .provenance_fixtures import jpeg_bytes, jpeg_with_xmp, png_bytes, webp_bytes, xmp_packet

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("trainedAlgorithmicMedia", SyntheticStatus.AI_GENERATED),
        ("algorithmicMedia", SyntheticStatus.AI_GENERATED),
        ("compositeWithTrainedAlgorithmicMedia", SyntheticStatus.AI_EDITED),
        ("compositeSynthetic", SyntheticStatus.AI_EDITED),
        ("algorithmicallyEnhanced", SyntheticStatus.AI_EDITED),
        ("digitalCapture", SyntheticStatus.NO_MARKER_FOUND),
    ],
)
def test_digital_source_type_attribute_in_jpeg(code: str, status: SyntheticStatus) -> None:
    packet = xmp_packet(attributes=f'Iptc4xmpExt:DigitalSourceType="{IPTC}{code}"')
    report = inspect_bytes(jpeg_with_xmp(jpeg_bytes(), packet))
    assert report.status is status
    kinds = [i.kind for i in report.indicators]
    assert kinds == ["iptc_digital_source_type"]
    assert report.indicators[0].strength is Strength.DECLARED
    assert report.indicators[0].evidence["code"] == code


def test_digital_source_type_as_resource_element_in_png_itxt() -> None:
    packet = xmp_packet(
        elements=f'<Iptc4xmpExt:DigitalSourceType rdf:resource="{IPTC}trainedAlgorithmicMedia"/>'
    )
    data = png_bytes(itxt={"XML:com.adobe.xmp": packet.decode("utf-8")})
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.AI_GENERATED
    assert describe_synthetic(report).badge == "AI-generated"


def test_made_with_google_ai_credit_in_webp() -> None:
    packet = xmp_packet(
        attributes=f'Iptc4xmpExt:DigitalSourceType="{IPTC}trainedAlgorithmicMedia"',
        elements="<photoshop:Credit>Made with Google AI</photoshop:Credit>",
    )
    report = inspect_bytes(webp_bytes(xmp=packet))
    assert report.format == "webp"
    assert report.status is SyntheticStatus.AI_GENERATED
    assert {i.kind for i in report.indicators} == {"iptc_digital_source_type", "credit_line"}


def test_ai_generated_image_description_alone() -> None:
    packet = xmp_packet(
        elements='<dc:description><rdf:Alt><rdf:li xml:lang="x-default">AI Generated Image'
        "</rdf:li></rdf:Alt></dc:description>"
    )
    report = inspect_bytes(jpeg_with_xmp(jpeg_bytes(), packet))
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].kind == "credit_line"


def test_creator_tool_of_known_generator() -> None:
    packet = xmp_packet(attributes='xmp:CreatorTool="Midjourney"')
    report = inspect_bytes(jpeg_with_xmp(jpeg_bytes(), packet))
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].kind == "xmp_creator_tool"


def test_creator_tool_of_ordinary_editor_is_nothing() -> None:
    packet = xmp_packet(attributes='xmp:CreatorTool="Adobe Photoshop 25.0 (Windows)"')
    report = inspect_bytes(jpeg_with_xmp(jpeg_bytes(), packet))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert report.indicators == ()


def test_draw_things_xmp_gives_prompt_and_model() -> None:
    settings = {
        "c": "a woman reading",
        "model": "flux_1_dev_q8p.ckpt",
        "sampler": "DPM++ 2M",
        "seed": 99,
        "steps": 20,
    }
    packet = xmp_packet(
        attributes='xmp:CreatorTool="Draw Things"',
        elements='<exif:UserComment><rdf:Alt><rdf:li xml:lang="x-default">'
        + json.dumps(settings).replace("&", "&amp;").replace("<", "&lt;")
        + "</rdf:li></rdf:Alt></exif:UserComment>",
    )
    data = png_bytes(itxt={"XML:com.adobe.xmp": packet.decode("utf-8")})
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.AI_GENERATED
    generator = [i for i in report.indicators if i.kind == "generator_metadata"]
    assert generator[0].evidence["generator"] == "Draw Things"
    assert generator[0].evidence["prompt"] == "a woman reading"
    assert generator[0].evidence["models"] == ["flux_1_dev_q8p.ckpt"]


def test_invalid_xmp_becomes_unreadable_indicator() -> None:
    data = jpeg_with_xmp(jpeg_bytes(), b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF></x:xmpmeta>")
    report = inspect_bytes(data)
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert [i.kind for i in report.indicators] == ["unreadable"]


def test_entity_expansion_is_refused_quickly() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>&lol3;</x:xmpmeta>"
    )
    started = time.perf_counter()
    with pytest.raises(ValueError, match="not valid XML"):
        parse_xmp(bomb)
    # The refusal is the check; the bound (10x+ what it takes) only catches a parser that
    # expands the entities and hangs.
    assert time.perf_counter() - started < 10


def test_packet_scan_finds_xmp_in_unknown_container() -> None:
    packet = xmp_packet(attributes=f'Iptc4xmpExt:DigitalSourceType="{IPTC}trainedAlgorithmicMedia"')
    blob = b"\x00" * 100 + packet + b"\x00" * 100
    packets = scan_for_packets(blob)
    assert len(packets) == 1
    assert any(p.name == "DigitalSourceType" for p in parse_xmp(packets[0]))
