"""Chat exports as sources: Telegram Desktop's `result.json` and DiscordChatExporter's JSON.

Each picture or video a message carried becomes one item, read from the export's own folder
(never from elsewhere: a path that leaves the folder is refused), with the facts that make
it evidence: the chat, the message and its link, the posting time in UTC and the sender as
the export shows them. Nothing is fetched: an attachment the export did not download (a
Discord `https://` address) is listed as skipped with the reason.
"""

import enum
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.chat import ChatOrigin, ChatPlatform
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.file_checks import read_text_file
from likeness_guard.core.sources.folders import DEFAULT_MAX_FILE_BYTES, iter_path_items
from likeness_guard.locale import _

TELEGRAM_FILE = "result.json"
# An export's JSON is read whole: a large channel's history is tens of MB.
MAX_EXPORT_BYTES = 256 * 1024 * 1024
_MEDIA_KEYS = ("photo", "file", "thumbnail")
_NOT_DOWNLOADED = "(File not included. Change data exporting settings to download.)"


class ExportKind(enum.StrEnum):
    TELEGRAM = "telegram"
    DISCORD = "discord"


def export_file(path: str | Path) -> tuple[Path, ExportKind] | None:
    """The export's JSON file and which app wrote it, when `path` is a chat export (a
    Telegram export folder or its result.json, a DiscordChatExporter .json); else None."""
    path = Path(path).expanduser()
    candidate = path / TELEGRAM_FILE if path.is_dir() else path
    if candidate.suffix.lower() != ".json" or not candidate.is_file():
        return None
    try:
        with candidate.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    text = head.decode("utf-8", "replace")
    if '"messages"' not in text and '"guild"' not in text and '"name"' not in text:
        return None
    if '"guild"' in text and '"channel"' in text:
        return candidate, ExportKind.DISCORD
    if candidate.name == TELEGRAM_FILE and ('"type"' in text or '"messages"' in text):
        return candidate, ExportKind.TELEGRAM
    return None


def iter_chat_items(
    path: str | Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    cancel: CancelToken | None = None,
) -> Iterator[SourceItem]:
    """One item per picture or video in the export at `path`, in message order, each with
    its ChatOrigin. An export that cannot be read gives one item whose read() says why."""
    found = export_file(path)
    if found is None:
        yield _failed(str(path), _("This is not a Telegram or Discord chat export."))
        return
    json_path, kind = found
    try:
        document = json.loads(read_text_file(json_path, MAX_EXPORT_BYTES))
    except (OSError, SourceError, ValueError) as exc:
        yield _failed(
            str(json_path), _("The chat export cannot be read ({reason}).").format(reason=exc)
        )
        return
    messages = telegram_media if kind is ExportKind.TELEGRAM else discord_media
    for relative, origin in messages(document, str(json_path)):
        if cancel is not None and cancel.cancelled:
            return
        yield from _media_item(json_path.parent, relative, origin, max_file_bytes)


def telegram_media(document: Mapping[str, Any], source: str) -> Iterator[tuple[str, ChatOrigin]]:
    """(the media's path inside the export, its message) for each message with media."""
    chat_id = document.get("id")
    chat_type = str(document.get("type", ""))
    for message in _list(document.get("messages")):
        if not isinstance(message, Mapping) or message.get("type", "message") != "message":
            continue
        for key in _MEDIA_KEYS:
            relative = message.get(key)
            if isinstance(relative, str) and relative:
                yield relative, _telegram_origin(document, message, chat_id, chat_type, source)
                break


def _telegram_origin(
    document: Mapping[str, Any],
    message: Mapping[str, Any],
    chat_id: object,
    chat_type: str,
    source: str,
) -> ChatOrigin:
    message_id = str(message.get("id", ""))
    # Channels and groups have t.me/c/ links that open the message for a member; a private
    # conversation has none.
    link = None
    if chat_id is not None and ("channel" in chat_type or "supergroup" in chat_type):
        link = f"https://t.me/c/{chat_id}/{message_id}"
    return ChatOrigin(
        platform=ChatPlatform.TELEGRAM,
        chat_name=str(document.get("name") or ""),
        chat_id=None if chat_id is None else str(chat_id),
        message_id=message_id,
        posted_at=_unix_utc(message.get("date_unixtime")),
        sender=_text_or_none(message.get("from")),
        sender_id=_text_or_none(message.get("from_id")),
        message_link=link,
        export_file=source,
    )


def discord_media(document: Mapping[str, Any], source: str) -> Iterator[tuple[str, ChatOrigin]]:
    """(the attachment's path or address, its message) for each attachment."""
    guild, channel = _mapping(document.get("guild")), _mapping(document.get("channel"))
    guild_id, channel_id = _text_or_none(guild.get("id")), _text_or_none(channel.get("id"))
    name = " / ".join(str(part) for part in (guild.get("name"), channel.get("name")) if part)
    for message in _list(document.get("messages")):
        if not isinstance(message, Mapping):
            continue
        author = _mapping(message.get("author"))
        message_id = str(message.get("id", ""))
        link = None
        if guild_id and channel_id and message_id:
            link = f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
        origin = ChatOrigin(
            platform=ChatPlatform.DISCORD,
            chat_name=name,
            chat_id=channel_id,
            message_id=message_id,
            posted_at=_iso_utc(message.get("timestamp")),
            sender=_text_or_none(author.get("nickname") or author.get("name")),
            sender_id=_text_or_none(author.get("id")),
            message_link=link,
            export_file=source,
        )
        for attachment in _list(message.get("attachments")):
            if isinstance(attachment, Mapping) and isinstance(attachment.get("url"), str):
                yield attachment["url"], origin


def _media_item(
    folder: Path, relative: str, origin: ChatOrigin, max_file_bytes: int
) -> Iterator[SourceItem]:
    """The file a message points to, inside the export's folder, as items with the chat facts."""
    if relative.startswith(("http://", "https://")) or relative == _NOT_DOWNLOADED:
        reason = _(
            "The export does not include this file (only its address): export again "
            "with the media included."
        )
        yield replace(_failed(relative, reason), skip=reason, chat=origin)
        return
    target = (folder / relative).resolve()
    root = folder.resolve()
    if os.path.commonpath([root, target]) != str(root):
        yield replace(
            _failed(relative, _("The export points outside its own folder; not read.")),
            chat=origin,
        )
        return
    for item in iter_path_items([target], max_file_bytes=max_file_bytes):
        yield replace(item, chat=origin)


def _failed(source: str, message: str) -> SourceItem:
    def read() -> bytes:
        raise SourceError(message)

    return SourceItem(source=source, read=read)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text_or_none(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _unix_utc(value: object) -> str | None:
    try:
        moment = datetime.fromtimestamp(int(str(value)), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_utc(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # a time without a zone cannot be said in UTC
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
