"""`likeness-guard export`: the evidence package a recipient can check on their own."""

import argparse
import sys

from likeness_guard.cli.report_cmd import add_report_options, write_from_args
from likeness_guard.core.domain.words import counted

ORIGINALS_WARNING = (
    "Note: the package holds the original images, not blurred (in originals/ and web/). "
    "Share it only with people who need them."
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "export",
        help="write an evidence package: signed report, originals, web captures, checksums",
        description=(
            "Write everything a platform, a lawyer or the police need to check the evidence "
            "on their own computer: the signed report and its manifest, the original files "
            "byte for byte, every page and image fetched from the web as WARC files (the "
            "HTTP exchanges as captured at scan time), SHA256SUMS and MD5SUMS, pdq.txt and a "
            "README for the recipient. FOLDER must be new or empty; a name ending in .zip "
            "writes a .zip file instead. 'verify-report FOLDER' checks it anywhere."
        ),
        epilog="Example: likeness-guard export --name 'A. N.' --out ~/evidence-package.zip",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_report_options(parser)
    parser.add_argument(
        "--out", required=True, metavar="FOLDER", help="a new folder, or a file ending in .zip"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from likeness_guard.core.services.reporting import PackageResult, spaced

    print(ORIGINALS_WARNING, file=sys.stderr, flush=True)
    result = write_from_args(args, package=True)
    assert isinstance(result, PackageResult)
    report = result.report
    print(
        f"Wrote the evidence package {result.path}: "
        f"{counted(report.item_count, 'match', 'matches')}, "
        f"{counted(result.originals, 'original file')}, "
        f"{counted(result.warc_files, 'WARC file')} of web captures, "
        f"{counted(result.files, 'file')} in all, {result.total_bytes / 1e6:.1f} MB."
    )
    print(f"Signing certificate fingerprint (SHA-256): {spaced(report.fingerprint)}")
    if result.missing_originals:
        print(
            f"{counted(result.missing_originals, 'match', 'matches')} without a kept original "
            "(the bytes were not kept, or the kept copy changed): the report says so for each."
        )
    if report.own_photos_left_out:
        print(
            f"Left out {counted(report.own_photos_left_out, 'scanned copy', 'scanned copies')} "
            "of your own reference photos (--include-own-photos keeps them)."
        )
    print(f"Check it on any computer with: likeness-guard verify-report {result.path}")
    return 0
