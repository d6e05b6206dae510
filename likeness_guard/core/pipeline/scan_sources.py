"""How a scan is set up, and what it looks through: every item of its inputs (folders,
files, chat exports, web addresses) in the order given, and how many to expect."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.pipeline.budget import ITEM_SECONDS
from likeness_guard.core.pipeline.video_loader import VideoSettings
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.chat_exports import export_file, iter_chat_items
from likeness_guard.core.sources.folders import (
    DEFAULT_MAX_FILE_BYTES,
    count_path_items,
    iter_path_items,
)

if TYPE_CHECKING:  # imported for real only when a web address is scanned
    from likeness_guard.core.sources.web import WebOptions


@dataclass(frozen=True)
class ScanOptions:
    threshold: float
    preset: str | None = None
    include_hidden: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_frames: int = 8
    check_provenance: bool = True
    web: "WebOptions | None" = None  # None means the defaults
    video: VideoSettings = field(default_factory=VideoSettings)  # frames per second, cap
    item_seconds: float = ITEM_SECONDS  # longest one item may take (pipeline/budget.py)
    workers: int | None = None  # processes analysing images; None: one per core


def iter_sources(
    inputs: Sequence[str], options: ScanOptions, cancel: CancelToken, data: Path | None = None
) -> Iterator[SourceItem]:
    """Every item to scan, from paths and web addresses, in the order given. `data`: the
    data folder, never scanned itself, whose spool keeps downloaded videos."""
    from likeness_guard.core.sources.web import WebOptions, is_web_address, iter_web_items
    from likeness_guard.core.storage.spool import spool_folder

    web = options.web or WebOptions()
    if data is not None:
        web = replace(web, spool_folder=str(spool_folder(data)))
    for text in inputs:
        if is_web_address(text):
            yield from iter_web_items([text], web, cancel)
        elif export_file(text) is not None:  # a chat export: each picture with its message
            yield from iter_chat_items(text, max_file_bytes=options.max_file_bytes, cancel=cancel)
        else:
            yield from iter_path_items(
                [text],
                include_hidden=options.include_hidden,
                max_file_bytes=options.max_file_bytes,
                cancel=cancel,
                read_seconds=options.item_seconds,
                never_enter=() if data is None else (data,),
            )


def estimate_total(inputs: Sequence[str], options: ScanOptions) -> int:
    """How many items to expect: files exactly, a web address counts as one until fetched."""
    from likeness_guard.core.sources.web import is_web_address

    paths = [t for t in inputs if not is_web_address(t)]
    urls = len(inputs) - len(paths)
    return count_path_items(paths, include_hidden=options.include_hidden) + urls
