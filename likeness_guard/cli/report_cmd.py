"""`likeness-guard report` and `verify-report`: the signed evidence PDF, and checking it
(or a whole evidence package) later, on any computer."""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from likeness_guard.cli.common import add_scan_option, open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.words import matches_count
from likeness_guard.core.services.scanning import chosen_scan
from likeness_guard.locale import N_, _, ngettext, pgettext

if TYPE_CHECKING:
    from likeness_guard.core.services.reporting import PackageResult, ReportResult, VerifyResult

UNBLURRED_WARNING = N_(
    "Warning: this report will show the images without blurring. Anyone who opens it will "
    "see them; share it only with people who need to see them."
)


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The options `report` and `export` share: which matches, and what may be shown."""
    add_scan_option(parser)
    parser.add_argument(
        "--only-confirmed",
        action="store_true",
        help=_(
            "include only matches marked 'This is me' (by default the others are included "
            "and marked 'unreviewed')"
        ),
    )
    parser.add_argument(
        "--unblurred", action="store_true", help=_("show the images as they are, not blurred")
    )
    parser.add_argument(
        "--name",
        metavar="NAME",
        help=_("the name or pseudonym to print instead of the profile's name, everywhere"),
    )
    parser.add_argument(
        "--full-paths",
        action="store_true",
        help=_("print local files' full paths (by default: relative to what was scanned)"),
    )
    parser.add_argument(
        "--reference-names",
        action="store_true",
        help=_("name your reference photos by their file names (by default: 'reference photo 1')"),
    )
    parser.add_argument(
        "--include-own-photos",
        action="store_true",
        help=_("include scanned copies of your own reference photos (left out by default)"),
    )
    parser.add_argument(
        "--page-size", choices=("A4", "Letter"), help=_("paper size (default: from the locale)")
    )
    parser.add_argument(
        "--timestamp-url",
        metavar="URL",
        help=_(
            "ask this RFC 3161 time-stamping authority to time-stamp the signature (the "
            "only network use: the request carries the signature's hash, nothing else)"
        ),
    )
    parser.add_argument(
        "--language",
        dest="report_language",
        metavar="CODE",
        help=_(
            "the language to write the report in, e.g. {codes} (default: the language the "
            "app speaks); its manifest stays in English"
        ).format(codes="ko, es, pt_BR, ar"),
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
        print(_(UNBLURRED_WARNING), file=sys.stderr, flush=True)
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
            language=args.report_language,
        )
        return write_evidence(store, request)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "report",
        help=_("write a signed evidence report (PDF) of a scan's matches"),
        description=_(
            "Write a PDF that documents the matches of a scan: where each image was found, "
            "when, how it was identified, its hashes, and signs of AI generation. Its "
            "manifest (canonical JSON) is attached inside the PDF and written next to it, and "
            "the PDF is signed with a key made for this installation, whose fingerprint the "
            "report prints. Images are blurred except the matched face unless --unblurred is "
            "given. Matches marked 'not me' are left out; those not reviewed are marked "
            "'unreviewed'. Times are in UTC; local paths are relative to what was scanned. "
            "For everything a recipient needs to check it, use 'export'."
        ),
        epilog=examples("likeness-guard report --out ~/evidence.pdf --name 'A. N.'"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_report_options(parser)
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write it"))
    parser.set_defaults(func=run_report)

    verify = subparsers.add_parser(
        "verify-report",
        help=_("check that a report, or an evidence package, is unchanged"),
        description=_(
            "Check a report PDF, or an evidence package (its folder or .zip): the PDF's "
            "signature, then every field of the manifest against the signed copy inside the "
            "PDF, then every original file, web capture (WARC) and checksum the signed "
            "manifest describes. For a bare PDF, the images are checked against the copies "
            "kept in this computer's data folder, if any; those not at hand are named as not "
            "checked. Writes nothing anywhere. Exits 0 when everything that could be "
            "checked matches, 1 when something changed, is missing from the package, or "
            "was added to it."
        ),
        epilog=examples("likeness-guard verify-report ~/evidence-package.zip"),
    )
    verify.add_argument(
        "target",
        metavar="PACKAGE_OR_PDF",
        help=_("the report's .pdf, or a package folder or .zip"),
    )
    verify.set_defaults(func=run_verify)


def run_report(args: argparse.Namespace) -> int:
    """Write the report; print where it went."""
    from likeness_guard.core.services.reporting import ReportResult, spaced

    result = write_from_args(args, package=False)
    assert isinstance(result, ReportResult)
    pages = ngettext("{count} page", "{count} pages", result.page_count).format(
        count=result.page_count
    )
    if result.timestamped:
        # Translators: {matches} and {pages} are counts with their nouns ("2 matches", "5 pages"),
        # {size} a paper size (A4, Letter).
        wrote = _("Wrote {path} ({matches}, {pages}, {size}), signed and time-stamped.")
    else:
        wrote = _("Wrote {path} ({matches}, {pages}, {size}), signed.")
    matches = matches_count(result.item_count)
    print(wrote.format(path=result.pdf_path, matches=matches, pages=pages, size=result.page_size))
    print(_("Manifest: {path}").format(path=result.manifest_path))
    print(_("SHA-256 of the PDF: {sha256}").format(sha256=result.pdf_sha256))
    print(
        _("Signing certificate fingerprint (SHA-256): {fingerprint}").format(
            fingerprint=spaced(result.fingerprint)
        )
    )
    if result.own_photos_left_out:
        print(own_photos_words(result.own_photos_left_out))
    return 0


def own_photos_words(count: int) -> str:
    """What `report` and `export` say when scanned copies of the reference photos were
    left out."""
    return ngettext(
        "Left out {count} scanned copy of your own reference photos (--include-own-photos "
        "keeps them).",
        "Left out {count} scanned copies of your own reference photos (--include-own-photos "
        "keeps them).",
        count,
    ).format(count=count)


def _verification_word(status: str) -> str:
    """The word a line of `verify-report` starts with, padded to one column."""
    words = {
        # Translators: the first word of each line of a report's check, in a column; the
        # capitals mark a problem.
        "ok": pgettext("verification", "ok"),
        "changed": pgettext("verification", "CHANGED"),
        "missing": pgettext("verification", "MISSING"),
        "extra": pgettext("verification", "EXTRA"),
        "note": pgettext("verification", "note"),
    }
    return words[status].ljust(7)


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

    if result.is_package:
        checking = _("Checking the evidence package {target} ({pdf}, SHA-256 {sha256})")
    else:
        checking = _("Checking the report {target} ({pdf}, SHA-256 {sha256})")
    print(checking.format(target=result.target, pdf=result.pdf_name, sha256=result.pdf_sha256))
    for finding in result.findings:
        word = _verification_word(str(finding.status))
        print(f"{word}  {finding.shown}: {finding.detail}")
    changed = len(result.with_status(Status.CHANGED))
    missing = len(result.with_status(Status.MISSING))
    extra = len(result.with_status(Status.EXTRA))
    if result.ok and result.unchecked:
        print(_unchecked_summary(result.unchecked))
    elif result.ok:
        print(_("Everything matches: nothing has changed since the report was signed."))
    else:
        found = (
            # Translators: counts of what a check found (files, fields), listed in the sentence
            # "Something is not as the signed report states ({counts}): see above."
            (changed, ngettext("{count} changed", "{count} changed", changed)),
            (missing, ngettext("{count} missing", "{count} missing", missing)),
            (extra, ngettext("{count} added", "{count} added", extra)),
        )
        counts = ", ".join(words.format(count=count) for count, words in found if count)
        print(
            _("Something is not as the signed report states ({counts}): see above.").format(
                counts=counts
            )
        )


def _unchecked_summary(count: int) -> str:
    """The last line when all that could be checked matches, but some originals were not
    at hand: true about what was checked, and about what was not."""
    return ngettext(
        "What could be checked matches: the report is unchanged since it was signed. "
        "{count} original file it describes was not checked, because it is not included "
        "(see the notes above).",
        "What could be checked matches: the report is unchanged since it was signed. "
        "{count} original files it describes were not checked, because they are not "
        "included (see the notes above).",
        count,
    ).format(count=count)
