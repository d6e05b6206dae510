"""The `inspect` command: show the AI markers of any image, without a profile or face matching."""

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from likeness_guard.cli.common import write_json
from likeness_guard.core.domain.errors import SourceError, UserFacingError
from likeness_guard.core.domain.serialize import synthetic_json
from likeness_guard.core.domain.synthetic import SyntheticReport, SyntheticStatus
from likeness_guard.core.domain.text_safety import printable, storable
from likeness_guard.core.domain.words import NO_MARKER_CAVEAT, describe_synthetic
from likeness_guard.core.sources.file_checks import read_regular_file
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.sources.web import is_web_address

_EPILOG = """\
Examples:
  likeness-guard inspect suspicious.jpg
  likeness-guard inspect a.png b.webp --json report.json
  likeness-guard inspect *.jpg --json -      (JSON on standard output)

Finding no marker does not mean an image is real: most fakes carry none.
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `inspect` subcommand to `subparsers`."""
    parser = subparsers.add_parser(
        "inspect",
        help="show whether images declare or betray that AI made them",
        description=(
            "Read each image's Content Credentials (C2PA), IPTC/XMP fields, generator "
            "settings and Stable Diffusion watermark, offline, and print what was found. "
            "No profile is needed and no face matching is done."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="FILE_OR_URL",
        help="image files, or web addresses of images, to inspect",
    )
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="allow web addresses on this computer or the local network",
    )
    parser.add_argument(
        "--json",
        metavar="FILE",
        help="also write the results as JSON to FILE, or - for standard output",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Inspect every source; return 0 when all could be read, 1 when some could not."""
    results = [_inspect_source(str(s), args.allow_private_addresses) for s in args.sources]
    items = [item for item, _report in results]
    json_path: str | None = args.json
    # With JSON on standard output, the human lines go to standard error, as in `scan`.
    human_stream = sys.stderr if json_path == "-" else sys.stdout
    for item, report in results:
        print(human_line(item, report), file=human_stream, flush=True)
    if json_path is not None:
        try:
            write_json({"items": items}, json_path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UserFacingError(f"could not write {json_path}: {reason}") from exc
    return 0 if all("error" not in item for item in items) else 1


def _inspect_source(
    source: str, allow_private: bool
) -> tuple[dict[str, Any], SyntheticReport | None]:
    from likeness_guard.core.provenance import inspect_bytes

    # A name that is not valid UTF-8 is kept as \xNN escapes (JSON and terminals need text).
    item: dict[str, Any] = {"source": storable(source), "sha256": None, "format": None}
    if is_web_address(source):
        try:
            data = _fetch_image(source, allow_private)
        except SourceError as exc:
            item["error"] = str(exc)
            return item, None
    else:
        video = _inspect_video(item, Path(source))
        if video is not None:  # a video: read from disk in pieces, never whole
            return video
        try:  # regular files only, bounded: never a FIFO, a device or /dev/zero
            data = read_regular_file(Path(source), DEFAULT_MAX_FILE_BYTES, seconds=60.0)
        except SourceError as exc:
            item["error"] = str(exc)
            return item, None
        except FileNotFoundError:
            item["error"] = "file not found"
            return item, None
        except IsADirectoryError:
            item["error"] = "this is a folder, not a file"
            return item, None
        except PermissionError:
            item["error"] = "permission denied"
            return item, None
        except OSError as exc:
            item["error"] = f"could not read the file ({exc.strerror or exc})"
            return item, None
    report = inspect_bytes(data)
    item["sha256"] = hashlib.sha256(data).hexdigest()
    item["format"] = report.format
    item["synthetic"] = synthetic_json(report)
    if not data:
        item["error"] = "the file is empty"
    elif report.format is None:
        item["error"] = "not an image (or a format this app cannot read)"
    return item, report


def _inspect_video(
    item: dict[str, Any], path: Path
) -> tuple[dict[str, Any], SyntheticReport | None] | None:
    """The AI markers of a video file, or None when the file is not a video."""
    from likeness_guard.core.pipeline.video_loader import hash_file, video_kind_of_file
    from likeness_guard.core.provenance.video import inspect_video

    try:
        kind, _is_image = video_kind_of_file(path)
        if kind is None:
            return None
        hashes = hash_file(path)
    except OSError:
        return None  # the image path below says why in its own words
    report = inspect_video(path, kind)
    item.update(sha256=hashes.sha256, md5=hashes.md5, format=kind, media="video")
    item["synthetic"] = synthetic_json(report)
    return item, report


def _fetch_image(url: str, allow_private: bool) -> bytes:
    """The exact bytes of the image at `url`; raises SourceError with a reason."""
    from likeness_guard.core.sources.web import WebOptions, iter_web_items

    # No images are fetched from a page: this command looks at one image per address.
    options = WebOptions(allow_private_addresses=allow_private, max_images_per_page=0)
    for item in iter_web_items([url], options):
        if item.web is not None and item.web.page is not None:
            break
        return item.read()
    raise SourceError(
        "this address is a web page, not an image: give the address of an image, or scan "
        "the page with: likeness-guard scan URL"
    )


def human_line(item: dict[str, Any], report: SyntheticReport | None) -> str:
    """Return the one-line summary printed for an item."""
    source = printable(item["source"])  # a newline or a right-to-left override, shown
    if "error" in item or report is None:
        return f"{source}: error: {item.get('error', 'not inspected')}"
    if report.flagged:
        lead = report.lead.summary if report.lead else ""
        return f"{source}: {describe_synthetic(report).badge} — {lead}"
    if report.status is SyntheticStatus.UNREADABLE:
        return f"{source}: unreadable: this is not an image this app can read."
    line = f"{source}: no marker found. {NO_MARKER_CAVEAT}"
    if report.indicators:  # weak notes, e.g. a remote manifest that was not fetched
        line += f" Note: {report.indicators[0].summary}"
    return line
