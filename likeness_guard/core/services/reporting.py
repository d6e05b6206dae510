"""Evidence: the signed report (PDF) and the evidence package (.zip or folder) of a scan's
matches, and checking either later, on any computer."""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.package.package import PackageResult
from likeness_guard.core.package.verify import Status, VerifyResult
from likeness_guard.core.report.privacy import ReportPrivacy
from likeness_guard.core.report.signing import spaced
from likeness_guard.core.report.write import ReportResult
from likeness_guard.core.services.audit import AuditAction, record
from likeness_guard.core.services.scanning import scan_summary
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _

__all__ = ["PackageResult", "ReportPrivacy", "ReportResult", "Status", "VerifyResult", "spaced"]


class Selection(StrEnum):
    """Which of the scan's matches go in. Matches marked "Not me" never do."""

    ALL_MATCHES = "all"  # every match, copies and other versions included (`report`)
    CONFIRMED = "confirmed"  # only those marked "This is me" (`--only-confirmed`)
    CHOSEN = "chosen"  # the items picked by hand


@dataclass(frozen=True)
class EvidenceRequest:
    """What to write: the report alone, or the whole package (`package`), and of what."""

    scan_id: int
    out: Path
    package: bool = False
    selection: Selection = Selection.ALL_MATCHES
    item_ids: tuple[int, ...] = ()  # for Selection.CHOSEN
    unblurred: bool = False
    privacy: ReportPrivacy = field(default_factory=ReportPrivacy)
    page_size: str | None = None  # "A4" or "Letter"; None: from the locale
    timestamp_url: str | None = None  # an RFC 3161 time-stamping authority, if any
    language: str | None = None  # the report's language (None: the one in use)


def write_evidence(
    store: Store,
    request: EvidenceRequest,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> ReportResult | PackageResult:
    """Write the report (a ReportResult) or the package (a PackageResult).

    `progress(done, total)` follows the matches. Raises UserFacingError when there is no
    such scan, nothing to put in, it cannot be written, or it was cancelled (then nothing
    is left behind).
    """
    from likeness_guard.core.package.package import export_package
    from likeness_guard.core.report import ReportCancelled, build_report

    scan_summary(store, request.scan_id)  # a clear error for an unknown scan
    chosen = request.selection is Selection.CHOSEN
    write = export_package if request.package else build_report
    try:
        result = write(
            store,
            request.scan_id,
            request.out,
            only_confirmed=request.selection is Selection.CONFIRMED,
            item_ids=list(request.item_ids) if chosen else None,
            unblurred=request.unblurred,
            privacy=request.privacy,
            page_size=request.page_size,
            timestamp_url=request.timestamp_url,
            language=request.language,
            progress=progress,
            cancelled=(lambda: cancel.cancelled) if cancel is not None else None,
        )
    except ReportCancelled:
        if request.package:
            cancelled = _("The evidence package was not written: you cancelled it.")
        else:
            cancelled = _("The evidence report was not written: you cancelled it.")
        raise UserFacingError(cancelled) from None
    _record_evidence(store, request, result)
    return result


def _record_evidence(
    store: Store, request: EvidenceRequest, result: ReportResult | PackageResult
) -> None:
    """The audit entry of a report or package written: which scan, how many matches, and
    the SHA-256 of the report (for a package, of the report inside it)."""
    if isinstance(result, ReportResult):
        action = AuditAction.REPORT_EXPORTED
        details = f"matches={result.item_count} sha256={result.pdf_sha256}"
    else:
        action = AuditAction.PACKAGE_EXPORTED
        report = result.report
        details = f"matches={report.item_count} files={result.files} sha256={report.pdf_sha256}"
    record(store, action, f"scan {request.scan_id}", details)


def verify_evidence(target: Path, data_folder: Path | None) -> VerifyResult:
    """Check a report PDF or an evidence package (folder or .zip); writes nothing.

    A bare PDF's images are checked against this computer's kept evidence when the data
    folder has any and is not protected (its kept files are then sealed).
    """
    from likeness_guard.core.package.verify import verify_report
    from likeness_guard.core.storage.evidence import EvidenceFolder
    from likeness_guard.core.storage.layout import EVIDENCE_FOLDER
    from likeness_guard.core.storage.protection import is_protected

    evidence = None
    if target.suffix.lower() == ".pdf" and data_folder is not None:
        kept = data_folder / EVIDENCE_FOLDER
        if kept.is_dir() and not is_protected(data_folder):
            evidence = EvidenceFolder(kept)
    return verify_report(target, evidence=evidence, data_folder=data_folder)
