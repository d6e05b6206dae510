"""Synthetic-media indicators: what an image's bytes declare or betray about AI, offline.

Call `inspect_bytes(data)` with an image's exact bytes. It reads C2PA Content Credentials
(never fetching remote manifests), IPTC/XMP fields, generation settings written by image
generators (PNG text chunks, EXIF, XMP, stealth pixel data) and Stable Diffusion's invisible
watermark, and returns a `SyntheticReport`. Finding nothing does not make an image real: show
`NO_MARKER_CAVEAT` wherever "no marker found" is shown.
"""

from likeness_guard.core.domain.synthetic import (
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
)
from likeness_guard.core.domain.words import NO_MARKER_CAVEAT
from likeness_guard.core.imaging.formats import sniff_format
from likeness_guard.core.provenance.inspector import inspect_bytes

__all__ = [
    "NO_MARKER_CAVEAT",
    "ProvenanceIndicator",
    "Strength",
    "SyntheticReport",
    "SyntheticStatus",
    "inspect_bytes",
    "sniff_format",
]
