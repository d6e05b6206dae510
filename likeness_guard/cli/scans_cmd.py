"""`likeness-guard scans`: the scans kept, newest first, with their status."""

import argparse

from likeness_guard.cli.common import open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.domain.words import SCAN_STATUS_WORDS, images_count, matches_count
from likeness_guard.core.services.scanning import scan_summaries
from likeness_guard.locale import _, ngettext


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "scans",
        help=_("list the scans kept, with their status"),
        description=_(
            "List every scan kept in the data folder, newest first: its number, person, "
            "status (an interrupted scan continues when you scan the same inputs again), "
            "and how many images, matches and errors it has."
        ),
        epilog=examples("likeness-guard scans"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        summaries = scan_summaries(store)
        if not summaries:
            print(_("No scans yet."))
        for summary in summaries:
            scan, counts = summary.scan, summary.counts
            note = (
                " — " + _("continue it by scanning the same inputs again")
                if (scan.status is ScanStatus.INTERRUPTED)
                else ""
            )
            errors = ngettext("{count} error", "{count} errors", counts.errors)
            # Translators: what a scan holds, in a list of scans: "12 images, 2 matches, 0 errors".
            holds = _("{images}, {matches}, {errors}").format(
                images=images_count(counts.items),
                matches=matches_count(counts.matches),
                errors=errors.format(count=counts.errors),
            )
            print(
                f"{scan.id}\t{printable(scan.profile_name)}\t{SCAN_STATUS_WORDS[scan.status]}"
                f"\t{holds}\t{scan.started_at}{note}"
            )
    return 0
