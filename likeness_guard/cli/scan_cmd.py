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
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.records import (
    MatchTier,
    ScanCounts,
    ScanItem,
    ScanOutcome,
    item_tier,
)
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.domain.words import (
    POSSIBLE_WORDS,
    images_count,
    matches_count,
    score_words,
    segments_summary,
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
from likeness_guard.locale import _, ngettext

# The exit status of `scan` (see _exit_status_help): it ran to its end, whatever it found;
# not one item could be read. 2 (could not start), 3 (locked) and 130 (stopped) come from
# cli/__init__.py.
SCAN_FINISHED_EXIT = 0
SCAN_FAILED_EXIT = 1


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "scan",
        help=_("look for your face in folders, files and web addresses"),
        description=_(
            "Look for a profile's face in images: folders (recursively), single files and "
            "http(s) web addresses of images or pages. Every result is saved as it is found. "
            "Local files never cause a network connection; a web address is fetched with no "
            "cookies, no referrer and nothing about you."
        ),
        epilog=(
            examples(
                "likeness-guard scan ~/Downloads --json scan.json",
                "likeness-guard scan https://example.com/page.html --preset strict",
            )
            + "\n\n"
            + _exit_status_help()
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=_("folders, files or URLs"))
    parser.add_argument("--urls", metavar="FILE", help=_("a text file with one web address a line"))
    add_profile_option(parser)
    add_threshold_options(parser, _("how eager matching is (default: balanced)"))
    parser.add_argument(
        "--json", metavar="FILE", help=_("write the results as JSON to FILE, or - for stdout")
    )
    parser.add_argument(
        "--include-hidden", action="store_true", help=_("also scan hidden files and folders")
    )
    parser.add_argument(
        "--max-file-size",
        type=int,
        default=DEFAULT_MAX_FILE_BYTES // (1024 * 1024),
        metavar="MB",
        help=_("skip files larger than this (default: %(default)s MB)"),
    )
    parser.add_argument(
        "--max-video-frames",
        type=int,
        default=VideoSettings.max_frames,
        metavar="N",
        help=_(
            "frames examined per video at most: two a second and at each scene change, "
            "spread over the whole video when it is longer (default: %(default)s)"
        ),
    )
    parser.add_argument(
        "--no-provenance",
        action="store_true",
        help=_("do not look for signs that an image is AI-made"),
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=_(
            "processes analysing images at once (default: one per core; 1: none, all in "
            "this process)"
        ),
    )
    _add_web_options(parser.add_argument_group(_("web addresses")))
    parser.set_defaults(func=run)


def _exit_status_help() -> str:
    return _(
        "Exit status:\n"
        "  0    the scan ran to its end, with or without matches; items that could not be\n"
        "       read are listed as errors (and in the JSON), the rest were checked\n"
        '  1    nothing could be read: every item failed (the JSON says "status": "failed")\n'
        "  2    the scan could not start (no such profile, nothing to scan, a wrong option)\n"
        "  3    the data folder is protected and no right passphrase was given\n"
        "  130  stopped with Ctrl+C; what was found so far is saved"
    )


def _add_web_options(web: "argparse._ArgumentGroup") -> None:
    web.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help=_("allow addresses on this computer or the local network (intranet, tests)"),
    )
    web.add_argument(
        "--follow-links",
        action="store_true",
        help=_("also scan pages of the same site linked from a given page (one level)"),
    )
    web.add_argument(
        "--max-images-per-page",
        type=int,
        default=200,
        metavar="N",
        help=_("default: %(default)s"),
    )
    web.add_argument(
        "--web-time-limit",
        type=float,
        default=WebOptions.scan_seconds,
        metavar="S",
        help=_(
            "longest all web addresses of the scan may take together, in seconds "
            "(default: %(default).0f); what is left is listed as not fetched"
        ),
    )
    web.add_argument(
        "--page-time-limit",
        type=float,
        default=WebOptions.page_seconds,
        metavar="S",
        help=_("longest one page and its images may take, in seconds (default: %(default).0f)"),
    )
    web.add_argument(
        "--allow-address",
        action="append",
        default=[],
        metavar="IP",
        help=_(
            "allow this one address even if it is refused otherwise (the cloud metadata "
            "address 169.254.169.254 is refused even with --allow-private-addresses)"
        ),
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
    """Scan, print a summary (and JSON when asked); exit 0 whether or not anything matched,
    1 when not one item could be read."""
    request = _request(args)
    threshold = request.options.threshold
    with open_store(args) as store:
        engine = open_engine(args, lazy=True)  # a rescan of unchanged files needs no model
        cancel = CancelToken()
        last: list[ScanProgress] = []

        def on_progress(progress: ScanProgress) -> None:
            last[:] = [progress]

        possible: list[ScanItem] = []
        reasons: list[str] = []  # each error's message, for a scan that read nothing

        def on_item(item: ScanItem) -> None:
            source = printable(item.source)  # a newline or a right-to-left override, shown
            if item_tier(item) is MatchTier.POSSIBLE:
                possible.append(item)
            if item.match:
                # A face that looks drawn matches below the threshold: still at least "possibly".
                words = score_words(item.best_similarity or 0.0, threshold, MatchTier.MATCH)
                score = f"{item.best_similarity:.2f}"
                # Translators: MATCH, note and error start lines aligned in a column; keep
                # the spaces after them, and make the words the same width if you can.
                line = _("MATCH  {score} ({words})  {source}")
                say(args, line.format(score=score, words=words, source=source))
                if item.video is not None:  # where in the video, in hh:mm:ss
                    where = segments_summary(item.video)
                    say(args, "       " + _("video: {where}").format(where=where))
            if item.video is not None and (note := video_stop_words(item.video)):
                say(args, _("note   {source}: {note}").format(source=source, note=note))
            elif item.is_error:
                error = printable(item.error or "")
                say(args, _("error  {source}: {error}").format(source=source, error=error))
                reasons.append(item.error or "")

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
            print(_("Scan stopped; what was found so far is saved."), file=sys.stderr)
            return 130
        outcome = scan_summary(store, scan_id)
        counts = outcome.counts
        failed = outcome.outcome is ScanOutcome.FAILED
        if failed:
            say(args, _failed_summary(scan_id, counts.errors, reasons))
        else:
            rate = last[0].images_per_second if last else None
            say(args, _summary(scan_id, counts, threshold, rate))
        _name_skipped(args, store, scan_id, request.inputs)
        if possible:  # after the matches: these are to check, not matches
            _say_possible(args, possible)
        if args.json:
            write_json(scan_document(store, scan_id), args.json)
    return SCAN_FAILED_EXIT if failed else SCAN_FINISHED_EXIT


def _summary(scan_id: int, counts: ScanCounts, threshold: float, rate: float | None) -> str:
    """The line after a scan: what it looked at and found, and how fast."""
    faces = ngettext("{count} face", "{count} faces", counts.faces)
    errors = ngettext("{count} error", "{count} errors", counts.errors)
    # Translators: {images}, {faces}, {matches} and {errors} are counts with their nouns,
    # such as "12 images", "3 faces", "1 match", "0 errors".
    summary = _("Scan {scan}: {images}, {faces}, {matches}, {errors}; threshold {threshold}.")
    summary = summary.format(
        scan=scan_id,
        images=images_count(counts.items),
        faces=faces.format(count=counts.faces),
        matches=matches_count(counts.matches),
        errors=errors.format(count=counts.errors),
        threshold=f"{threshold:.2f}",
    )
    if rate is None:
        return summary
    return summary + " " + _("{rate} images/s.").format(rate=f"{rate:.1f}")


def _say_possible(args: argparse.Namespace, possible: list[ScanItem]) -> None:
    """The possible matches, most similar first, after the matches."""
    say(
        args,
        ngettext(
            "{count} more image might be you — check them:",
            "{count} more images might be you — check them:",
            len(possible),
        ).format(count=len(possible)),
    )
    for item in sorted(possible, key=lambda i: -(i.best_similarity or 0.0)):
        # Translators: MAYBE starts a line aligned with the MATCH lines above it.
        line = _("MAYBE  {score} ({words})  {source}")
        say(
            args,
            line.format(
                score=f"{item.best_similarity:.2f}",
                words=_(POSSIBLE_WORDS),
                source=printable(item.source),
            ),
        )


def _failed_summary(scan_id: int, errors: int, reasons: list[str]) -> str:
    """The summary of a scan that read nothing: no "1 image" and no speed, but why."""
    if errors == len(reasons) and len(set(reasons)) == 1 and reasons[0]:
        return _("Scan {scan} failed: 0 images checked. Nothing could be read: {reason}").format(
            scan=scan_id, reason=printable(reasons[0])
        )
    return ngettext(
        "Scan {scan} failed: 0 images checked. Nothing could be read ({count} error, listed "
        "above).",
        "Scan {scan} failed: 0 images checked. Nothing could be read ({count} errors, each "
        "listed above).",
        errors,
    ).format(scan=scan_id, count=errors)


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
