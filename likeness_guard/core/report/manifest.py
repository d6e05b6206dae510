"""The JSON manifest beside each report PDF, and checking a report against it and the store."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import Scan
from likeness_guard.core.domain.serialize import scan_json
from likeness_guard.core.report.facts import MatchEntry
from likeness_guard.core.storage.paths import file_sha256
from likeness_guard.core.storage.store import Store

MANIFEST_FORMAT = "likeness-guard-report-manifest"
MANIFEST_VERSION = 1


def manifest_path_for(pdf_path: Path) -> Path:
    """`report.pdf` -> `report.manifest.json`, in the same folder."""
    stem = pdf_path.name[:-4] if pdf_path.name.lower().endswith(".pdf") else pdf_path.name
    return pdf_path.with_name(stem + ".manifest.json")


def manifest_document(
    scan: Scan,
    entries: list[MatchEntry],
    *,
    pdf_name: str,
    pdf_sha256: str,
    generated_at: datetime,
    unblurred: bool,
    title_name: str,
    page_size: str,
) -> dict[str, Any]:
    """The manifest: the PDF's hash, the scan's settings and every included item's facts."""
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "generator": f"{APP_NAME} {__version__}",
        "generated_at": generated_at.isoformat().replace("+00:00", "Z"),
        "pdf": {"file": pdf_name, "sha256": pdf_sha256, "page_size": page_size},
        "title_name": title_name,
        "unblurred": unblurred,
        "scan": scan_json(scan),
        "items": [entry.facts() for entry in entries],
    }


@dataclass(frozen=True)
class ItemCheck:
    """One item's evidence compared with the hash in the manifest."""

    number: int
    source: str
    sha256: str
    status: str  # "ok", "changed" (the kept bytes hash differently) or "missing"

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class VerifyResult:
    """Whether a report and the evidence it describes are unchanged."""

    pdf_path: Path
    manifest_path: Path
    pdf_expected: str
    pdf_actual: str
    items: tuple[ItemCheck, ...]

    @property
    def pdf_ok(self) -> bool:
        return self.pdf_expected == self.pdf_actual

    @property
    def ok(self) -> bool:
        return self.pdf_ok and all(check.ok for check in self.items)


def load_manifest(pdf_path: Path) -> tuple[Path, dict[str, Any]]:
    """Read the manifest beside `pdf_path`; raises UserFacingError when absent or invalid."""
    path = manifest_path_for(pdf_path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserFacingError(
            f"The manifest {path.name} is not next to {pdf_path.name}: keep the two together."
        ) from exc
    except (OSError, ValueError) as exc:
        raise UserFacingError(f"The manifest {path} cannot be read ({exc}).") from exc
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise UserFacingError(f"{path} is not a Likeness Guard report manifest.")
    return path, document


def verify_report(pdf_path: Path | str, store: Store) -> VerifyResult:
    """Recompute the PDF's SHA-256 and every item's evidence hash, against the manifest.

    Raises UserFacingError when the PDF or its manifest cannot be read.
    """
    pdf = Path(pdf_path)
    manifest_path, document = load_manifest(pdf)
    try:
        actual = file_sha256(pdf)
    except OSError as exc:
        raise UserFacingError(f"The report {pdf} cannot be read ({exc.strerror or exc}).") from exc
    checks = []
    for item in document.get("items") or []:
        sha = str(item.get("sha256") or "")
        data = store.evidence.get(sha) if sha else None
        if data is None:
            status = "missing"
        elif hashlib.sha256(data).hexdigest() == sha:
            status = "ok"
        else:
            status = "changed"
        checks.append(ItemCheck(int(item.get("number", 0)), str(item.get("source")), sha, status))
    expected = str((document.get("pdf") or {}).get("sha256") or "")
    return VerifyResult(pdf, manifest_path, expected, actual, tuple(checks))
