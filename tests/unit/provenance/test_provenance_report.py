"""The report model: JSON shape, evidence clipping, badges, caveat, format sniffing."""

import json

from likeness_guard.core.domain.serialize import synthetic_json
from likeness_guard.core.provenance import (
    NO_MARKER_CAVEAT,
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
    inspect_bytes,
    sniff_format,
)

from .provenance_fixtures import A1111_PARAMETERS, jpeg_bytes, png_bytes, webp_bytes


def test_to_json_shape_and_long_prompt_is_clipped() -> None:
    long_prompt = "a " * 5000
    text = f"{long_prompt}\nSteps: 20, Sampler: Euler, Seed: 1, Model: m"
    report = inspect_bytes(png_bytes({"parameters": text}))
    document = synthetic_json(report)
    json.dumps(document)  # must be serialisable as is
    assert set(document) == {"status", "indicators"}
    indicator = document["indicators"][0]
    assert set(indicator) == {"kind", "strength", "summary", "evidence"}
    assert indicator["strength"] == "strong"
    assert len(indicator["evidence"]["prompt"]) < 2100
    assert "more characters" in indicator["evidence"]["prompt"]


def test_badge_is_none_without_a_flag() -> None:
    weak = ProvenanceIndicator("c2pa_remote", Strength.WEAK, "s", {})
    report = SyntheticReport(SyntheticStatus.NO_MARKER_FOUND, (weak,), "jpeg")
    assert not report.flagged


def test_caveat_is_one_plain_sentence() -> None:
    assert NO_MARKER_CAVEAT.count(".") == 1
    assert NO_MARKER_CAVEAT.endswith(".")
    assert "does not mean the image is real" in NO_MARKER_CAVEAT


def test_sniffing_ignores_names_and_knows_the_formats() -> None:
    assert sniff_format(png_bytes()) == "png"
    assert sniff_format(jpeg_bytes()) == "jpeg"
    assert sniff_format(webp_bytes()) == "webp"
    assert sniff_format(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic") == "heif"
    assert sniff_format(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf") == "avif"
    assert sniff_format(b"<html>") is None


def test_prompt_is_shown_in_the_summary_evidence_not_the_summary() -> None:
    report = inspect_bytes(png_bytes({"parameters": A1111_PARAMETERS}))
    summary = report.indicators[0].summary
    assert "woman" not in summary  # the summary is for a frightened person, not the prompt
    assert len(summary.splitlines()) == 1
