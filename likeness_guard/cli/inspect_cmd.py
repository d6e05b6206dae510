"""The `inspect` command: show the AI markers of any image, without a profile or face matching."""

import argparse
import sys
from typing import Any

from likeness_guard.cli.common import write_json
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.synthetic import SyntheticReport, SyntheticStatus
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.domain.words import NO_MARKER_CAVEAT, describe_synthetic
from likeness_guard.core.services.inspecting import inspect_source
from likeness_guard.locale import _


def _epilog() -> str:
    return (
        examples(
            "likeness-guard inspect suspicious.jpg",
            "likeness-guard inspect a.png b.webp --json report.json",
            ("likeness-guard inspect *.jpg --json -", _("(JSON on standard output)")),
        )
        + "\n\n"
        + _("Finding no marker does not mean an image is real: most fakes carry none.")
    )


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `inspect` subcommand to `subparsers`."""
    parser = subparsers.add_parser(
        "inspect",
        help=_("show whether images declare or betray that AI made them"),
        description=_(
            "Read each image's Content Credentials (C2PA), IPTC/XMP fields, generator "
            "settings and Stable Diffusion watermark, offline, and print what was found. "
            "No profile is needed and no face matching is done."
        ),
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="FILE_OR_URL",
        help=_("image files, or web addresses of images, to inspect"),
    )
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help=_("allow web addresses on this computer or the local network"),
    )
    parser.add_argument(
        "--json",
        metavar="FILE",
        help=_("also write the results as JSON to FILE, or - for standard output"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Inspect every source; return 0 when all could be read, 1 when some could not."""
    results = [inspect_source(str(s), args.allow_private_addresses) for s in args.sources]
    items = [result.document for result in results]
    json_path: str | None = args.json
    # With JSON on standard output, the human lines go to standard error, as in `scan`.
    human_stream = sys.stderr if json_path == "-" else sys.stdout
    for result in results:
        print(human_line(result.document, result.report), file=human_stream, flush=True)
    if json_path is not None:
        try:
            write_json({"items": items}, json_path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UserFacingError(
                _("could not write {path}: {reason}").format(path=json_path, reason=reason)
            ) from exc
    return 0 if all("error" not in item for item in items) else 1


def human_line(item: dict[str, Any], report: SyntheticReport | None) -> str:
    """Return the one-line summary printed for an item."""
    source = printable(item["source"])  # a newline or a right-to-left override, shown
    if "error" in item or report is None:
        error = item.get("error") or _("not inspected")
        return _("{source}: error: {error}").format(source=source, error=error)
    if report.flagged:
        lead = report.lead.summary if report.lead else ""
        return f"{source}: {describe_synthetic(report).badge} — {lead}"
    if report.status is SyntheticStatus.UNREADABLE:
        return _("{source}: unreadable: this is not an image this app can read.").format(
            source=source
        )
    line = _("{source}: no marker found.").format(source=source) + " " + _(NO_MARKER_CAVEAT)
    if report.indicators:  # weak notes, e.g. a remote manifest that was not fetched
        line += " " + _("Note: {note}").format(note=report.indicators[0].summary)
    return line
