"""A watched folder or chat export, looked at again: only new or changed files are read.

A file seen at the last visit with the same size and time is passed over without being
opened; a chat export's picture is known by its file and its message (one file may be
posted twice). What was there last time and is not any more is listed as gone.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.chat import ChatOrigin
from likeness_guard.core.domain.records import FileFacts
from likeness_guard.core.domain.watching import PageMemory, SeenThing
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.chat_exports import iter_chat_items
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES, iter_path_items


@dataclass
class FileVisit:
    """What one visit of a folder or export found; filled in as the items are taken."""

    present: set[str] = field(default_factory=set)
    handed_on: dict[str, str] = field(default_factory=dict)  # key -> stamp
    gone: list[str] = field(default_factory=list)
    files_read: int = 0
    # As a web visit has them (a folder has no pages, and its known bytes come from the
    # face cache): always empty.
    pages: list[PageMemory] = field(default_factory=list)
    same_bytes: list[SeenThing] = field(default_factory=list)


def item_key(file: FileFacts | None, chat: ChatOrigin | None) -> str | None:
    """How a watch knows a file again: its path, and for a chat picture its message (one
    file may be posted twice; a message whose file cannot be read is known by the message)."""
    if chat is not None:
        where = file.path if file is not None else chat.export_file or ""
        return f"{where}#{chat.platform}:{chat.message_id}"
    return None if file is None else file.path


def watch_file_items(
    place: str,
    *,
    chat_export: bool,
    seen: Mapping[str, SeenThing],
    visit: FileVisit,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    never_enter: tuple[Path, ...] = (),
    cancel: CancelToken | None = None,
) -> Iterator[SourceItem]:
    """The new and changed files of `place`; entries that are not files (pipes, links out
    of the folder) are left out, as they were listed by the first scan."""
    items = (
        iter_chat_items(place, max_file_bytes=max_file_bytes, cancel=cancel)
        if chat_export
        else iter_path_items(
            [place], max_file_bytes=max_file_bytes, cancel=cancel, never_enter=never_enter
        )
    )
    for item in items:
        key = item_key(item.file, item.chat)
        if item.skip is not None or key is None:
            if item.skip is None:
                yield item  # the place itself cannot be read: say so
            continue
        visit.present.add(key)
        stamp = f"{item.file.size}:{item.file.modified_at}" if item.file else "unreadable"
        known = seen.get(key)
        if known is not None and known.stamp == stamp:
            continue  # unchanged since the last visit: not read again
        visit.handed_on[key] = stamp
        visit.files_read += 1
        yield item
    if cancel is None or not cancel.cancelled:
        visit.gone = [key for key in seen if key not in visit.present]
