"""C2PA Content Credentials, signed in the test with a throwaway certificate, read offline."""

import http.server
import io
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from PIL import Image

from likeness_guard.core.domain.words import describe_synthetic
from likeness_guard.core.provenance import Strength, SyntheticStatus, inspect_bytes

from .provenance_fixtures import DST, c2pa_sign, jpeg_bytes, manifest, rgb_image


def _c2pa(report: object) -> Mapping[str, Any]:
    from likeness_guard.core.provenance import SyntheticReport

    assert isinstance(report, SyntheticReport)
    found = [i for i in report.indicators if i.kind == "c2pa"]
    assert len(found) == 1, report
    return found[0].evidence


def test_ai_created_manifest_is_declared_generated() -> None:
    signed = c2pa_sign(
        manifest(
            [
                {
                    "action": "c2pa.created",
                    "digitalSourceType": DST + "trainedAlgorithmicMedia",
                    "softwareAgent": {"name": "DALL-E"},
                }
            ]
        )
    )
    report = inspect_bytes(signed)
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].kind == "c2pa"
    assert report.indicators[0].strength is Strength.DECLARED
    assert (
        describe_synthetic(report).badge == "AI-generated — Content Credentials from Example AI Lab"
    )
    evidence = _c2pa(report)
    assert evidence["integrity"] == "ok"
    assert "not on a trust list" in str(evidence["trust"])
    assert not [i for i in report.indicators if i.kind == "c2pa_integrity"]


def test_camera_capture_manifest_is_no_marker() -> None:
    signed = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "digitalSourceType": DST + "digitalCapture"}],
            generator="Camera App",
        )
    )
    report = inspect_bytes(signed)
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert not describe_synthetic(report).flagged
    assert "do not say AI was used" in report.indicators[0].summary


def test_ai_declared_only_in_ingredient_manifest() -> None:
    ingredient = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}],
            generator="ChatGPT",
        )
    )
    # The active manifest says nothing about AI: as OpenAI writes it, only the ingredient does.
    active = manifest(
        [
            {"action": "c2pa.opened", "parameters": {"ingredientIds": ["ingredient-1"]}},
            {"action": "c2pa.converted"},
        ],
        generator="Exporter",
    )
    report = inspect_bytes(c2pa_sign(active, ingredient=ingredient))
    assert report.status is SyntheticStatus.AI_GENERATED
    declarations = _c2pa(report)["declarations"]
    assert isinstance(declarations, list)
    assert any("ingredient" in str(d.get("found_in")) for d in declarations)
    assert report.indicators[0].strength is Strength.DECLARED


def test_named_active_manifest_takes_the_ingredient_declaration() -> None:
    ingredient = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}],
            generator="GPT-4o",
        )
    )
    active = manifest(
        [{"action": "c2pa.opened", "parameters": {"ingredientIds": ["ingredient-1"]}}],
        generator="ChatGPT",
    )
    report = inspect_bytes(c2pa_sign(active, ingredient=ingredient))
    assert report.status is SyntheticStatus.AI_GENERATED
    # The claim generator's name alone would be "strong"; the ingredient's declaration wins.
    assert report.indicators[0].strength is Strength.DECLARED
    assert _c2pa(report)["ai_product"] == "ChatGPT (OpenAI)"


def test_composite_with_generated_parts_is_edited() -> None:
    signed = c2pa_sign(
        manifest(
            [
                {"action": "c2pa.created", "digitalSourceType": DST + "digitalCapture"},
                {
                    "action": "c2pa.edited",
                    "digitalSourceType": DST + "compositeWithTrainedAlgorithmicMedia",
                    "softwareAgent": {"name": "Adobe Firefly"},
                },
            ]
        )
    )
    report = inspect_bytes(signed)
    assert report.status is SyntheticStatus.AI_EDITED
    assert describe_synthetic(report).badge == "AI-edited — Content Credentials from Example AI Lab"


def test_description_without_source_type_bing_style() -> None:
    signed = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "description": "AI Generated Image"}],
            generator="Image Service",
        ),
        lenient=True,
    )
    report = inspect_bytes(signed)
    assert report.status is SyntheticStatus.AI_GENERATED
    declarations = _c2pa(report)["declarations"]
    assert isinstance(declarations, list)
    assert declarations[0]["phrase"] == "AI Generated Image"


def test_generator_named_only_as_software_agent() -> None:
    signed = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "softwareAgent": "Bing Image Creator"}],
            generator="Image Service",
        ),
        lenient=True,
    )
    report = inspect_bytes(signed)
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].strength is Strength.STRONG
    assert _c2pa(report)["ai_product"] == "Bing Image Creator (Microsoft)"


def test_tampered_after_signing_is_kept_apart_from_untrusted() -> None:
    signed = bytearray(
        c2pa_sign(
            manifest(
                [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}]
            ),
            jpeg_bytes(image=rgb_image(96, 96, seed=3)),
        )
    )
    signed[-100] ^= 0xFF  # change a byte of the image data, far from the manifest
    report = inspect_bytes(bytes(signed))
    integrity = [i for i in report.indicators if i.kind == "c2pa_integrity"]
    assert len(integrity) == 1
    assert "altered after" in integrity[0].summary
    codes = [f["code"] for f in integrity[0].evidence["failures"]]
    assert "assertion.dataHash.mismatch" in codes
    assert "signingCredential.untrusted" not in codes
    evidence = _c2pa(report)
    assert evidence["integrity"] == "failed"
    assert "not on a trust list" in str(evidence["trust"])
    # It still declares AI, but no longer as an intact declaration.
    assert report.status is SyntheticStatus.AI_GENERATED
    assert report.indicators[0].strength is Strength.STRONG


def test_signed_png_is_read() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "green").save(buffer, "PNG")
    signed = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}]
        ),
        buffer.getvalue(),
        mime="image/png",
    )
    report = inspect_bytes(signed)
    assert report.format == "png"
    assert report.status is SyntheticStatus.AI_GENERATED


def test_damaged_manifest_becomes_unreadable_indicator() -> None:
    signed = bytearray(
        c2pa_sign(
            manifest(
                [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}]
            )
        )
    )
    at = signed.index(b"c2pa.claim")
    signed[at - 40 : at + 200] = b"\x00" * 240  # wreck the claim box
    report = inspect_bytes(bytes(signed))
    assert report.status is SyntheticStatus.NO_MARKER_FOUND
    assert [i.kind for i in report.indicators] == ["unreadable"]
    assert report.indicators[0].evidence["block"] == "C2PA manifest store"


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def manifest_server() -> Iterator[tuple[str, type[_CountingHandler]]]:
    handler = type("Handler", (_CountingHandler,), {"hits": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/manifest.c2pa", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_remote_manifest_is_reported_and_not_fetched(
    manifest_server: tuple[str, type[_CountingHandler]],
) -> None:
    import c2pa

    url, handler = manifest_server
    signed = c2pa_sign(
        manifest(
            [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}]
        ),
        remote_url=url,
    )
    report = inspect_bytes(signed)
    remote = [i for i in report.indicators if i.kind == "c2pa_remote"]
    assert len(remote) == 1
    assert remote[0].evidence["url"] == url
    assert url in remote[0].summary
    assert "not fetched" in remote[0].summary
    assert handler.hits == 0
    # Control: c2pa-python with its default settings does fetch it, so the zero above is ours.
    with pytest.raises(c2pa.C2paError):
        c2pa.Reader("image/jpeg", io.BytesIO(signed))
    assert handler.hits == 1
