"""The report's manifest: every fact of the report as canonical JSON (RFC 8785).

The same document is attached inside the signed PDF and written beside it. The copy inside
cannot hold the PDF's own SHA-256 (it is part of the PDF), so its `pdf.sha256` is null; the
copy beside it carries the hash of the finished, signed file. Every other field is the same
in both, which is what `verify-report` checks.
"""

import copy
import json
from pathlib import Path
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.serialize import scan_json
from likeness_guard.core.report.prepare import PreparedReport
from likeness_guard.core.report.signing import SigningIdentity
from likeness_guard.locale import _

MANIFEST_FORMAT = "likeness-guard-report-manifest"
# 3: the case's audit log ("audit_log"), issue 27.
MANIFEST_VERSION = 3
ATTACHMENT_NAME = "manifest.json"  # its name inside the PDF


def manifest_path_for(pdf_path: Path) -> Path:
    """`report.pdf` -> `report.manifest.json`, in the same folder."""
    stem = pdf_path.name[:-4] if pdf_path.name.lower().endswith(".pdf") else pdf_path.name
    return pdf_path.with_name(stem + ".manifest.json")


def canonical(document: dict[str, Any]) -> bytes:
    """The document as RFC 8785 canonical JSON: one byte sequence for the same facts."""
    import rfc8785

    from likeness_guard.core.domain.text_safety import storable_json

    # A name that is not valid UTF-8 (stored by an older version) is shown escaped, as
    # everywhere else, instead of stopping the report.
    data: bytes = rfc8785.dumps(storable_json(document))
    return data


def manifest_document(
    prepared: PreparedReport,
    identity: SigningIdentity,
    *,
    pdf_name: str,
    timestamp_url: str | None,
    package: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest as it goes inside the PDF (`pdf.sha256` null): the scan's settings as
    shown in the report, every included item's facts, the signing certificate, the case's
    audit log and, for an evidence package, every file packaged with it."""
    privacy = prepared.presenter.privacy
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "generator": f"{APP_NAME} {__version__}",
        "generated_at": prepared.now.isoformat().replace("+00:00", "Z"),
        "pdf": {"file": pdf_name, "sha256": None, "page_size": prepared.size_name},
        "title_name": prepared.presenter.name,
        "unblurred": prepared.unblurred,
        "selection": prepared.selection,
        "privacy": {
            "full_paths": privacy.full_paths,
            "reference_names": privacy.reference_names,
            "own_reference_photos_left_out": prepared.own_photos_left_out,
            "times": "UTC",
        },
        "signature": {
            "certificate_sha256": identity.fingerprint,
            "certificate_pem": identity.cert_pem.decode("ascii"),
            "timestamp_url": timestamp_url,
        },
        "scan": scan_json(prepared.scan),
        "items": [entry.facts() for entry in prepared.entries],
        "package": package,
        "audit_log": [entry.to_json() for entry in prepared.audit],
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
        raise UserFacingError(
            _("{what} is not readable JSON ({reason}).").format(what=where, reason=exc)
        ) from exc
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise UserFacingError(
            _("{what} is not a Likeness Guard report manifest.").format(what=where)
        )
    return document
