"""`likeness-guard rematch`: compare a scan's faces again, without reading the files."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import add_scan_option, add_threshold_options, open_store, say
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.words import not_rematched_words, without_copy_words
from likeness_guard.core.services.reviewing import rematch
from likeness_guard.core.services.scanning import chosen_scan
from likeness_guard.locale import _, ngettext


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "rematch",
        help=_("compare a scan's faces again with your reference photos of today"),
        description=_(
            "After you enrolled another photo of yourself, or want another threshold, "
            "compare the faces a scan found again, in seconds. The faces are kept from the "
            "scan, so no scanned file or web page is read again. The scan's matches are "
            "updated in place."
        ),
        epilog=examples("likeness-guard rematch --scan last --threshold 0.4"),
    )
    add_scan_option(parser)
    add_threshold_options(parser, _("a named threshold instead of the scan's own"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        scan_id = chosen_scan(store, args.scan)
        result = rematch(
            store,
            scan_id,
            preset=args.preset,
            threshold=args.threshold,
            models_dir=Path(args.models) if args.models else None,
        )
    say(
        args,
        ngettext(
            "Scan {scan}: compared the faces of {rematched} of {count} item again. Matches: "
            "{before} before, {after} now.",
            "Scan {scan}: compared the faces of {rematched} of {count} items again. Matches: "
            "{before} before, {after} now.",
            result.items,
        ).format(
            scan=scan_id,
            rematched=result.rematched,
            count=result.items,
            before=result.matches_before,
            after=result.matches_after,
        ),
    )
    if result.not_rematched:
        say(args, not_rematched_words(result.not_rematched))
    if result.new_without_copy:
        say(args, without_copy_words(result.new_without_copy))
    return 0
