"""`likeness-guard recheck`: are the matched web images still online?"""

import argparse
import sys
from pathlib import Path

from likeness_guard.cli.common import add_scan_option, open_store, write_json
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.records import utc_now
from likeness_guard.core.domain.serialize import recheck_json
from likeness_guard.core.domain.takedown import Recheck
from likeness_guard.core.domain.words import recheck_words
from likeness_guard.core.services.folder import save_file
from likeness_guard.core.services.scanning import chosen_scan
from likeness_guard.core.services.takedown import recheck, recheck_warc
from likeness_guard.locale import _


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "recheck",
        help=_("check whether the web images you were found in are still online"),
        # Translators: the words in parentheses and after "whether" (online-same, still-links)
        # are values of the JSON output: keep them as they are.
        description=_(
            "Fetch again, with the same safety rules as a scan, only the web addresses of "
            "the scan's matches (and the pages they were on), and record for each image "
            "address whether the same file is still there (online-same), the same picture "
            "saved again (online-same-picture), something else (online-changed), it is gone "
            "(404, 410 or 451: the only answer that counts as removed) or the site cannot be "
            "reached; and for its page whether it still shows the image (still-links), no "
            "longer does (no-longer-links), is gone, or cannot be reached. Nothing else is "
            "requested. Every check is kept, with the HTTP exchanges it made."
        ),
        epilog=examples("likeness-guard recheck --json -"),
    )
    add_scan_option(parser)
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help=_("allow addresses on this computer or the local network (as in scan)"),
    )
    parser.add_argument(
        "--json", metavar="FILE", help=_("write the results as JSON (- for stdout)")
    )
    parser.add_argument(
        "--warc",
        metavar="FILE.warc.gz",
        help=_("also write what this re-check fetched (every request and response) as a WARC file"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    human = sys.stderr if args.json == "-" else sys.stdout
    with open_store(args) as store:
        scan_id = chosen_scan(store, args.scan)
        checked_at = utc_now()

        def show(result: Recheck) -> None:
            print(f"{recheck_words(result)}  {result.url}", file=human, flush=True)

        results = recheck(
            store,
            scan_id,
            allow_private_addresses=args.allow_private_addresses,
            on_result=show,
        )
        if args.warc and any(result.kept_records for result in results):
            save_file(Path(args.warc), recheck_warc(store, results))
            print(_("What was fetched, as WARC: {path}").format(path=args.warc), file=human)
    if not results:
        print(_("No web address to check in this scan."), file=human)
    if args.json:
        document = {
            "scan_id": scan_id,
            "checked_at": checked_at,
            "urls": [recheck_json(result) for result in results],
        }
        write_json(document, args.json)
    return 0
