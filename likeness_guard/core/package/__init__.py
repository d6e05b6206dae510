"""The evidence package: the signed report with the original files, the web captures as
WARC files, PDQ hashes and checksums, for a recipient to check on their own; and checking a
report or a package later, on any computer."""

from likeness_guard.core.package.package import REPORT_NAME, PackageResult, export_package
from likeness_guard.core.package.verify import Finding, Status, VerifyResult, verify_report

__all__ = [
    "REPORT_NAME",
    "Finding",
    "PackageResult",
    "Status",
    "VerifyResult",
    "export_package",
    "verify_report",
]
