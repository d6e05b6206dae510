"""Run every provenance check on one image's bytes and decide its synthetic-media status."""

import io
import logging
import time
import warnings
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from PIL import Image

from likeness_guard.core.domain.synthetic import (
    STRENGTH_ORDER,
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
)
from likeness_guard.core.imaging.decode import register_heif as _register_heif
from likeness_guard.core.imaging.exif import read_exif_from_image, read_exif_text
from likeness_guard.core.imaging.formats import sniff_format
from likeness_guard.core.provenance import watermark
from likeness_guard.core.provenance.c2pa_reader import c2pa_findings
from likeness_guard.core.provenance.containers import MetadataBlocks, collect_blocks
from likeness_guard.core.provenance.generators import TextSource, detect_generators, detect_in_text
from likeness_guard.core.provenance.model import Effect, Finding, unreadable
from likeness_guard.core.provenance.stealth import read_stealth
from likeness_guard.core.provenance.xmp import packet_sources, scan_for_packets

log = logging.getLogger(__name__)

# The watermark decoder costs about 20 ms per megapixel (both channel orders, measured on
# this project's 2-core machine: ~40 ms for a 1.9 MP image), plus decoding. Stable Diffusion
# writes at most a few megapixels at original size, and the mark does not survive resizing,
# so larger images are skipped and the skip is noted.
WATERMARK_MAX_PIXELS = 12_000_000
# Decoding pixels at all (for the watermark and stealth data) stops here.
DECODE_MAX_PIXELS = 40_000_000


def inspect_bytes(data: bytes, stored_rgb: npt.NDArray[np.uint8] | None = None) -> SyntheticReport:
    """Return the synthetic-media report for an image's exact bytes.

    `stored_rgb`, when the caller already decoded the first frame exactly as stored (RGB),
    spares decoding it again for the pixel checks.

    Never raises and never opens a network connection: damaged blocks become
    "unreadable"-kind indicators; bytes that are no image at all, and a failure of the
    checks themselves, give status UNREADABLE.
    """
    try:
        return _inspect(data, stored_rgb)
    except Exception as exc:  # our own bug: log it, but never stop a scan
        log.exception("provenance inspection failed")
        return failed_check_report(exc, "this file", sniff_format(data))


def failed_check_report(exc: Exception, what: str, fmt: str | None) -> SyntheticReport:
    """The report for `what` ("this file") when the checks themselves failed with `exc`."""
    failure = ProvenanceIndicator(
        kind="unreadable",
        strength=Strength.WEAK,
        summary=f"The check for AI markers failed on {what} (an error in this app).",
        evidence={"reason": f"{type(exc).__name__}: {exc}"[:500]},
    )
    return SyntheticReport(SyntheticStatus.UNREADABLE, (failure,), fmt)


def _inspect(data: bytes, stored_rgb: npt.NDArray[np.uint8] | None = None) -> SyntheticReport:
    fmt = sniff_format(data)
    findings: list[Finding] = []
    notes: list[str] = []
    blocks = collect_blocks(data, fmt)
    for where, reason in blocks.problems:
        findings.append(unreadable(f"A metadata block ({where}) is damaged.", where, reason))

    findings.extend(c2pa_findings(data, fmt))
    sources = _xmp(data, blocks, findings)
    sources.extend(_exif(data, fmt, blocks, findings))
    for entry in blocks.texts:
        where = (
            f"PNG {entry.chunk} chunk '{entry.keyword}'"
            if entry.chunk != "COM"
            else ("JPEG comment")
        )
        if entry.after_image_data:
            where += " (after the image data)"
        sources.append(TextSource(entry.keyword, entry.text, where))
    detections, problems = detect_generators(sources)
    findings.extend(d.to_finding() for d in detections)
    findings.extend(problems)

    readable = _pixel_checks(data, fmt, blocks, findings, notes, stored_rgb)
    status = decide_status(findings, readable)
    indicators = tuple(f.indicator for f in ordered(dedupe(findings)))
    if status is SyntheticStatus.UNREADABLE and not any(i.kind == "unreadable" for i in indicators):
        indicators += (
            ProvenanceIndicator(
                kind="unreadable",
                strength=Strength.WEAK,
                summary="This file is not an image this app can read.",
                evidence={"reason": "unknown or damaged image format", "size": len(data)},
            ),
        )
    return SyntheticReport(status, indicators, fmt, tuple(notes))


def _xmp(data: bytes, blocks: MetadataBlocks, findings: list[Finding]) -> list[TextSource]:
    packets = list(blocks.xmp)
    if not packets:
        packets = [("XMP packet", p) for p in scan_for_packets(data)]
    return packet_sources(packets, findings)


def _exif(
    data: bytes, fmt: str | None, blocks: MetadataBlocks, findings: list[Finding]
) -> list[TextSource]:
    exif_blocks = list(blocks.exif)
    if not exif_blocks and fmt in ("heif", "avif", "jxl"):
        _register_heif()
        raw = read_exif_from_image(data)
        if raw:
            exif_blocks.append((f"{fmt.upper()} Exif", raw))
    sources: list[TextSource] = []
    for where, tiff in exif_blocks:
        try:
            texts, problems = read_exif_text(tiff, where)
        except ValueError as exc:
            findings.append(unreadable("An EXIF metadata block is damaged.", where, str(exc)))
            continue
        if problems:
            reason = "; ".join(problems)
            findings.append(unreadable("An EXIF metadata block is damaged.", where, reason))
        sources.extend(TextSource(t.tag, t.text, f"{t.where} {t.tag}") for t in texts)
    return sources


def _pixel_checks(
    data: bytes,
    fmt: str | None,
    blocks: MetadataBlocks,
    findings: list[Finding],
    notes: list[str],
    stored_rgb: npt.NDArray[np.uint8] | None = None,
) -> bool:
    """Run the checks that need pixels; return False if the bytes are not a readable image."""
    if fmt in ("heif", "avif"):
        _register_heif()
    try:
        with warnings.catch_warnings():
            # Damage is reported through indicators; Pillow's warnings ("Corrupt EXIF data",
            # decompression bomb) must not escape into the caller's warning filters.
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
    except Exception as exc:
        if fmt is not None:
            findings.append(unreadable("The image data could not be read.", "image", repr(exc)))
        return fmt is not None and _has_ai_finding(findings)
    with image:
        width, height = image.size
        stealth_possible = blocks.lossless and fmt in ("png", "webp")
        watermark_possible = blocks.lossless and width * height >= watermark.MIN_PIXELS
        if not (stealth_possible or watermark_possible):
            return True
        if width * height > DECODE_MAX_PIXELS:
            notes.append(
                f"Pixel checks (watermark, hidden data) skipped: the image is {width}x{height}, "
                "larger than this app decodes for them."
            )
            return True
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if image.mode == "RGB" and _fits(stored_rgb, width, height):
                    assert stored_rgb is not None
                    pixels = stored_rgb
                else:
                    pixels = _pixels(image)
        except Exception as exc:
            findings.append(
                unreadable("The image data is damaged or cut short.", "image data", repr(exc))
            )
            return True
    if stealth_possible:
        findings.extend(_stealth(pixels))
    if watermark_possible:
        if width * height > WATERMARK_MAX_PIXELS:
            notes.append(
                f"Watermark check skipped: the image is {width}x{height}; Stable Diffusion "
                "watermarks survive only at the original, smaller size."
            )
        else:
            findings.extend(_watermark(pixels[:, :, :3]))
    return True


def _fits(pixels: npt.NDArray[np.uint8] | None, width: int, height: int) -> bool:
    return pixels is not None and pixels.shape == (height, width, 3) and pixels.dtype == np.uint8


def _has_ai_finding(findings: Iterable[Finding]) -> bool:
    return any(f.effect is not Effect.NONE for f in findings)


def _pixels(image: Image.Image) -> npt.NDArray[np.uint8]:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    converted = image.convert("RGBA" if has_alpha else "RGB")
    return np.asarray(converted, dtype=np.uint8)


def _stealth(pixels: npt.NDArray[np.uint8]) -> list[Finding]:
    try:
        hidden = read_stealth(pixels)
    except ValueError as exc:
        return [unreadable("Hidden data in the pixels is damaged.", "stealth data", str(exc))]
    if hidden is None:
        return []
    where = f"pixels ({hidden.signature})"
    try:
        detection = detect_in_text(hidden.text, where)
    except Exception:
        log.debug("stealth payload not parsed", exc_info=True)
        detection = None
    if detection is None:
        from likeness_guard.core.provenance.generators import Detection

        detection = Detection(generator="an image generator", where=where, raw=hidden.text)
    detection.details["signature"] = hidden.signature
    detection.effect = Effect.GENERATED
    detection.strength = Strength.STRONG
    return [detection.to_finding("stealth_metadata")]


def _watermark(rgb: npt.NDArray[np.uint8]) -> list[Finding]:
    started = time.perf_counter()
    matches = watermark.match_payloads(rgb)
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    found = [m for m in matches if m.found]
    if not found:
        return []
    best = max(found, key=lambda m: m.matching_bits / m.total_bits)
    return [
        Finding(
            ProvenanceIndicator(
                kind="watermark",
                strength=Strength.STRONG,
                summary=f"An invisible {best.payload} watermark is in the pixels "
                f"({best.matching_bits} of {best.total_bits} bits match): this image came "
                "out of a Stable Diffusion pipeline.",
                evidence={
                    "generator": best.payload,
                    "method": "dwtDct (invisible-watermark)",
                    "matching_bits": best.matching_bits,
                    "total_bits": best.total_bits,
                    "threshold": best.threshold,
                    "channel_order": best.channel_order,
                    "decode_ms": elapsed_ms,
                },
            ),
            Effect.GENERATED,
        )
    ]


def decide_status(findings: list[Finding], readable: bool) -> SyntheticStatus:
    decisive = [f for f in findings if f.indicator.strength is not Strength.WEAK]
    if any(f.effect is Effect.GENERATED for f in decisive):
        return SyntheticStatus.AI_GENERATED
    if any(f.effect is Effect.EDITED for f in decisive):
        return SyntheticStatus.AI_EDITED
    if not readable:
        return SyntheticStatus.UNREADABLE
    return SyntheticStatus.NO_MARKER_FOUND


def dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for finding in findings:
        key = (finding.indicator.kind, finding.indicator.summary)
        if key in seen:
            continue
        seen.add(key)
        out.append(finding)
    return out


def ordered(findings: list[Finding]) -> list[Finding]:
    # The first indicator decides the badge: the weightiest effect, then the strongest claim;
    # named generators before anonymous credit lines; "unreadable" notes last.
    def key(finding: Finding) -> tuple[int, int, int, int]:
        indicator = finding.indicator
        return (
            indicator.kind == "unreadable",
            -int(finding.effect) if indicator.strength is not Strength.WEAK else 0,
            STRENGTH_ORDER[indicator.strength],
            0 if indicator.evidence.get("generator") else 1,
        )

    return sorted(findings, key=key)
