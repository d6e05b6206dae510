"""`likeness-guard export`: the evidence package a recipient can check on their own."""

import argparse
import sys

from likeness_guard.cli.report_cmd import add_report_options, own_photos_words, write_from_args
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.words import matches_count
from likeness_guard.locale import N_, _, ngettext

ORIGINALS_WARNING = N_(
    "Note: the package holds the original images, not blurred (in originals/ and web/). "
    "Share it only with people who need them."
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "export",
        help=_("write an evidence package: signed report, originals, web captures, checksums"),
        description=_(
            "Write everything a platform, a lawyer or the police need to check the evidence "
            "on their own computer: the signed report and its manifest, the original files "
            "byte for byte, every page and image fetched from the web as WARC files (the "
            "HTTP exchanges as captured at scan time), SHA256SUMS and MD5SUMS, pdq.txt and a "
            "README for the recipient. FOLDER must be new or empty; a name ending in .zip "
            "writes a .zip file instead. 'verify-report FOLDER' checks it anywhere."
        ),
        epilog=examples("likeness-guard export --name 'A. N.' --out ~/evidence-package.zip"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_report_options(parser)
    parser.add_argument(
        "--out", required=True, metavar="FOLDER", help=_("a new folder, or a file ending in .zip")
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from likeness_guard.core.services.reporting import PackageResult, spaced

    print(_(ORIGINALS_WARNING), file=sys.stderr, flush=True)
    result = write_from_args(args, package=True)
    assert isinstance(result, PackageResult)
    report = result.report
    originals = ngettext("{count} original file", "{count} original files", result.originals)
    captures = ngettext(
        "{count} WARC file of web captures", "{count} WARC files of web captures", result.warc_files
    )
    files = ngettext("{count} file in all", "{count} files in all", result.files)
    print(
        # Translators: {matches}, {originals}, {captures} and {files} are counts with their
        # nouns, such as "2 matches", "2 original files", "1 WARC file of web captures".
        _(
            "Wrote the evidence package {path}: {matches}, {originals}, {captures}, {files}, "
            "{megabytes} MB."
        ).format(
            path=result.path,
            matches=matches_count(report.item_count),
            originals=originals.format(count=result.originals),
            captures=captures.format(count=result.warc_files),
            files=files.format(count=result.files),
            megabytes=f"{result.total_bytes / 1e6:.1f}",
        )
    )
    print(
        _("Signing certificate fingerprint (SHA-256): {fingerprint}").format(
            fingerprint=spaced(report.fingerprint)
        )
    )
    if result.missing_originals:
        print(
            ngettext(
                "{count} match without a kept original (the bytes were not kept, or the kept "
                "copy changed): the report says so for each.",
                "{count} matches without a kept original (the bytes were not kept, or the kept "
                "copy changed): the report says so for each.",
                result.missing_originals,
            ).format(count=result.missing_originals)
        )
    if report.own_photos_left_out:
        print(own_photos_words(report.own_photos_left_out))
    print(
        _("Check it on any computer with: {command}").format(
            command=f"likeness-guard verify-report {result.path}"
        )
    )
    return 0
