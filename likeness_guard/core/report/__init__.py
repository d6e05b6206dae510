"""The evidence report: a signed PDF of a scan's matches with its manifest, the facts it
states gathered once for both, under the privacy rules the person chose."""

from likeness_guard.core.report.document import page_size_for_locale
from likeness_guard.core.report.manifest import manifest_path_for
from likeness_guard.core.report.prepare import ReportCancelled
from likeness_guard.core.report.privacy import ReportPrivacy
from likeness_guard.core.report.write import ReportResult, build_report

__all__ = [
    "ReportCancelled",
    "ReportPrivacy",
    "ReportResult",
    "build_report",
    "manifest_path_for",
    "page_size_for_locale",
]
