"""Evidence reports: a signed PDF of a scan's matches with its manifest, evidence packages,
and checking both later on any computer."""

from likeness_guard.core.report.manifest import manifest_path_for
from likeness_guard.core.report.pdf import (
    ReportCancelled,
    ReportResult,
    build_report,
    page_size_for_locale,
)
from likeness_guard.core.report.privacy import ReportPrivacy
from likeness_guard.core.report.verify import VerifyResult, verify_report

__all__ = [
    "ReportCancelled",
    "ReportPrivacy",
    "ReportResult",
    "VerifyResult",
    "build_report",
    "manifest_path_for",
    "page_size_for_locale",
    "verify_report",
]
