"""`likeness-guard scans`: the scans kept, newest first, with their status."""

import argparse

from likeness_guard.cli.common import open_store
from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.domain.words import SCAN_STATUS_WORDS, counted
from likeness_guard.core.services.scanning import scan_summaries


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "scans",
        help="list the scans kept, with their status",
        description=(
            "List every scan kept in the data folder, newest first: its number, person, "
            "status (an interrupted scan continues when you scan the same inputs again), "
            "and how many images, matches and errors it has."
        ),
        epilog="Example: likeness-guard scans",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        summaries = scan_summaries(store)
        if not summaries:
            print("No scans yet.")
        for summary in summaries:
            scan, counts = summary.scan, summary.counts
            note = (
                " — continue it by scanning the same inputs again"
                if (scan.status is ScanStatus.INTERRUPTED)
                else ""
            )
            print(
                f"{scan.id}\t{printable(scan.profile_name)}\t{SCAN_STATUS_WORDS[scan.status]}"
                f"\t{counted(counts.items, 'image')}, "
                f"{counted(counts.matches, 'match', 'matches')}, "
                f"{counted(counts.errors, 'error')}\t{scan.started_at}{note}"
            )
    return 0
