"""`likeness-guard report` and `verify-report`: the signed evidence PDF, and checking it
(or a whole evidence package) later, on any computer."""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from likeness_guard.cli.common import add_scan_option, open_store
from likeness_guard.core.domain.words import counted
from likeness_guard.core.services.scanning import chosen_scan

if TYPE_CHECKING:
    from likeness_guard.core.services.reporting import PackageResult, ReportResult, VerifyResult

UNBLURRED_WARNING = (
    "Warning: this report will show the images without blurring. Anyone who opens it will "
    "see them; share it only with people who need to see them."
)


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The options `report` and `export` share: which matches, and what may be shown."""
    add_scan_option(parser)
    parser.add_argument(
        "--only-confirmed",
        action="store_true",
        help="include only matches marked 'This is me' (by default the others are included "
        "and marked 'unreviewed')",
    )
    parser.add_argument(
        "--unblurred", action="store_true", help="show the images as they are, not blurred"
    )
    parser.add_argument(
        "--name",
        metavar="NAME",
        help="the name or pseudonym to print instead of the profile's name, everywhere",
    )
    parser.add_argument(
        "--full-paths",
        action="store_true",
        help="print local files' full paths (by default: relative to what was scanned)",
    )
    parser.add_argument(
        "--reference-names",
        action="store_true",
        help="name your reference photos by their file names (by default: 'reference photo 1')",
    )
    parser.add_argument(
        "--include-own-photos",
        action="store_true",
        help="include scanned copies of your own reference photos (left out by default)",
    )
    parser.add_argument(
        "--page-size", choices=("A4", "Letter"), help="paper size (default: from the locale)"
    )
    parser.add_argument(
        "--timestamp-url",
        metavar="URL",
        help="ask this RFC 3161 time-stamping authority to time-stamp the signature (the "
        "only network use: the request carries the signature's hash, nothing else)",
    )


def write_from_args(args: argparse.Namespace, *, package: bool) -> "ReportResult | PackageResult":
    """Write the report or package that `report` or `export` asked for."""
    from likeness_guard.core.services.reporting import (
        EvidenceRequest,
        ReportPrivacy,
        Selection,
        write_evidence,
    )

    if args.unblurred:
        print(UNBLURRED_WARNING, file=sys.stderr, flush=True)
    privacy = ReportPrivacy(
        name=args.name,
        full_paths=args.full_paths,
        reference_names=args.reference_names,
        include_own_photos=args.include_own_photos,
    )
    with open_store(args) as store:
        request = EvidenceRequest(
            scan_id=chosen_scan(store, args.scan),
            out=Path(args.out),
            package=package,
            selection=Selection.CONFIRMED if args.only_confirmed else Selection.ALL_MATCHES,
            unblurred=args.unblurred,
            privacy=privacy,
            page_size=args.page_size,
            timestamp_url=args.timestamp_url,
        )
        return write_evidence(store, request)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a signed evidence report (PDF) of a scan's matches",
        description=(
            "Write a PDF that documents the matches of a scan: where each image was found, "
            "when, how it was identified, its hashes, and signs of AI generation. Its "
            "manifest (canonical JSON) is attached inside the PDF and written next to it, and "
            "the PDF is signed with a key made for this installation, whose fingerprint the "
            "report prints. Images are blurred except the matched face unless --unblurred is "
            "given. Matches marked 'not me' are left out; those not reviewed are marked "
            "'unreviewed'. Times are in UTC; local paths are relative to what was scanned. "
            "For everything a recipient needs to check it, use 'export'."
        ),
        epilog="Example: likeness-guard report --out ~/evidence.pdf --name 'A. N.'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_report_options(parser)
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    parser.set_defaults(func=run_report)

    verify = subparsers.add_parser(
        "verify-report",
        help="check that a report, or an evidence package, is unchanged",
        description=(
            "Check a report PDF, or an evidence package (its folder or .zip): the PDF's "
            "signature, then every field of the manifest against the signed copy inside the "
            "PDF, then every original file, web capture (WARC) and checksum the signed "
            "manifest describes. For a bare PDF, the images are checked against the copies "
            "kept in this computer's data folder, if any. Writes nothing anywhere. Exits 0 "
            "when everything matches, 1 when something changed or is missing."
        ),
        epilog="Example: likeness-guard verify-report ~/evidence-package.zip",
    )
    verify.add_argument(
        "target", metavar="PACKAGE_OR_PDF", help="the report's .pdf, or a package folder or .zip"
    )
    verify.set_defaults(func=run_verify)


def run_report(args: argparse.Namespace) -> int:
    """Write the report; print where it went."""
    from likeness_guard.core.services.reporting import ReportResult, spaced

    result = write_from_args(args, package=False)
    assert isinstance(result, ReportResult)
    print(
        f"Wrote {result.pdf_path} ({counted(result.item_count, 'match', 'matches')}, "
        f"{result.page_count} pages, "
        f"{result.page_size}), signed{' and time-stamped' if result.timestamped else ''}."
    )
    print(f"Manifest: {result.manifest_path}")
    print(f"SHA-256 of the PDF: {result.pdf_sha256}")
    print(f"Signing certificate fingerprint (SHA-256): {spaced(result.fingerprint)}")
    if result.own_photos_left_out:
        print(
            f"Left out {counted(result.own_photos_left_out, 'scanned copy', 'scanned copies')} "
            "of your own reference photos (--include-own-photos keeps them)."
        )
    return 0


_WORDS = {"ok": "ok     ", "changed": "CHANGED", "missing": "MISSING", "note": "note   "}


def run_verify(args: argparse.Namespace) -> int:
    """Print one line per check; exit 1 when anything differs or is missing."""
    from likeness_guard.core.services.folder import existing_data_folder
    from likeness_guard.core.services.reporting import verify_evidence

    result = verify_evidence(Path(args.target), existing_data_folder(args.data_dir))
    print_verification(result)
    return 0 if result.ok else 1


def print_verification(result: "VerifyResult") -> None:
    """One line per check, then a summary."""
    from likeness_guard.core.services.reporting import Status

    what = "evidence package" if result.is_package else "report"
    print(f"Checking the {what} {result.target} ({result.pdf_name}, SHA-256 {result.pdf_sha256})")
    for finding in result.findings:
        print(f"{_WORDS[str(finding.status)]}  {finding.subject}: {finding.detail}")
    changed = len(result.with_status(Status.CHANGED))
    missing = len(result.with_status(Status.MISSING))
    if result.ok:
        print("Everything matches: nothing has changed since the report was signed.")
    else:
        parts = []
        if changed:
            parts.append(f"{changed} changed")
        if missing:
            parts.append(f"{missing} missing")
        print(f"Something is not as the signed report states ({', '.join(parts)}): see above.")
