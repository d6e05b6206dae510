"""`likeness-guard scan`: look for a profile's face in folders, files and web addresses."""

import argparse
import sys
from pathlib import Path

from likeness_guard.cli.common import (
    add_profile_option,
    add_threshold_options,
    open_engine,
    open_store,
    say,
    write_json,
)
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import MatchTier, ScanItem, item_tier
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.domain.words import (
    POSSIBLE_WORDS,
    counted,
    segments_summary,
    similarity_words,
    video_stop_words,
)
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.scanning import (
    DEFAULT_MAX_FILE_BYTES,
    ScanProgress,
    ScanRequest,
    VideoSettings,
    WebLimits,
    WebOptions,
    address_list,
    scan,
    scan_document,
    scan_options,
    scan_summary,
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "scan",
        help="look for your face in folders, files and web addresses",
        description=(
            "Look for a profile's face in images: folders (recursively), single files and "
            "http(s) web addresses of images or pages. Every result is saved as it is found. "
            "Local files never cause a network connection; a web address is fetched with no "
            "cookies, no referrer and nothing about you."
        ),
        epilog=(
            "Examples:\n"
            "  likeness-guard scan ~/Downloads --json scan.json\n"
            "  likeness-guard scan https://example.com/page.html --preset strict"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="folders, files or URLs")
    parser.add_argument("--urls", metavar="FILE", help="a text file with one web address a line")
    add_profile_option(parser)
    add_threshold_options(parser, "how eager matching is (default: balanced)")
    parser.add_argument(
        "--json", metavar="FILE", help="write the results as JSON to FILE, or - for stdout"
    )
    parser.add_argument(
        "--include-hidden", action="store_true", help="also scan hidden files and folders"
    )
    parser.add_argument(
        "--max-file-size",
        type=int,
        default=DEFAULT_MAX_FILE_BYTES // (1024 * 1024),
        metavar="MB",
        help="skip files larger than this (default: %(default)s MB)",
    )
    parser.add_argument(
        "--max-video-frames",
        type=int,
        default=VideoSettings.max_frames,
        metavar="N",
        help="frames examined per video at most: two a second and at each scene change, "
        "spread over the whole video when it is longer (default: %(default)s)",
    )
    parser.add_argument(
        "--no-provenance",
        action="store_true",
        help="do not look for signs that an image is AI-made",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes analysing images at once (default: one per core; 1: none, all in "
        "this process)",
    )
    _add_web_options(parser.add_argument_group("web addresses"))
    parser.set_defaults(func=run)


def _add_web_options(web: "argparse._ArgumentGroup") -> None:
    web.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="allow addresses on this computer or the local network (intranet, tests)",
    )
    web.add_argument(
        "--follow-links",
        action="store_true",
        help="also scan pages of the same site linked from a given page (one level)",
    )
    web.add_argument(
        "--max-images-per-page", type=int, default=200, metavar="N", help="default: 200"
    )
    web.add_argument(
        "--web-time-limit",
        type=float,
        default=WebOptions.scan_seconds,
        metavar="S",
        help="longest all web addresses of the scan may take together, in seconds "
        "(default: %(default).0f); what is left is listed as not fetched",
    )
    web.add_argument(
        "--page-time-limit",
        type=float,
        default=WebOptions.page_seconds,
        metavar="S",
        help="longest one page and its images may take, in seconds (default: %(default).0f)",
    )
    web.add_argument(
        "--allow-address",
        action="append",
        default=[],
        metavar="IP",
        help="allow this one address even if it is refused otherwise (the cloud metadata "
        "address 169.254.169.254 is refused even with --allow-private-addresses)",
    )


def _request(args: argparse.Namespace) -> ScanRequest:
    inputs = list(args.paths) + (address_list(Path(args.urls)) if args.urls else [])
    options = scan_options(
        preset=args.preset,
        threshold=args.threshold,
        allow_private_addresses=args.allow_private_addresses,
        follow_links=args.follow_links,
        max_images_per_page=args.max_images_per_page,
        include_hidden=args.include_hidden,
        max_file_bytes=args.max_file_size * 1024 * 1024,
        max_video_frames=args.max_video_frames,
        check_provenance=not args.no_provenance,
        workers=args.workers,
        web_limits=WebLimits(
            scan_seconds=args.web_time_limit,
            page_seconds=args.page_time_limit,
            allowed_addresses=tuple(args.allow_address),
        ),
    )
    return ScanRequest(args.profile, tuple(inputs), options)


def run(args: argparse.Namespace) -> int:
    """Scan, print a summary (and JSON when asked); exit 0 whether or not anything matched."""
    request = _request(args)
    threshold = request.options.threshold
    with open_store(args) as store:
        engine = open_engine(args)
        cancel = CancelToken()
        last: list[ScanProgress] = []

        def on_progress(progress: ScanProgress) -> None:
            last[:] = [progress]

        possible: list[ScanItem] = []

        def on_item(item: ScanItem) -> None:
            source = printable(item.source)  # a newline or a right-to-left override, shown
            if item_tier(item) is MatchTier.POSSIBLE:
                possible.append(item)
            if item.match:
                words = similarity_words(item.best_similarity or 0.0, threshold)
                say(args, f"MATCH  {item.best_similarity:.2f} ({words})  {source}")
                if item.video is not None:  # where in the video, in hh:mm:ss
                    say(args, f"       video: {segments_summary(item.video)}")
            if item.video is not None and (note := video_stop_words(item.video)):
                say(args, f"note   {source}: {note}")
            elif item.is_error:
                say(args, f"error  {source}: {printable(item.error or '')}")

        try:
            scan_id = scan(
                store,
                engine,
                request,
                on_item=on_item,
                on_progress=on_progress,
                cancel=cancel,
            )
        except KeyboardInterrupt:
            cancel.cancel()
            print("Scan stopped; what was found so far is saved.", file=sys.stderr)
            return 130
        counts = scan_summary(store, scan_id).counts
        summary = (
            f"Scan {scan_id}: {counted(counts.items, 'image')}, {counted(counts.faces, 'face')}, "
            f"{counted(counts.matches, 'match', 'matches')}, {counted(counts.errors, 'error')}; "
            f"threshold {threshold:.2f}."
        )
        if last:
            summary += f" {last[0].images_per_second:.1f} images/s."
        say(args, summary)
        _name_skipped(args, store, scan_id, request.inputs)
        if possible:  # after the matches: these are to check, not matches
            say(args, f"{counted(len(possible), 'more image')} might be you — check them:")
            for item in sorted(possible, key=lambda i: -(i.best_similarity or 0.0)):
                say(
                    args,
                    f"MAYBE  {item.best_similarity:.2f} ({POSSIBLE_WORDS})  "
                    + printable(item.source),
                )
        if args.json:
            write_json(scan_document(store, scan_id), args.json)
    return 0


def _name_skipped(
    args: argparse.Namespace, store: Store, scan_id: int, inputs: tuple[str, ...]
) -> None:
    """Name each input that was skipped (a FIFO, a device given on the command line), and
    count what was skipped inside folders, so that "0 images" is never left unexplained."""
    from likeness_guard.core.domain.text_safety import storable
    from likeness_guard.core.services.scanning import skipped_entries
    from likeness_guard.locale import _, ngettext

    entries = skipped_entries(store, scan_id)
    given = {storable(text) for text in inputs}
    for entry in entries:
        if entry.path in given:
            say(
                args,
                _("skipped  {path}: {reason}").format(
                    path=printable(entry.path), reason=printable(entry.reason)
                ),
            )
    inside = sum(1 for entry in entries if entry.path not in given)
    if inside:
        say(
            args,
            ngettext(
                "{count} entry inside the folders was skipped (a link out of the folder, a "
                "pipe or a device): the scan's JSON (--json) lists it with the reason.",
                "{count} entries inside the folders were skipped (links out of the folder, "
                "pipes or devices): the scan's JSON (--json) lists them with the reasons.",
                inside,
            ).format(count=inside),
        )
