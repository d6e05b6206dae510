"""`likeness-guard hash-list`: the matches' hashes, in the form hash-matching tools import."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import add_scan_option, open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.services.scanning import chosen_scan
from likeness_guard.core.services.takedown import write_hash_lists
from likeness_guard.locale import _, ngettext


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "hash-list",
        help=_("write the hashes of your confirmed matches for hash-matching tools (HMA)"),
        description=_(
            "Write a hash list of the scan's confirmed matches in the form Meta's "
            "hasher-matcher-actioner (HMA) imports through its file exchange: one line per "
            "signal, 'pdq HEX' for an image, 'video_md5 HEX' and 'vpdq JSON' for a video. "
            "For a platform, an NGO or a helpline that runs HMA. StopNCII.org and Take It "
            "Down take no file: they hash the images on your own device through their pages "
            "(select the files in the evidence package's originals/ folder there)."
        ),
        epilog=examples("likeness-guard hash-list --out ~/hashes.txt"),
    )
    add_scan_option(parser)
    parser.add_argument(
        "--include-unreviewed",
        action="store_true",
        help=_("also list matches you have not marked 'This is me'"),
    )
    parser.add_argument("--out", required=True, metavar="FILE", help=_("where to write the list"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        count = write_hash_lists(
            store,
            chosen_scan(store, args.scan),
            Path(args.out),
            include_unreviewed=args.include_unreviewed,
        )
    sentence = ngettext("Wrote {count} hash to {path}.", "Wrote {count} hashes to {path}.", count)
    print(sentence.format(count=count, path=args.out))
    return 0
