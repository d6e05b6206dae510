"""The report's manifest: every fact of the report as canonical JSON (RFC 8785).

The same document is attached inside the signed PDF and written beside it. The copy inside
cannot hold the PDF's own SHA-256 (it is part of the PDF), so its `pdf.sha256` is null; the
copy beside it carries the hash of the finished, signed file. Every other field is the same
in both, which is what `verify-report` checks.
"""

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import Scan
from likeness_guard.core.domain.serialize import scan_json
from likeness_guard.core.report.facts import MatchEntry

MANIFEST_FORMAT = "likeness-guard-report-manifest"
MANIFEST_VERSION = 2
ATTACHMENT_NAME = "manifest.json"  # its name inside the PDF


def manifest_path_for(pdf_path: Path) -> Path:
    """`report.pdf` -> `report.manifest.json`, in the same folder."""
    stem = pdf_path.name[:-4] if pdf_path.name.lower().endswith(".pdf") else pdf_path.name
    return pdf_path.with_name(stem + ".manifest.json")


def canonical(document: dict[str, Any]) -> bytes:
    """The document as RFC 8785 canonical JSON: one byte sequence for the same facts."""
    import rfc8785

    data: bytes = rfc8785.dumps(document)
    return data


def manifest_document(
    scan: Scan,
    entries: list[MatchEntry],
    *,
    pdf_name: str,
    generated_at: datetime,
    unblurred: bool,
    title_name: str,
    page_size: str,
    selection: str,
    signature: dict[str, Any],
    privacy: dict[str, Any],
    package: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest as it goes inside the PDF (`pdf.sha256` null): the scan's settings as
    shown in the report, every included item's facts, the signing certificate and, for an
    evidence package, every file packaged with it."""
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "generator": f"{APP_NAME} {__version__}",
        "generated_at": generated_at.isoformat().replace("+00:00", "Z"),
        "pdf": {"file": pdf_name, "sha256": None, "page_size": page_size},
        "title_name": title_name,
        "unblurred": unblurred,
        "selection": selection,
        "privacy": privacy,
        "signature": signature,
        "scan": scan_json(scan),
        "items": [entry.facts() for entry in entries],
        "package": package,
    }


def with_pdf_hash(document: dict[str, Any], pdf_sha256: str) -> dict[str, Any]:
    """The copy written beside the PDF: the same facts, plus the signed PDF's SHA-256."""
    beside = copy.deepcopy(document)
    beside["pdf"]["sha256"] = pdf_sha256
    return beside


def parse_manifest(data: bytes, where: str) -> dict[str, Any]:
    """A manifest from its bytes; raises UserFacingError naming `where` when it is not one."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserFacingError(f"{where} is not readable JSON ({exc}).") from exc
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise UserFacingError(f"{where} is not a Likeness Guard report manifest.")
    return document
