"""Evidence reports: a PDF of a scan's matches, its JSON manifest, and checking both later."""

from likeness_guard.core.report.manifest import VerifyResult, manifest_path_for, verify_report
from likeness_guard.core.report.pdf import (
    ReportCancelled,
    ReportResult,
    build_report,
    page_size_for_locale,
)

__all__ = [
    "ReportCancelled",
    "ReportResult",
    "VerifyResult",
    "build_report",
    "manifest_path_for",
    "page_size_for_locale",
    "verify_report",
]
