"""Inspecting: the AI markers of any image or video, without a profile or face matching."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.serialize import synthetic_json
from likeness_guard.core.domain.synthetic import SyntheticReport
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.sources.file_checks import read_regular_file
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES
from likeness_guard.core.sources.web import is_web_address
from likeness_guard.locale import _


@dataclass(frozen=True)
class Inspection:
    """One source: its JSON document (with "error" when it could not be read) and report."""

    document: JsonDict
    report: SyntheticReport | None


def inspect_source(source: str, allow_private: bool = False) -> Inspection:
    """The AI markers of one file or image address, as `inspect --json` writes them.

    Never raises for a bad source: its document says what went wrong in "error".
    """
    from likeness_guard.core.provenance import inspect_bytes

    # A name that is not valid UTF-8 is kept as \xNN escapes (JSON and terminals need text).
    item: JsonDict = {"source": storable(source), "sha256": None, "format": None}
    if is_web_address(source):
        try:
            data = _fetch_image(source, allow_private)
        except SourceError as exc:
            item["error"] = str(exc)
            return Inspection(item, None)
    else:
        video = _inspect_video(item, Path(source))
        if video is not None:  # a video: read from disk in pieces, never whole
            return video
        try:  # regular files only, bounded: never a FIFO, a device or /dev/zero
            data = read_regular_file(Path(source), DEFAULT_MAX_FILE_BYTES, seconds=60.0)
        except SourceError as exc:
            item["error"] = str(exc)
            return Inspection(item, None)
        except FileNotFoundError:
            item["error"] = _("file not found")
            return Inspection(item, None)
        except IsADirectoryError:
            item["error"] = _("this is a folder, not a file")
            return Inspection(item, None)
        except PermissionError:
            item["error"] = _("permission denied")
            return Inspection(item, None)
        except OSError as exc:
            item["error"] = _("could not read the file ({reason})").format(
                reason=exc.strerror or exc
            )
            return Inspection(item, None)
    report = inspect_bytes(data)
    item["sha256"] = hashlib.sha256(data).hexdigest()
    item["format"] = report.format
    item["synthetic"] = synthetic_json(report)
    if not data:
        item["error"] = _("the file is empty")
    elif report.format is None:
        item["error"] = _("not an image (or a format this app cannot read)")
    return Inspection(item, report)


def _inspect_video(item: JsonDict, path: Path) -> Inspection | None:
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
    return Inspection(item, report)


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
        _(
            "this address is a web page, not an image: give the address of an image, or scan "
            "the page with: likeness-guard scan URL"
        )
    )
