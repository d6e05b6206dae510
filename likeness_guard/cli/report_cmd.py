"""`likeness-guard report` and `verify-report`: the evidence PDF, and checking it later."""

import argparse
import sys

from likeness_guard.cli.common import add_scan_option, chosen_scan, open_store

UNBLURRED_WARNING = (
    "Warning: this report will show the images without blurring. Anyone who opens it will "
    "see them; share it only with people who need to see them."
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "report",
        help="write an evidence report (PDF) of a scan's matches",
        description=(
            "Write a PDF that documents the matches of a scan: where each image was found, "
            "when, how it was identified, its hashes, and signs of AI generation. A JSON "
            "manifest with the PDF's SHA-256 is written next to it. Images are blurred "
            "except the matched face unless --unblurred is given. Matches marked 'not me' "
            "are left out."
        ),
        epilog="Example: likeness-guard report --out ~/evidence.pdf --name 'A. N.'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scan_option(parser)
    parser.add_argument(
        "--only-confirmed",
        action="store_true",
        help="include only matches marked 'This is me'",
    )
    parser.add_argument(
        "--unblurred", action="store_true", help="show the images as they are, not blurred"
    )
    parser.add_argument(
        "--name", metavar="NAME", help="the name or pseudonym to print on the report"
    )
    parser.add_argument(
        "--page-size", choices=("A4", "Letter"), help="paper size (default: from the locale)"
    )
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    parser.set_defaults(func=run_report)

    verify = subparsers.add_parser(
        "verify-report",
        help="check that a report and its evidence are unchanged",
        description=(
            "Recompute the SHA-256 of a report PDF and of every image it describes (from "
            "the kept evidence), and compare them with the manifest written next to it. "
            "Exits 0 when everything matches, 1 otherwise."
        ),
        epilog="Example: likeness-guard verify-report ~/evidence.pdf",
    )
    verify.add_argument("pdf", metavar="FILE.pdf", help="the report to check")
    verify.set_defaults(func=run_verify)


def run_report(args: argparse.Namespace) -> int:
    """Write the report; print where it went."""
    from likeness_guard.core.report import build_report

    if args.unblurred:
        print(UNBLURRED_WARNING, file=sys.stderr, flush=True)
    with open_store(args) as store:
        scan_id = chosen_scan(store, args.scan)
        result = build_report(
            store,
            scan_id,
            args.out,
            only_confirmed=args.only_confirmed,
            unblurred=args.unblurred,
            title_name=args.name,
            page_size=args.page_size,
        )
    print(
        f"Wrote {result.pdf_path} ({result.item_count} matches, {result.page_count} pages, "
        f"{result.page_size})."
    )
    print(f"Manifest: {result.manifest_path}")
    print(f"SHA-256 of the PDF: {result.pdf_sha256}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Print one line per item and one for the PDF; exit 1 when anything differs."""
    from likeness_guard.core.report import verify_report

    with open_store(args) as store:
        result = verify_report(args.pdf, store)
    if result.pdf_ok:
        print(f"ok       PDF {result.pdf_path.name}: SHA-256 {result.pdf_actual}")
    else:
        print(
            f"CHANGED  PDF {result.pdf_path.name}: SHA-256 is {result.pdf_actual}, "
            f"the manifest says {result.pdf_expected}"
        )
    words = {
        "ok": "ok     ",
        "changed": "CHANGED",
        "missing": "MISSING",
    }
    for check in result.items:
        note = {
            "ok": "",
            "changed": " (the kept copy no longer matches its hash)",
            "missing": " (no kept copy in this data folder)",
        }[check.status]
        print(f"{words[check.status]}  #{check.number} {check.sha256}  {check.source}{note}")
    print("Everything matches." if result.ok else "Something has changed or is missing.")
    return 0 if result.ok else 1
