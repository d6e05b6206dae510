"""Where a picture in a chat export was posted: the chat, the message, its time and sender.

A scan of a Telegram Desktop or DiscordChatExporter export keeps these facts with each item,
so that the scan JSON, the evidence report and the notices can say which channel and which
message showed it, when and by whom (as the export shows them).
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from likeness_guard.core.domain.json_types import JsonDict


class ChatPlatform(enum.StrEnum):
    """Which app's export the facts come from (a JSON value)."""

    TELEGRAM = "telegram"
    DISCORD = "discord"

    @property
    def display_name(self) -> str:
        """The app's name as people know it (a name, not translated)."""
        return {"telegram": "Telegram", "discord": "Discord"}[self.value]


@dataclass(frozen=True)
class ChatOrigin:
    """One message of a chat export that carried the item."""

    platform: ChatPlatform
    chat_name: str  # the channel, group or conversation as the export names it
    chat_id: str | None
    message_id: str
    posted_at: str | None  # ISO 8601 UTC with a Z; None when the export gives no time
    sender: str | None  # as shown in the export (a display name, not an identity check)
    sender_id: str | None = None
    message_link: str | None = None  # an address that opens the message, where one exists
    export_file: str | None = None  # the export's JSON file, as evidence of where it came from


def chat_json(origin: ChatOrigin) -> JsonDict:
    """The chat facts as the scan JSON and the store write them."""
    return {
        "platform": str(origin.platform),
        "chat_name": origin.chat_name,
        "chat_id": origin.chat_id,
        "message_id": origin.message_id,
        "message_link": origin.message_link,
        "posted_at": origin.posted_at,
        "sender": origin.sender,
        "sender_id": origin.sender_id,
        "export_file": origin.export_file,
    }


def chat_from_json(data: Mapping[str, Any]) -> ChatOrigin:
    """The record `chat_json` wrote."""
    return ChatOrigin(
        platform=ChatPlatform(data["platform"]),
        chat_name=str(data["chat_name"]),
        chat_id=data.get("chat_id"),
        message_id=str(data["message_id"]),
        posted_at=data.get("posted_at"),
        sender=data.get("sender"),
        sender_id=data.get("sender_id"),
        message_link=data.get("message_link"),
        export_file=data.get("export_file"),
    )
